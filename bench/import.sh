#!/usr/bin/env bash
# Import all of a labelled set (default ../shared/data/dev, 50k records, 8 members) member by
# member with `mizalla import`, on SQLite and on PostgreSQL, and score the registry against the
# truth next to `mizalla dedup` on the same files, in one run.
#
#   bash bench/import.sh [SET_DIR]     # needs python3, a running PostgreSQL (MIZALLA_BENCH_PG_URL)
set -euo pipefail
cd "$(dirname "$0")/.."
SET=${1:-../shared/data/dev}
PG_ADMIN=${MIZALLA_BENCH_PG_URL:-postgres://postgres:postgres@127.0.0.1:5432/postgres}
cargo build --release -q
BIN=$PWD/target/release/mizalla
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
files=("$SET"/ngo0*.csv)
records=$(( $(cat "${files[@]}" | wc -l) - ${#files[@]} ))
f1() { python3 "$SET/../score.py" "$1" --truth "$SET" | awk '/^F1/ {print $2}'; }

echo "| what | records | time s | records/s | person F1 |"
echo "|---|---|---|---|---|"
start=$(date +%s.%N)
$BIN dedup "${files[@]}" --out "$WORK/dedup.csv" 2>/dev/null
t=$(echo "$(date +%s.%N) - $start" | bc)
printf "| mizalla dedup (all files at once) | %d | %.1f | %.0f | %s |\n" "$records" "$t" "$(echo "$records / $t" | bc -l)" "$(f1 "$WORK/dedup.csv")"

pg_db="mizalla_import_bench_$$"
psql "$PG_ADMIN" -q -c "CREATE DATABASE $pg_db" >/dev/null
for backend in sqlite postgres; do
  if [ $backend = sqlite ]; then url="sqlite://$WORK/registry.db"; else url="${PG_ADMIN%/*}/$pg_db"; fi
  for f in "${files[@]}"; do
    code=$(basename "$f" .csv)
    $BIN org add "$code" --name "$code" --database-url "$url" >/dev/null
  done
  start=$(date +%s.%N)
  for f in "${files[@]}"; do
    $BIN import --org "$(basename "$f" .csv)" "$f" --database-url "$url" 2>"$WORK/import.log" || { cat "$WORK/import.log"; exit 1; }
  done
  t=$(echo "$(date +%s.%N) - $start" | bc)
  $BIN export registry --out "$WORK/registry.csv" --database-url "$url" 2>/dev/null
  cut -d, -f1,2 "$WORK/registry.csv" | sed '1s/person_id/cluster_id/' > "$WORK/persons.csv"
  printf "| mizalla import, member by member (%s) | %d | %.1f | %.0f | %s |\n" "$backend" "$records" "$t" "$(echo "$records / $t" | bc -l)" "$(f1 "$WORK/persons.csv")"
done
psql "$PG_ADMIN" -q -c "DROP DATABASE $pg_db" >/dev/null || true
