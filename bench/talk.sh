#!/usr/bin/env bash
# Talk-room benchmark: 500 participants on WebSockets in one live room while members send 20 chat
# messages and 50 votes a second for 60 s; prints p50/p99 from submit to delivery to every
# participant and checks that the final vote counts equal the votes sent.
# Run from the repository root:   bash bench/talk.sh | tee /tmp/bench-talk.txt
# See bench/TALK.md for what it measures and how to read the table.
#
# Environment (all optional):
#   BENCH_PORT                 Agora's HTTP port (default: first free port from 18480)
#   BENCH_JAVA_OPTS            the server's JVM options (default "-Xmx512m")
#   BENCH_SKIP_BUILD           1 to reuse target/agora-*.jar and target/lib from an earlier build
#   BENCH_TALK_PARTICIPANTS    WebSocket participants (default 500)
#   BENCH_TALK_MEMBERS         signed-in members who send messages and votes (default 100)
#   BENCH_TALK_QUESTIONS       questions in the room (default 40; members × questions ≥ votes)
#   BENCH_TALK_DURATION        seconds of measured load (default 60)
#   BENCH_TALK_WARMUP          seconds of the same load before, not measured (default 5)
#   BENCH_TALK_MESSAGES        chat messages per second (default 20)
#   BENCH_TALK_VOTES           votes per second (default 50)
#   BENCH_TALK_GEN_OPTS        the load generator's JVM options (default "-Xmx512m")
set -euo pipefail

# shellcheck source=bench/common.sh
source "$(dirname "$0")/common.sh"

JAVA_OPTS=${BENCH_JAVA_OPTS:--Xmx512m}
PARTICIPANTS=${BENCH_TALK_PARTICIPANTS:-500}
MEMBERS=${BENCH_TALK_MEMBERS:-100}
QUESTIONS=${BENCH_TALK_QUESTIONS:-40}
DURATION=${BENCH_TALK_DURATION:-60}
WARMUP=${BENCH_TALK_WARMUP:-5}
MESSAGES=${BENCH_TALK_MESSAGES:-20}
VOTES=${BENCH_TALK_VOTES:-50}
GEN_OPTS=${BENCH_TALK_GEN_OPTS:--Xmx512m}
GEN_SRC=src/test/java/eu/mhealthhub/agora/bench/TalkLoad.java
GEN_CLASS=eu/mhealthhub/agora/bench/TalkLoad
SLUG=benchmark-room

[[ -f pom.xml && -f $GEN_SRC ]] || die "run from the repository root: bash bench/talk.sh"
for tool in java javac mvn curl awk sed grep; do
  command -v "$tool" >/dev/null || die "$tool is required"
done
ulimit -n 65536 2>/dev/null || true

WORK=$(mktemp -d -t agora-talk.XXXXXX)
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
bench_generator "$GEN_SRC" "$GEN_CLASS"
bench_choose_port 18480
log "starting Agora on port $PORT (fresh embedded PostgreSQL in $WORK/data), JVM options: $JAVA_OPTS"
bench_start_agora
log "Agora ready (pid $APP_PID)"

# ---------------------------------------------------------------- the room
log "signing in as the demo admin; creating and opening the Talk /talks/$SLUG"
ADMIN=$(bench_sign_in "subject=demo-maria")
ADMIN_CSRF=$(bench_csrf "$ADMIN")
# the first working group offered by the new-Talk form
GROUP_ID=$(curl -s -H "Cookie: $ADMIN" "$BASE/talks/new" | grep -o 'name="group" value="[0-9]*"' | head -n 1 | grep -o '[0-9][0-9]*' || true)
[[ -n $GROUP_ID ]] || die "no working group on the new-Talk form"
START=$(date -u -d '-5 minutes' '+%Y-%m-%dT%H:%M'); END=$(date -u -d '+2 hours' '+%Y-%m-%dT%H:%M')
code=$(curl -s -o "$WORK/create.html" -w '%{http_code}' -H "Cookie: $ADMIN" -H "Origin: $BASE" \
  --data-urlencode "_csrf=$ADMIN_CSRF" --data-urlencode "slug=$SLUG" --data-urlencode "title=Benchmark room" \
  --data-urlencode "startsAt=$START" --data-urlencode "endsAt=$END" --data-urlencode "group=$GROUP_ID" \
  --data-urlencode "speakers=Benchmark Speaker | Agora" "$BASE/talks")
[[ $code == 303 ]] || die "creating the Talk answered $code"
code=$(curl -s -o /dev/null -w '%{http_code}' -H "Cookie: $ADMIN" -H "Origin: $BASE" \
  --data-urlencode "_csrf=$ADMIN_CSRF" --data-urlencode "setting=open" "$BASE/talks/$SLUG/room")
[[ $code == 303 ]] || die "opening the room answered $code"
TALK_ID=$(curl -s "$BASE/talks/$SLUG" | grep -o 'data-live="talk\.[0-9]*"' | head -n 1 | grep -o '[0-9][0-9]*' || true)
[[ -n $TALK_ID ]] || die "no live address on the Talk page"

log "signing in $MEMBERS members through the development provider"
: >"$WORK/sessions.txt"
for i in $(seq 1 "$MEMBERS"); do
  cookie=$(bench_sign_in "name=Participant $i" "email=participant$i@bench.example")
  echo "$cookie $(bench_csrf "$cookie")" >>"$WORK/sessions.txt"
done

# ---------------------------------------------------------------- the load
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
CPU_START=$(awk '{ print $14 + $15 }' "/proc/$APP_PID/stat")
GEN_RC=0
# shellcheck disable=SC2086
java $GEN_OPTS -cp "$WORK/gen:$WORK/app/lib/*" eu.mhealthhub.agora.bench.TalkLoad \
  --base "$BASE" --origin "$BASE" --slug "$SLUG" --talk "$TALK_ID" --sessions "$WORK/sessions.txt" \
  --participants "$PARTICIPANTS" --questions "$QUESTIONS" --duration "$DURATION" --warmup "$WARMUP" \
  --messages "$MESSAGES" --votes "$VOTES" >"$WORK/gen.out" || GEN_RC=$?
CPU_END=$(awk '{ print $14 + $15 }' "/proc/$APP_PID/stat")
ERRORS=$(grep -c -E 'ERROR|Exception' "$WORK/agora.log" 2>/dev/null || true)
RSS=$(awk '/^VmHWM:/ { printf "%.0f", $2 / 1024 }' "/proc/$APP_PID/status" 2>/dev/null || echo "n/a")

CPU=$(awk -F': *' '/^model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null || echo unknown)
echo
echo "## Agora Talk-room benchmark"
echo
echo "$(date -u '+%Y-%m-%d %H:%M:%S UTC') · $(nproc) cores ($CPU) · $(java -version 2>&1 | head -n 1)"
echo "Load average before: $LOAD_START; after: $(cut -d' ' -f1-3 /proc/loadavg). Generator, server and PostgreSQL share the cores."
echo "Room /talks/$SLUG (talk.$TALK_ID): $PARTICIPANTS anonymous participants on SockJS's WebSocket transport; $MEMBERS signed-in members"
echo "send $MESSAGES messages/s and $VOTES votes/s (each member votes once per question) for ${WARMUP}s of warm-up, then ${DURATION}s measured, through the room's forms (JSON answers)."
echo "Latency: from sending the POST to the moment the last participant received that change's event (matched by its number on talk.$TALK_ID)."
echo
cat "$WORK/gen.out"
echo
echo "Server: JVM options $JAVA_OPTS, CPU time during the load $(awk -v a="$CPU_START" -v b="$CPU_END" -v t="$(getconf CLK_TCK)" 'BEGIN { printf "%.1f s", (b - a) / t }'), peak RSS $RSS MB; lines with ERROR or Exception in its log: ${ERRORS:-0}."
exit "$GEN_RC"
