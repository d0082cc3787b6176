#!/usr/bin/env bash
# EXPLAIN (ANALYZE, BUFFERS) of every statement each page runs, on the Hub-sized archive (issue 18,
# point 3). From the repository root:
#
#   bash bench/archive/explain.sh            # writes bench/archive/<page>.txt and prints a summary
#
# 1. Builds the jar (BENCH_SKIP_BUILD=1 reuses target/) and copies it to a private directory.
# 2. Seeds the kept data directory BENCH_DATA_DIR (default ~/.cache/agora-archive) once with
#    `java -Dagora.command=seed-archive -jar agora.jar` (scale BENCH_ARCHIVE_SCALE, default 1: a few
#    minutes); later runs reuse it.
# 3. Starts Agora on it, turns on PostgreSQL's auto_explain for every session (log_min_duration 0,
#    ANALYZE, BUFFERS, parameters) with the plans logged to <data>/postgres/explain-log/, and
#    restarts Agora so that every pooled connection has it.
# 4. Signs in as the demo member Jonas Becker (made a member of the largest archive group and of a
#    closed one), requests each page twice to warm the caches, then once between two markers written
#    to the same log; the plans between the markers are that page's statements (a background poll of
#    Agora that happened to run in that window shows up too: its query text says what it is).
# 5. Writes bench/archive/<page>.txt (BENCH_OUT overrides the directory) and lists every Seq Scan, then
#    switches auto_explain off again (ALTER SYSTEM RESET) and stops Agora.
# Options: BENCH_ONLY (a regex on the page name: only those pages' files are written), BENCH_JAR_DIR (a
# directory holding agora-*.jar and lib/ to run instead of building, as pages-archive.sh).
set -euo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source=bench/common.sh
source bench/common.sh

DATA=${BENCH_DATA_DIR:-$HOME/.cache/agora-archive}
OUT=${BENCH_OUT:-bench/archive}
SCALE=${BENCH_ARCHIVE_SCALE:-1}
JAVA_OPTS=${BENCH_JAVA_OPTS:-}
WORK=$(mktemp -d -t agora-explain.XXXXXX)
APP_PID=""
cleanup() {
  [[ -n $APP_PID ]] && kill -TERM "$APP_PID" 2>/dev/null && wait "$APP_PID" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

command -v psql >/dev/null || die "psql is needed (Debian: apt-get install postgresql-client)"
ONLY=${BENCH_ONLY:-.}
bench_build
mkdir -p "$DATA" "$OUT"
if [[ ! -f $DATA/archive-seeded ]]; then
  log "seeding $DATA with the archive (scale $SCALE): a few minutes"
  rc=0
  AGORA_DATA_DIR="$DATA" java -Dagora.command=seed-archive -Dagora.archive.scale="$SCALE" -jar "$WORK/app/agora.jar" \
    >"$WORK/seed.log" 2>&1 || rc=$?
  grep -v -e '^[0-9:,]* |-' -e '^$' "$WORK/seed.log" >&2 || true
  [[ $rc == 0 || $rc == 2 ]] || die "seed-archive failed (exit $rc)"
  printf 'scale %s\n' "$SCALE" >"$DATA/archive-seeded"
fi
ln -s "$DATA" "$WORK/data"
bench_choose_port 18380
log "starting Agora on $DATA (port $PORT)"
bench_start_agora
psql_() { psql -X -q -A -t -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -v ON_ERROR_STOP=1 "$@"; }
psql_ <<'SQL'
LOAD 'auto_explain';
ALTER SYSTEM SET session_preload_libraries = 'auto_explain';
ALTER SYSTEM SET auto_explain.log_min_duration = 0;
ALTER SYSTEM SET auto_explain.log_analyze = on;
ALTER SYSTEM SET auto_explain.log_buffers = on;
ALTER SYSTEM SET auto_explain.log_timing = on;
ALTER SYSTEM SET auto_explain.log_nested_statements = off;
ALTER SYSTEM SET logging_collector = on;
ALTER SYSTEM SET log_directory = 'explain-log';
ALTER SYSTEM SET log_filename = 'explain.log';
ALTER SYSTEM SET log_line_prefix = '%m [%p] ';
SQL
log "restarting Agora with auto_explain"
bench_stop_agora
LOGFILE=$DATA/postgres/explain-log/explain.log
rm -f "$LOGFILE"
bench_start_agora
[[ -f $LOGFILE ]] || die "no $LOGFILE: logging_collector did not start"

COOKIE=$(bench_sign_in subject=demo-jonas)
JONAS=$(psql_ -c "SELECT id FROM members WHERE subject = 'demo-jonas'")
BIG=archive-1
CLOSED=$(psql_ -c "SELECT slug FROM working_groups WHERE slug LIKE 'archive-%' AND visibility = 'closed' ORDER BY position LIMIT 1")
psql_ -c "INSERT INTO group_memberships (group_id, member_id, role, approved_posts, first_approved_at)
          SELECT id, $JONAS, 'member', 1, now() FROM working_groups WHERE slug IN ('$BIG', '$CLOSED') ON CONFLICT DO NOTHING" >/dev/null
read -r THREAD THREAD_POSTS < <(psql_ -F ' ' -c "SELECT t.id, t.post_count FROM threads t JOIN working_groups g ON g.id = t.group_id
                                                  WHERE g.slug = '$BIG' ORDER BY t.post_count DESC, t.id LIMIT 1")
LAST_PAGE=$(( (THREAD_POSTS + 19) / 20 ))
CLOSED_THREAD=$(psql_ -c "SELECT t.id FROM threads t JOIN working_groups g ON g.id = t.group_id WHERE g.slug = '$CLOSED'
                          ORDER BY t.post_count DESC, t.id LIMIT 1")
DOCUMENT=$(psql_ -c "SELECT d.id FROM documents d JOIN working_groups g ON g.id = d.group_id WHERE g.slug LIKE 'archive-%'
                     AND g.visibility = 'public' ORDER BY d.current_revision DESC, (SELECT count(*) FROM document_comments c
                     WHERE c.document_id = d.id) DESC, d.id LIMIT 1")
MEMBER=$(psql_ -c "SELECT m.handle FROM members m JOIN (SELECT author_id, count(*) AS n FROM posts GROUP BY author_id
                   ORDER BY n DESC LIMIT 1) a ON a.author_id = m.id")
TALK=$(psql_ -c "SELECT t.slug FROM talks t WHERE t.slug LIKE 'archive-talk-%' ORDER BY
                 (SELECT count(*) FROM talk_questions q WHERE q.talk_id = t.id) DESC, t.id LIMIT 1")
COUNTS=$(psql_ -F ' ' -c "SELECT (SELECT count(*) FROM members), (SELECT count(*) FROM working_groups), (SELECT count(*) FROM threads),
                          (SELECT count(*) FROM posts), (SELECT count(*) FROM documents), (SELECT count(*) FROM talks)" \
  | awk '{ printf "%s members, %s groups, %s threads, %s posts, %s documents, %s Talks", $1, $2, $3, $4, $5, $6 }')

PAGES=(
  "thread|/threads/$THREAD|page 1 of the longest thread ($THREAD_POSTS posts) of the largest group"
  "thread-last|/threads/$THREAD?page=$LAST_PAGE|its last page"
  "thread-closed|/threads/$CLOSED_THREAD|the longest thread of a closed group the reader belongs to"
  "group|/groups/$BIG|the largest group's thread list"
  "home|/|the home page"
  "document|/documents/$DOCUMENT|the document with the most revisions and comments"
  "member|/members/$MEMBER|the profile of the member with the most posts"
  "talk|/talks/$TALK|the Talk with the most questions"
  "search|/search?q=reimbursement|a frequent word"
  "search-rare|/search?q=interoperabilit%C3%A4t+daten|two words of one language"
)
# the tables that grow with the archive: a sequential scan of one of these is a finding
LARGE="members threads posts post_revisions reactions read_positions thread_subscriptions group_memberships documents
  document_revisions document_sections document_comments document_proposals document_endorsements talks talk_questions
  talk_messages talk_question_votes live_events notifications"
LARGE=$(echo $LARGE)
marker() { psql_ -c "DO \$\$ BEGIN RAISE LOG 'agora-explain %', '$1'; END \$\$" >/dev/null; }
LOAD=$(cut -d ' ' -f 1-3 /proc/loadavg)
summary=()
for entry in "${PAGES[@]}"; do
  IFS='|' read -r name url what <<<"$entry"
  [[ $name =~ $ONLY ]] || continue
  for _ in 1 2; do curl -s -o /dev/null -H "Cookie: $COOKIE" "$BASE$url"; done
  marker "begin $name"
  status=$(curl -s -o /dev/null -w '%{http_code}' -H "Cookie: $COOKIE" "$BASE$url")
  marker "end $name"
  sleep 0.2
  {
    printf '# %s: GET %s (%s), signed in as Jonas Becker, HTTP %s\n' "$name" "$url" "$what" "$status"
    printf '# archive: %s (BENCH_DATA_DIR %s, %s)\n' "$COUNTS" "$DATA" "$(cat "$DATA/archive-seeded")"
    printf '# produced by: bash bench/archive/explain.sh on %s, load average %s\n' "$(date -u +%Y-%m-%dT%H:%MZ)" "$LOAD"
    printf '# each block: auto_explain of one statement the request ran (EXPLAIN ANALYZE, BUFFERS), in order\n\n'
    awk -v b="agora-explain begin $name" -v e="agora-explain end $name" \
      'index($0, e) { exit } on { print } index($0, b) { on = 1 }' "$LOGFILE" \
      | grep -v -e 'agora-explain' -e 'RAISE LOG' -e 'PL/pgSQL function inline_code_block' -e '^[^ ]* [^ ]* UTC \[[0-9]*\] STATEMENT:'
  } >"$OUT/$name.txt"
  # every table a sequential scan read, with how often; the large ones (LARGE) in bold
  seq=$(grep -E -o 'Seq Scan on [a-z_]+' "$OUT/$name.txt" | awk '{ print $4 }' | sort | uniq -c \
    | awk -v large=" $LARGE " '{ t = (index(large, " " $2 " ") ? "**" $2 "**" : $2); printf "%s%s x%s", sep, t, $1; sep = ", " }' || true)
  plans=$(grep -c 'duration: .* ms  plan:' "$OUT/$name.txt" || true)
  summary+=("$(printf '| %s | %s | %s | %s | %s |' "$name" "$url" "$status" "$plans" "${seq:-none}")")
done

printf '\n## EXPLAIN on the archive (%s), load average %s\n\n' "$COUNTS" "$LOAD"
printf 'Sequential scans: table x times, over the statements logged while the page was served (a\nbackground poll of Agora may be among them); a table that grows with the archive is in bold.\n\n'
printf '| page | URL | HTTP | statements | sequential scans |\n| --- | --- | --- | ---: | --- |\n'
printf '%s\n' "${summary[@]}"
psql_ <<'SQL'
ALTER SYSTEM RESET session_preload_libraries;
ALTER SYSTEM RESET auto_explain.log_min_duration;
ALTER SYSTEM RESET auto_explain.log_analyze;
ALTER SYSTEM RESET auto_explain.log_buffers;
ALTER SYSTEM RESET auto_explain.log_timing;
ALTER SYSTEM RESET auto_explain.log_nested_statements;
ALTER SYSTEM RESET logging_collector;
ALTER SYSTEM RESET log_directory;
ALTER SYSTEM RESET log_filename;
ALTER SYSTEM RESET log_line_prefix;
SQL
bench_stop_agora
log "plans in $OUT/; auto_explain is off again for $DATA"
