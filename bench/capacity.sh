#!/usr/bin/env bash
# Capacity benchmark (issue 16, point 7): a busy day's mix against one Agora node, then against two
# clustered nodes on this machine, with 1,000 live subscribers connected. Run from the repository root:
#   bash bench/capacity.sh | tee /tmp/bench-capacity.txt        (about 8 minutes after the build)
# See bench/README.md ("capacity.sh") for what it measures and how to read the tables.
#
# Environment (all optional):
#   BENCH_PORT                    the first node's HTTP port (default: first free port from 18680)
#   BENCH_JAVA_OPTS               each node's JVM options (default "-Xmx512m")
#   BENCH_SKIP_BUILD              1 to reuse target/agora-*.jar and target/lib from an earlier build
#   BENCH_CAPACITY_POSTS          posts seeded with bench/search-seed.sql, in threads of 50 (default 20000)
#   BENCH_CAPACITY_SUBSCRIBERS    live subscriber sockets (default 1000)
#   BENCH_CAPACITY_CONNECTIONS    signed-in virtual readers, each one request at a time (default 32)
#   BENCH_CAPACITY_WARMUP         seconds of load before the measurement, per setup (default 30)
#   BENCH_CAPACITY_DURATION       seconds measured, per setup (default 60)
#   BENCH_CAPACITY_HOT            busy threads that get the replies and the subscribers (default 20)
#   BENCH_CAPACITY_SETUPS         "1,2" (default), "1" or "2": which setups run
#   BENCH_CAPACITY_GEN_OPTS       the load generator's JVM options (default "-Xmx768m")
set -euo pipefail

# shellcheck source=bench/common.sh
source "$(dirname "$0")/common.sh"

JAVA_OPTS=${BENCH_JAVA_OPTS:--Xmx512m}
POSTS=${BENCH_CAPACITY_POSTS:-20000}
SUBSCRIBERS=${BENCH_CAPACITY_SUBSCRIBERS:-1000}
CONNECTIONS=${BENCH_CAPACITY_CONNECTIONS:-32}
WARMUP=${BENCH_CAPACITY_WARMUP:-30}
DURATION=${BENCH_CAPACITY_DURATION:-60}
HOT=${BENCH_CAPACITY_HOT:-20}
SETUPS=${BENCH_CAPACITY_SETUPS:-1,2}
GEN_OPTS=${BENCH_CAPACITY_GEN_OPTS:--Xmx768m}
# every limit a member or an address meets in this mix: one machine plays every reader
BENCH_RATE_LIMITS=${BENCH_RATE_LIMITS:-post=off,thread=off,post.new=off,thread.new=off,reaction=off,search=off,signin=off,callback=off,bridge=off}
GEN_DIR=src/test/java/eu/mhealthhub/agora/bench
READERS_AS="demo-jonas demo-elena demo-sofia demo-pieter demo-tomasz demo-amelie demo-maria"
WRITER_AS=demo-maria   # the demo admin: may reply, react and comment in every group
WRITER_SESSIONS=4
CLUSTER_NAME=agora-capacity-bench-$$

[[ -f pom.xml && -f $GEN_DIR/CapacityLoad.java ]] || die "run from the repository root: bash bench/capacity.sh"
for tool in java javac jcmd mvn curl psql ps awk sed grep; do
  command -v "$tool" >/dev/null || die "$tool is required"
done
ulimit -n 65536 2>/dev/null || true

WORK=$(mktemp -d -t agora-capacity.XXXXXX)
APP_PID=""
NODE_B_PID=""
stop_pid() {
  local pid=$1
  [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
  kill -0 "$pid" 2>/dev/null && { log "node $pid did not stop in 30 s, killing it"; kill -KILL "$pid" 2>/dev/null || true; }
  wait "$pid" 2>/dev/null || true
}
cleanup() {
  local rc=$?
  stop_pid "$NODE_B_PID"   # first the node without the database
  stop_pid "$APP_PID"
  if [[ $rc -ne 0 ]]; then
    for f in "$WORK"/agora.log "$WORK"/b.log; do
      [[ -f $f ]] && { log "last lines of $(basename "$f"):"; tail -n 30 "$f" >&2 || true; }
    done
  fi
  rm -rf "$WORK"
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---------------------------------------------------------------- build, generator
bench_build
if [[ -f target/test-classes/eu/mhealthhub/agora/bench/CapacityLoad.class \
      && ! $GEN_DIR/CapacityLoad.java -nt target/test-classes/eu/mhealthhub/agora/bench/CapacityLoad.class \
      && ! $GEN_DIR/LiveLoad.java -nt target/test-classes/eu/mhealthhub/agora/bench/LiveLoad.class ]]; then
  mkdir -p "$WORK/gen/eu/mhealthhub/agora/bench"
  cp target/test-classes/eu/mhealthhub/agora/bench/{CapacityLoad,LiveLoad}*.class "$WORK/gen/eu/mhealthhub/agora/bench/"
else
  log "compiling the load generator with javac"
  javac -nowarn -Xlint:none -d "$WORK/gen" -cp "$WORK/app/lib/*" "$GEN_DIR/LiveLoad.java" "$GEN_DIR/CapacityLoad.java" \
    2>"$WORK/javac.log" || { cat "$WORK/javac.log" >&2; die "the load generator does not compile"; }
fi

# ---------------------------------------------------------------- one node, the seed
bench_choose_port 18680
PORT_A=$PORT
BASE_A=$BASE
log "starting Agora on port $PORT_A (fresh embedded PostgreSQL in $WORK/data), JVM options: $JAVA_OPTS"
bench_start_agora
log "Agora ready (pid $APP_PID); embedded PostgreSQL on port ${PG_PORT:-unknown}"
[[ -n ${PG_PORT:-} ]] || die "no embedded PostgreSQL port in the log"
psql_agora() { psql -X -q -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres "$@"; }

log "seeding $POSTS posts in threads of 50 over every active group (bench/search-seed.sql)"
psql_agora -v posts="$POSTS" -f bench/search-seed.sql >"$WORK/seed.log" 2>&1 || { cat "$WORK/seed.log" >&2; die "seeding failed"; }
psql_agora -c "VACUUM ANALYZE" >>"$WORK/seed.log" 2>&1 || die "VACUUM ANALYZE after the seed failed"
# a Hub has a document open for comment in most groups: open the demo's drafts in public groups
psql_agora -c "UPDATE documents d SET status = 'open' FROM working_groups g
               WHERE g.id = d.group_id AND g.visibility = 'public' AND g.archived_at IS NULL AND d.status = 'draft'" >>"$WORK/seed.log"

# The targets: what readers read and writers write, all in public, active groups (every signed-in
# reader may see them), one per line for the generator.
PUBLIC="SELECT id FROM working_groups WHERE visibility = 'public' AND archived_at IS NULL"
{
  psql_agora -A -t -c "SELECT 'thread ' || id FROM threads WHERE group_id IN ($PUBLIC) ORDER BY id"
  psql_agora -A -t -c "SELECT 'group ' || slug FROM working_groups WHERE id IN ($PUBLIC)"
  psql_agora -A -t -c "SELECT 'document ' || id FROM documents WHERE group_id IN ($PUBLIC) AND status <> 'archived'"
  psql_agora -A -t -c "SELECT 'hot ' || id || ' ' || group_id FROM threads WHERE group_id IN ($PUBLIC) AND NOT locked
                       ORDER BY id DESC LIMIT $HOT"
  psql_agora -A -t -c "SELECT 'post ' || p.id FROM posts p WHERE p.thread_id IN (SELECT id FROM threads
                       WHERE group_id IN ($PUBLIC) AND NOT locked ORDER BY id DESC LIMIT $HOT) ORDER BY p.id LIMIT 500"
  psql_agora -A -t -c "SELECT DISTINCT 'section ' || d.id || ' ' || s.section_key FROM documents d
                       JOIN document_sections s ON s.document_id = d.id AND s.revision = d.current_revision AND NOT s.heading
                       WHERE d.status = 'open' AND d.group_id IN ($PUBLIC)"
  # the search words: single words of the seed's five languages, as bench/search.sh draws them
  for w in reimbursement evidence interoperability telemonitoring diabetes remboursement parcours données \
           Erstattung Versorgungspfade Datenschutz reembolso pacientes privacidad rimborso ospedale valutazione \
           "clinical pathways" "digital health" consensus; do
    echo "word $w"
  done
} | sed '/^$/d' >"$WORK/targets.txt"
for kind in thread group document hot post section word; do
  printf '%s=%s ' "$kind" "$(grep -c "^$kind " "$WORK/targets.txt" || true)"
done >"$WORK/targets.count"
log "targets: $(cat "$WORK/targets.count")"
HUB=$(psql_agora -A -t -F ' ' -c "SELECT (SELECT count(*) FROM working_groups WHERE archived_at IS NULL),
  (SELECT count(*) FROM threads), (SELECT count(*) FROM posts), (SELECT count(*) FROM documents),
  (SELECT count(*) FROM talks), (SELECT count(*) FROM members)")
read -r N_GROUPS N_THREADS N_POSTS N_DOCS N_TALKS N_MEMBERS <<<"$HUB"

sign_in_all() { # readers and writers, through the development provider of the node at $BASE
  : >"$WORK/readers.txt"; : >"$WORK/writers.txt"
  local who cookie
  for who in $READERS_AS $READERS_AS; do   # two sessions each
    cookie=$(bench_sign_in "subject=$who"); echo "$cookie $(bench_csrf "$cookie")" >>"$WORK/readers.txt"
  done
  for _ in $(seq 1 "$WRITER_SESSIONS"); do
    cookie=$(bench_sign_in "subject=$WRITER_AS"); echo "$cookie $(bench_csrf "$cookie")" >>"$WORK/writers.txt"
  done
}

# ---------------------------------------------------------------- one measured setup
# run_setup <label> <bases> <JVM pids, comma-separated> <n>: writes its section of the report to $WORK/report-<n>.md
run_setup() {
  local label=$1 bases=$2 pids=$3 n=$4 out=$WORK/report-$4.md
  rm -rf "$WORK/handshake"; mkdir -p "$WORK/handshake"
  local load_before; load_before=$(cut -d' ' -f1-3 /proc/loadavg)
  log "$label: load generator ($SUBSCRIBERS subscribers, $CONNECTIONS readers, ${WARMUP}s + ${DURATION}s)"
  # shellcheck disable=SC2086
  java $GEN_OPTS -cp "$WORK/gen:$WORK/app/lib/*" eu.mhealthhub.agora.bench.CapacityLoad \
    --label "$label" --bases "$bases" --origin "$BASE_A" --readers "$WORK/readers.txt" --writers "$WORK/writers.txt" \
    --targets "$WORK/targets.txt" --subscribers "$SUBSCRIBERS" --connections "$CONNECTIONS" \
    --warmup "$WARMUP" --duration "$DURATION" --handshake "$WORK/handshake" >"$WORK/gen-$n.out" &
  local gen=$! memory="" load_after="n/a" pid heap_used heap_committed pg_rss pg_pss requests=0 cpu=""
  local -a t0=() t1=()
  # ticks of: each node, PostgreSQL, the generator, then the machine's busy and total (all cores)
  ticks() { for pid in ${pids//,/ }; do bench_ticks "$pid"; done; bench_pg_ticks "$WORK/data"; bench_ticks "$gen"; bench_machine_ticks; }
  while kill -0 "$gen" 2>/dev/null; do
    if [[ ${#t0[@]} -eq 0 && -f $WORK/handshake/measuring ]]; then
      read -r -d '' -a t0 < <(ticks) || true
    fi
    if [[ -z $memory && -f $WORK/handshake/measured ]]; then
      read -r -d '' -a t1 < <(ticks) || true
      load_after=$(cut -d' ' -f1-3 /proc/loadavg)
      requests=$(cat "$WORK/handshake/measured")
      local i=0
      for pid in ${pids//,/ }; do
        i=$((i + 1))
        read -r heap_used heap_committed <<<"$(bench_heap_mb "$pid")"
        memory+="| node $i (JVM pid $pid) | $heap_used MB of $heap_committed MB committed | $(bench_rss_mb "$pid") MB | |"$'\n'
      done
      read -r pg_rss pg_pss <<<"$(bench_pg_memory_mb "$WORK/data")"
      memory+="| PostgreSQL (postmaster and backends) | | $pg_rss MB (shared buffers counted per process) | $pg_pss MB |"$'\n'
    fi
    sleep 0.5
  done
  if [[ ${#t0[@]} -gt 0 && ${#t1[@]} -eq ${#t0[@]} ]]; then
    # per process: CPU seconds in the measured time and milliseconds per measured request
    local tick k=0 names=() total_ours=0 n_last
    tick=$(getconf CLK_TCK)
    for pid in ${pids//,/ }; do k=$((k + 1)); names+=("node $k"); done
    names+=("PostgreSQL" "load generator")
    n_last=$(( ${#t0[@]} - 2 ))
    cpu="| process | CPU seconds in the measured ${DURATION}s | CPU ms per request |"$'\n'"| --- | ---: | ---: |"$'\n'
    for ((k = 0; k < n_last; k++)); do
      local d=$(( t1[k] - t0[k] ))
      total_ours=$(( total_ours + d ))
      cpu+=$(awk -v n="${names[k]}" -v d="$d" -v t="$tick" -v r="$requests" \
        'BEGIN { printf "| %s | %.1f | %s |", n, d / t, (r > 0 ? sprintf("%.2f", d / t * 1000 / r) : "n/a") }')$'\n'
    done
    local busy=$(( t1[n_last] - t0[n_last] )) all=$(( t1[n_last + 1] - t0[n_last + 1] ))
    cpu+=$'\n'$(awk -v b="$busy" -v a="$all" -v o="$total_ours" -v t="$tick" -v c="$(nproc)" 'BEGIN {
      printf "The machine'"'"'s %d cores were busy %.0f %% of the measured time; this benchmark'"'"'s processes (nodes, PostgreSQL, generator) used %.0f %% of their capacity, everything else on the machine %.0f %%.",
        c, 100 * b / a, 100 * o / a, 100 * (b - o) / a }')
  fi
  local rc=0; wait "$gen" || rc=$?
  {
    echo "### $label"
    echo
    echo "Load average before: $load_before; at the end of the measured ${DURATION}s: $load_after."
    echo
    cat "$WORK/gen-$n.out"
    echo
    [[ -n $cpu ]] && { printf '%s\n' "$cpu"; echo; }
    echo "| process (read at the end of the measured time, sockets open) | heap used (jcmd GC.heap_info, no forced GC) | RSS | PSS |"
    echo "| --- | ---: | ---: | ---: |"
    printf '%s' "$memory"
    local errors=0 f
    for f in "$WORK"/agora.log "$WORK"/b.log; do
      [[ -f $f ]] && errors=$((errors + $(grep -c -E 'ERROR|Exception' "$f" || true)))
    done
    echo
    echo "Lines with ERROR or Exception in the nodes' logs so far: $errors."
    if [[ $errors -gt 0 ]]; then
      echo; echo '```'
      for f in "$WORK"/agora.log "$WORK"/b.log; do
        [[ -f $f ]] && grep -E 'ERROR|Exception' "$f" | cut -c1-300 | sort | uniq -c | sort -rn | head -n 5
      done
      echo '```'
    fi
  } >"$out"
  [[ $rc -eq 0 ]] || { cat "$out" >&2; die "the load generator failed in setup $n"; }
}

if [[ ,$SETUPS, == *,1,* ]]; then
  log "signing in ${READERS_AS// /, } (two sessions each) and $WRITER_SESSIONS sessions of $WRITER_AS"
  sign_in_all
  run_setup "One node" "$BASE_A" "$APP_PID" 1
fi

# ---------------------------------------------------------------- two clustered nodes
if [[ ,$SETUPS, == *,2,* ]]; then
  log "restarting the first node clustered, then starting a second on the same PostgreSQL"
  stop_pid "$APP_PID"; APP_PID=""
  HZ_A=5901; while ! bench_port_free "$HZ_A"; do HZ_A=$((HZ_A + 1)); done
  HZ_B=$((HZ_A + 1)); while ! bench_port_free "$HZ_B"; do HZ_B=$((HZ_B + 1)); done
  MEMBERS_HZ="127.0.0.1:$HZ_A,127.0.0.1:$HZ_B"
  PORT=$PORT_A BASE=$BASE_A
  bench_start_agora agora AGORA_CLUSTER_MEMBERS="$MEMBERS_HZ" AGORA_CLUSTER_PORT="$HZ_A" AGORA_CLUSTER_NAME="$CLUSTER_NAME"
  PORT_B=$((PORT_A + 1)); while ! bench_port_free "$PORT_B"; do PORT_B=$((PORT_B + 1)); done
  A_PID=$APP_PID
  PORT=$PORT_B
  bench_start_agora b AGORA_PUBLIC_URL="$BASE_A" AGORA_DEMO_CONTENT=false \
    AGORA_DATABASE_URL="postgresql://postgres:$PGPASSWORD@127.0.0.1:$PG_PORT/postgres" \
    AGORA_CLUSTER_MEMBERS="$MEMBERS_HZ" AGORA_CLUSTER_PORT="$HZ_B" AGORA_CLUSTER_NAME="$CLUSTER_NAME"
  NODE_B_PID=$APP_PID
  APP_PID=$A_PID
  PORT=$PORT_A BASE=$BASE_A
  log "cluster ready: node 1 pid $APP_PID on $PORT_A, node 2 pid $NODE_B_PID on $PORT_B (Hazelcast $MEMBERS_HZ)"
  sign_in_all   # sessions now live in the cluster: signed in on node 1, valid on both
  run_setup "Two clustered nodes" "$BASE_A,http://localhost:$PORT_B" "$APP_PID,$NODE_B_PID" 2
fi

# ---------------------------------------------------------------- report
CPU=$(awk -F': *' '/^model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null || echo unknown)
echo
echo "## Agora capacity benchmark"
echo
echo "$(date -u '+%Y-%m-%d %H:%M:%S UTC') · $(nproc) cores ($CPU) · $(awk '/MemTotal/ { printf "%.0f GB", $2 / 1048576 }' /proc/meminfo) RAM · $(java -version 2>&1 | head -n 1)"
echo "Hub: $N_GROUPS active groups, $N_THREADS threads, $N_POSTS posts, $N_DOCS documents, $N_TALKS Talks, $N_MEMBERS members"
echo "(the demo content plus bench/search-seed.sql with $POSTS posts). Targets: $(cat "$WORK/targets.count")."
echo "Each setup: $SUBSCRIBERS live subscribers (SockJS's WebSocket transport, anonymous, each registering one of $HOT busy"
echo "threads and its group), then $CONNECTIONS signed-in virtual readers in a closed loop (each sends its next request when"
echo "the last is answered) for ${WARMUP}s unmeasured and ${DURATION}s measured. Readers: ${READERS_AS// /, } (two sessions each);"
echo "writes by $WRITER_SESSIONS sessions of the demo admin ($WRITER_AS). Server JVMs: $JAVA_OPTS; generator: $GEN_OPTS."
echo "The generator, the nodes and PostgreSQL share the machine's cores with whatever else runs on it."
echo
for n in 1 2; do
  [[ -f $WORK/report-$n.md ]] && { cat "$WORK/report-$n.md"; echo; }
done
