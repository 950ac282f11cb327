#!/usr/bin/env bash
# What an import costs as the registry grows (issue 18): a registry of SIZE registrations is built
# member by member from a scale set (bench/scale_set.py), then a small list (dev-small's first
# file, ~600 rows) and a large one (dev's first file, ~14,000 rows) are imported by a new member
# each; time and peak memory of those two imports, on SQLite and PostgreSQL, for this build and,
# side by side in the same run, for a baseline build (MIZALLA_BASELINE_BIN, e.g. the last commit
# before incremental linking).
#
#   MIZALLA_BASELINE_BIN=/tmp/mizalla-before bash bench/increment.sh [SIZES…]   # default 50000 200000
#
# Needs python3, GNU time, bc and a running PostgreSQL (MIZALLA_BENCH_PG_URL).
set -euo pipefail
cd "$(dirname "$0")/.."
SIZES=${*:-50000 200000}
PG_ADMIN=${MIZALLA_BENCH_PG_URL:-postgres://postgres:postgres@127.0.0.1:5432/postgres}
cargo build --release -q -p mizalla-cli
BINS=("$PWD/target/release/mizalla")
[ -n "${MIZALLA_BASELINE_BIN:-}" ] && BINS+=("$MIZALLA_BASELINE_BIN")
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
SMALL=../shared/data/dev-small/ngo01.csv
LARGE=../shared/data/dev/ngo01.csv
rows() { echo $(( $(wc -l < "$1") - 1 )); }

# time_import BIN URL ORG FILE: one import, its wall time (s), peak memory (MiB) and how it linked.
time_import() {
  /usr/bin/time -f "%e %M" "$1" import --org "$3" "$4" --database-url "$2" 2>"$WORK/err" >/dev/null \
    || { cat "$WORK/err"; exit 1; }
  read -r t kib < <(tail -1 "$WORK/err")
  how=$(grep -q "(incremental)" "$WORK/err" && echo incremental || echo "whole registry")
  printf "%s %.0f %s\n" "$t" "$(echo "$kib / 1024" | bc -l)" "$how"
}

echo "| registry | backend | build | file rows | time s | peak MiB | linked |"
echo "|---|---|---|---|---|---|---|"
for n in $SIZES; do
  python3 bench/scale_set.py ../shared/data/dev "$n" "$WORK/set" >/dev/null
  for backend in sqlite postgres; do
    for bin in "${BINS[@]}"; do
      build=$([ "$bin" = "${BINS[0]}" ] && echo this || echo baseline)
      if [ $backend = sqlite ]; then
        rm -f "$WORK"/registry.db*
        url="sqlite://$WORK/registry.db"
      else
        db="mizalla_increment_bench_$$"
        psql "$PG_ADMIN" -q -c "DROP DATABASE IF EXISTS $db" >/dev/null
        psql "$PG_ADMIN" -q -c "CREATE DATABASE $db" >/dev/null
        url="${PG_ADMIN%/*}/$db"
      fi
      for f in "$WORK"/set/ngo0*.csv; do
        code=$(basename "$f" .csv)
        "$bin" org add "$code" --name "$code" --database-url "$url" >/dev/null
        "$bin" import --org "$code" "$f" --database-url "$url" 2>"$WORK/err" >/dev/null || { cat "$WORK/err"; exit 1; }
      done
      "$bin" org add small --name small --database-url "$url" >/dev/null
      "$bin" org add large --name large --database-url "$url" >/dev/null
      for what in small large; do
        file=$([ $what = small ] && echo "$SMALL" || echo "$LARGE")
        read -r t mib how < <(time_import "$bin" "$url" "$what" "$file")
        printf "| %d | %s | %s | %d | %.2f | %s | %s |\n" "$n" "$backend" "$build" "$(rows "$file")" "$t" "$mib" "$how"
      done
      [ $backend = postgres ] && psql "$PG_ADMIN" -q -c "DROP DATABASE $db" >/dev/null
    done
  done
  rm -rf "$WORK/set"
done
