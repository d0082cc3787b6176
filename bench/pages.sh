#!/usr/bin/env bash
# Page benchmark (issue 18): each signed-in page type against a limit page measured alternately in the
# same run, with round trips, CPU per request, page weight, memory and start times.
# Run from the repository root:   bash bench/pages.sh
# See bench/README.md ("pages.sh") for what it measures and how to read the tables.
#
# Environment (all optional):
#   BENCH_PORT        Agora's HTTP port (default: first free port from 18080; the limit page takes the next free one)
#   BENCH_DURATION    length of each measured run (default 10s)
#   BENCH_WARMUP      discarded warm-up of each URL before its first run (default 3s)
#   BENCH_PAIRS       limit/page pairs per page (A B A B ...; default 2)
#   BENCH_CONNECTIONS wrk connections (default 32)
#   BENCH_THREADS     wrk threads (default 2)
#   BENCH_JAVA_OPTS   JVM options for Agora and the limit page (default: the product's flags, from docker/Dockerfile's
#                     ENTRYPOINT, as the image and the one-command run use them; BENCH_JAVA_OPTS= for Java's defaults)
#   BENCH_SKIP_BUILD  1 to reuse target/agora-*.jar and target/lib from an earlier build
#   BENCH_JAR_DIR     directory holding agora-*.jar and lib/ to run instead of target/; implies BENCH_SKIP_BUILD=1
#   BENCH_ONLY        a regular expression: only the pages whose name matches are measured (e.g. 'thread|group')
#   BENCH_DATASET     "demo" (default: a fresh data directory with the demo content) or "archive": Agora runs on the
#                     kept data directory BENCH_DATA_DIR, filled once by `java -Dagora.command=seed-archive -jar agora.jar`
#   BENCH_DATA_DIR    the kept data directory for BENCH_DATASET=archive (required then; created on the first run)
#   BENCH_PROFILE     a file name: the measured Agora (not the first start, not the limit page) records a JFR profile
#                     into it (settings=profile), written when it stops; summarise with `jfr print --events ...`
set -euo pipefail

DURATION=${BENCH_DURATION:-10s}
WARMUP=${BENCH_WARMUP:-3s}
PAIRS=${BENCH_PAIRS:-2}
CONNECTIONS=${BENCH_CONNECTIONS:-32}
WRK_THREADS=${BENCH_THREADS:-2}
JAVA_OPTS=${BENCH_JAVA_OPTS-$(sed -n 's/^ENTRYPOINT \["java", \(.*\), "-jar".*/\1/p' docker/Dockerfile | tr -d '",')}
DATASET=${BENCH_DATASET:-demo}
GROUP=reimbursement
SIGN_IN_AS=demo-jonas
POSTS=50
SEARCH_WORD=reimbursement
METRICS_TOKEN=bench-pages-metrics-token-$RANDOM$RANDOM$RANDOM
POOL_SIZE=${AGORA_DB_POOL_SIZE:-8}
# targets (issue 18)
TARGET_THREAD=0.25
TARGET_OTHER=0.20
TARGET_P99_MS=30
TARGET_ROUND_TRIPS=3
TARGET_IDLE_MIB=250
TARGET_PEAK_MIB=450
TARGET_KB=60
TARGET_THREAD_REQUESTS=3
TARGET_FRESH_S=30
TARGET_RESTART_S=10

log() { printf '[bench] %s\n' "$*" >&2; }
die() { printf '[bench] ERROR: %s\n' "$*" >&2; exit 1; }

[[ -f pom.xml && -d src/main/java ]] || die "run from the repository root: bash bench/pages.sh"
[[ $DATASET == demo || $DATASET == archive ]] || die "BENCH_DATASET is 'demo' or 'archive', not '$DATASET'"
[[ $DATASET == demo || -n ${BENCH_DATA_DIR:-} ]] || die "BENCH_DATASET=archive needs BENCH_DATA_DIR (a directory kept between runs)"
for tool in java mvn curl ps awk sed grep gzip; do
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
LIMIT_PID=""
SAMPLER_PID=""
stop_pid() { # pid name
  [[ -n $1 ]] && kill -0 "$1" 2>/dev/null || return 0
  log "stopping $2 (pid $1)"
  kill -TERM "$1" 2>/dev/null || true
  for _ in $(seq 1 60); do kill -0 "$1" 2>/dev/null || break; sleep 0.5; done
  kill -0 "$1" 2>/dev/null && { log "$2 did not stop in 30 s, killing it"; kill -KILL "$1" 2>/dev/null || true; }
  wait "$1" 2>/dev/null || true
}
cleanup() {
  local rc=$?
  [[ -n $SAMPLER_PID ]] && { kill "$SAMPLER_PID" 2>/dev/null || true; wait "$SAMPLER_PID" 2>/dev/null || true; }
  stop_pid "$LIMIT_PID" "the limit page"
  stop_pid "$APP_PID" "Agora"
  if [[ $rc -ne 0 && -f $WORK/agora.log ]]; then
    log "last lines of Agora's log:"; tail -n 30 "$WORK/agora.log" >&2 || true
  fi
  if [[ $rc -ne 0 && -f $WORK/limit.log ]]; then
    log "last lines of the limit page's log:"; tail -n 10 "$WORK/limit.log" >&2 || true
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

# ---------------------------------------------------------------- 2. start Agora: fresh, idle, restart
bench_choose_port 18080
DATA=$WORK/data
[[ $DATASET == archive ]] && DATA=$BENCH_DATA_DIR
mkdir -p "$DATA"
AGORA_ENV=(AGORA_RATE_LIMITS="${BENCH_RATE_LIMITS:-post=off,thread=off,reaction=off,search=off,signin=off,callback=off,bridge=off}"
  AGORA_PORT="$PORT" AGORA_PUBLIC_URL="$BASE" AGORA_DATA_DIR="$DATA" AGORA_METRICS_TOKEN="$METRICS_TOKEN")

# Starts Agora on $DATA; sets APP_PID, PG_PORT and START_S, the seconds from launch to /health/ready answering 200
# (polled every 0.1 s). Not in a $(...) subshell: APP_PID must reach the caller.
start_agora() {
  local t0 t1 ready=0
  : >"$WORK/gc.log"
  t0=$(date +%s.%N)
  # shellcheck disable=SC2086
  env "${AGORA_ENV[@]}" java $JAVA_OPTS ${PROFILE_OPTS:-} -Xlog:gc:file="$WORK/gc.log":uptime -jar "$WORK/app/agora.jar" >>"$WORK/agora.log" 2>&1 &
  APP_PID=$!
  for _ in $(seq 1 1800); do
    kill -0 "$APP_PID" 2>/dev/null || die "Agora exited during start (port $PORT taken meanwhile?)"
    if [[ $(curl -s -o /dev/null -w '%{http_code}' "$BASE/health/ready" || true) == 200 ]] \
        && grep -q "Agora listening on port $PORT" "$WORK/agora.log" 2>/dev/null; then ready=1; break; fi
    sleep 0.1
  done
  [[ $ready == 1 ]] || die "Agora not ready after 180 s"
  t1=$(date +%s.%N)
  PG_PORT=$(sed -n 's/.*embedded PostgreSQL in .* on port \([0-9][0-9]*\).*/\1/p' "$WORK/agora.log" | tail -n 1)
  [[ -r $DATA/postgres.password ]] && { PGPASSWORD=$(cat "$DATA/postgres.password"); export PGPASSWORD; }
  START_S=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')
}
mem_now() { # "jvm_rss pg_pss" in MiB
  local pss; pss=$(bench_pg_memory_mb "$DATA" | awk '{ print $2 }')
  echo "$(bench_rss_mb "$APP_PID") ${pss:-n/a}"
}

FRESH_S="n/a"
if [[ $DATASET == archive ]]; then
  if [[ ! -f $DATA/.bench-archive-seeded ]]; then
    # the command exists if some class of the jar names it
    if ! unzip -p "$WORK/app/agora.jar" 'eu/mhealthhub/agora/*' 2>/dev/null | grep -a -q 'seed-archive'; then
      die "this build has no 'seed-archive' command (java -Dagora.command=seed-archive -jar agora.jar): BENCH_DATASET=archive needs it"
    fi
    log "seeding the Hub-sized archive into $DATA (once; slow)"
    t0=$(date +%s)
    # shellcheck disable=SC2086
    env "${AGORA_ENV[@]}" java $JAVA_OPTS -Dagora.command=seed-archive -jar "$WORK/app/agora.jar" >"$WORK/seed.log" 2>&1 \
      || { tail -n 30 "$WORK/seed.log" >&2; die "seed-archive failed"; }
    touch "$DATA/.bench-archive-seeded"
    log "archive seeded in $(( $(date +%s) - t0 )) s"
  else
    log "archive already seeded in $DATA"
  fi
else
  log "starting Agora on port $PORT on a fresh data directory (initdb, migrations, demo content)"
  start_agora; FRESH_S=$START_S
  log "ready in $FRESH_S s (fresh); waiting 5 s for idle memory"
  sleep 5
  read -r IDLE_FRESH_JVM IDLE_FRESH_PG < <(mem_now)
  stop_pid "$APP_PID" "Agora"; APP_PID=""
fi
log "starting Agora on port $PORT on the existing data directory"
[[ -n ${BENCH_PROFILE:-} ]] && PROFILE_OPTS="-XX:StartFlightRecording=filename=$BENCH_PROFILE,settings=profile,dumponexit=true"
start_agora; RESTART_S=$START_S
log "ready in $RESTART_S s (restart); waiting 5 s for idle memory"
sleep 5
read -r IDLE_JVM IDLE_PG < <(mem_now)
IDLE_FRESH_JVM=${IDLE_FRESH_JVM:-n/a}; IDLE_FRESH_PG=${IDLE_FRESH_PG:-n/a}
log "idle: JVM RSS $IDLE_JVM MiB, PostgreSQL PSS $IDLE_PG MiB (embedded PostgreSQL on port ${PG_PORT:-unknown})"
[[ -n ${PG_PORT:-} ]] || die "no embedded PostgreSQL port in Agora's log (the benchmark needs the embedded database)"

sql() {
  [[ $HAVE_PSQL == 1 && -n $PG_PORT ]] || { echo "n/a"; return; }
  PGCONNECT_TIMEOUT=5 psql -X -q -A -t -F ' | ' -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -c "$1" 2>/dev/null || echo "n/a"
}

# ---------------------------------------------------------------- 3. sign in, make a 50-post thread, find the pages
log "signing in as $SIGN_IN_AS through the development OIDC provider"
COOKIE=$(bench_sign_in "subject=$SIGN_IN_AS")
CSRF=$(bench_csrf "$COOKIE")
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
PAGE_SIZE=$(sed -n 's/.*int PAGE_SIZE = \([0-9]*\);.*/\1/p' src/main/java/eu/mhealthhub/agora/thread/ThreadService.java | head -n 1)
PAGE_SIZE=${PAGE_SIZE:-20}

get() { curl -s -H "Cookie: $COOKIE" "$BASE$1"; }
first_link() { # path regex -> the first href matching the regex on that page
  get "$1" | grep -o "href=\"$2\"" | head -n 1 | sed 's/^href="//; s/"$//' || true
}
DOC_PATH=$(first_link "/groups/$GROUP/documents" '/documents/[0-9][0-9]*')
[[ -n $DOC_PATH ]] || DOC_PATH=$(first_link "/" '/documents/[0-9][0-9]*')
TALK_PATH=$(first_link "/talks" '/talks/[a-z0-9][a-z0-9-]*' | grep -v -e '^/talks/new$' || true)
MEMBER_PATH=$(get "/threads/$THREAD_ID" | grep -o 'href="/members/[a-z0-9][a-z0-9._-]*"' | grep -v -e '/avatar' | head -n 1 | sed 's/^href="//; s/"$//' || true)
[[ -n $DOC_PATH && -n $TALK_PATH && -n $MEMBER_PATH ]] \
  || die "could not find a document ('$DOC_PATH'), a Talk ('$TALK_PATH') or a member page ('$MEMBER_PATH') from the pages"

PAGES=("home|/" "group|/groups/$GROUP" "thread|/threads/$THREAD_ID" "document|$DOC_PATH" "talk|$TALK_PATH"
  "search|/search?q=$SEARCH_WORD" "member|$MEMBER_PATH")

# ---------------------------------------------------------------- 4. the limit page
LIMIT_PORT=$((PORT + 1))
while ! bench_port_free "$LIMIT_PORT"; do LIMIT_PORT=$((LIMIT_PORT + 1)); done
log "starting the limit page on port $LIMIT_PORT (bench/limit/LimitPage.java, pool $POOL_SIZE)"
# shellcheck disable=SC2086
env LIMIT_PORT="$LIMIT_PORT" LIMIT_PG_PORT="$PG_PORT" LIMIT_PG_PASSWORD="${PGPASSWORD:-}" LIMIT_POOL_SIZE="$POOL_SIZE" \
  java $JAVA_OPTS -cp "$WORK/app/lib/*" "$(dirname "$0")/limit/LimitPage.java" >"$WORK/limit.log" 2>&1 &
LIMIT_PID=$!
for _ in $(seq 1 600); do
  kill -0 "$LIMIT_PID" 2>/dev/null || die "the limit page exited during start"
  grep -q 'limit page listening' "$WORK/limit.log" && break
  sleep 0.1
done
grep -q 'limit page listening' "$WORK/limit.log" || die "the limit page did not start in 60 s"
LIMIT_URL=http://localhost:$LIMIT_PORT/
[[ $(curl -s -o /dev/null -w '%{http_code}' "$LIMIT_URL") == 200 ]] || die "the limit page does not answer 200"

# ---------------------------------------------------------------- 5. measure, alternating limit and page
CLK_TCK=$(getconf CLK_TCK)
to_ms() { # wrk latency (e.g. 850.00us, 1.86ms, 1.20s, 2.00m) -> milliseconds
  awk -v v="$1" 'BEGIN {
    if (v == "") { print "n/a"; exit }
    n = v + 0; u = v; sub(/^[0-9.]+/, "", u)
    f = (u == "us") ? 0.001 : (u == "ms") ? 1 : (u == "s") ? 1000 : (u == "m") ? 60000 : (u == "h") ? 3600000 : 1
    printf "%.2f", n * f }'
}
metric() { # name -> value summed over label sets, from Agora's /metrics
  curl -s -H "Authorization: Bearer $METRICS_TOKEN" "$BASE/metrics" \
    | awk -v n="$1" '$1 == n || index($1, n "{") == 1 { s += $NF } END { printf "%.0f", s }'
}
median() { sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) print "n/a"; else if (NR % 2) print v[(NR + 1) / 2]; else printf "%.6g\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# memory under load: JVM RSS and PostgreSQL PSS every second, the peaks of each and of their sum
( while kill -0 "$APP_PID" 2>/dev/null; do mem_now; sleep 1; done ) >"$WORK/mem.samples" 2>/dev/null &
SAMPLER_PID=$!

# One measured run: run <url> <pid of the server> <cookie or ""> -> "rps p50 p99 requests java_ticks pg_ticks errors non2xx"
run() {
  local url=$1 pid=$2 cookie=$3 hdr=() out j0 j1 p0 p1
  [[ -n $cookie ]] && hdr=(-H "Cookie: $cookie")
  j0=$(bench_ticks "$pid"); p0=$(bench_pg_ticks "$DATA")
  out=$(wrk -t"$WRK_THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "${hdr[@]}" "$url")
  j1=$(bench_ticks "$pid"); p1=$(bench_pg_ticks "$DATA")
  printf '%s\n' "$out" >>"$WORK/wrk.txt"
  local rps p50 p99 reqs errors non2xx
  rps=$(printf '%s\n' "$out" | awk '/^Requests\/sec:/ { printf "%.0f", $2 }')
  p50=$(to_ms "$(printf '%s\n' "$out" | awk '$1 == "50%" { print $2 }')")
  p99=$(to_ms "$(printf '%s\n' "$out" | awk '$1 == "99%" { print $2 }')")
  reqs=$(printf '%s\n' "$out" | awk '/requests in/ { print $1 }')
  errors=$(printf '%s\n' "$out" | awk '/Socket errors:/ { gsub(",", ""); s = 0; for (i = 4; i <= NF; i += 2) s += $i; print s }')
  non2xx=$(printf '%s\n' "$out" | awk '/Non-2xx or 3xx responses:/ { print $NF }')
  echo "${rps:-0} $p50 $p99 ${reqs:-0} $((j1 - j0)) $((p1 - p0)) ${errors:-0} ${non2xx:-0}"
}
us_per() { awk -v t="$1" -v r="$2" -v hz="$CLK_TCK" 'BEGIN { if (r > 0) printf "%.0f", t / hz * 1e6 / r; else print "n/a" }'; }

# page weight: the HTML and every stylesheet, script, icon and image it references (parsed, never hard-coded)
gz_bytes() { gzip -c -6 | wc -c | tr -d ' '; }
weight() { # path -> "html_raw html_gz css_n css_raw css_gz js_n js_raw js_gz img_n img_raw img_gz requests total_gz immutable"
  local html refs url kind raw gz
  html=$WORK/page.html
  curl -s -H "Cookie: $COOKIE" "$BASE$1" >"$html"
  declare -A n=([css]=0 [js]=0 [img]=0) r=([css]=0 [js]=0 [img]=0) g=([css]=0 [js]=0 [img]=0)
  local immutable=0
  refs=$(tr '\n' ' ' <"$html" | grep -o -i -E '<(link|script|img)[^>]*>' | while IFS= read -r tag; do
    case $tag in
      \<link*) [[ $tag =~ rel=\"(stylesheet|icon|preload|modulepreload|apple-touch-icon|manifest)[^\"]*\" ]] || continue
               url=$(printf '%s' "$tag" | sed -n 's/.* href="\([^"]*\)".*/\1/p')
               if [[ $tag =~ stylesheet ]]; then kind=css; elif [[ $tag =~ as=\"script\"|modulepreload ]]; then kind=js; else kind=img; fi ;;
      \<script*) url=$(printf '%s' "$tag" | sed -n 's/.* src="\([^"]*\)".*/\1/p'); kind=js ;;
      \<img*) url=$(printf '%s' "$tag" | sed -n 's/.* src="\([^"]*\)".*/\1/p'); kind=img ;;
    esac
    [[ -n $url && $url != data:* ]] && printf '%s %s\n' "$kind" "$(printf '%s' "$url" | bench_unescape)"
  done | sort -u -k2,2)
  while read -r kind url; do
    [[ -n $url ]] || continue
    case $url in http://*|https://*) ;; //*) url=http:$url ;; /*) url=$BASE$url ;; *) url=$BASE/$url ;; esac
    curl -s -D "$WORK/asset.headers" -H "Cookie: $COOKIE" "$url" >"$WORK/asset"
    # cached for a year and never revalidated (content-hashed static files, versioned avatars): a later visit asks nothing
    grep -q -i '^cache-control:.*immutable' "$WORK/asset.headers" && immutable=$(( immutable + 1 ))
    raw=$(wc -c <"$WORK/asset" | tr -d ' '); gz=$(gz_bytes <"$WORK/asset")
    n[$kind]=$(( n[$kind] + 1 )); r[$kind]=$(( r[$kind] + raw )); g[$kind]=$(( g[$kind] + gz ))
  done <<<"$refs"
  raw=$(wc -c <"$html" | tr -d ' '); gz=$(gz_bytes <"$html")
  echo "$raw $gz ${n[css]} ${r[css]} ${g[css]} ${n[js]} ${r[js]} ${g[js]} ${n[img]} ${r[img]} ${g[img]}" \
    "$(( n[css] + n[js] + n[img] )) $(( gz + g[css] + g[js] + g[img] )) $immutable"
}

LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
ROWS=()
WEIGHT_ROWS=()
LIMIT_ALL=()
kb() { awk -v b="$1" 'BEGIN { printf "%.1f", b / 1024 }'; }
for entry in "${PAGES[@]}"; do
  name=${entry%%|*}; path=${entry#*|}
  if [[ -n ${BENCH_ONLY:-} ]] && ! [[ $name =~ $BENCH_ONLY ]]; then log "skipping $name (BENCH_ONLY)"; continue; fi
  code=$(curl -s -o /dev/null -w '%{http_code}' -H "Cookie: $COOKIE" "$BASE$path")
  [[ $code == 200 ]] || log "WARNING: $name ($path) answers $code before the run, not 200"
  log "$name $path: warm-up $WARMUP each, then $PAIRS x (limit $DURATION, page $DURATION) at $CONNECTIONS connections"
  wrk -t"$WRK_THREADS" -c"$CONNECTIONS" -d"$WARMUP" "$LIMIT_URL" >/dev/null
  wrk -t"$WRK_THREADS" -c"$CONNECTIONS" -d"$WARMUP" -H "Cookie: $COOKIE" "$BASE$path" >/dev/null
  : >"$WORK/pairs"
  for _ in $(seq 1 "$PAIRS"); do
    read -r lrps lp50 lp99 lreqs ljt lpt _ _ < <(run "$LIMIT_URL" "$LIMIT_PID" "")
    s0=$(metric agora_db_request_statements_total); t0=$(metric agora_db_request_round_trips_total)
    c0=$(metric agora_http_requests_counted_total)
    read -r rps p50 p99 reqs jt pt errs non2xx < <(run "$BASE$path" "$APP_PID" "$COOKIE")
    s1=$(metric agora_db_request_statements_total); t1=$(metric agora_db_request_round_trips_total)
    c1=$(metric agora_http_requests_counted_total)
    # the scrape between the runs is one counted request without statements
    creq=$(( c1 - c0 - 1 ))
    echo "$lrps $rps $p50 $p99 $reqs $jt $pt $((s1 - s0)) $((t1 - t0)) $creq $errs $non2xx $lreqs $ljt $lpt $lp50 $lp99" >>"$WORK/pairs"
    log "  limit $lrps req/s (p99 $lp99 ms) | $name $rps req/s (p50 $p50 ms, p99 $p99 ms, errors $errs, non-2xx $non2xx)"
  done
  col() { awk -v c="$1" '{ print $c }' "$WORK/pairs" | median; }
  frac=$(awk '$1 > 0 { printf "%.4f\n", $2 / $1 }' "$WORK/pairs" | median)
  rps=$(col 2); p50=$(col 3); p99=$(col 4); lrps=$(col 1); lp99=$(col 17)
  sum() { awk -v c="$1" '{ s += $c } END { print s + 0 }' "$WORK/pairs"; }
  reqs=$(sum 5); creq=$(sum 10); lreqs=$(sum 13)
  errs=$(sum 11); non2xx=$(sum 12)
  stmts=$(awk -v s="$(sum 8)" -v r="$creq" 'BEGIN { if (r > 0) printf "%.2f", s / r; else print "n/a" }')
  trips=$(awk -v s="$(sum 9)" -v r="$creq" 'BEGIN { if (r > 0) printf "%.2f", s / r; else print "n/a" }')
  jus=$(us_per "$(sum 6)" "$reqs"); pus=$(us_per "$(sum 7)" "$reqs")
  ljus=$(us_per "$(sum 14)" "$lreqs"); lpus=$(us_per "$(sum 15)" "$lreqs")
  target=$TARGET_OTHER; [[ $name == thread ]] && target=$TARGET_THREAD
  verdict=$(awk -v f="$frac" -v t="$target" -v p="$p99" -v tp="$TARGET_P99_MS" -v r="$trips" -v tr="$TARGET_ROUND_TRIPS" -v n="$name" \
    'BEGIN { v = (f + 0 >= t ? "ratio ok" : "ratio below"); v = v ", " (p + 0 <= tp ? "p99 ok" : "p99 above");
             if (n == "thread" || n == "group") v = v ", " (r + 0 <= tr ? "trips ok" : "trips above"); print v }')
  [[ $errs -gt 0 || $non2xx -gt 0 ]] && verdict="$verdict; $errs socket errors, $non2xx non-2xx"
  tlabel=">= $(awk -v t="$target" 'BEGIN { printf "%d%%", t * 100 }'), p99 <= $TARGET_P99_MS ms"
  [[ $name == thread || $name == group ]] && tlabel="$tlabel, <= $TARGET_ROUND_TRIPS trips"
  ROWS+=("| $name \`$path\` | $rps | $lrps | $(awk -v f="$frac" 'BEGIN { printf "%.1f%%", f * 100 }') | $p50 / $p99 | $lp99 | $trips ($stmts) | $jus + $pus | $ljus + $lpus | $tlabel | $verdict |")
  read -r hr hg cn cr cg jn jr jg in ir ig nreq total immutable < <(weight "$path")
  wv="ok"; (( total > TARGET_KB * 1024 )) && wv="above ${TARGET_KB} KB"
  [[ $name == thread ]] && (( nreq > TARGET_THREAD_REQUESTS )) && wv="$wv; more than $TARGET_THREAD_REQUESTS requests"
  WEIGHT_ROWS+=("| $name | $(kb "$hr") / $(kb "$hg") | $cn: $(kb "$cr") / $(kb "$cg") | $jn: $(kb "$jr") / $(kb "$jg") | $in: $(kb "$ir") / $(kb "$ig") | $nreq ($immutable) | $(kb "$total") | $wv |")
done
LOAD_END=$(cut -d' ' -f1-3 /proc/loadavg)
kill "$SAMPLER_PID" 2>/dev/null || true; wait "$SAMPLER_PID" 2>/dev/null || true; SAMPLER_PID=""
read -r PEAK_JVM PEAK_PG PEAK_SUM < <(awk '$1 ~ /^[0-9]+$/ && $2 ~ /^[0-9]+$/ {
    if ($1 > j) j = $1; if ($2 > p) p = $2; if ($1 + $2 > s) s = $1 + $2 } END { print j + 0, p + 0, s + 0 }' "$WORK/mem.samples")

# tail latency's usual causes: GC pauses (the restarted server's -Xlog:gc) and Vert.x's blocked-thread warnings
GC_SUMMARY=$(awk '/Pause/ && match($0, /[0-9.]+ms$/) { v = substr($0, RSTART, RLENGTH - 2) + 0; n++; t += v; if (v > m) m = v }
  END { if (n) printf "%d pauses, %.0f ms in all, the longest %.1f ms", n, t, m; else print "no pauses logged" }' "$WORK/gc.log" 2>/dev/null || echo "n/a")
BLOCKED=$(grep -c 'has been blocked for' "$WORK/agora.log" 2>/dev/null || true)

# ---------------------------------------------------------------- 6. report
CPU=$(awk -F': *' '/^model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null || echo unknown)
plus() { awk -v a="$1" -v b="$2" 'BEGIN { if (a ~ /^[0-9]+$/ && b ~ /^[0-9]+$/) print a + b; else print "n/a" }'; }
check() { awk -v v="$1" -v t="$2" 'BEGIN { if (v !~ /^[0-9.]+$/) print "n/a"; else print (v + 0 <= t ? "ok" : "above") }'; }
echo
echo "## Agora page benchmark"
echo
echo "$(date -u '+%Y-%m-%d %H:%M:%S UTC') · $(nproc) cores ($CPU) · $(awk '/MemTotal/ { printf "%.0f GB", $2 / 1048576 }' /proc/meminfo) RAM · $(java -version 2>&1 | head -n 1)"
echo "Load average: $LOAD_START before the runs, $LOAD_END after (other processes compete for the same cores)"
echo "Dataset: $DATASET$([[ $DATASET == archive ]] && echo " ($DATA)") · signed in as $SIGN_IN_AS · wrk -t$WRK_THREADS -c$CONNECTIONS -d$DURATION --latency, $PAIRS pairs (limit, page) per page after a $WARMUP warm-up of each · JVM options: ${JAVA_OPTS:-none} · pool $POOL_SIZE"
echo "Limit page: bench/limit/LimitPage.java, one SELECT of twelve rows and one Handlebars render on the same PostgreSQL, pool $POOL_SIZE, same event loops. The thread page shows $PAGE_SIZE of the $POSTS posts of thread $THREAD_ID."
echo
echo "| page | req/s | limit req/s | ÷ limit (median of pairs) | p50 / p99 ms | limit p99 ms | round trips (statements) per request | CPU µs/request Java + PostgreSQL | limit CPU µs/request | target | where it stands |"
echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |"
printf '%s\n' "${ROWS[@]}"
echo
echo "Page weight, first visit, signed in (KB raw / gzip -6; each asset the HTML references: stylesheets, scripts, icons, images; requests after the HTML):"
echo
echo "| page | HTML | CSS (n: raw / gz) | JS (n: raw / gz) | images, icons (n: raw / gz) | requests after HTML (of them cached a year, immutable) | total gz KB | target: <= $TARGET_KB KB, thread <= $TARGET_THREAD_REQUESTS requests |"
echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |"
printf '%s\n' "${WEIGHT_ROWS[@]}"
echo
echo "Memory (MiB; JVM RSS + PostgreSQL PSS, the postmaster and its children from /proc/<pid>/smaps_rollup):"
echo
echo "| when | JVM RSS | PostgreSQL PSS | total | target |"
echo "| --- | ---: | ---: | ---: | --- |"
[[ $DATASET == demo ]] && echo "| idle after a fresh start (demo content) | $IDLE_FRESH_JVM | $IDLE_FRESH_PG | $(plus "$IDLE_FRESH_JVM" "$IDLE_FRESH_PG") | <= $TARGET_IDLE_MIB: $(check "$(plus "$IDLE_FRESH_JVM" "$IDLE_FRESH_PG")" $TARGET_IDLE_MIB) |"
echo "| idle after a restart | $IDLE_JVM | $IDLE_PG | $(plus "$IDLE_JVM" "$IDLE_PG") | <= $TARGET_IDLE_MIB: $(check "$(plus "$IDLE_JVM" "$IDLE_PG")" $TARGET_IDLE_MIB) |"
echo "| peak under the page benchmark (sampled every second) | $PEAK_JVM | $PEAK_PG | $PEAK_SUM | <= $TARGET_PEAK_MIB: $(check "$PEAK_SUM" $TARGET_PEAK_MIB) |"
echo
echo "Start to /health/ready: fresh data directory (initdb, migrations, demo content) $FRESH_S s (target < $TARGET_FRESH_S s: $(awk -v v="$FRESH_S" -v t=$TARGET_FRESH_S 'BEGIN { if (v !~ /^[0-9.]+$/) print "n/a"; else print (v + 0 < t ? "ok" : "above") }')); existing data directory (restart) $RESTART_S s (target < $TARGET_RESTART_S s: $(awk -v v="$RESTART_S" -v t=$TARGET_RESTART_S 'BEGIN { print (v + 0 < t ? "ok" : "above") }'))."
echo "GC during the life of the measured server: $GC_SUMMARY. Vert.x blocked-thread warnings in Agora's log: ${BLOCKED:-0}."
