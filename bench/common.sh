# Shared by the benchmark scripts (sourced, not run): logging, the build, a private Agora on a
# fresh embedded PostgreSQL, and sign-in through the development OIDC provider with curl.
# The caller sets WORK (a private temporary directory) and JAVA_OPTS before using them.

log() { printf '[bench] %s\n' "$*" >&2; }
die() { printf '[bench] ERROR: %s\n' "$*" >&2; exit 1; }

# Builds (tests compiled, not run) unless BENCH_SKIP_BUILD=1, and copies the jar and lib/ to
# $WORK/app so that a rebuild in the working tree cannot pull classes from under the server.
# BENCH_JAR_DIR names a build kept elsewhere (its agora-*.jar and lib/, e.g. a "before" build for
# A B runs): it is copied instead, and nothing is built.
bench_build() {
  local from=${BENCH_JAR_DIR:-target}
  if [[ ${BENCH_SKIP_BUILD:-0} != 1 && -z ${BENCH_JAR_DIR:-} ]]; then
    log "building (mvn package, tests skipped)"
    mvn -B -q -DskipTests -P '!image' package dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory=target/lib >&2
  fi
  local jar
  jar=$(ls "$from"/agora-*.jar 2>/dev/null | grep -v -e '-sources' -e '-javadoc' | head -n 1 || true)
  [[ -n $jar && -d $from/lib ]] || die "no $from/agora-*.jar or $from/lib; build failed?"
  mkdir -p "$WORK/app" "$WORK/gen"
  cp "$jar" "$WORK/app/agora.jar"
  cp -r "$from/lib" "$WORK/app/lib"
}

# Copies a load generator's classes from Maven's test-classes when they are current, otherwise
# compiles its source with javac against lib/.   bench_generator <source> <class path without .class>
bench_generator() {
  local src=$1 class=$2
  if [[ -f target/test-classes/$class.class && ! $src -nt target/test-classes/$class.class ]]; then
    mkdir -p "$WORK/gen/$(dirname "$class")"
    cp target/test-classes/"$(dirname "$class")"/*.class "$WORK/gen/$(dirname "$class")/"
  else
    log "compiling the load generator with javac"
    javac -nowarn -Xlint:none -d "$WORK/gen" -cp "$WORK/app/lib/*" "$(dirname "$src")"/*.java 2>"$WORK/javac.log" \
      || { cat "$WORK/javac.log" >&2; die "the load generator does not compile"; }
  fi
}

bench_port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Sets PORT (BENCH_PORT or the first free port from $1, default 18080) and BASE.
bench_choose_port() {
  if [[ -n ${BENCH_PORT:-} ]]; then
    PORT=$BENCH_PORT
    bench_port_free "$PORT" || die "port $PORT is in use"
  else
    PORT=${1:-18080}
    while ! bench_port_free "$PORT"; do PORT=$((PORT + 1)); done
  fi
  BASE=http://localhost:$PORT
}

# Starts Agora from $WORK/app on $PORT with its data in $WORK/data; sets APP_PID and PG_PORT, and
# exports PGPASSWORD (the embedded PostgreSQL's generated password) for psql and the generators.
# Optional: a node name (default "agora": log $WORK/<name>.log, data $WORK/data, or $WORK/data-<name>
# for another name), then NAME=value settings that override the defaults (AGORA_PUBLIC_URL,
# AGORA_DATABASE_URL, AGORA_CLUSTER_*: a second node of a cluster, as bench/capacity.sh starts).
bench_start_agora() {
  local name=${1:-agora}
  if [[ $# -gt 0 ]]; then shift; fi
  local data=$WORK/data gclog=$WORK/gc.log logfile=$WORK/$name.log
  if [[ $name != agora ]]; then data=$WORK/data-$name; gclog=$WORK/gc-$name.log; fi
  mkdir -p "$data"
  # shellcheck disable=SC2086
  # the benchmarks load Agora from one member and one address on purpose: the per-member and per-address
  # rate limits would measure themselves (BENCH_RATE_LIMITS overrides; the Talk room keeps its own limits)
  env AGORA_RATE_LIMITS="${BENCH_RATE_LIMITS:-post=off,thread=off,reaction=off,search=off,signin=off,callback=off,bridge=off}" \
    AGORA_PORT="$PORT" AGORA_PUBLIC_URL="$BASE" AGORA_DATA_DIR="$data" "$@" \
    java $JAVA_OPTS -Xlog:gc:file="$gclog":uptime -jar "$WORK/app/agora.jar" >"$logfile" 2>&1 &
  APP_PID=$!
  local ready=0
  for _ in $(seq 1 240); do
    kill -0 "$APP_PID" 2>/dev/null || die "Agora exited during start (port $PORT taken meanwhile?)"
    # ready, and really this process: another program may have taken the port since it was chosen
    if grep -q "Agora listening on port $PORT" "$logfile" 2>/dev/null \
        && [[ $(curl -s -o /dev/null -w '%{http_code}' "http://localhost:$PORT/health/ready" || true) == 200 ]]; then ready=1; break; fi
    sleep 0.5
  done
  [[ $ready == 1 ]] || die "Agora not ready after 120 s"
  grep -q 'database embedded PostgreSQL' "$logfile" || return 0
  PG_PORT=""
  for _ in $(seq 1 20); do
    PG_PORT=$(sed -n 's/.*embedded PostgreSQL in .* on port \([0-9][0-9]*\).*/\1/p' "$logfile" | head -n 1)
    [[ -n $PG_PORT ]] && break
    sleep 0.5
  done
  if [[ -r $data/postgres.password ]]; then
    PGPASSWORD=$(cat "$data/postgres.password")
    export PGPASSWORD
  fi
}

bench_stop_agora() {
  kill -TERM "$APP_PID" 2>/dev/null || true
  for _ in $(seq 1 60); do kill -0 "$APP_PID" 2>/dev/null || break; sleep 0.5; done
  kill -0 "$APP_PID" 2>/dev/null && die "Agora did not stop in 30 s"
  wait "$APP_PID" 2>/dev/null || true
  APP_PID=""
}

bench_location() { sed -n 's/^[Ll]ocation: *//p' "$1" | tr -d '\r' | tail -n 1; }
bench_unescape() { sed -e 's/&quot;/"/g' -e "s/&#39;/'/g" -e "s/&#x27;/'/g" -e 's/&lt;/</g' -e 's/&gt;/>/g' -e 's/&amp;/\&/g'; }

# Signs in through the development provider and prints "agora_session=<id>".
#   bench_sign_in subject=demo-jonas         a demo person
#   bench_sign_in name=Ann email=ann@x.org   someone new (the provider's second form)
bench_sign_in() {
  local jar dir authorize provider form callback session name value
  dir=$(mktemp -d -p "$WORK" signin.XXXXXX)
  jar=$dir/cookies.txt
  curl -s -o /dev/null -D "$dir/h1" -c "$jar" -b "$jar" "$BASE/auth/login?next=/"
  authorize=$(bench_location "$dir/h1")
  [[ $authorize == http*://*/authorize* ]] || die "sign-in did not redirect to the provider (Location: '$authorize')"
  provider=${authorize%%/authorize*}
  curl -s -c "$jar" -b "$jar" "$authorize" >"$dir/authorize.html"
  # the hidden fields are the same in both of the provider's forms: take the first form's
  form=$(tr '\n' ' ' <"$dir/authorize.html" | sed 's#</form>.*##')
  local args=()
  while IFS= read -r input; do
    name=$(printf '%s' "$input" | sed -n 's/.*name="\([^"]*\)".*/\1/p')
    value=$(printf '%s' "$input" | sed -n 's/.*value="\([^"]*\)".*/\1/p' | bench_unescape)
    [[ -n $name ]] && args+=(--data-urlencode "$name=$value")
  done < <(printf '%s' "$form" | grep -o '<input type="hidden"[^>]*>')
  [[ ${#args[@]} -gt 0 ]] || die "no hidden inputs on the provider's page"
  for pair in "$@"; do args+=(--data-urlencode "$pair"); done
  curl -s -o /dev/null -D "$dir/h2" -c "$jar" -b "$jar" "${args[@]}" "$provider/authorize"
  callback=$(bench_location "$dir/h2")
  [[ $callback == "$BASE/auth/callback"* ]] || die "provider did not redirect to Agora's callback (Location: '$callback')"
  curl -s -o /dev/null -D "$dir/h3" -c "$jar" -b "$jar" "$callback"
  session=$(awk '$6 == "agora_session" { v = $7 } END { print v }' "$jar")
  [[ -n $session ]] || die "no agora_session cookie after the callback"
  rm -rf "$dir"
  echo "agora_session=$session"
}

# Prints the CSRF token of a signed-in session, read from a page as a browser would.
bench_csrf() {
  local cookie=$1 csrf="" page
  for page in /me /; do
    csrf=$(curl -s -H "Cookie: $cookie" "$BASE$page" | grep -o 'name="_csrf" value="[^"]*"' | head -n 1 \
      | sed 's/.*value="\([^"]*\)"/\1/' | bench_unescape || true)
    [[ -n $csrf ]] && break
  done
  [[ -n $csrf ]] || die "no CSRF token on the signed-in pages (sign-in failed?)"
  echo "$csrf"
}

# Memory readings for the reports. Heap in use and committed, in MB ("used committed"), read without
# forcing a collection (what the heap holds under load, garbage included): jcmd GC.heap_info.
bench_heap_mb() {
  local out
  out=$(jcmd "$1" GC.heap_info 2>/dev/null || true)
  printf '%s\n' "$out" | sed -n 's/.*heap *total \([0-9]*\)K, used \([0-9]*\)K.*/\2 \1/p' | head -n 1 \
    | awk '{ printf "%.0f %.0f", $1 / 1024, $2 / 1024 } END { if (NR == 0) printf "n/a n/a" }'
}
bench_rss_mb() { awk '/^VmRSS:/ { printf "%.0f", $2 / 1024 }' "/proc/$1/status" 2>/dev/null || echo "n/a"; }
# The embedded PostgreSQL under $1 (its data directory's parent): "RSS PSS" in MB over the postmaster
# and its children. RSS counts the shared buffers once per process; PSS shares them out, so it sums right.
bench_pg_memory_mb() {
  local pidfile pm
  pidfile=$(find "$1" -name postmaster.pid 2>/dev/null | head -n 1)
  pm=$([[ -n $pidfile ]] && head -n 1 "$pidfile" || true)
  [[ -n $pm ]] || { echo "n/a n/a"; return; }
  for p in "$pm" $(ps -o pid= --ppid "$pm"); do
    awk '/^Rss:/ { r = $2 } /^Pss:/ { p = $2 } END { print r + 0, p + 0 }' "/proc/$p/smaps_rollup" 2>/dev/null || true
  done | awk '{ r += $1; p += $2 } END { printf "%.0f %.0f", r / 1024, p / 1024 }'
}

# CPU time in clock ticks: bench_ticks <pid> [1: with the children it reaped]; bench_pg_ticks <dir>:
# the embedded PostgreSQL under <dir>, its postmaster, live children and reaped children (as search.sh
# counts it); bench_machine_ticks: "busy total" of all cores from /proc/stat (busy = not idle, not iowait).
bench_ticks() { sed 's/^.*) //' "/proc/$1/stat" 2>/dev/null | awk -v c="${2:-0}" '{ t = $12 + $13; if (c) t += $14 + $15; print t }' || echo 0; }
bench_pg_ticks() {
  local pidfile pm total child
  pidfile=$(find "$1" -name postmaster.pid 2>/dev/null | head -n 1)
  pm=$([[ -n $pidfile ]] && head -n 1 "$pidfile" || true)
  [[ -n $pm ]] || { echo 0; return; }
  total=$(bench_ticks "$pm" 1)
  for child in $(ps -o pid= --ppid "$pm"); do total=$(( total + $(bench_ticks "$child") )); done
  echo "$total"
}
bench_machine_ticks() { awk '/^cpu / { t = 0; for (i = 2; i <= NF; i++) t += $i; print t - $5 - $6, t }' /proc/stat; }
