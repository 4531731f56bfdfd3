# Shared by run.sh and test.sh: checks the toolchain, installs what is missing, starts and stops Azurite.
# shellcheck shell=bash

# Azurite's fixed development account (documented, public; not a secret).
AZURITE_ACCOUNT_KEY="Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="

require_tools() {
  local missing=0
  for tool in "$@"; do
    if ! command -v "$tool" >/dev/null 2>&1; then
      echo "error: '$tool' is required but not installed." >&2
      missing=1
    fi
  done
  [ "$missing" -eq 0 ] || exit 1
}

# npm ci when node_modules is absent or older than the lock file.
install_node_modules() {
  if [ ! -x node_modules/.bin/azurite ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    echo "Installing Azurite (npm ci)..."
    npm ci --no-audit --no-fund --loglevel=error
  fi
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# start_azurite DATA_DIR BLOB_PORT QUEUE_PORT TABLE_PORT: starts Azurite in the background, sets AZURITE_PID.
# AZURITE_DEBUG=1 adds Azurite's request log (DATA_DIR/debug.log); off by default, since it grows without bound.
start_azurite() {
  local dir=$1 blob=$2 queue=$3 table=$4
  local debug=()
  if [ -n "${AZURITE_DEBUG:-}" ]; then debug=(--debug "$dir/debug.log"); fi
  mkdir -p "$dir"
  node_modules/.bin/azurite --silent --disableTelemetry --skipApiVersionCheck --loose \
    --location "$dir" "${debug[@]}" \
    --blobHost 127.0.0.1 --blobPort "$blob" --queueHost 127.0.0.1 --queuePort "$queue" \
    --tableHost 127.0.0.1 --tablePort "$table" >"$dir/azurite.out" 2>&1 &
  AZURITE_PID=$!
  for _ in $(seq 1 100); do
    if port_open "$blob" && port_open "$queue" && port_open "$table"; then
      return 0
    fi
    if ! kill -0 "$AZURITE_PID" 2>/dev/null; then
      echo "error: Azurite exited; see $dir/azurite.out" >&2
      cat "$dir/azurite.out" >&2
      return 1
    fi
    sleep 0.2
  done
  echo "error: Azurite did not open ports $blob/$queue/$table within 20 s" >&2
  return 1
}

azurite_connection_string() {
  local blob=$1 queue=$2 table=$3
  printf 'DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=%s;BlobEndpoint=http://127.0.0.1:%s/devstoreaccount1;QueueEndpoint=http://127.0.0.1:%s/devstoreaccount1;TableEndpoint=http://127.0.0.1:%s/devstoreaccount1;' \
    "$AZURITE_ACCOUNT_KEY" "$blob" "$queue" "$table"
}

stop_pid() {
  local pid=${1:-}
  [ -n "$pid" ] || return 0
  if kill -0 "$pid" 2>/dev/null; then
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.2; done
    kill -9 "$pid" 2>/dev/null || true
  fi
}

# apt-get install of Debian packages, refreshing the package lists when a fresh machine has none; as root, or through
# sudo where there is one. Fails when the packages cannot be installed.
apt_install() {
  local run=
  if [ "$(id -u)" != 0 ]; then
    command -v sudo >/dev/null 2>&1 || return 1
    run=sudo
  fi
  command -v apt-get >/dev/null 2>&1 || return 1
  $run apt-get install -y -q "$@" >/dev/null 2>&1 \
    || { $run apt-get update -q >/dev/null 2>&1 && $run apt-get install -y -q "$@" >/dev/null 2>&1; }
}

# Real sample files for the connector tests (Debian assimp-testmodels). Installed where apt-get may run;
# otherwise the tests that need them report themselves skipped and say why.
install_test_models() {
  [ -f /usr/share/assimp/models/IFC/AC14-FZK-Haus.ifc ] && return 0
  if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    echo "Installing real sample files (apt-get install assimp-testmodels)..."
    apt_install assimp-testmodels \
      || echo "warning: assimp-testmodels could not be installed; tests on real files will be skipped." >&2
  else
    echo "note: assimp-testmodels is not installed and apt-get cannot run here; tests on real files will be skipped." >&2
  fi
}
