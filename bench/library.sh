#!/usr/bin/env bash
# The knowledge library on DOCUMENTS generated documents (default 100,000): the retrieval test's
# quality and the indexing throughput beside a plain FTS5 index (crates/app/examples/library_bench.rs),
# then the search through the web API under load (wrk, CONNECTIONS connections for DURATION), on
# queries drawn from the documents and typed with spelling variants.
#
#   bash bench/library.sh          # env: DOCUMENTS (100000), DURATION (30s), CONNECTIONS ("1 2 4 10 50"),
#                                  # KEEP=DIR: keep (and reuse) the database and queries in DIR
set -euo pipefail
cd "$(dirname "$0")/.."
DOCUMENTS=${DOCUMENTS:-100000}
DURATION=${DURATION:-30s}
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk" >&2; exit 1; }
cargo build --release -q -p mizalla-cli
cargo build --release -q -p mizalla-app --example library_bench
BIN=$PWD/target/release/mizalla
if [ -n "${KEEP:-}" ]; then
  WORK=$KEEP; mkdir -p "$WORK"
  trap 'kill $(jobs -p) 2>/dev/null || true' EXIT
else
  WORK=$(mktemp -d)
  trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$WORK"' EXIT
fi
url="sqlite://$WORK/library.db"
./target/release/examples/library_bench "$url" "$DOCUMENTS" "$WORK/queries.txt" 2>/dev/null
echo "bench-password-1" | $BIN user add reader@secretariat.bench --org secretariat --role secretariat_staff --database-url "$url" >/dev/null 2>&1 || true
TOKEN=$($BIN token add reader@secretariat.bench --name "bench-$$" --database-url "$url" 2>/dev/null | tail -1)
port=18390
$BIN serve --listen 127.0.0.1:$port --database-url "$url" >"$WORK/server.log" 2>&1 &
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/health" >/dev/null && break; sleep 0.2; done
echo
echo "## Search through the web API (GET /api/v1/library?q=…, page of 20 with passages), $DURATION each"
echo
echo "| connections | requests/s | p50 ms | p90 ms | p99 ms | errors |"
echo "|---|---|---|---|---|---|"
for c in ${CONNECTIONS:-1 2 4 10 50}; do
  threads=$(( c < 2 ? c : 2 ))
  out=$(QUERIES="$WORK/queries.txt" TOKEN="$TOKEN" wrk -t"$threads" -c"$c" -d"$DURATION" --latency -s bench/library.lua "http://127.0.0.1:$port" 2>&1)
  rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
  ms() { echo "$out" | awk -v p="$1" '$1 == p {v=$2; if (v ~ /us$/) {sub("us","",v); v=v/1000} else if (v ~ /ms$/) {sub("ms","",v)} else if (v ~ /s$/) {sub("s","",v); v=v*1000}; printf "%.1f", v}'; }
  errors=$(echo "$out" | awk '/Non-2xx|Socket errors/ {print}' | tr '\n' ' ')
  echo "| $c | $rps | $(ms 50%) | $(ms 90%) | $(ms 99%) | ${errors:-0} |"
done
