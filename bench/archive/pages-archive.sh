#!/usr/bin/env bash
# The pages on the small (demo) dataset and on the Hub-sized archive, back to back (issue 18,
# point 3: p99 within 20% of the small dataset's). From the repository root:
#
#   bash bench/archive/pages-archive.sh | tee /tmp/pages-archive.txt
#
# Builds once (BENCH_SKIP_BUILD=1 reuses target/), seeds the kept archive BENCH_DATA_DIR (default
# ~/.cache/agora-archive) once as bench/archive/explain.sh does, then for each round (BENCH_ROUNDS,
# default 2: small archive small archive, i.e. A B A B) starts Agora on that dataset (small: a fresh
# temporary data directory with the demo content; archive: the kept one), signs in as the demo member
# Jonas Becker (made a member of the archive's largest group and of a closed one), and runs
# `wrk -t2 -c$BENCH_CONNECTIONS -d$BENCH_DURATION --latency` on each page after a discarded warm-up,
# sampling CPU time (utime+stime from /proc) of the Java process and of the PostgreSQL processes.
# Each dataset's pages are picked alike: the longest thread of a public group (page 1: 20 posts), the
# group with the most threads, the home page, the document with the most revisions, the member with
# the most posts, the Talk with the most questions, a search for a frequent word.
# Options: BENCH_DURATION (10s), BENCH_WARMUP (2s), BENCH_CONNECTIONS (32), BENCH_ROUNDS (2),
# BENCH_ONLY (regex on the page name), BENCH_JAVA_OPTS, BENCH_JAR_DIR (a directory holding agora-*.jar and
# lib/ to run instead of building: an earlier build, for a before/after comparison on the same archive;
# a build without V045 runs on an archive that has it). Progress on stderr, the table on stdout.
set -euo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source=bench/common.sh
source bench/common.sh

DATA=${BENCH_DATA_DIR:-$HOME/.cache/agora-archive}
SCALE=${BENCH_ARCHIVE_SCALE:-1}
DURATION=${BENCH_DURATION:-10s}
WARMUP=${BENCH_WARMUP:-2s}
CONNECTIONS=${BENCH_CONNECTIONS:-32}
ROUNDS=${BENCH_ROUNDS:-2}
ONLY=${BENCH_ONLY:-.}
JAVA_OPTS=${BENCH_JAVA_OPTS:-}
WORK=$(mktemp -d -t agora-pages-archive.XXXXXX)
APP_PID=""
cleanup() {
  [[ -n $APP_PID ]] && kill -TERM "$APP_PID" 2>/dev/null && wait "$APP_PID" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT
command -v wrk >/dev/null || die "wrk is needed (Debian: apt-get install wrk)"
command -v psql >/dev/null || die "psql is needed (Debian: apt-get install postgresql-client)"
TICK_US=$(( 1000000 / $(getconf CLK_TCK) ))

bench_build
if [[ ! -f $DATA/archive-seeded ]]; then
  mkdir -p "$DATA"
  log "seeding $DATA with the archive (scale $SCALE)"
  rc=0
  AGORA_DATA_DIR="$DATA" java -Dagora.command=seed-archive -Dagora.archive.scale="$SCALE" -jar "$WORK/app/agora.jar" \
    >"$WORK/seed.log" 2>&1 || rc=$?
  [[ $rc == 0 || $rc == 2 ]] || { cat "$WORK/seed.log" >&2; die "seed-archive failed (exit $rc)"; }
  printf 'scale %s\n' "$SCALE" >"$DATA/archive-seeded"
fi
bench_choose_port 18480
psql_() { psql -X -q -A -t -F ' ' -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -v ON_ERROR_STOP=1 "$@"; }

# measure <dataset> <page> <url>: one row of the table
measure() {
  local dataset=$1 page=$2 url=$3 out j0 p0 j1 p1 requests rps p50 p99
  wrk -t2 -c"$CONNECTIONS" -d"$WARMUP" -H "Cookie: $COOKIE" "$BASE$url" >/dev/null 2>&1 || true
  local pgdir; pgdir=$(readlink -f "$WORK/data")
  j0=$(bench_ticks "$APP_PID"); p0=$(bench_pg_ticks "$pgdir")
  out=$(wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --latency -H "Cookie: $COOKIE" "$BASE$url")
  j1=$(bench_ticks "$APP_PID"); p1=$(bench_pg_ticks "$pgdir")
  requests=$(printf '%s\n' "$out" | sed -n 's/^ *\([0-9]*\) requests in.*/\1/p')
  rps=$(printf '%s\n' "$out" | sed -n 's/^Requests\/sec: *\([0-9.]*\).*/\1/p')
  p50=$(printf '%s\n' "$out" | awk '$1 == "50%" { print $2 }')
  p99=$(printf '%s\n' "$out" | awk '$1 == "99%" { print $2 }')
  non2xx=$(printf '%s\n' "$out" | sed -n 's/^ *Non-2xx or 3xx responses: *\([0-9]*\).*/\1/p')
  printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' "$page" "$dataset" "$rps" "$p50" "$p99" \
    "$(( (j1 - j0) * TICK_US / (requests > 0 ? requests : 1) ))" "$(( (p1 - p0) * TICK_US / (requests > 0 ? requests : 1) ))" \
    "${non2xx:-0}" "$url"
}

run_dataset() {
  local dataset=$1
  rm -rf "$WORK/data"
  if [[ $dataset == archive ]]; then ln -s "$DATA" "$WORK/data"; else mkdir -p "$WORK/data"; fi
  log "round $round: starting Agora on the $dataset dataset"
  bench_start_agora
  COOKIE=$(bench_sign_in subject=demo-jonas)
  local jonas closed thread group document member talk
  jonas=$(psql_ -c "SELECT id FROM members WHERE subject = 'demo-jonas'")
  closed=$(psql_ -c "SELECT slug FROM working_groups WHERE slug LIKE 'archive-%' AND visibility = 'closed' ORDER BY position LIMIT 1")
  psql_ -c "INSERT INTO group_memberships (group_id, member_id, role, approved_posts, first_approved_at)
            SELECT id, $jonas, 'member', 1, now() FROM working_groups WHERE slug IN ('archive-1', '$closed')
            ON CONFLICT DO NOTHING" >/dev/null
  thread=$(psql_ -c "SELECT t.id FROM threads t JOIN working_groups g ON g.id = t.group_id AND g.visibility = 'public'
                     ORDER BY t.post_count DESC, t.id LIMIT 1")
  group=$(psql_ -c "SELECT g.slug FROM working_groups g JOIN threads t ON t.group_id = g.id WHERE g.visibility = 'public'
                    GROUP BY g.slug ORDER BY count(*) DESC, g.slug LIMIT 1")
  document=$(psql_ -c "SELECT d.id FROM documents d JOIN working_groups g ON g.id = d.group_id AND g.visibility = 'public'
                       ORDER BY d.current_revision DESC, d.id LIMIT 1")
  member=$(psql_ -c "SELECT m.handle FROM members m JOIN (SELECT author_id, count(*) AS n FROM posts GROUP BY author_id
                     ORDER BY n DESC, author_id LIMIT 1) a ON a.author_id = m.id")
  talk=$(psql_ -c "SELECT t.slug FROM talks t ORDER BY (SELECT count(*) FROM talk_questions q WHERE q.talk_id = t.id) DESC,
                   t.id LIMIT 1")
  local entry name url
  for entry in "thread|/threads/$thread" "group|/groups/$group" "home|/" "document|/documents/$document" \
               "member|/members/$member" "talk|/talks/$talk" "search|/search?q=reimbursement"; do
    name=${entry%%|*}; url=${entry#*|}
    [[ $name =~ $ONLY ]] || continue
    [[ $(curl -s -o /dev/null -w '%{http_code}' -H "Cookie: $COOKIE" "$BASE$url") == 200 ]] || die "$BASE$url is not 200"
    log "  $dataset $name $url"
    measure "$dataset" "$name" "$url" >>"$WORK/rows.txt"
  done
  bench_stop_agora
}

: >"$WORK/rows.txt"
LOAD_BEFORE=$(cut -d ' ' -f 1-3 /proc/loadavg)
for round in $(seq 1 "$ROUNDS"); do
  run_dataset small
  run_dataset archive
done
LOAD_AFTER=$(cut -d ' ' -f 1-3 /proc/loadavg)

printf '## Pages on the small and the archive dataset (%s rounds, wrk -c%s -d%s)\n\n' "$ROUNDS" "$CONNECTIONS" "$DURATION"
printf 'load average before %s, after %s; %s cores; archive: %s\n\n' "$LOAD_BEFORE" "$LOAD_AFTER" "$(nproc)" "$(cat "$DATA/archive-seeded")"
printf '| page | dataset | req/s | p50 | p99 | Java CPU µs/req | PostgreSQL CPU µs/req | non-2xx | URL |\n'
printf '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |\n'
sort -s -t '|' -k 2,2 "$WORK/rows.txt"
