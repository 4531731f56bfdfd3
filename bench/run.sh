#!/usr/bin/env bash
# Runs the end-to-end sync benchmark on a fresh Azurite of its own (ports 10200-10202).
# Usage: bench/run.sh [rows ...]   (default 100000 1000000); prints a markdown table for docs/benchmarks.md.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
require_tools dotnet node npm
install_node_modules
dotnet build bench/Sync.Bench -c Release -nologo -v quiet
rm -rf .azurite-bench
AZURITE_PID=
trap 'stop_pid "$AZURITE_PID"; rm -rf .azurite-bench' EXIT
start_azurite .azurite-bench 10200 10201 10202
SYNC_BENCH_STORAGE=$(azurite_connection_string 10200 10201 10202)
export SYNC_BENCH_STORAGE
bench/Sync.Bench/bin/Release/net10.0/Sync.Bench "$@"
