#!/usr/bin/env bash
# Benchmarks the claims CSV export against the two ways around it:
#
#   1. claimdb export claims > /dev/null        (the release binary; peak RSS by /usr/bin/time)
#   2. psql \copy (SELECT <the same columns, the same joins>) TO STDOUT CSV HEADER
#   3. Datasette serving a SQLite copy of the same rows, the whole CSV streamed over HTTP
#      (/claims/claims.csv?_stream=on&_size=max), which is what a data journalist would
#      otherwise use
#
# Each is run RUNS times (default 3), interleaved, and the median wall-clock time is reported
# with rows/s, claimdb's peak RSS and the ratios claimdb/psql and claimdb/Datasette, next to
# the targets (>= 0.5x psql, peak RSS < 100 MB). Before timing, one untimed run of each is
# saved and checked: the three must give the same number of rows as `SELECT count(*) FROM
# claims` and the same header (so the \copy query below must follow a column appended to
# CLAIMS_HEADER in src/db/export.rs). A missed target is reported, not an error: the script exits
# non-zero only when something fails.
#
# Usage: benches/export.sh [DATA_DIR]
#   DATA_DIR       a claimdb data directory (default $CLAIMDB_DATA_DIR, else ./claimdb-data);
#                  its cluster is started if it is not running, and then stopped at the end
#   DATABASE_URL   when set, used instead of a data directory (by claimdb and psql)
#   RUNS           timed runs of each (default 3)
#   DATASETTE_VENV where Datasette is installed from PyPI (default /tmp/claimdb-datasette-venv;
#                  reused when present)
#
# Needs psql, sqlite3, curl and python3; installs `time` with apt-get when /usr/bin/time is
# missing and builds target/release/claimdb when it is missing.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CLAIMDB="$ROOT/target/release/claimdb"
RUNS=${RUNS:-3}
VENV=${DATASETTE_VENV:-/tmp/claimdb-datasette-venv}
RSS_TARGET_MB=100
PSQL_TARGET=0.5

die() {
    echo "export.sh: $*" >&2
    exit 1
}

[[ $RUNS =~ ^[1-9][0-9]*$ ]] || die "RUNS must be a positive integer (got '$RUNS')"
for tool in psql sqlite3 curl python3; do
    command -v "$tool" >/dev/null || die "$tool is needed"
done

if [[ ! -x /usr/bin/time ]]; then
    echo "installing GNU time (for peak RSS)..." >&2
    sudo=()
    [[ $(id -u) -eq 0 ]] || sudo=(sudo)
    "${sudo[@]}" apt-get install -y -qq time >/dev/null ||
        { "${sudo[@]}" apt-get update -qq && "${sudo[@]}" apt-get install -y -qq time >/dev/null; }
fi

if [[ ! -x $CLAIMDB ]]; then
    echo "building $CLAIMDB..." >&2
    (cd "$ROOT" && cargo build --release --bin claimdb)
fi

WORK=$(mktemp -d /tmp/claimdb-export-bench.XXXXXX)
DATASETTE_PID=
STOP_CLUSTER=
cleanup() {
    local rc=$?
    if [[ -n $DATASETTE_PID ]]; then
        kill "$DATASETTE_PID" 2>/dev/null || true
        wait "$DATASETTE_PID" 2>/dev/null || true
    fi
    if [[ -n $STOP_CLUSTER ]]; then
        "$CLAIMDB" --data-dir "$STOP_CLUSTER" db stop >/dev/null 2>&1 ||
            echo "export.sh: could not stop the cluster of $STOP_CLUSTER" >&2
    fi
    rm -rf "$WORK"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- the database ---------------------------------------------------------------------------

CLAIMDB_ARGS=()
if [[ -n ${DATABASE_URL:-} ]]; then
    URL=$DATABASE_URL
    WHERE="DATABASE_URL"
else
    DATA_DIR=${1:-${CLAIMDB_DATA_DIR:-./claimdb-data}}
    [[ -d $DATA_DIR ]] || die "no data directory $DATA_DIR (give one, or set DATABASE_URL)"
    DATA_DIR=$(cd "$DATA_DIR" && pwd)
    CLAIMDB_ARGS=(--data-dir "$DATA_DIR")
    if ! "$CLAIMDB" "${CLAIMDB_ARGS[@]}" db status >/dev/null 2>&1; then
        STOP_CLUSTER=$DATA_DIR
    fi
    # "PostgreSQL is running for DIR (socket in SOCKET_DIR, log FILE)"; also when already running.
    started=$("$CLAIMDB" "${CLAIMDB_ARGS[@]}" db start 2>"$WORK/start.err") ||
        { cat "$WORK/start.err" >&2; die "could not start the cluster of $DATA_DIR"; }
    socket_dir=$(sed -n 's/.*(socket in \(.*\), log .*/\1/p' <<<"$started")
    [[ -n $socket_dir ]] || die "cannot read the socket directory from: $started"
    host=$(python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$socket_dir")
    URL="postgres://postgres@$host/claimdb"
    WHERE=$DATA_DIR
fi

PSQL=(psql -X -q -v ON_ERROR_STOP=1 "$URL")
CLAIMS=$("${PSQL[@]}" -tA -c "SELECT count(*) FROM claims") || die "cannot query $WHERE"
[[ $CLAIMS -gt 0 ]] || die "$WHERE holds no claims (import some first)"

# The columns and joins of claimdb's claims CSV (src/db/export.rs: CLAIMS_HEADER, claim_rows).
COPY_SQL='\copy (SELECT c.id AS claim_id, a.id AS article_id, v.number AS version,
    c.event_id, c.value, c.value_max, c.qualifier, c.measure, c.group_key AS "group",
    c.subject, c.source_text AS source, c.part_of_id AS part_of, o.name AS outlet,
    a.url AS article_url, a.title AS article_title, a.language, c.quote, c.status, c.origin,
    e.title AS event_title, s.name AS canonical_source,
    to_char(a.published_at AT TIME ZONE '"'UTC'"', '"'YYYY-MM-DD'"') AS published
  FROM claims c
  JOIN article_versions v ON v.id = c.article_version_id
  JOIN articles a ON a.id = v.article_id
  LEFT JOIN outlets o ON o.id = a.outlet_id
  LEFT JOIN events e ON e.id = c.event_id
  LEFT JOIN sources s ON s.id = c.source_id
  ORDER BY c.id) TO STDOUT CSV HEADER'
# psql reads a \copy meta-command up to the end of the line.
COPY_SQL=$(tr '\n' ' ' <<<"$COPY_SQL")

run_claimdb() { "$CLAIMDB" "${CLAIMDB_ARGS[@]}" export claims "$@" 2>>"$WORK/claimdb.err"; }
run_psql() { "${PSQL[@]}" -c "$COPY_SQL"; }

# Rows of a CSV file (fields may hold newlines), without the header.
csv_rows() {
    python3 -c 'import csv, sys
with open(sys.argv[1], newline="", encoding="utf-8") as f:
    print(sum(1 for _ in csv.reader(f)) - 1)' "$1"
}

check_rows() { # NAME FILE
    local rows header
    rows=$(csv_rows "$2")
    [[ $rows -eq $CLAIMS ]] || die "$1 gave $rows rows, the claims table holds $CLAIMS"
    header=$(head -n 1 "$2" | tr -d '\r')
    [[ $header == "$(head -n 1 "$WORK/claimdb.csv")" ]] ||
        die "$1 has another header than claimdb's: $header"
}

now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.4f", b - a }'; }
median() {
    printf '%s\n' "$@" | sort -g |
        awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.4f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

echo "claims CSV export of $WHERE: $CLAIMS claims, median of $RUNS runs" >&2

# --- untimed checks: row counts, headers, bytes ---------------------------------------------

run_claimdb >"$WORK/claimdb.csv" || { cat "$WORK/claimdb.err" >&2; die "claimdb export failed"; }
check_rows "claimdb export" "$WORK/claimdb.csv"
run_psql >"$WORK/psql.csv" || die "psql \\copy failed"
check_rows "psql \\copy" "$WORK/psql.csv"
if cmp -s "$WORK/claimdb.csv" "$WORK/psql.csv"; then
    same_psql="byte for byte the same as claimdb's"
else
    same_psql="NOT byte for byte the same as claimdb's (same rows and header)"
fi

# --- Datasette on a SQLite copy -------------------------------------------------------------

if [[ ! -x $VENV/bin/datasette ]]; then
    echo "installing Datasette into $VENV..." >&2
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install -q datasette >&2
fi

# claim_id is the primary key (Datasette pages by it), the ids are integers, empty is NULL.
t0=$(now)
columns=$(head -n 1 "$WORK/claimdb.csv" | tr -d '\r')
python3 - "$WORK/claims.db" "$columns" <<'PY' | sqlite3 -bail "$WORK/claims.db"
import sys
cols = sys.argv[2].split(",")
ints = {"article_id", "version", "event_id", "value", "value_max", "part_of"}
decl = []
for c in cols:
    q = '"' + c.replace('"', '""') + '"'
    decl.append(q + (" INTEGER PRIMARY KEY" if c == "claim_id" else " INTEGER" if c in ints else " TEXT"))
print("CREATE TABLE claims (" + ", ".join(decl) + ");")
PY
sqlite3 -bail "$WORK/claims.db" ".import --csv --skip 1 $WORK/claimdb.csv claims"
python3 - "$columns" <<'PY' | sqlite3 -bail "$WORK/claims.db"
import sys
cols = [c for c in sys.argv[1].split(",") if c != "claim_id"]
q = lambda c: '"' + c.replace('"', '""') + '"'
print("UPDATE claims SET " + ", ".join(f"{q(c)} = NULLIF({q(c)}, '')" for c in cols) + ";")
PY
sqlite_secs=$(since "$t0")
sqlite_rows=$(sqlite3 "$WORK/claims.db" "SELECT count(*) FROM claims")
[[ $sqlite_rows -eq $CLAIMS ]] || die "the SQLite copy holds $sqlite_rows rows, not $CLAIMS"

PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
# max_csv_mb 0: no cap on the streamed CSV (it is 100 MB by default, then truncates).
"$VENV/bin/datasette" serve "$WORK/claims.db" --host 127.0.0.1 --port "$PORT" \
    --setting max_csv_mb 0 >"$WORK/datasette.log" 2>&1 &
DATASETTE_PID=$!
BASE="http://127.0.0.1:$PORT"
for _ in $(seq 1 150); do
    curl -sf -o /dev/null "$BASE/-/versions.json" && break
    kill -0 "$DATASETTE_PID" 2>/dev/null || { cat "$WORK/datasette.log" >&2; die "datasette did not start"; }
    sleep 0.2
done
curl -sf -o /dev/null "$BASE/-/versions.json" || die "datasette does not answer on $BASE"
CSV_URL="$BASE/claims/claims.csv?_stream=on&_size=max"
run_datasette() { curl -sSf "$CSV_URL"; }
run_datasette >"$WORK/datasette.csv" || die "the Datasette CSV download failed"
check_rows "datasette" "$WORK/datasette.csv"
if cmp -s "$WORK/claimdb.csv" "$WORK/datasette.csv"; then
    same_ds="byte for byte the same as claimdb's"
elif cmp -s "$WORK/claimdb.csv" <(tr -d '\r' <"$WORK/datasette.csv"); then
    same_ds="the same as claimdb's but for CRLF line ends"
else
    same_ds="NOT the same text as claimdb's (same rows and header)"
fi

# --- timed runs, interleaved ----------------------------------------------------------------

cdb_t=() psql_t=() ds_t=() empty_t=() rss=()
for ((i = 1; i <= RUNS; i++)); do
    t0=$(now)
    /usr/bin/time -f %M -o "$WORK/rss" "$CLAIMDB" "${CLAIMDB_ARGS[@]}" export claims \
        >/dev/null 2>>"$WORK/claimdb.err" || { cat "$WORK/claimdb.err" >&2; die "claimdb export failed"; }
    cdb_t+=("$(since "$t0")")
    rss+=("$(tail -n 1 "$WORK/rss")")

    t0=$(now)
    run_psql >/dev/null || die "psql \\copy failed"
    psql_t+=("$(since "$t0")")

    t0=$(now)
    run_datasette >/dev/null || die "the Datasette CSV download failed"
    ds_t+=("$(since "$t0")")

    # The fixed cost of a claimdb command: an export that matches nothing.
    t0=$(now)
    run_claimdb --article 9223372036854775807 >/dev/null || die "claimdb export failed"
    empty_t+=("$(since "$t0")")
done

cdb=$(median "${cdb_t[@]}")
psq=$(median "${psql_t[@]}")
ds=$(median "${ds_t[@]}")
empty=$(median "${empty_t[@]}")
rss_kb=$(printf '%s\n' "${rss[@]}" | sort -n | tail -n 1)

# --- report ---------------------------------------------------------------------------------

awk -v n="$CLAIMS" -v runs="$RUNS" -v cdb="$cdb" -v psq="$psq" -v ds="$ds" -v empty="$empty" \
    -v rss_kb="$rss_kb" -v rss_target="$RSS_TARGET_MB" -v psql_target="$PSQL_TARGET" \
    -v sqlite_secs="$sqlite_secs" -v same_psql="$same_psql" -v same_ds="$same_ds" '
function rate(t) { return t > 0 ? n / t : 0 }
function line(name, t) { printf "%-22s %10d %10.3f %12.0f\n", name, n, t, rate(t) }
function verdict(ok) { return ok ? "met" : "MISSED" }
BEGIN {
    rss_mb = rss_kb / 1024
    vs_psql = cdb > 0 ? psq / cdb : 0
    vs_ds = cdb > 0 ? ds / cdb : 0
    printf "claims CSV export: %d rows, median of %d runs\n\n", n, runs
    printf "%-22s %10s %10s %12s\n", "", "rows", "seconds", "rows/s"
    line("claimdb export", cdb)
    line("psql \\copy", psq)
    line("datasette CSV stream", ds)
    printf "\n"
    printf "claimdb peak RSS           %8.1f MB   (target < %d MB: %s)\n", rss_mb, rss_target, verdict(rss_mb < rss_target)
    printf "claimdb / psql speed       %8.2fx     (target >= %.1fx psql: %s)\n", vs_psql, psql_target, verdict(vs_psql >= psql_target)
    printf "claimdb / datasette speed  %8.2fx\n", vs_ds
    printf "\n"
    printf "claimdb fixed cost (an export of 0 rows): %.3f s\n", empty
    printf "SQLite copy for Datasette built in %.2f s (not timed above)\n", sqlite_secs
    printf "psql CSV: %s; Datasette CSV: %s\n", same_psql, same_ds
}'
