#!/usr/bin/env bash
# Start time and memory (issue 18 points 4 and 7): how long Agora takes from `java` to GET /health/ready 200
# on a fresh data directory (initdb, migrations, demo content) and on an existing one, 3 runs each
# alternated (fresh, existing, fresh, ...), the median printed; then its memory idle after the start with
# demo content (JVM RSS + the embedded PostgreSQL's PSS from /proc/<pid>/smaps_rollup) and after a short wrk run.
#
#   bash bench/start.sh                      # from the repository root
#   BENCH_SKIP_BUILD=1 BENCH_RUNS=5 bash bench/start.sh
#
# Options: BENCH_RUNS (3), BENCH_SETTLE (10: seconds idle before the memory reading), BENCH_DURATION (10s: the
# wrk run; 0 skips it), BENCH_CONNECTIONS (32), BENCH_MVN=1 (also time the one-command run, `mvn -o -q exec:exec`,
# on the existing directory: Maven's own start included), BENCH_JAVA_OPTS (replaces the product's JVM flags,
# read from docker/Dockerfile's ENTRYPOINT), BENCH_SKIP_BUILD=1, BENCH_PORT. Not part of `mvn verify`.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/common.sh

RUNS=${BENCH_RUNS:-3}
SETTLE=${BENCH_SETTLE:-10}
DURATION=${BENCH_DURATION:-10s}
CONNECTIONS=${BENCH_CONNECTIONS:-32}
# the product's JVM flags, as the image and the one-command run use them
PRODUCT_OPTS=$(sed -n 's/^ENTRYPOINT \["java", \(.*\), "-jar".*/\1/p' docker/Dockerfile | tr -d '",')
JAVA_OPTS=${BENCH_JAVA_OPTS:-$PRODUCT_OPTS}

WORK=$(mktemp -d /tmp/agora-start.XXXXXX)
APP_PID=""
cleanup() {
  [[ -n $APP_PID ]] && kill -TERM "$APP_PID" 2>/dev/null && wait "$APP_PID" 2>/dev/null || true
  # a PostgreSQL left behind by a start that was interrupted: its postmaster, by the pid it wrote (fast shutdown)
  local pidfile pm
  for pidfile in "$WORK"/data*/postgres/postmaster.pid; do
    [[ -f $pidfile ]] || continue
    pm=$(head -n 1 "$pidfile")
    [[ $pm =~ ^[0-9]+$ ]] && kill -INT "$pm" 2>/dev/null && for _ in $(seq 1 40); do kill -0 "$pm" 2>/dev/null || break; sleep 0.25; done
  done
  rm -rf "$WORK"
}
trap cleanup EXIT

bench_build
bench_choose_port 18180
log "JVM flags: $JAVA_OPTS"

now_ms() { date +%s%3N; }

# start_once <data dir>: sets MS (launch to ready), CPU (CPU seconds used by then: the JVM, and PostgreSQL with
# initdb, which it started) and STEPS (the start's own log line); leaves APP_PID running
start_once() {
  local data=$1 t0 t1
  t0=$(now_ms)
  # shellcheck disable=SC2086
  env AGORA_PORT="$PORT" AGORA_PUBLIC_URL="$BASE" AGORA_DATA_DIR="$data" \
    java $JAVA_OPTS -jar "$WORK/app/agora.jar" >"$WORK/agora.log" 2>&1 &
  APP_PID=$!
  until [[ $(curl -s -o /dev/null -w '%{http_code}' "$BASE/health/ready" || true) == 200 ]]; do
    kill -0 "$APP_PID" 2>/dev/null || { tail -n 20 "$WORK/agora.log" >&2; die "Agora exited during start"; }
    sleep 0.05
  done
  t1=$(now_ms)
  MS=$((t1 - t0))
  local ticks hz
  hz=$(getconf CLK_TCK)
  ticks=$(( $(bench_ticks "$APP_PID" 1) + $(bench_pg_ticks "$data") ))
  CPU=$(awk -v t="$ticks" -v hz="$hz" 'BEGIN { printf "%.1f", t / hz }')
  STEPS=$(sed -n 's/.*started in \([0-9]*\) ms since the JVM.s start: \(.*\)/\1 ms: \2/p' "$WORK/agora.log" | head -n 1)
}

median() { sort -n | awk '{ a[NR] = $1 } END { if (NR % 2) print a[(NR + 1) / 2]; else print int((a[NR / 2] + a[NR / 2 + 1]) / 2) }'; }

FRESH=() EXISTING=() MVN=() FRESH_CPU=() EXISTING_CPU=()
FRESH_STEPS="" EXISTING_STEPS=""
for run in $(seq 1 "$RUNS"); do
  rm -rf "$WORK/data-fresh"
  start_once "$WORK/data-fresh"
  FRESH+=("$MS"); FRESH_CPU+=("$CPU"); FRESH_STEPS=$STEPS
  log "run $run fresh:    $MS ms to ready, $CPU s CPU ($STEPS)"
  bench_stop_agora
  # the existing directory: the one the first fresh run made, kept
  [[ -d $WORK/data ]] || cp -a "$WORK/data-fresh" "$WORK/data"
  start_once "$WORK/data"
  EXISTING+=("$MS"); EXISTING_CPU+=("$CPU"); EXISTING_STEPS=$STEPS
  log "run $run existing: $MS ms to ready, $CPU s CPU ($STEPS)"
  if [[ $run -lt $RUNS ]]; then bench_stop_agora; fi
done

# memory: the last run, idle, then under wrk
log "idle for ${SETTLE}s, then memory"
curl -s -o /dev/null "$BASE/" ; curl -s -o /dev/null "$BASE/groups"
sleep "$SETTLE"
IDLE_JVM=$(bench_rss_mb "$APP_PID")
read -r IDLE_PG_RSS IDLE_PG_PSS < <(bench_pg_memory_mb "$WORK/data") || true  # no newline at its end
LOAD_JVM="" LOAD_PG_PSS="" LOAD_PG_RSS="" REQS=""
if [[ $DURATION != 0 ]] && command -v wrk >/dev/null; then
  THREAD=$(curl -s "$BASE/groups/reimbursement" | grep -o 'href="/threads/[0-9]*"' | sed -n '1s/.*"\(\/threads\/[0-9]*\)"/\1/p' || true)
  for path in / /groups/reimbursement "$THREAD"; do
    log "wrk -c$CONNECTIONS -d$DURATION $path (anonymous)"
    r=$(wrk -t2 -c"$CONNECTIONS" -d"$DURATION" "$BASE$path" | sed -n 's/^Requests\/sec: *//p' || true)
    REQS="$REQS $path ${r%.*} req/s;"
    jvm=$(bench_rss_mb "$APP_PID"); [[ -z $LOAD_JVM || $jvm -gt $LOAD_JVM ]] && LOAD_JVM=$jvm
    read -r rss pss < <(bench_pg_memory_mb "$WORK/data") || true
    [[ -z $LOAD_PG_PSS || $pss -gt $LOAD_PG_PSS ]] && LOAD_PG_PSS=$pss && LOAD_PG_RSS=$rss
  done
fi
bench_stop_agora

if [[ ${BENCH_MVN:-0} == 1 ]]; then
  for run in $(seq 1 "$RUNS"); do
    t0=$(now_ms)
    AGORA_PORT="$PORT" AGORA_PUBLIC_URL="$BASE" AGORA_DATA_DIR="$WORK/data" mvn -o -q exec:exec >"$WORK/mvn.log" 2>&1 &
    MVN_PID=$!
    until [[ $(curl -s -o /dev/null -w '%{http_code}' "$BASE/health/ready" || true) == 200 ]]; do
      kill -0 "$MVN_PID" 2>/dev/null || { tail -n 20 "$WORK/mvn.log" >&2; die "mvn exec:exec exited during start"; }
      sleep 0.05
    done
    MVN+=($(( $(now_ms) - t0 )))
    log "run $run mvn exec:exec: ${MVN[-1]} ms to ready"
    # the JVM Maven started is the one to stop (SIGTERM: it drains and exits; Maven follows)
    for child in $(ps -o pid= --ppid "$MVN_PID"); do kill -TERM "$child" 2>/dev/null || true; done
    wait "$MVN_PID" 2>/dev/null || true
  done
fi

echo "## Start and memory ($(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg))"
echo
echo "JVM flags: \`$JAVA_OPTS\`"
echo
echo "| start | median to ready (ms) | runs (ms) | CPU to ready (s: JVM + PostgreSQL) | steps of the last run (Agora's own log) |"
echo "| --- | --- | --- | --- | --- |"
echo "| fresh data directory (initdb, migrations, demo content) | $(printf '%s\n' "${FRESH[@]}" | median) | ${FRESH[*]} | ${FRESH_CPU[*]} | $FRESH_STEPS |"
echo "| existing data directory | $(printf '%s\n' "${EXISTING[@]}" | median) | ${EXISTING[*]} | ${EXISTING_CPU[*]} | $EXISTING_STEPS |"
if [[ ${#MVN[@]} -gt 0 ]]; then
  echo "| one command, \`mvn -o -q exec:exec\`, existing directory | $(printf '%s\n' "${MVN[@]}" | median) | ${MVN[*]} | | Maven's start included |"
fi
echo
echo "| memory (MiB) | JVM RSS | PostgreSQL PSS (RSS summed) | Agora (JVM RSS + PostgreSQL PSS) |"
echo "| --- | --- | --- | --- |"
echo "| idle ${SETTLE}s after the start | $IDLE_JVM | $IDLE_PG_PSS ($IDLE_PG_RSS) | $((IDLE_JVM + IDLE_PG_PSS)) |"
if [[ -n $LOAD_JVM ]]; then
  echo "| after wrk -c$CONNECTIONS -d$DURATION on each of /, a group, a thread (peak of the readings) | $LOAD_JVM | $LOAD_PG_PSS ($LOAD_PG_RSS) | $((LOAD_JVM + LOAD_PG_PSS)) |"
  echo
  echo "wrk:$REQS"
fi
