#!/usr/bin/env bash
# Search benchmark: 100,000 posts in five languages across the working groups (bench/search-seed.sql),
# then p50/p99 of single-word, multi-word, phrase and filtered searches at 16 concurrent readers
# (wrk, each request a query drawn at random from a list), and the time from a post's commit to it
# being findable. Run from the repository root:   bash bench/search.sh | tee /tmp/bench-search.txt
# See bench/README.md and bench/SEARCH.md.
#
# Environment (all optional):
#   BENCH_PORT            Agora's HTTP port (default: first free port from 18580)
#   BENCH_JAVA_OPTS       the server's JVM options (default "-Xmx512m")
#   BENCH_SKIP_BUILD      1 to reuse target/agora-*.jar and target/lib from an earlier build
#   BENCH_JAR_DIR         directory holding agora-*.jar and lib/ to run instead of target/ (e.g. a build
#                         from before a change, to compare CPU per request; no build then)
#   BENCH_SEARCH_POSTS    posts to seed (default 100000)
#   BENCH_CONNECTIONS     concurrent readers (default 16)
#   BENCH_DURATION        measured time per kind of query (default 20s)
#   BENCH_WARMUP          discarded warm-up per kind of query (default 5s)
#   BENCH_WARMUP_ALL      discarded warm-up over every kind of query, before the first row (default 60s: with
#                         15 s the first row still paid for the JIT compiling the page, SEARCH.md "Stop 15")
#   BENCH_SEARCH_PATH     /search (the results page, default) or /api/v1/search (JSON)
#   BENCH_FINDABLE        posts made to time commit-to-findable (default 20)
set -euo pipefail

# shellcheck source=bench/common.sh
source "$(dirname "$0")/common.sh"

JAVA_OPTS=${BENCH_JAVA_OPTS:--Xmx512m}
POSTS=${BENCH_SEARCH_POSTS:-100000}
CONNECTIONS=${BENCH_CONNECTIONS:-16}
DURATION=${BENCH_DURATION:-20s}
WARMUP=${BENCH_WARMUP:-5s}
WARMUP_ALL=${BENCH_WARMUP_ALL:-60s}
SEARCH_PATH=${BENCH_SEARCH_PATH:-/search}
FINDABLE=${BENCH_FINDABLE:-20}
SIGN_IN_AS=demo-jonas

[[ -f pom.xml && -f bench/search-seed.sql ]] || die "run from the repository root: bash bench/search.sh"
for tool in java mvn curl awk sed grep psql wrk; do
  command -v "$tool" >/dev/null || die "$tool is required (Debian: apt-get install wrk postgresql-client)"
done

WORK=$(mktemp -d -t agora-search.XXXXXX)
APP_PID=""
cleanup() {
  local rc=$?
  if [[ -n $APP_PID ]] && kill -0 "$APP_PID" 2>/dev/null; then
    log "stopping Agora (pid $APP_PID)"
    bench_stop_agora || kill -KILL "$APP_PID" 2>/dev/null || true
  fi
  if [[ $rc -ne 0 && -f $WORK/agora.log ]]; then
    log "last lines of Agora's log:"; tail -n 30 "$WORK/agora.log" >&2 || true
  fi
  rm -rf "$WORK"
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

bench_build
bench_choose_port 18580
log "starting Agora on port $PORT (fresh embedded PostgreSQL in $WORK/data)"
# 100,000 posts: the embedded PostgreSQL's small-server default (64 MB) would not hold their index; the earlier runs
# in SEARCH.md had 256 MB (BENCH_SHARED_BUFFERS changes it)
bench_start_agora agora AGORA_DB_SHARED_BUFFERS="${BENCH_SHARED_BUFFERS:-256MB}"
[[ -n $PG_PORT ]] || die "the embedded PostgreSQL's port is not in Agora's log"
psql_agora() { psql -X -q -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres "$@"; }

# ---------------------------------------------------------------- seed
log "seeding $POSTS posts (bench/search-seed.sql)"
SEED_START=$(date +%s)
psql_agora -v posts="$POSTS" -f bench/search-seed.sql >"$WORK/seed.log" 2>&1 || { cat "$WORK/seed.log" >&2; die "seeding failed"; }
SEED_S=$(( $(date +%s) - SEED_START ))
# what autovacuum would do in the first minute after the seed, done now: otherwise its vacuum and analyze of
# 100,000 fresh posts run during the first row and are counted as PostgreSQL's CPU per search
psql_agora -c "VACUUM ANALYZE" >>"$WORK/seed.log" 2>&1 || die "VACUUM ANALYZE after the seed failed"
TOTAL_POSTS=$(psql_agora -A -t -c "SELECT count(*) FROM posts")
BY_LANGUAGE=$(psql_agora -A -t -F '=' -c "SELECT language, count(*) FROM posts GROUP BY language ORDER BY language" | tr '\n' ' ')
GROUP_COUNT=$(psql_agora -A -t -c "SELECT count(*) FROM working_groups WHERE archived_at IS NULL")
INDEX_MB=$(psql_agora -A -t -c "SELECT round(pg_relation_size(coalesce(to_regclass('posts_search_scope_idx'), to_regclass('posts_search_idx'))) / 1048576.0)")
SHARED_BUFFERS=$(psql_agora -A -t -c "SHOW shared_buffers")
log "seeded in ${SEED_S}s: $TOTAL_POSTS posts ($BY_LANGUAGE)"

COOKIE=$(bench_sign_in subject=$SIGN_IN_AS)
CSRF=$(bench_csrf "$COOKIE")
GROUP=reimbursement
FROM=$(date -u -d '365 days ago' +%F)

# ---------------------------------------------------------------- the queries
enc() { printf '%s' "$1" | jq -sRr @uri 2>/dev/null || python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1]))' "$1"; }
words=(reimbursement evidence interoperability telemonitoring cardiology remboursement évaluation santé
  données diabète Erstattung Gesundheitsanwendungen Datenschutz Leitlinien reembolso evaluación salud
  rimborso valutazione sicurezza)
multi=("reimbursement evidence" "digital health outcomes" "remboursement applications santé" "preuves cliniques"
  "Erstattung digitale Gesundheitsanwendungen" "Daten Sicherheit" "reembolso aplicaciones salud" "datos privacidad"
  "rimborso applicazioni" "valutazione economiche impatto")
phrases=('"health data"' '"clinical pathway"' '"données santé"' '"digitale Gesundheit"' '"datos salud"' '"dati salute"'
  '"reimbursement evidence"' '"patients applications"')
: >"$WORK/single.txt"; : >"$WORK/multi.txt"; : >"$WORK/phrase.txt"; : >"$WORK/filtered.txt"
for w in "${words[@]}"; do
  echo "$SEARCH_PATH?q=$(enc "$w")" >>"$WORK/single.txt"
  echo "$SEARCH_PATH?q=$(enc "$w")&kind=posts&group=$GROUP&from=$FROM" >>"$WORK/filtered.txt"
done
for w in "${multi[@]}"; do echo "$SEARCH_PATH?q=$(enc "$w")" >>"$WORK/multi.txt"; done
for w in "${phrases[@]}"; do echo "$SEARCH_PATH?q=$(enc "$w")" >>"$WORK/phrase.txt"; done
cat >"$WORK/random.lua" <<'LUA'
local paths = {}
function init(args)
  for line in io.lines(args[1]) do paths[#paths + 1] = line end
  math.randomseed(os.time() + math.floor(os.clock() * 1000000))
end
function request()
  return wrk.format("GET", paths[math.random(#paths)])
end
LUA

to_ms() { # wrk latency (850.00us, 1.86ms, 1.20s) -> milliseconds
  awk -v v="$1" 'BEGIN { if (v == "") { print "n/a"; exit }
    n = v + 0; u = v; sub(/^[0-9.]+/, "", u)
    f = (u == "us") ? 0.001 : (u == "ms") ? 1 : (u == "s") ? 1000 : (u == "m") ? 60000 : 1
    printf "%.1f", n * f }'
}

# CPU time (ms) spent so far by the JVM, and by the embedded PostgreSQL: the postmaster, its live
# children (backends, checkpointer, ...) and the children it has reaped (cutime, cstime).
TICK=$(getconf CLK_TCK)
PG_DATA_PID=$(find "$WORK/data" -name postmaster.pid 2>/dev/null | head -n 1)
PG_PID=$([[ -n $PG_DATA_PID ]] && head -n 1 "$PG_DATA_PID" || true)
[[ -n $PG_PID ]] || die "no postmaster.pid under $WORK/data"
stat_ticks() { # pid [with-children]: utime+stime (+cutime+cstime) in clock ticks; fields after the ") "
  sed 's/^.*) //' "/proc/$1/stat" 2>/dev/null | awk -v c="${2:-0}" '{ t = $12 + $13; if (c) t += $14 + $15; print t }' || echo 0
}
jvm_cpu_ms() { echo $(( $(stat_ticks "$APP_PID") * 1000 / TICK )); }
pg_cpu_ms() {
  local total child
  total=$(stat_ticks "$PG_PID" 1)
  for child in $(ps -o pid= --ppid "$PG_PID"); do total=$(( total + $(stat_ticks "$child") )); done
  echo $(( total * 1000 / TICK ))
}

ROWS=()
measure() { # label list-file
  local label=$1 list=$2 out first code rps p50 p90 p99 non2xx errors reqs hits jvm0 pg0 jvm_ms pg_ms
  first=$(head -n 1 "$list")
  code=$(curl -s -o "$WORK/first.html" -w '%{http_code}' -H "Cookie: $COOKIE" "$BASE$first")
  [[ $code == 200 ]] || die "$label: $first answers $code"
  hits=$(curl -s -H "Cookie: $COOKIE" "$BASE/api/v1/search?${first#*\?}" | sed -n 's/.*"total":\([0-9]*\).*/\1/p')
  log "$label: warm-up $WARMUP, then $DURATION at $CONNECTIONS readers ($(wc -l <"$list") queries, e.g. $first: ${hits:-?} results)"
  wrk -t2 -c"$CONNECTIONS" -d"$WARMUP" -H "Cookie: $COOKIE" -s "$WORK/random.lua" "$BASE" -- "$list" >/dev/null
  jvm0=$(jvm_cpu_ms); pg0=$(pg_cpu_ms)
  out=$(wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --latency -H "Cookie: $COOKIE" -s "$WORK/random.lua" "$BASE" -- "$list")
  jvm_ms=$(( $(jvm_cpu_ms) - jvm0 )); pg_ms=$(( $(pg_cpu_ms) - pg0 ))
  printf '%s\n' "$out" >"$WORK/wrk-$label.txt"
  rps=$(printf '%s\n' "$out" | awk '/^Requests\/sec:/ { printf "%.0f", $2 }')
  p50=$(to_ms "$(printf '%s\n' "$out" | awk '$1 == "50%" { print $2 }')")
  p90=$(to_ms "$(printf '%s\n' "$out" | awk '$1 == "90%" { print $2 }')")
  p99=$(to_ms "$(printf '%s\n' "$out" | awk '$1 == "99%" { print $2 }')")
  non2xx=$(printf '%s\n' "$out" | awk '/Non-2xx or 3xx responses:/ { print $NF }'); non2xx=${non2xx:-0}
  errors=$(printf '%s\n' "$out" | awk '/Socket errors:/ { gsub(",", ""); print $4 + $6 + $8 + $10 }'); errors=${errors:-0}
  reqs=$(printf '%s\n' "$out" | awk '/requests in/ { print $1 }')
  per() { awk -v ms="$1" -v n="${reqs:-0}" 'BEGIN { if (n > 0) printf "%.1f", ms / n; else print "n/a" }'; }
  ROWS+=("| $label | $(wc -l <"$list") | ${hits:-?} | $rps | $p50 | $p90 | $p99 | $non2xx | $errors | ${reqs:-n/a} | $(per "$jvm_ms") | $(per "$pg_ms") | $(per $((jvm_ms + pg_ms))) |")
  log "  -> $rps req/s, p50 $p50 ms, p99 $p99 ms; CPU per request: JVM $(per "$jvm_ms") ms, PostgreSQL $(per "$pg_ms") ms"
}

# one warm-up over every list first: the JVM compiles the search page's code during its first thousand
# requests or so, and that compilation was counted as the first row's (single-word) CPU per request
cat "$WORK/single.txt" "$WORK/multi.txt" "$WORK/phrase.txt" "$WORK/filtered.txt" >"$WORK/all.txt"
log "warm-up over every query: $WARMUP_ALL"
wrk -t2 -c"$CONNECTIONS" -d"$WARMUP_ALL" -H "Cookie: $COOKIE" -s "$WORK/random.lua" "$BASE" -- "$WORK/all.txt" >/dev/null
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
measure single-word "$WORK/single.txt"
measure multi-word "$WORK/multi.txt"
measure phrase "$WORK/phrase.txt"
measure "filtered (kind, group, from)" "$WORK/filtered.txt"
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)
# memory after the runs (issue 18): the JVM's resident set, and PostgreSQL's proportional set size summed over
# the postmaster and its children (shared buffers counted once, split among the processes that touched them)
pss_kb() { awk '/^Pss:/ { print $2; exit }' "/proc/$1/smaps_rollup" 2>/dev/null || echo 0; }
JVM_RSS_MB=$(awk '/^VmRSS:/ { printf "%.0f", $2 / 1024 }' "/proc/$APP_PID/status")
PG_PSS_KB=$(pss_kb "$PG_PID")
for child in $(ps -o pid= --ppid "$PG_PID"); do PG_PSS_KB=$(( PG_PSS_KB + $(pss_kb "$child") )); done

# ---------------------------------------------------------------- commit to findable
log "timing commit to findable over $FINDABLE posts"
THREAD_ID=$(curl -s -H "Cookie: $COOKIE" "$BASE/api/v1/groups/$GROUP/threads" | grep -o '"id" *: *[0-9]*' | head -n 1 | grep -o '[0-9]*$')
[[ -n $THREAD_ID ]] || die "no thread in $GROUP"
: >"$WORK/findable.txt"
now_ms() { date +%s%3N; }
for n in $(seq 1 "$FINDABLE"); do
  word="findable$(date +%s%N | sha256sum | tr -dc 'a-z' | head -c 12)"
  start=$(now_ms)
  code=$(curl -s -o /dev/null -w '%{http_code}' -X POST -H "Cookie: $COOKIE" -H "X-CSRF-Token: $CSRF" \
    -H 'Content-Type: application/json' --data-binary "{\"body\":\"A new post about $word.\",\"language\":\"english\"}" \
    "$BASE/api/v1/threads/$THREAD_ID/posts")
  [[ $code == 201 ]] || die "posting answered $code"
  committed=$(now_ms)
  polls=0
  until curl -s -H "Cookie: $COOKIE" "$BASE/api/v1/search?q=$word" | grep -q '"total":1,'; do
    polls=$((polls + 1)); (( polls < 500 )) || die "$word not findable after 500 searches"
  done
  found=$(now_ms)
  echo "$((found - committed)) $((found - start)) $polls" >>"$WORK/findable.txt"
done
pct() { sort -n | awk -v p="$1" '{ a[NR] = $1 } END { i = int((NR - 1) * p / 100) + 1; print a[i] }'; }
F_P50=$(awk '{ print $1 }' "$WORK/findable.txt" | pct 50)
F_MAX=$(awk '{ print $1 }' "$WORK/findable.txt" | pct 100)
R_P50=$(awk '{ print $2 }' "$WORK/findable.txt" | pct 50)
RETRIES=$(awk '{ s += $3 } END { print s + 0 }' "$WORK/findable.txt")

# ---------------------------------------------------------------- report
CPU=$(awk -F': *' '/^model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null || echo unknown)
echo
echo "## Agora search benchmark"
echo
echo "$(date -u '+%Y-%m-%d %H:%M:%S UTC') · $(nproc) cores ($CPU) · $(awk '/MemTotal/ { printf "%.0f GB", $2 / 1048576 }' /proc/meminfo) RAM · $(java -version 2>&1 | head -n 1)"
echo "Load average before the runs: $LOAD_BEFORE; after: $LOAD_AFTER (wrk, Agora and PostgreSQL share these cores with whatever else runs)"
echo "$TOTAL_POSTS posts ($BY_LANGUAGE) in $GROUP_COUNT groups, seeded in ${SEED_S}s; posts' GIN index ${INDEX_MB} MB; PostgreSQL shared_buffers $SHARED_BUFFERS"
echo "Memory after the runs: Agora JVM RSS ${JVM_RSS_MB} MB; PostgreSQL PSS (postmaster and children) $(( PG_PSS_KB / 1024 )) MB"
echo "GET $SEARCH_PATH signed in as $SIGN_IN_AS · wrk -t2 -c$CONNECTIONS -d$DURATION --latency after a discarded $WARMUP warm-up · each request a query drawn at random from the row's list · JVM options: $JAVA_OPTS"
echo
echo "| queries | list | results (first query) | req/s | p50 ms | p90 ms | p99 ms | non-2xx | socket errors | requests | JVM CPU ms/req | PostgreSQL CPU ms/req | CPU ms/req |"
echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
printf '%s\n' "${ROWS[@]}"
echo
echo "Commit to findable ($FINDABLE posts through POST /api/v1/threads/:id/posts, each then searched for by its unique word until found):"
echo "from the POST's answer (its commit) to found: p50 ${F_P50} ms, max ${F_MAX} ms; from sending the POST to found: p50 ${R_P50} ms; searches that did not find it yet: $RETRIES"
