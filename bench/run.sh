#!/usr/bin/env bash
# Runs a benchmark on a fresh Azurite of its own (ports 10200-10202); prints a markdown table for docs/benchmarks.md.
# Usage: bench/run.sh [rows ...]          engine sync of a CSV register (default 100000 1000000)
#        bench/run.sh --runs [files ...]  whole runs through the local host's orchestration (default 1 10 100 500)
#        bench/run.sh --formats [ifc products] [dxf entities]  IFC/DXF readers vs web-ifc/dxf-parser (default 100000 1000000)
#        bench/run.sh --gis [features] [glb nodes]   GeoJSON/Shapefile/GeoPackage/GLB parse vs changed-file sync (default 100000 10000)
#        bench/run.sh --index [rows]      first element query on a fresh host: replay vs checkpoint (default 900000)
#        bench/run.sh --load [seconds]    API reads under wrk load (2 threads, 32 connections): a client-like mix on one iModel and over 16, then each read alone, with CPU per request (default 15)
#        bench/run.sh --download [MB]     a manifest download vs a plain HttpClient download of the same bytes (default 200)
#        bench/run.sh --resync [n]        new file version → automatic run start, API uploads and direct blob writes (default 10)
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
require_tools dotnet node npm
install_node_modules
dotnet build bench/Sync.Bench -c Release -nologo -v quiet
dotnet build bench/Sync.RunBench -c Release -nologo -v quiet
dotnet build bench/Sync.FormatBench -c Release -nologo -v quiet
rm -rf .azurite-bench
AZURITE_PID=
trap 'stop_pid "$AZURITE_PID"; rm -rf .azurite-bench' EXIT
start_azurite .azurite-bench 10200 10201 10202
SYNC_BENCH_STORAGE=$(azurite_connection_string 10200 10201 10202)
export SYNC_BENCH_STORAGE
if [ "${1:-}" = "--formats" ]; then
  shift
  bench/Sync.FormatBench/bin/Release/net10.0/Sync.FormatBench "$@"
elif [ "${1:-}" = "--gis" ]; then
  bench/Sync.FormatBench/bin/Release/net10.0/Sync.FormatBench "$@"
elif [ "${1:-}" = "--index" ]; then
  bench/Sync.Bench/bin/Release/net10.0/Sync.Bench --index "${2:-900000}"
elif [ "${1:-}" = "--download" ] || [ "${1:-}" = "--resync" ] || [ "${1:-}" = "--load" ]; then
  if [ "${1:-}" = "--load" ] && ! command -v wrk >/dev/null; then
    echo "Installing wrk (apt-get)..."
    apt_install wrk || { echo "error: wrk is not installed and apt-get could not install it" >&2; exit 1; }
  fi
  bench/Sync.RunBench/bin/Release/net10.0/Sync.RunBench "$@"
elif [ "${1:-}" = "--runs" ]; then
  shift
  bench/Sync.RunBench/bin/Release/net10.0/Sync.RunBench "$@"
else
  bench/Sync.Bench/bin/Release/net10.0/Sync.Bench "$@"
fi
