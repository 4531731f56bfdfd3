#!/usr/bin/env bash
# Starts the service on this machine: Azurite (data in .azurite) and the local host on
# http://127.0.0.1:7071 in the Development environment. Ctrl-C stops both.
set -euo pipefail
cd "$(dirname "$0")"
. scripts/lib.sh

require_tools dotnet node npm
install_node_modules
echo "Restoring and building the local host..."
dotnet build src/Sync.LocalHost -c Release -nologo -v quiet

AZURITE_PID=
HOST_PID=
cleanup() {
  stop_pid "$HOST_PID"
  stop_pid "$AZURITE_PID"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if port_open 10000 || port_open 10001 || port_open 10002; then
  echo "Azure Storage ports 10000-10002 are already in use: using the Azurite (or emulator) that is running there."
else
  start_azurite .azurite 10000 10001 10002
  echo "Azurite started (data in .azurite)."
fi

ASPNETCORE_ENVIRONMENT=Development dotnet src/Sync.LocalHost/bin/Release/net10.0/Sync.LocalHost.dll &
HOST_PID=$!

healthy() { node -e "fetch('http://127.0.0.1:7071/health').then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))"; }
ready=
for _ in $(seq 1 120); do
  if ! kill -0 "$HOST_PID" 2>/dev/null; then
    echo "error: the local host exited during start-up." >&2
    exit 1
  fi
  if healthy; then
    ready=1
    break
  fi
  sleep 1
done
echo
if [ -n "$ready" ]; then
  echo "SyncFunctions is running at http://127.0.0.1:7071 (health: /health). Press Ctrl-C to stop."
else
  echo "warning: http://127.0.0.1:7071/health is not healthy yet; see the log above. Press Ctrl-C to stop."
fi

wait "$HOST_PID"
