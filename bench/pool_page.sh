#!/usr/bin/env bash
# The allocation proposal's time to show, for OFFERS offers × NEEDS needs drawn from a labelled
# registry (default ../shared/data/dev, imported member by member), on SQLite and PostgreSQL.
# The needs are drawn and the offers posted through the platform's own forms
# (bench/pool_page.py), then the secretariat runs the allocation RUNS times.
#
#   bash bench/pool_page.sh [SET_DIR]     # env: OFFERS (2000), NEEDS (20000), RUNS (5),
#                                          # BACKENDS ("sqlite postgres"), MIZALLA_BENCH_PG_URL
set -euo pipefail
cd "$(dirname "$0")/.."
SET=${1:-../shared/data/dev}
PG_ADMIN=${MIZALLA_BENCH_PG_URL:-postgres://postgres:postgres@127.0.0.1:5432/postgres}
cargo build --release -q -p mizalla-cli
BIN=$PWD/target/release/mizalla
WORK=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$WORK"' EXIT
files=("$SET"/ngo0*.csv)
PASSWORD=bench-password-1
port=18280
for backend in ${BACKENDS:-sqlite postgres}; do
  if [ $backend = sqlite ]; then
    url="sqlite://$WORK/pool.db"
  else
    psql -q "$PG_ADMIN" -c "DROP DATABASE IF EXISTS mizalla_bench_pool" -c "CREATE DATABASE mizalla_bench_pool" >/dev/null
    url="${PG_ADMIN%/*}/mizalla_bench_pool"
  fi
  export MIZALLA_LEDGER_KEY_FILE="$WORK/$backend.ledger-key"
  $BIN migrate --database-url "$url" >/dev/null
  echo "$PASSWORD" | $BIN user add admin@secretariat.bench --org secretariat --role secretariat_admin --database-url "$url" >/dev/null
  echo "$PASSWORD" | $BIN user add staff@secretariat.bench --org secretariat --role secretariat_staff --database-url "$url" >/dev/null
  members=()
  for f in "${files[@]}"; do
    code=$(basename "$f" .csv)
    $BIN org add "$code" --name "$code" --database-url "$url" >/dev/null
    $BIN import --org "$code" "$f" --database-url "$url" >/dev/null 2>&1
    echo "$PASSWORD" | $BIN user add "staff@$code.bench" --org "$code" --role member_staff --database-url "$url" >/dev/null
    members+=("staff@$code.bench")
  done
  if [ $backend = postgres ]; then psql -q "$url" -c "VACUUM ANALYZE" >/dev/null; fi
  port=$((port + 1))
  RUST_LOG=warn,mizalla::registry::online=info $BIN serve --database-url "$url" --listen "127.0.0.1:$port" >"$WORK/$backend.log" 2>&1 &
  for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/health" >/dev/null && break; sleep 0.2; done
  for _ in $(seq 1 300); do grep -q "registry ready" "$WORK/$backend.log" && break; sleep 0.2; done
  echo "$backend: $(python3 bench/pool_page.py "http://127.0.0.1:$port" staff@secretariat.bench \
    "$(IFS=,; echo "${members[*]}")" "$PASSWORD" --offers "${OFFERS:-2000}" --needs "${NEEDS:-20000}" --runs "${RUNS:-5}")"
  kill %% 2>/dev/null || true
  wait 2>/dev/null || true
done
psql -q "$PG_ADMIN" -c "DROP DATABASE IF EXISTS mizalla_bench_pool" >/dev/null 2>&1 || true
