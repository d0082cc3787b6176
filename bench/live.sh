#!/usr/bin/env bash
# Live-update benchmark: N WebSocket subscribers on one thread, one post every 100 ms; delivery
# latency from commit to client and the posting request's round trip for N = 0, 1,000, 5,000, each
# N followed by the same measurement on a bare Vert.x SockJS bridge (the limit), and the server's
# heap with 5,000 idle connections. Run from the repository root:   bash bench/live.sh | tee /tmp/bench-live.txt
# See bench/LIVE.md for what it measures and how to read the table.
#
# Environment (all optional):
#   BENCH_PORT            Agora's HTTP port (default: first free port from 18080)
#   BENCH_JAVA_OPTS       the server's JVM options (default "-Xmx512m")
#   BENCH_SKIP_BUILD      1 to reuse target/agora-*.jar and target/lib from an earlier build
#   BENCH_JAR_DIR         directory holding agora-*.jar and lib/ to run instead of target/ (a "before" build: A B
#                         comparisons in one session); the generator still comes from this checkout
#   BENCH_LIVE_SIZES      subscriber counts, comma-separated (default 0,1000,5000; 0: the posting request alone)
#   BENCH_LIVE_BARE       1 (default): also measure the bare Vert.x bridge (bench/live/BareBridge.java) per N; 0: not
#   BENCH_LIVE_DURATION   seconds of measured posts per count (default 30)
#   BENCH_LIVE_INTERVAL   milliseconds between posts (default 100)
#   BENCH_LIVE_WARMUP     seconds of unmeasured posts before each measurement (default 3)
#   BENCH_LIVE_IDLE_SIZE  the count whose sockets are held idle for the memory reading (default 5000)
#   BENCH_LIVE_IDLE       seconds they are held idle before it (default 10)
#   BENCH_LIVE_DEFLATE    0 (default): plain frames; 1: sockets offer permessage-deflate as browsers do
#   BENCH_LIVE_TRANSPORT  raw (default): the plain /eventbus/websocket (pages without the SockJS client);
#                         sockjs: SockJS's WebSocket transport, as Agora's pages connect
#   BENCH_LIVE_BATCH      sockets opened at a time (default 200)
#   BENCH_LIVE_LOCAL_ADDRESSES  source addresses for the sockets, comma-separated (default 127.0.0.1)
#   BENCH_LIVE_GEN_OPTS   the load generator's JVM options (default "-Xmx1g")
#   BENCH_LIVE_HISTOGRAM  1: print the server's heap histogram (jcmd GC.class_histogram) with the sockets idle
set -euo pipefail

JAVA_OPTS=${BENCH_JAVA_OPTS:--Xmx512m}
SIZES=${BENCH_LIVE_SIZES:-0,1000,5000}
BARE=${BENCH_LIVE_BARE:-1}
DURATION=${BENCH_LIVE_DURATION:-30}
INTERVAL=${BENCH_LIVE_INTERVAL:-100}
WARMUP=${BENCH_LIVE_WARMUP:-3}
IDLE_SIZE=${BENCH_LIVE_IDLE_SIZE:-5000}
IDLE=${BENCH_LIVE_IDLE:-10}
DEFLATE=${BENCH_LIVE_DEFLATE:-0}
TRANSPORT=${BENCH_LIVE_TRANSPORT:-raw}
BATCH=${BENCH_LIVE_BATCH:-200}
LOCAL_ADDRESSES=${BENCH_LIVE_LOCAL_ADDRESSES:-127.0.0.1}
GEN_OPTS=${BENCH_LIVE_GEN_OPTS:--Xmx1g}
GROUP=reimbursement
SIGN_IN_AS=demo-jonas
GEN_SRC=src/test/java/eu/mhealthhub/agora/bench/LiveLoad.java
GEN_CLASS=eu/mhealthhub/agora/bench/LiveLoad

# shellcheck source=bench/common.sh
source "$(dirname "$0")/common.sh"

[[ -f pom.xml && -f $GEN_SRC ]] || die "run from the repository root: bash bench/live.sh"
for tool in java javac mvn curl ps awk sed grep; do
  command -v "$tool" >/dev/null || die "$tool is required"
done
HAVE_JCMD=0; command -v jcmd >/dev/null && HAVE_JCMD=1
HAVE_JSTAT=0; command -v jstat >/dev/null && HAVE_JSTAT=1

# Every socket is a file descriptor in the server and one in the generator (both inherit this limit).
MAX_SIZE=$(tr ',' '\n' <<<"$SIZES" | sort -n | tail -n 1)
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
FD_LIMIT=$(ulimit -n)
if [[ $FD_LIMIT != unlimited ]] && (( FD_LIMIT < MAX_SIZE + 1000 )); then
  die "open-file limit $FD_LIMIT is too low for $MAX_SIZE sockets (hard limit $(ulimit -Hn)); raise it (ulimit -n, limits.conf)"
fi

WORK=$(mktemp -d -t agora-live.XXXXXX)
APP_PID=""
GEN_PID=""
BARE_PID=""
cleanup() {
  local rc=$?
  if [[ -n $BARE_PID ]] && kill -0 "$BARE_PID" 2>/dev/null; then
    kill -TERM "$BARE_PID" 2>/dev/null || true
    wait "$BARE_PID" 2>/dev/null || true
  fi
  if [[ -n $GEN_PID ]] && kill -0 "$GEN_PID" 2>/dev/null; then
    kill -TERM "$GEN_PID" 2>/dev/null || true
    wait "$GEN_PID" 2>/dev/null || true
  fi
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

# ---------------------------------------------------------------- 1. build (tests compiled, not run)
bench_build
# The generator needs only vertx-core (in lib/).
bench_generator "$GEN_SRC" "$GEN_CLASS"

# ---------------------------------------------------------------- 2. start Agora
bench_choose_port
start_agora() { bench_start_agora; }
stop_agora() { bench_stop_agora; }
log "starting Agora on port $PORT (fresh embedded PostgreSQL in $WORK/data), JVM options: $JAVA_OPTS"
start_agora
# PostgreSQL records when each transaction committed only with track_commit_timestamp, a setting
# read at its start: set it in this private cluster's postgresql.auto.conf and start once more.
COMMIT_TS=0
if [[ ${BENCH_LIVE_COMMIT_TS:-1} == 1 ]]; then
  AUTO_CONF=$(find "$WORK/data" -maxdepth 3 -name postgresql.auto.conf | head -n 1)
  if [[ -n $AUTO_CONF ]]; then
    log "restarting Agora with track_commit_timestamp = on in its PostgreSQL (exact commit times)"
    stop_agora
    echo "track_commit_timestamp = on" >>"$AUTO_CONF"
    start_agora
    COMMIT_TS=1
  else
    log "WARNING: no postgresql.auto.conf under $WORK/data: commit times will be bounded, not read"
  fi
fi
log "Agora ready (pid $APP_PID); embedded PostgreSQL on port ${PG_PORT:-unknown}"

# The limit: a bare Vert.x SockJS bridge from the same jars (JDK source launcher), on the next free port
BARE_PORT=0
if [[ $BARE == 1 ]]; then
  BARE_PORT=$((PORT + 1))
  while ! bench_port_free "$BARE_PORT"; do BARE_PORT=$((BARE_PORT + 1)); done
  cp bench/live/BareBridge.java "$WORK/BareBridge.java"
  log "starting the bare Vert.x bridge on port $BARE_PORT"
  # shellcheck disable=SC2086
  java $JAVA_OPTS -cp "$WORK/app/lib/*" "$WORK/BareBridge.java" "$BARE_PORT" "$INTERVAL" >"$WORK/bare.log" 2>&1 &
  BARE_PID=$!
  for _ in $(seq 1 240); do
    grep -q "bare bridge listening" "$WORK/bare.log" 2>/dev/null && break
    kill -0 "$BARE_PID" 2>/dev/null || { cat "$WORK/bare.log" >&2; die "the bare bridge did not start"; }
    sleep 0.5
  done
  grep -q "bare bridge listening" "$WORK/bare.log" || die "the bare bridge not ready after 120 s"
fi

# ---------------------------------------------------------------- 3. sign in, make a thread
log "signing in as $SIGN_IN_AS through the development OIDC provider"
COOKIE=$(bench_sign_in "subject=$SIGN_IN_AS")
CSRF=$(bench_csrf "$COOKIE")

log "creating a thread in group $GROUP (public: anonymous sockets may register it)"
code=$(curl -s -o "$WORK/api.json" -w '%{http_code}' -X POST -H "Cookie: $COOKIE" -H "X-CSRF-Token: $CSRF" \
  -H 'Content-Type: application/json' --data-binary '{"title":"Live benchmark thread","body":"Posts arrive here every 100 ms."}' \
  "$BASE/api/v1/groups/$GROUP/threads")
[[ $code == 201 ]] || die "creating the thread answered $code: $(head -c 300 "$WORK/api.json")"
THREAD_ID=$(grep -o '"id" *: *[0-9]*' "$WORK/api.json" | head -n 1 | grep -o '[0-9]*$')
[[ -n $THREAD_ID ]] || die "thread creation answered no id"

# ---------------------------------------------------------------- 4. memory readings
# Heap in use after a full GC, in MB, and the committed heap: "used committed" on stdout.
heap_after_gc() {
  local out used total
  if [[ $HAVE_JCMD == 1 ]] && jcmd "$APP_PID" GC.run >/dev/null 2>&1 && out=$(jcmd "$APP_PID" GC.heap_info 2>/dev/null); then
    # " garbage-first heap   total 17408K, used 2885K [...]" (any collector prints "total ..K, used ..K")
    total=$(printf '%s\n' "$out" | sed -n 's/.*heap *total \([0-9]*\)K, used \([0-9]*\)K.*/\1/p' | head -n 1)
    used=$(printf '%s\n' "$out" | sed -n 's/.*heap *total \([0-9]*\)K, used \([0-9]*\)K.*/\2/p' | head -n 1)
    if [[ -n $used && -n $total ]]; then
      echo "jcmd GC.run (a full GC), then jcmd GC.heap_info" >"$WORK/heap-method"
      awk -v u="$used" -v t="$total" 'BEGIN { printf "%.1f %.1f", u / 1024, t / 1024 }'
      return
    fi
  fi
  if [[ $HAVE_JSTAT == 1 ]] && out=$(jstat -gc "$APP_PID" 2>/dev/null); then
    # no forced GC possible: used = survivors + eden + old as jstat sees them now (an upper bound)
    echo "jstat -gc without a forced GC (jcmd failed): an upper bound on the live heap" >"$WORK/heap-method"
    printf '%s\n' "$out" | awk 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i }
      NR == 2 { u = $c["S0U"] + $c["S1U"] + $c["EU"] + $c["OU"]; t = $c["S0C"] + $c["S1C"] + $c["EC"] + $c["OC"]
                printf "%.1f %.1f", u / 1024, t / 1024 }'
    return
  fi
  echo "none (neither jcmd nor jstat works here)" >"$WORK/heap-method"
  echo "n/a n/a"
}
rss_mb() { awk '/^VmRSS:/ { printf "%.0f", $2 / 1024 }' "/proc/$1/status" 2>/dev/null || echo "n/a"; }
fds() { ls "/proc/$1/fd" 2>/dev/null | wc -l || echo "n/a"; }
threads() { awk '/^Threads:/ { print $2 }' "/proc/$1/status" 2>/dev/null || echo "n/a"; }
sockets_established() { # established TCP connections to the server's port (both ends on this host: count one side)
  if command -v ss >/dev/null; then ss -Htn state established "( sport = :$PORT )" 2>/dev/null | wc -l; else echo "n/a"; fi
}

read -r HEAP0 HEAPC0 <<<"$(heap_after_gc)"
RSS0=$(rss_mb "$APP_PID"); FD0=$(fds "$APP_PID"); TH0=$(threads "$APP_PID")
log "before any socket: heap after GC $HEAP0 MB (committed $HEAPC0 MB), RSS $RSS0 MB, $FD0 fds ($(cat "$WORK/heap-method"))"

# ---------------------------------------------------------------- 5. the load generator
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
DEFLATE_ARG=true; [[ $DEFLATE == 0 ]] && DEFLATE_ARG=false
mkdir -p "$WORK/handshake"
log "load generator: sizes $SIZES, ${DURATION}s of posts every ${INTERVAL} ms each (after ${WARMUP}s warm-up), transport $TRANSPORT, permessage-deflate $DEFLATE_ARG"
# shellcheck disable=SC2086
java $GEN_OPTS -cp "$WORK/gen:$WORK/app/lib/*" eu.mhealthhub.agora.bench.LiveLoad \
  --base "$BASE" --origin "$BASE" --thread "$THREAD_ID" --cookie "$COOKIE" --csrf "$CSRF" \
  --sizes "$SIZES" --duration "$DURATION" --interval "$INTERVAL" --warmup "$WARMUP" --batch "$BATCH" \
  --deflate "$DEFLATE_ARG" --transport "$TRANSPORT" --local-addresses "$LOCAL_ADDRESSES" \
  --idle-size "$IDLE_SIZE" --idle-seconds "$IDLE" --handshake "$WORK/handshake" --server-pid "$APP_PID" \
  --pg-port "$([[ $COMMIT_TS == 1 ]] && echo "${PG_PORT:-0}" || echo 0)" \
  --bare-port "$BARE_PORT" --bare-pid "${BARE_PID:-0}" \
  >"$WORK/gen.out" &
GEN_PID=$!
IDLE_DONE=0
HEAP1=n/a; HEAPC1=n/a; RSS1=n/a; FD1=n/a; TH1=n/a; OPEN1=n/a; EST1=n/a
while kill -0 "$GEN_PID" 2>/dev/null; do
  if [[ $IDLE_DONE == 0 && -f $WORK/handshake/idle-ready ]]; then
    OPEN1=$(tr -d '\n' <"$WORK/handshake/idle-ready")
    EST1=$(sockets_established); RSS1=$(rss_mb "$APP_PID"); FD1=$(fds "$APP_PID"); TH1=$(threads "$APP_PID")
    read -r HEAP1 HEAPC1 <<<"$(heap_after_gc)"
    log "$OPEN1 idle sockets: heap after GC $HEAP1 MB (committed $HEAPC1 MB), RSS $RSS1 MB, $FD1 fds, $EST1 established connections"
    if [[ ${BENCH_LIVE_HISTOGRAM:-0} == 1 && $HAVE_JCMD == 1 ]]; then
      # what the idle sockets are made of: the 30 largest classes on the heap, to stderr
      jcmd "$APP_PID" GC.class_histogram 2>/dev/null | head -n 33 >&2 || true
    fi
    : >"$WORK/handshake/idle-done"
    IDLE_DONE=1
  fi
  sleep 0.2
done
GEN_RC=0; wait "$GEN_PID" || GEN_RC=$?
GEN_PID=""
sleep 3
read -r HEAP2 HEAPC2 <<<"$(heap_after_gc)"
RSS2=$(rss_mb "$APP_PID"); FD2=$(fds "$APP_PID")
log "after the sockets closed: heap after GC $HEAP2 MB, RSS $RSS2 MB, $FD2 fds"
HWM=$(awk '/^VmHWM:/ { printf "%.0f", $2 / 1024 }' "/proc/$APP_PID/status" 2>/dev/null || echo "n/a")
GCS=$(grep -c 'Pause' "$WORK/gc.log" 2>/dev/null || true)
GC_MAX=$(sed -n 's/.*Pause.* \([0-9.]*\)ms$/\1/p' "$WORK/gc.log" 2>/dev/null | sort -n | tail -n 1)
ERRORS=$(grep -c -E 'ERROR|Exception' "$WORK/agora.log" 2>/dev/null || true)

# ---------------------------------------------------------------- 6. report
CPU=$(awk -F': *' '/^model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null || echo unknown)
per_conn() { awk -v a="$1" -v b="$2" -v n="$3" 'BEGIN { if (a + 0 == a && b + 0 == b && n > 0) printf "%.1f", (b - a) * 1024 / n; else printf "n/a" }'; }
echo
echo "## Agora live-update benchmark"
echo
echo "$(date -u '+%Y-%m-%d %H:%M:%S UTC') · $(nproc) cores ($CPU) · $(awk '/MemTotal/ { printf "%.0f GB", $2 / 1048576 }' /proc/meminfo) RAM · $(java -version 2>&1 | head -n 1)"
echo "Load average before the runs: $LOAD_START; after: $(cut -d' ' -f1-3 /proc/loadavg). The generator runs on the same 2 cores as the server and its PostgreSQL."
echo "Server JVM options: $JAVA_OPTS · generator: $GEN_OPTS, 2 event-loop threads for the sockets (1 more for the poster) · open-file limit $FD_LIMIT"
if [[ $TRANSPORT == sockjs ]]; then
  WHERE="SockJS's WebSocket transport (/eventbus/<server>/<session>/websocket), as Agora's pages connect"
else
  WHERE="the plain WebSocket endpoint /eventbus/websocket (binary frames)"
fi
echo "Subscribers: $WHERE; anonymous (no session), each registers thread.$THREAD_ID (the public group $GROUP) and pings every 20 s; permessage-deflate offered: $DEFLATE_ARG."
if [[ $COMMIT_TS == 1 ]]; then
  echo "Commit times: PostgreSQL's commit timestamps (track_commit_timestamp = on, set in the benchmark's private cluster), same wall clock as the generator."
else
  echo "Commit times: not available (BENCH_LIVE_COMMIT_TS=0 or no postgresql.auto.conf): latencies are upper bounds from the transaction's start."
fi
echo "Per subscriber count: ${WARMUP}s of unmeasured posts, then one post every ${INTERVAL} ms for ${DURATION}s by $SIGN_IN_AS (POST /api/v1/threads/$THREAD_ID/posts)."
echo
cat "$WORK/gen.out"
echo
echo "Server memory (heap read by: $(cat "$WORK/heap-method" 2>/dev/null || echo n/a)):"
echo
echo "| moment | heap used after full GC (MB) | heap committed (MB) | RSS (MB) | file descriptors | threads |"
echo "| --- | ---: | ---: | ---: | ---: | ---: |"
echo "| before any socket | $HEAP0 | $HEAPC0 | $RSS0 | $FD0 | $TH0 |"
echo "| $OPEN1 idle sockets, ${IDLE}s after the last post of the N=$IDLE_SIZE run ($EST1 established TCP connections to the port, the poster's included) | $HEAP1 | $HEAPC1 | $RSS1 | $FD1 | $TH1 |"
echo "| after all sockets closed | $HEAP2 | $HEAPC2 | $RSS2 | $FD2 | - |"
echo
echo "Per idle connection: heap $(per_conn "$HEAP0" "$HEAP1" "$OPEN1") KB, RSS $(per_conn "$RSS0" "$RSS1" "$OPEN1") KB. Peak RSS since start (VmHWM): $HWM MB."
echo "Target (issue 18 point 4): heap after a full GC with 5,000 idle live connections under 112 MB: $HEAP1 MB with $OPEN1 idle sockets: $(awk -v h="$HEAP1" -v n="$OPEN1" 'BEGIN { if (h + 0 != h || n + 0 != n) print "n/a"; else if (n < 5000) print "n/a (fewer than 5,000 sockets)"; else if (h < 112) print "met"; else print "not met" }')."
echo "GC pauses during the whole run: $GCS (longest ${GC_MAX:-n/a} ms; -Xlog:gc). Lines with ERROR or Exception in the server's log: ${ERRORS:-0}."
if [[ $GEN_RC -ne 0 ]]; then
  echo
  echo "THE LOAD GENERATOR FAILED (exit $GEN_RC): the table above is incomplete; see its messages on stderr."
  exit "$GEN_RC"
fi
