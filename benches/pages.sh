#!/usr/bin/env bash
# Page benchmark (issue 8): the event comparison page, an article page and the conflict list,
# served by the release binary against a data directory's private PostgreSQL cluster.
#
#     benches/pages.sh [DATA_DIR]          # default: $CLAIMDB_DATA_DIR, else ./claimdb-data
#
# 1. installs wrk (Debian package `wrk`) when missing and builds target/release/claimdb (the
#    binary is copied into the output folder, so a concurrent build cannot swap it mid-run);
# 2. starts the data directory's cluster (and stops it at the end if it was not running) and
#    picks the pages: the event with the most claims, the event with the median number of
#    claims, a typical article (the median number of claims, then the most versions) and the
#    first page of /conflicts;
# 3. turns on auto_explain (with ANALYZE) for new sessions, starts `claimdb serve` on a free
#    loopback port, sends ONE request per page (after one warm-up request each) and prints the
#    SQL statements it issued with their plans, flagging a `Seq Scan` on a large table; the two
#    event pages must issue as many statements as each other (no N+1); auto_explain is then
#    turned off again (also when the script is interrupted);
# 4. restarts `claimdb serve` and runs `wrk -t2 -c64 -d${DURATION}s --latency` on each page,
#    twice: with the page cache off (`--page-cache-seconds 0`: every request renders the page)
#    and as claimdb serves anonymous readers by default (copies at most CACHE_SECONDS old);
# 5. prints one summary table next to the targets (event page: p50 < 10 ms, >= 1,000 req/s).
#
# Environment: DURATION (seconds per page, 20), CONNECTIONS (64), THREADS (2), SKIP_BUILD=1,
# PLANS=0 (each statement's text and time instead of its whole plan), OUT (folder for the raw
# output; default a new folder under /tmp, named at the end), RUST_LOG (claimdb's log filter),
# CACHE_SECONDS (the served run's page cache, 2 as `claimdb serve`), MODES ("rendered cached").
set -euo pipefail

DURATION=${DURATION:-20}
CONNECTIONS=${CONNECTIONS:-64}
THREADS=${THREADS:-2}
CACHE_SECONDS=${CACHE_SECONDS:-2}
MODES=${MODES:-rendered cached}
PLANS=${PLANS:-1}
TARGET_P50_MS=10
TARGET_RPS=1000
# Tables whose sequential scan grows with the archive.
BIG_TABLES='claims|article_versions|articles|facts|fact_members|events'

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DATA_DIR=${1:-${CLAIMDB_DATA_DIR:-./claimdb-data}}
mkdir -p "$DATA_DIR"
DATA_DIR=$(cd "$DATA_DIR" && pwd)
OUT=${OUT:-$(mktemp -d /tmp/claimdb-pages.XXXXXX)}
mkdir -p "$OUT"
# The private cluster of DATA_DIR, never a server named by the environment.
unset DATABASE_URL PGHOST PGPORT PGDATABASE PGUSER PGOPTIONS

say() { printf '\n== %s\n' "$*" >&2; }
die() {
    printf 'pages.sh: %s\n' "$*" >&2
    exit 1
}

# --- tools ------------------------------------------------------------------------------------
need_pkg() { # command package
    command -v "$1" >/dev/null 2>&1 && return 0
    say "installing $2"
    local sudo=
    [ "$(id -u)" -eq 0 ] || sudo=sudo
    $sudo apt-get install -y "$2" >/dev/null 2>&1 ||
        { $sudo apt-get update >/dev/null && $sudo apt-get install -y "$2" >/dev/null; } ||
        die "cannot install $2 (apt-get install $2)"
}
need_pkg wrk wrk
need_pkg curl curl
need_pkg psql postgresql-client

if [ "${SKIP_BUILD:-0}" != 1 ]; then
    say "building target/release/claimdb"
    (cd "$ROOT" && cargo build --release --bin claimdb >&2)
fi
[ -x "$ROOT/target/release/claimdb" ] || die "target/release/claimdb is missing (cargo build --release)"
BIN=$OUT/claimdb
cp "$ROOT/target/release/claimdb" "$BIN"

# --- the cluster ------------------------------------------------------------------------------
CLUSTER_STARTED=0
SERVER_PID=
AUTO_EXPLAIN_ON=0
cleanup() {
    set +e
    stop_server
    [ "$AUTO_EXPLAIN_ON" = 1 ] && auto_explain off
    if [ "$CLUSTER_STARTED" = 1 ]; then
        "$BIN" --data-dir "$DATA_DIR" db stop >/dev/null 2>&1
    fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if ! "$BIN" --data-dir "$DATA_DIR" db status >/dev/null 2>&1; then
    say "starting the cluster of $DATA_DIR"
    "$BIN" --data-dir "$DATA_DIR" db start >/dev/null 2>&1 || die "claimdb db start failed"
    CLUSTER_STARTED=1
fi
# The cluster may live elsewhere (DATA_DIR/cluster-location); its socket is in CLUSTER/run.
CLUSTER=$DATA_DIR
if [ -s "$DATA_DIR/cluster-location" ]; then
    CLUSTER=$(tr -d '\n' <"$DATA_DIR/cluster-location")
fi
PGLOG=$CLUSTER/postgres.log
[ -S "$CLUSTER/run/.s.PGSQL.5432" ] || die "no PostgreSQL socket in $CLUSTER/run"
sql() { # database statement...: each its own query, in one session; values unaligned
    local db=$1 s args=()
    shift
    for s in "$@"; do args+=(-c "$s"); done
    psql -X -q -A -t -v ON_ERROR_STOP=1 -h "$CLUSTER/run" -p 5432 -U postgres -d "$db" "${args[@]}"
}

# --- the pages --------------------------------------------------------------------------------
say "picking the pages"
read -r CLAIMS_TOTAL EVENTS_TOTAL ARTICLES_TOTAL < <(sql claimdb \
    "SELECT (SELECT count(*) FROM claims), (SELECT count(*) FROM events),
            (SELECT count(*) FROM articles)" | tr '|' ' ')
[ "${EVENTS_TOTAL:-0}" -gt 0 ] || die "no events in $DATA_DIR: import a corpus first"
read -r BIG_EVENT BIG_EVENT_CLAIMS < <(sql claimdb \
    "SELECT event_id, count(*) FROM claims WHERE event_id IS NOT NULL
     GROUP BY event_id ORDER BY count(*) DESC, event_id LIMIT 1" | tr '|' ' ')
read -r MID_EVENT MID_EVENT_CLAIMS < <(sql claimdb \
    "WITH per AS (SELECT event_id, count(*) AS n FROM claims WHERE event_id IS NOT NULL
                  GROUP BY event_id)
     SELECT event_id, n FROM per
     WHERE n = (SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY n) FROM per)
     ORDER BY event_id LIMIT 1" | tr '|' ' ')
read -r ARTICLE ARTICLE_CLAIMS ARTICLE_VERSIONS < <(sql claimdb \
    "WITH per AS (SELECT v.article_id AS id, count(c.id) AS n, count(DISTINCT v.id) AS versions
                  FROM article_versions v LEFT JOIN claims c ON c.article_version_id = v.id
                  GROUP BY v.article_id)
     SELECT id, n, versions FROM per
     WHERE n = (SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY n) FROM per)
     ORDER BY versions DESC, id LIMIT 1" | tr '|' ' ')
printf 'data: %s claims, %s articles, %s events (%s)\n' \
    "$CLAIMS_TOTAL" "$ARTICLES_TOTAL" "$EVENTS_TOTAL" "$DATA_DIR" >&2
printf 'event %s has the most claims (%s), event %s the median (%s); article %s: %s claims in %s versions\n' \
    "$BIG_EVENT" "$BIG_EVENT_CLAIMS" "$MID_EVENT" "$MID_EVENT_CLAIMS" \
    "$ARTICLE" "$ARTICLE_CLAIMS" "$ARTICLE_VERSIONS" >&2

# name|path
PAGES=(
    "event (most claims)|/events/$BIG_EVENT"
    "event (median)|/events/$MID_EVENT"
    "article (typical)|/articles/$ARTICLE"
    "conflicts list|/conflicts"
)
slug() { printf '%s' "$1" | tr -c 'a-z0-9' '_'; }

# --- the server -------------------------------------------------------------------------------
PORT=
start_server() { # page cache seconds
    local log=$OUT/serve.log
    : >"$log"
    # Port 0: the system picks a free loopback port, and claimdb logs which (at info).
    RUST_LOG=${RUST_LOG:-info,actix_server=warn} "$BIN" --data-dir "$DATA_DIR" serve \
        --bind 127.0.0.1:0 --page-cache-seconds "$1" >>"$log" 2>&1 &
    SERVER_PID=$!
    PORT=
    for _ in $(seq 1 300); do
        kill -0 "$SERVER_PID" 2>/dev/null || {
            cat "$log" >&2
            die "claimdb serve exited"
        }
        PORT=$(sed 's/\x1b\[[0-9;]*m//g' "$log" | grep -o 'port=[0-9]*' | head -n1 | cut -d= -f2 || true)
        if [ -n "$PORT" ] && curl -fsS -o /dev/null "http://127.0.0.1:$PORT/healthz" 2>/dev/null; then
            return 0
        fi
        sleep 0.2
    done
    die "claimdb serve did not answer within 60 s (see $log; RUST_LOG must show info)"
}
stop_server() {
    if [ -n "$SERVER_PID" ]; then
        kill -TERM "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
        SERVER_PID=
    fi
}

# --- auto_explain -----------------------------------------------------------------------------
auto_explain() { # on|off, for sessions opened after the change
    # The module is loaded first so that ALTER SYSTEM knows its settings.
    local settings=(log_min_duration=0 log_analyze=on log_buffers=off log_timing=on
        log_nested_statements=off) statements=("LOAD 'auto_explain'") kv
    if [ "$1" = on ]; then
        statements+=("ALTER SYSTEM SET session_preload_libraries = 'auto_explain'")
        for kv in "${settings[@]}"; do
            statements+=("ALTER SYSTEM SET auto_explain.${kv%%=*} = '${kv#*=}'")
        done
        AUTO_EXPLAIN_ON=1
    else
        statements+=("ALTER SYSTEM RESET session_preload_libraries")
        for kv in "${settings[@]}"; do
            statements+=("ALTER SYSTEM RESET auto_explain.${kv%%=*}")
        done
        AUTO_EXPLAIN_ON=0
    fi
    sql postgres "${statements[@]}" "SELECT pg_reload_conf()" >/dev/null
}

fetch() { # path -> HTTP status; the body goes to $OUT/last.html
    curl -sS -o "$OUT/last.html" -w '%{http_code}' "http://127.0.0.1:$PORT$1"
}

# --- SQL per request --------------------------------------------------------------------------
# The statements one request issued are the auto_explain entries the log gained meanwhile
# (nothing else uses the cluster then). auto_explain sees every planned statement (SELECT,
# INSERT, ...), not BEGIN/COMMIT, which these read-only pages do not send.
declare -A QUERIES SELECT1 SEQSCANS SQLMS
say "SQL per request (auto_explain with ANALYZE: one request per page, after a warm-up request)"
auto_explain on
start_server 0
for page in "${PAGES[@]}"; do
    IFS='|' read -r name path <<<"$page"
    code=$(fetch "$path")
    [ "$code" = 200 ] || die "GET $path answered $code"
done
sleep 0.5
for page in "${PAGES[@]}"; do
    IFS='|' read -r name path <<<"$page"
    plans=$OUT/plans-$(slug "$name").txt
    before=$(stat -c %s "$PGLOG")
    code=$(fetch "$path")
    [ "$code" = 200 ] || die "GET $path answered $code"
    sleep 0.5
    # An entry starts with "LOG:  duration: … ms  plan:"; its lines after it are tab-indented.
    tail -c +"$((before + 1))" "$PGLOG" |
        awk '/^[^\t].*LOG:  duration: .* plan:/ {
                 n++; d = $0; sub(/.*duration: /, "", d); sub(/ ms.*/, "", d)
                 print "--- statement " n " (" d " ms):"; keep = 1; next }
             /^[^\t]/ { keep = 0 }
             keep' >"$plans"
    QUERIES[$name]=$(grep -c '^--- statement' "$plans" || true)
    SQLMS[$name]=$(awk -F'[()]' '/^--- statement/ { t += $2 } END { printf "%.2f", t }' "$plans")
    # r2d2 checks a connection with "SELECT 1" each time the pool lends it out.
    SELECT1[$name]=$(grep -cE '^\s*Query Text: SELECT 1$' "$plans" || true)
    SEQSCANS[$name]=$(grep -oE "Seq Scan on ($BIG_TABLES)\b" "$plans" | sort -u |
        sed 's/Seq Scan on //' | paste -sd, - || true)
    printf '\n### %s  GET %s: %s SQL statements (%s of them the pool'"'"'s SELECT 1), %s ms executing%s\n' \
        "$name" "$path" "${QUERIES[$name]}" "${SELECT1[$name]}" "${SQLMS[$name]}" \
        "$([ -n "${SEQSCANS[$name]}" ] && printf '  SEQ SCAN on %s' "${SEQSCANS[$name]}")"
    if [ "$PLANS" = 1 ]; then
        sed 's/^\t/    /' "$plans"
    else
        grep -E '^--- statement|^\s*Query Text:' "$plans" | sed 's/^\s*Query Text: /    /' | cut -c1-180
    fi
done
stop_server
auto_explain off
BOUNDED="event pages: ${QUERIES["event (most claims)"]} statements for $BIG_EVENT_CLAIMS claims, ${QUERIES["event (median)"]} for $MID_EVENT_CLAIMS"
if [ "${QUERIES["event (most claims)"]}" -le "${QUERIES["event (median)"]}" ]; then
    BOUNDED="$BOUNDED: bounded"
else
    BOUNDED="$BOUNDED: GROWS WITH THE EVENT (N+1)"
fi

# --- load -------------------------------------------------------------------------------------
to_ms() { # a wrk latency (812.00us, 4.31ms, 1.02s, 1.50m) in milliseconds
    awk -v v="$1" 'BEGIN {
        n = v + 0; u = v; sub(/^[0-9.]+/, "", u)
        if (u == "us") n /= 1000; else if (u == "s") n *= 1000; else if (u == "m") n *= 60000
        printf "%.2f", n }'
}
declare -A RPS P50 P99 ERRS
for mode in $MODES; do
    case $mode in
    rendered) seconds=0 ;;
    cached) seconds=$CACHE_SECONDS ;;
    *) die "MODES: rendered and/or cached, not $mode" ;;
    esac
    say "load ($mode: --page-cache-seconds $seconds): wrk -t$THREADS -c$CONNECTIONS -d${DURATION}s --latency"
    start_server "$seconds"
    for page in "${PAGES[@]}"; do
        IFS='|' read -r name path <<<"$page"
        key="$name|$mode"
        out=$OUT/wrk-$(slug "$name")-$mode.txt
        fetch "$path" >/dev/null
        printf '%s  GET %s (%s)\n' "$name" "$path" "$mode" >&2
        wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --latency "http://127.0.0.1:$PORT$path" \
            >"$out" 2>&1 || die "wrk failed on $path: $(cat "$out")"
        sed 's/^/    /' "$out" >&2
        RPS[$key]=$(awk '/^Requests\/sec:/ { printf "%.0f", $2 }' "$out")
        P50[$key]=$(to_ms "$(awk '$1 == "50%" { print $2 }' "$out")")
        P99[$key]=$(to_ms "$(awk '$1 == "99%" { print $2 }' "$out")")
        ERRS[$key]=$(awk '/Non-2xx or 3xx responses:/ { n += $NF }
                           /Socket errors:/ { gsub(/,/, ""); n += $4 + $6 + $8 + $10 }
                           END { print n + 0 }' "$out")
    done
    stop_server
done

# --- summary ----------------------------------------------------------------------------------
say "summary: $CLAIMS_TOTAL claims, $ARTICLES_TOTAL articles, $EVENTS_TOTAL events; wrk -t$THREADS -c$CONNECTIONS -d${DURATION}s; $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-20s %-14s %4s %8s %-11s %-9s %8s %9s %9s %6s  %s\n' \
    page path SQL 'SQL ms' 'seq scans' mode 'req/s' 'p50 ms' 'p99 ms' errors target
for page in "${PAGES[@]}"; do
    IFS='|' read -r name path <<<"$page"
    for mode in $MODES; do
        key="$name|$mode"
        target='-'
        if [[ $name == event* ]]; then
            ok=$(awk -v p="${P50[$key]}" -v r="${RPS[$key]}" -v tp="$TARGET_P50_MS" -v tr="$TARGET_RPS" \
                'BEGIN { print (p < tp && r >= tr) ? "met" : "missed" }')
            target="p50 < $TARGET_P50_MS ms and >= $TARGET_RPS req/s: $ok"
        fi
        printf '%-20s %-14s %4s %8s %-11s %-9s %8s %9s %9s %6s  %s\n' "$name" "$path" "${QUERIES[$name]}" \
            "${SQLMS[$name]}" "${SEQSCANS[$name]:-none}" "$mode" "${RPS[$key]}" "${P50[$key]}" \
            "${P99[$key]}" "${ERRS[$key]}" "$target"
    done
done
printf '\nrendered: --page-cache-seconds 0, every request runs the statements and the template;\n'
printf 'cached: as served to anonymous readers (copies at most %s s old, see README "Page cache").\n' "$CACHE_SECONDS"
printf '\nSQL: statements one request issues (the pool'"'"'s SELECT 1 included); SQL ms: their time in\n'
printf 'the executor under auto_explain ANALYZE (timing overhead included); seq scans: on %s.\n' \
    "${BIG_TABLES//|/, }"
printf '%s\n' "$BOUNDED"
printf 'Plans and wrk output: %s\n' "$OUT"
