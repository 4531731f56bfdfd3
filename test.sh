#!/usr/bin/env bash
# Runs every test on a fresh Azurite of its own (ports 10100-10102, data in .azurite-test), then prints
# one summary line "N passed, N failed[, N skipped]". Exits non-zero when a test failed or none ran.
set -euo pipefail
cd "$(dirname "$0")"
. scripts/lib.sh

require_tools dotnet node npm
install_node_modules
install_test_models
echo "Restoring and building..."
dotnet build SyncFunctions.sln -c Release -nologo -v quiet

rm -rf .azurite-test TestResults
AZURITE_PID=
trap 'stop_pid "$AZURITE_PID"' EXIT
start_azurite .azurite-test 10100 10101 10102
SYNC_TEST_STORAGE=$(azurite_connection_string 10100 10101 10102)
export SYNC_TEST_STORAGE

set +e
dotnet test --solution SyncFunctions.sln -c Release --no-build --report-trx --results-directory "$PWD/TestResults" "$@"
test_exit=$?
set -e

node scripts/test-summary.js TestResults "$test_exit"
