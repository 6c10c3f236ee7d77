#!/usr/bin/env bash
# Ingest rate at archive scale: `claimdb import` of generated articles (extraction, storage and
# incremental linking) into an empty database, then again once it holds BASE and 2×BASE articles.
#
#   benches/ingest.sh [DATA_DIR]            # default /tmp/claimdb-ingest-bench (wiped first)
#   SLICE=10000 BASE=100000 benches/ingest.sh
#
# Prints the rate of each measured slice of SLICE articles (0 → BASE → 2×BASE); target ≥ 300
# articles/s that does not fall as the database grows. The fill between the slices is imported
# the same way and its rate is printed too. Leaves the database in DATA_DIR (≈ 1M claims with the
# defaults), stopped, for benches/pages.sh and benches/export.sh.
set -euo pipefail

cd "$(dirname "$0")/.."
DATA_DIR=${1:-/tmp/claimdb-ingest-bench}
SLICE=${SLICE:-10000}
BASE=${BASE:-100000}
BIN=${CLAIMDB_BIN:-target/release/claimdb}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

[ -x "$BIN" ] || cargo build --release --quiet
rm -rf "$DATA_DIR"
mkdir -p "$DATA_DIR"
"$BIN" --data-dir "$DATA_DIR" db start >/dev/null

# Every file has its own seed, so slices and fills are different articles and events, and its
# own period: the archive grows over time (the generator files 30 articles a day), each file
# starting the day after the previous one's period ends, as new reports are about new events.
START=${START:-2000-01-01}
generated=0
gen() { # articles, name, seed
    local from
    from=$(date -u -d "$START + $((generated / 30)) days" +%F)
    "$BIN" generate --articles "$1" --out "$WORK/$2.jsonl" --seed "$3" --from "$from" >/dev/null
    generated=$((generated + $1))
}
gen "$SLICE" slice0 100
gen $((BASE - SLICE)) fill1 101
gen "$SLICE" slice1 102
gen $((BASE - SLICE)) fill2 103
gen "$SLICE" slice2 104

rates=()
run() { # name, label
  local n start end rate
  n=$(wc -l < "$WORK/$1.jsonl")
  start=$(date +%s.%N)
  "$BIN" --data-dir "$DATA_DIR" import "$WORK/$1.jsonl" 2>/dev/null | tail -1 >&2
  end=$(date +%s.%N)
  rate=$(awk -v n="$n" -v s="$start" -v e="$end" 'BEGIN { printf "%.0f", n / (e - s) }')
  printf '%-28s %7d articles in %7.1f s = %5d articles/s\n' "$2" "$n" \
    "$(awk -v s="$start" -v e="$end" 'BEGIN { print e - s }')" "$rate"
  [ "$3" = measured ] && rates+=("$rate")
  return 0
}

echo "ingest benchmark: slices of $SLICE generated articles (target >= 300 articles/s, flat)"
run slice0 "slice at 0" measured
run fill1 "fill to $BASE" fill
run slice1 "slice at $BASE" measured
run fill2 "fill to $((2 * BASE))" fill
run slice2 "slice at $((2 * BASE))" measured

url="postgres://postgres@$(python3 -c 'import sys,urllib.parse;print(urllib.parse.quote(sys.argv[1],safe=""))' "$DATA_DIR/run")/claimdb"
psql -At "$url" -c "SELECT 'stored: ' || (SELECT count(*) FROM articles) || ' articles, ' || \
  (SELECT count(*) FROM article_versions) || ' versions, ' || (SELECT count(*) FROM claims) || \
  ' claims, ' || (SELECT count(*) FROM events) || ' events, ' || \
  (SELECT count(*) FROM facts WHERE is_conflict) || ' conflicts'" || true
"$BIN" --data-dir "$DATA_DIR" db stop >/dev/null
echo "rates (0 -> $BASE -> $((2 * BASE))): ${rates[*]} articles/s;" \
  "last/first = $(awk -v a="${rates[0]}" -v b="${rates[2]}" 'BEGIN { printf "%.2f", b / a }')"
