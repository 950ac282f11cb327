#!/usr/bin/env bash
# Online mode ("already registered?") against an index of a large registry: per-query latency.
#
#   bash bench/online.sh [RECORDS]      # default 1000000; needs python3
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-1000000}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
python3 bench/scale_set.py ../shared/data/dev "$N" "$WORK/set" >/dev/null
cargo bench -q -p mizalla-link --bench online -- "$WORK/set" 10000
