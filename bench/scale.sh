#!/usr/bin/env bash
# How `mizalla dedup` grows from 50k to 1M records: time and peak memory on scale sets built from
# dev by bench/scale_set.py (replicas with other names, IDs and phones; no truth files).
#
#   bash bench/scale.sh [SIZES…]        # default: 50019 100038 250000 500000 1000000
set -euo pipefail
cd "$(dirname "$0")/.."
SIZES=${*:-50019 100038 250000 500000 1000000}
cargo build --release -q
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
echo "| records | time s | records/s | peak memory MiB | persons | candidate pairs |"
echo "|---|---|---|---|---|---|"
for n in $SIZES; do
  python3 bench/scale_set.py ../shared/data/dev "$n" "$WORK/set" >/dev/null
  /usr/bin/time -v target/release/mizalla dedup "$WORK"/set/ngo0*.csv --out "$WORK/out.csv" 2>"$WORK/err"
  t=$(awk -F': ' '/Elapsed \(wall clock\)/ {split($2, a, ":"); print a[1] * 60 + a[2]}' "$WORK/err")
  mem=$(awk -F': ' '/Maximum resident set size/ {printf "%.0f", $2 / 1024}' "$WORK/err")
  persons=$(awk '/^persons:/ {print $2}' "$WORK/err")
  pairs=$(awk '/^candidate pairs:/ {print $3}' "$WORK/err")
  printf "| %d | %.1f | %.0f | %s | %s | %s |\n" "$n" "$t" "$(echo "$n / $t" | bc -l)" "$mem" "$persons" "$pairs"
  rm -rf "$WORK/set"
done
