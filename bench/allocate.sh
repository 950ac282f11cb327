#!/usr/bin/env bash
# `mizalla allocate` beside HiGHS (SciPy's linprog, method="highs") on the same instances, then
# alone at larger sizes. Needs: pip install scipy numpy; apt-get install hyperfine.
#   bash bench/allocate.sh                      # SIZES="800x8000 2000x20000" ALONE="…50000x1000000"
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-target/release/mizalla}
SIZES=${SIZES:-"800x8000 2000x20000"}
ALONE=${ALONE:-"6250x125000 12500x250000 25000x500000 50000x1000000"}
RUNS=${RUNS:-5}
WORK=${WORK:-/tmp/mizalla-allocate-bench}
cargo build --release -q -p mizalla-cli
mkdir -p "$WORK"

ours() { # dir → "score seconds_median max_rss_mib"
  local dir=$1
  "$BIN" allocate --offers "$dir/offers.csv" --needs "$dir/needs.csv" --out "$dir/out.csv" \
    >"$dir/summary.txt" 2>"$dir/stderr.txt"
  local score; score=$(sed -n 's/^total score //p' "$dir/summary.txt")
  hyperfine -N -w 1 -r "$RUNS" --export-json "$dir/hyperfine.json" \
    "$BIN allocate --offers $dir/offers.csv --needs $dir/needs.csv --out $dir/out.csv" >/dev/null
  local median; median=$(python3 -c "import json,sys;print(round(json.load(open(sys.argv[1]))['results'][0]['median'],3))" "$dir/hyperfine.json")
  /usr/bin/time -f '%M' -o "$dir/rss.txt" "$BIN" allocate --offers "$dir/offers.csv" \
    --needs "$dir/needs.csv" --out "$dir/out.csv" >/dev/null 2>/dev/null
  local rss; rss=$(tail -1 "$dir/rss.txt")
  echo "$score $median $((rss / 1024))"
}

echo "| offers × needs | allowed pairs | HiGHS score | mizalla score | HiGHS solve s | mizalla whole run s (median of $RUNS) | ratio | mizalla max RSS MiB |"
echo "|---|---|---|---|---|---|---|---|"
for size in $SIZES; do
  o=${size%x*}; n=${size#*x}; dir="$WORK/$size"
  python3 bench/allocate_instance.py make "$o" "$n" "$dir" >/dev/null
  read -r score median rss < <(ours "$dir")
  highs=$(python3 bench/allocate_instance.py highs "$dir")
  hscore=$(python3 -c "import json,sys;print(json.loads(sys.argv[1])['score'])" "$highs")
  hsolve=$(python3 -c "import json,sys;print(json.loads(sys.argv[1])['solve_s'])" "$highs")
  pairs=$(python3 -c "import json,sys;print(json.loads(sys.argv[1])['pairs_allowed'])" "$highs")
  ratio=$(python3 -c "print(round($hsolve/$median,1))")
  [ "$score" = "$hscore" ] || echo "SCORE DIFFERS at $size: mizalla $score, HiGHS $hscore"
  echo "| $o × $n | $pairs | $hscore | $score | $hsolve | $median | ${ratio}× | $rss |"
done
echo
echo "| offers × needs (alone) | mizalla whole run s (median of $RUNS) | max RSS MiB | read / solve (one run) |"
echo "|---|---|---|---|"
for size in $ALONE; do
  o=${size%x*}; n=${size#*x}; dir="$WORK/$size"
  python3 bench/allocate_instance.py make "$o" "$n" "$dir" >/dev/null
  read -r score median rss < <(ours "$dir")
  echo "| $o × $n | $median | $rss | $(cat "$dir/stderr.txt" | sed 's/, [0-9]* pairs written.*//') |"
done
