#!/usr/bin/env bash
# Page benchmark: a 50-post thread page and a group page, anonymous and signed in, with wrk.
# Run from the repository root:   bash bench/pages.sh
# See bench/README.md for what it measures and how to read the table.
#
# Environment (all optional):
#   BENCH_PORT        Agora's HTTP port (default: first free port from 18080)
#   BENCH_DURATION    length of each measured run (default 20s)
#   BENCH_WARMUP      length of the discarded warm-up run before each (default 3s)
#   BENCH_CONNECTIONS wrk connections (default 32)
#   BENCH_THREADS     wrk threads (default 2)
#   BENCH_JAVA_OPTS   extra JVM options, e.g. "-Xmx512m" (default none)
#   BENCH_SKIP_BUILD  1 to reuse target/agora-*.jar and target/lib from an earlier build
#   BENCH_JAR_DIR     directory holding agora-*.jar and lib/ to run instead of target/ (e.g. an older
#                     build kept for a before/after comparison); implies BENCH_SKIP_BUILD=1
#   BENCH_ONLY        a regular expression: only rows whose "page who" label matches are measured
#                     (the baseline row always is), e.g. BENCH_ONLY='page 1.*signed in'
set -euo pipefail

DURATION=${BENCH_DURATION:-20s}
WARMUP=${BENCH_WARMUP:-3s}
CONNECTIONS=${BENCH_CONNECTIONS:-32}
WRK_THREADS=${BENCH_THREADS:-2}
JAVA_OPTS=${BENCH_JAVA_OPTS:-}
GROUP=reimbursement
SIGN_IN_AS=demo-jonas
POSTS=50

log() { printf '[bench] %s\n' "$*" >&2; }
die() { printf '[bench] ERROR: %s\n' "$*" >&2; exit 1; }

[[ -f pom.xml && -d src/main/java ]] || die "run from the repository root: bash bench/pages.sh"
for tool in java mvn curl ps awk sed grep; do
  command -v "$tool" >/dev/null || die "$tool is required"
done
if ! command -v wrk >/dev/null; then
  if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
    log "installing wrk (Debian package)"
    apt-get install -y -q wrk >/dev/null 2>&1 || { apt-get update -q >/dev/null 2>&1 && apt-get install -y -q wrk >/dev/null 2>&1; }
  fi
  command -v wrk >/dev/null || die "wrk is required (Debian: apt-get install wrk)"
fi
HAVE_PSQL=0
command -v psql >/dev/null && HAVE_PSQL=1

WORK=$(mktemp -d -t agora-bench.XXXXXX)
# shellcheck source=bench/common.sh
source "$(dirname "$0")/common.sh"
APP_PID=""
cleanup() {
  local rc=$?
  if [[ -n $APP_PID ]] && kill -0 "$APP_PID" 2>/dev/null; then
    log "stopping Agora (pid $APP_PID)"
    kill -TERM "$APP_PID" 2>/dev/null || true
    for _ in $(seq 1 60); do kill -0 "$APP_PID" 2>/dev/null || break; sleep 0.5; done
    kill -0 "$APP_PID" 2>/dev/null && { log "Agora did not stop in 30 s, killing it"; kill -KILL "$APP_PID" 2>/dev/null || true; }
    wait "$APP_PID" 2>/dev/null || true
  fi
  if [[ $rc -ne 0 && -f $WORK/agora.log ]]; then
    log "last lines of Agora's log:"; tail -n 30 "$WORK/agora.log" >&2 || true
  fi
  rm -rf "$WORK"
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---------------------------------------------------------------- 1. build (tests skipped)
JAR_DIR=${BENCH_JAR_DIR:-target}
if [[ ${BENCH_SKIP_BUILD:-0} != 1 && -z ${BENCH_JAR_DIR:-} ]]; then
  log "building (mvn package, tests skipped)"
  mvn -B -q -DskipTests -P '!image' package dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory=target/lib >&2
fi
JAR=$(ls "$JAR_DIR"/agora-*.jar 2>/dev/null | grep -v -e '-sources' -e '-javadoc' | head -n 1 || true)
[[ -n $JAR && -d $JAR_DIR/lib ]] || die "no $JAR_DIR/agora-*.jar or $JAR_DIR/lib; build failed?"
# Run from a private copy so that a rebuild in the working tree cannot pull classes from under the server.
mkdir -p "$WORK/app"
cp "$JAR" "$WORK/app/agora.jar"
cp -r "$JAR_DIR/lib" "$WORK/app/lib"

# ---------------------------------------------------------------- 2. start Agora
bench_choose_port 18080
log "starting Agora on port $PORT (fresh embedded PostgreSQL in $WORK/data)"
bench_start_agora
log "Agora ready (pid $APP_PID); embedded PostgreSQL on port ${PG_PORT:-unknown}"

sql() {
  [[ $HAVE_PSQL == 1 && -n $PG_PORT ]] || { echo "n/a"; return; }
  PGCONNECT_TIMEOUT=5 psql -X -q -A -t -F ' | ' -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -c "$1" 2>/dev/null || echo "n/a"
}

# ---------------------------------------------------------------- 3. sign in, make a 50-post thread
JAR_COOKIES=$WORK/cookies.txt
location() { sed -n 's/^[Ll]ocation: *//p' "$1" | tr -d '\r' | tail -n 1; }
unescape() { sed -e 's/&quot;/"/g' -e "s/&#39;/'/g" -e "s/&#x27;/'/g" -e 's/&lt;/</g' -e 's/&gt;/>/g' -e 's/&amp;/\&/g'; }

log "signing in as $SIGN_IN_AS through the development OIDC provider"
curl -s -o /dev/null -D "$WORK/h1" -c "$JAR_COOKIES" -b "$JAR_COOKIES" "$BASE/auth/login?next=/"
AUTHORIZE=$(location "$WORK/h1")
[[ $AUTHORIZE == http*://*/authorize* ]] || die "sign-in did not redirect to the provider (Location: '$AUTHORIZE')"
PROVIDER=${AUTHORIZE%%/authorize*}
curl -s -c "$JAR_COOKIES" -b "$JAR_COOKIES" "$AUTHORIZE" >"$WORK/authorize.html"
# The hidden inputs of the first form (the demo-member form).
FIRST_FORM=$(tr '\n' ' ' <"$WORK/authorize.html" | sed 's#</form>.*##')
FORM_ARGS=()
while IFS= read -r input; do
  name=$(printf '%s' "$input" | sed -n 's/.*name="\([^"]*\)".*/\1/p')
  value=$(printf '%s' "$input" | sed -n 's/.*value="\([^"]*\)".*/\1/p' | unescape)
  [[ -n $name ]] && FORM_ARGS+=(--data-urlencode "$name=$value")
done < <(printf '%s' "$FIRST_FORM" | grep -o '<input type="hidden"[^>]*>')
[[ ${#FORM_ARGS[@]} -gt 0 ]] || die "no hidden inputs on the provider's page"
curl -s -o /dev/null -D "$WORK/h2" -c "$JAR_COOKIES" -b "$JAR_COOKIES" \
  "${FORM_ARGS[@]}" --data-urlencode "subject=$SIGN_IN_AS" "$PROVIDER/authorize"
CALLBACK=$(location "$WORK/h2")
[[ $CALLBACK == "$BASE/auth/callback"* ]] || die "provider did not redirect to Agora's callback (Location: '$CALLBACK')"
curl -s -o /dev/null -D "$WORK/h3" -c "$JAR_COOKIES" -b "$JAR_COOKIES" "$CALLBACK"
SESSION=$(awk '$6 == "agora_session" { v = $7 } END { print v }' "$JAR_COOKIES")
[[ -n $SESSION ]] || die "no agora_session cookie after the callback"
COOKIE="agora_session=$SESSION"

CSRF=""
for page in / "/groups/$GROUP"; do
  CSRF=$(curl -s -H "Cookie: $COOKIE" "$BASE$page" | grep -o 'name="_csrf" value="[^"]*"' | head -n 1 | sed 's/.*value="\([^"]*\)"/\1/' | unescape || true)
  [[ -n $CSRF ]] && break
done
[[ -n $CSRF ]] || die "no CSRF token on the signed-in pages (sign-in failed?)"

api_post() { # path json -> body on stdout; dies unless 201
  local code
  code=$(curl -s -o "$WORK/api.json" -w '%{http_code}' -X POST -H "Cookie: $COOKIE" -H "X-CSRF-Token: $CSRF" \
    -H 'Content-Type: application/json' --data-binary "$2" "$BASE$1")
  [[ $code == 201 ]] || die "POST $1 answered $code: $(head -c 300 "$WORK/api.json")"
  cat "$WORK/api.json"
}
log "creating a thread with $POSTS posts in group $GROUP"
BODY='The opening post of the benchmark thread, with some **Markdown**, a list:\n\n- one\n- two\n- three\n\nand a [link](https://example.org).'
THREAD_ID=$(api_post "/api/v1/groups/$GROUP/threads" "{\"title\":\"Benchmark thread\",\"body\":\"$BODY\"}" \
  | grep -o '"id" *: *[0-9]*' | head -n 1 | grep -o '[0-9]*$')
[[ -n $THREAD_ID ]] || die "thread creation answered no id"
for n in $(seq 2 "$POSTS"); do
  api_post "/api/v1/threads/$THREAD_ID/posts" \
    "{\"body\":\"Reply $n with some **Markdown** and a [link](https://example.org).\"}" >/dev/null
done
POST_COUNT=$(curl -s -H "Cookie: $COOKIE" "$BASE/api/v1/threads/$THREAD_ID" | grep -o '"postCount" *: *[0-9]*' | head -n 1 | grep -o '[0-9]*$' || true)
POST_COUNT=${POST_COUNT:-unknown}
PAGE_SIZE=$(sed -n 's/.*int PAGE_SIZE = \([0-9]*\);.*/\1/p' src/main/java/eu/mhealthhub/agora/thread/ThreadService.java | head -n 1)
PAGE_SIZE=${PAGE_SIZE:-20}
LAST_PAGE=$(( (POSTS + PAGE_SIZE - 1) / PAGE_SIZE ))

# ---------------------------------------------------------------- 4. measure
rss_mb() { local kb; kb=$(ps -o rss= -p "$1" 2>/dev/null | tr -d ' '); [[ -n $kb ]] && awk -v k="$kb" 'BEGIN { printf "%.0f", k / 1024 }' || echo "n/a"; }
hwm_mb() { awk '/^VmHWM:/ { printf "%.0f", $2 / 1024 }' "/proc/$1/status" 2>/dev/null || echo "n/a"; }
pg_rss_mb() { # the embedded PostgreSQL's postmaster and its children (checkpointer, backends, ...)
  local pm; pm=$(head -n 1 "$WORK/data/postgres/postmaster.pid" 2>/dev/null || find "$WORK/data" -name postmaster.pid -exec head -n 1 {} \; 2>/dev/null | head -n 1 || true)
  [[ $pm =~ ^[0-9]+$ ]] || { echo "n/a"; return; }
  { ps -o rss= -p "$pm"; ps -o rss= --ppid "$pm"; } 2>/dev/null | awk '{ s += $1 } END { printf "%.0f", s / 1024 }'
}
to_ms() { # wrk latency (e.g. 850.00us, 1.86ms, 1.20s, 2.00m) -> milliseconds
  awk -v v="$1" 'BEGIN {
    if (v == "") { print "n/a"; exit }
    n = v + 0; u = v; sub(/^[0-9.]+/, "", u)
    f = (u == "us") ? 0.001 : (u == "ms") ? 1 : (u == "s") ? 1000 : (u == "m") ? 60000 : (u == "h") ? 3600000 : 1
    printf "%.2f", n * f }'
}

ROWS=()
TOTAL_SIGNED_IN_REQUESTS=0
PEAK_SAMPLED=0
BASELINE_RPS=""
measure() { # label who url
  local label=$1 who=$2 url=$3 hdr=() code out rps p50 p99 non2xx errors reqs rss pgrss ratio
  if [[ -n ${BENCH_ONLY:-} && $label != baseline* ]] && ! [[ "$label $who" =~ $BENCH_ONLY ]]; then
    log "skipping $label, $who (BENCH_ONLY)"; return
  fi
  [[ $who == "signed in" ]] && hdr=(-H "Cookie: $COOKIE")
  code=$(curl -s -o /dev/null -w '%{http_code}' "${hdr[@]}" "$url")
  [[ $code == 200 ]] || log "WARNING: $label ($who) answers $code before the run, not 200"
  log "$label, $who: warm-up $WARMUP, then $DURATION at $CONNECTIONS connections"
  wrk -t"$WRK_THREADS" -c"$CONNECTIONS" -d"$WARMUP" "${hdr[@]}" "$url" >/dev/null
  # sample the server's RSS every second during the run, for the peak
  ( while kill -0 "$APP_PID" 2>/dev/null; do ps -o rss= -p "$APP_PID" 2>/dev/null; sleep 1; done ) >"$WORK/rss.samples" &
  local sampler=$!
  out=$(wrk -t"$WRK_THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "${hdr[@]}" "$url")
  kill "$sampler" 2>/dev/null || true; wait "$sampler" 2>/dev/null || true
  rss=$(rss_mb "$APP_PID")
  pgrss=$(pg_rss_mb)
  local peak; peak=$(awk 'BEGIN { m = 0 } { if ($1 + 0 > m) m = $1 + 0 } END { printf "%.0f", m / 1024 }' "$WORK/rss.samples")
  (( peak > PEAK_SAMPLED )) && PEAK_SAMPLED=$peak
  printf '%s\n' "$out" >"$WORK/wrk-$(( ${#ROWS[@]} + 1 )).txt"
  rps=$(printf '%s\n' "$out" | awk '/^Requests\/sec:/ { printf "%.0f", $2 }')
  p50=$(to_ms "$(printf '%s\n' "$out" | awk '$1 == "50%" { print $2 }')")
  p99=$(to_ms "$(printf '%s\n' "$out" | awk '$1 == "99%" { print $2 }')")
  non2xx=$(printf '%s\n' "$out" | awk '/Non-2xx or 3xx responses:/ { print $NF }')
  non2xx=${non2xx:-0}
  errors=$(printf '%s\n' "$out" | awk '/Socket errors:/ { gsub(",", ""); s = ""
    for (i = 3; i < NF; i += 2) if ($(i + 1) + 0 > 0) s = s (s == "" ? "" : ", ") $(i + 1) " " $i
    print (s == "" ? "0" : s) }')
  errors=${errors:-0}
  reqs=$(printf '%s\n' "$out" | awk '/requests in/ { print $1 }')
  local timeouts; timeouts=$(printf '%s\n' "$out" | awk '/Socket errors:/ { print $NF + 0 }')
  # wrk leaves requests that time out (2 s) out of its latency histogram: p99 is then a lower bound
  [[ ${timeouts:-0} -gt 0 ]] && p99=">= $p99"
  [[ $who == "signed in" && $label == thread* ]] && TOTAL_SIGNED_IN_REQUESTS=$(( TOTAL_SIGNED_IN_REQUESTS + ${reqs:-0} ))
  [[ $label == baseline* ]] && BASELINE_RPS=$rps
  ratio=$(awk -v r="$rps" -v b="$BASELINE_RPS" 'BEGIN { if (b + 0 > 0 && r != "") printf "%.3f", r / b; else print "n/a" }')
  ROWS+=("| $label | $who | $rps | $ratio | $p50 ms | $p99 ms | $non2xx | $errors | ${reqs:-n/a} | $rss | $pgrss |")
  log "  -> $rps req/s, p50 $p50 ms, p99 $p99 ms, non-2xx/3xx $non2xx, errors $errors, RSS $rss MB"
}

READS_SQL="SELECT count(*), coalesce(max(updated_at)::text, '-') FROM read_positions"
WRITES_SQL="SELECT n_tup_ins + n_tup_upd FROM pg_stat_user_tables WHERE relname = 'read_positions'"
READS_BEFORE=$(sql "$READS_SQL"); WRITES_BEFORE=$(sql "$WRITES_SQL")
RSS_START=$(rss_mb "$APP_PID")
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)

THREAD_URL=$BASE/threads/$THREAD_ID
# The baseline: the liveness probe (no session, no database, a few bytes of JSON) through the same
# router and security headers. It shows what this machine, as busy as it is now, serves at all;
# the "÷ baseline" column divides each row by it, which compares runs better than req/s alone.
measure "baseline /health/live" "anonymous" "$BASE/health/live"
measure "thread /threads/$THREAD_ID (page 1: posts 1-$PAGE_SIZE)" "anonymous" "$THREAD_URL"
measure "thread /threads/$THREAD_ID (page 1: posts 1-$PAGE_SIZE)" "signed in" "$THREAD_URL"
measure "thread /threads/$THREAD_ID?page=$LAST_PAGE (last page)" "anonymous" "$THREAD_URL?page=$LAST_PAGE"
measure "thread /threads/$THREAD_ID?page=$LAST_PAGE (last page)" "signed in" "$THREAD_URL?page=$LAST_PAGE"
measure "group /groups/$GROUP" "anonymous" "$BASE/groups/$GROUP"
measure "group /groups/$GROUP" "signed in" "$BASE/groups/$GROUP"

sleep 3 # the read tracker flushes every 2 s; statistics reach pg_stat a moment after commit
READS_AFTER=$(sql "$READS_SQL"); WRITES_AFTER=$(sql "$WRITES_SQL")
PEAK_HWM=$(hwm_mb "$APP_PID")

# ---------------------------------------------------------------- 5. report
CPU=$(awk -F': *' '/^model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null || echo unknown)
echo
echo "## Agora page benchmark"
echo
echo "$(date -u '+%Y-%m-%d %H:%M:%S UTC') · $(nproc) cores ($CPU) · $(awk '/MemTotal/ { printf "%.0f GB", $2 / 1048576 }' /proc/meminfo) RAM · $(java -version 2>&1 | head -n 1)"
echo "Load average before the runs: $LOAD_START (other processes on this machine compete for the same cores)"
echo "wrk -t$WRK_THREADS -c$CONNECTIONS -d$DURATION --latency (after a discarded $WARMUP warm-up), on the same cores as the server · JVM options: ${JAVA_OPTS:-none}"
echo "Thread $THREAD_ID in group $GROUP has ${POST_COUNT} posts (API-created, Markdown); a thread page shows $PAGE_SIZE posts, so the 50 posts take $LAST_PAGE pages: page 1 and page $LAST_PAGE are measured. Signed in = $SIGN_IN_AS, a member of the group."
echo
echo "| page | who | req/s | ÷ baseline | p50 | p99 | non-2xx | socket errors | requests | RSS after (MB) | PostgreSQL RSS (MB) |"
echo "| --- | --- | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: |"
printf '%s\n' "${ROWS[@]}"
echo
echo "Server RSS (Java process): ${RSS_START} MB after setup; peak sampled during the runs ${PEAK_SAMPLED} MB; peak since start (VmHWM) ${PEAK_HWM} MB. PostgreSQL RSS sums its processes (shared buffers are counted once per process that touched them)."
echo "non-2xx is wrk's 'Non-2xx or 3xx responses' count. wrk gives up on a request after 2 s ('timeout' socket errors) and leaves it out of the latency percentiles, so a p99 marked '>=' is a lower bound."
echo
echo "Read positions (read_positions table):"
echo "- before the runs: rows | max(updated_at) = ${READS_BEFORE}"
echo "- after the runs:  rows | max(updated_at) = ${READS_AFTER}"
if [[ $WRITES_BEFORE =~ ^[0-9]+$ && $WRITES_AFTER =~ ^[0-9]+$ ]]; then
  W=$(( WRITES_AFTER - WRITES_BEFORE ))
  echo "- row inserts+updates during the runs (pg_stat_user_tables): $W, for $TOTAL_SIGNED_IN_REQUESTS signed-in thread page views (plus warm-ups)"
  if (( TOTAL_SIGNED_IN_REQUESTS > 0 && W * 10 < TOTAL_SIGNED_IN_REQUESTS )); then
    echo "- => read positions are NOT written synchronously per page view (batched)"
  else
    echo "- => read positions look like one write per page view (synchronous)"
  fi
else
  echo "- row inserts+updates: n/a (psql not available or PostgreSQL port unknown)"
fi
