-- The Hub-sized archive of `seed-archive` (issue 18, point 3): run by db/ArchiveCommand in ONE
-- transaction on one connection, step by step (a line "-- step: <label>" starts a step; "-- step:
-- <label> [chunked]" runs the step once per chunk, with agora.archive_chunk set to 0, 1, ...).
-- agora.archive_scale (1 = 10,000 members, 300 groups, 50,000 threads, 1,000,000 posts, 2,000
-- documents, 500 Talks) is set by the command. Everything is set-based (generate_series) and
-- deterministic for a scale (setseed, hashint8), so two archives of one scale are alike. Rows go
-- in through plain INSERTs: the generated search vectors, the posts' group and declaration
-- triggers and every constraint apply as for content made through the forum. Derived values
-- (thread counters and last post, approved posts of memberships, question votes, next section)
-- are written to agree with the rows.

-- step: plan
-- (when the command runs as a superuser, session_replication_role is replica: no per-row trigger
-- runs, so the script writes what they would: a post's group, hold_first_posts by visibility, no
-- declaration in force; and foreign keys are not checked, so every id comes from a row it made)
SELECT setseed(0.18);
LOCK TABLE threads, posts, documents, talks IN SHARE ROW EXCLUSIVE MODE;
INSERT INTO seeds (name) VALUES ('archive-v1');
CREATE TEMP TABLE archive_n ON COMMIT DROP AS
SELECT s.scale,
       greatest(20, round(10000 * s.scale))::int AS members,
       greatest(4, round(300 * s.scale))::int AS groups,
       greatest(10, round(50000 * s.scale))::int AS threads,
       greatest(40, round(1000000 * s.scale))::int AS posts,
       greatest(4, round(2000 * s.scale))::int AS documents,
       greatest(4, round(500 * s.scale))::int AS talks,
       10 AS chunks
  FROM (SELECT current_setting('agora.archive_scale')::float8 AS scale) s;
CREATE TEMP TABLE archive_vocab (language text PRIMARY KEY, words text[]) ON COMMIT DROP;
INSERT INTO archive_vocab VALUES
 ('english', ARRAY['reimbursement','evidence','payers','patients','clinical','pathway','pathways','assessment',
   'digital','health','applications','outcomes','measured','interoperability','records','hospital','insurance',
   'pricing','adoption','physicians','prescribing','validation','trials','economic','evaluation','budget',
   'impact','integration','workflow','data','privacy','security','telemonitoring','diabetes','cardiology',
   'wearables','startups','regulators','guidelines','consensus']),
 ('french', ARRAY['remboursement','remboursées','preuves','payeurs','patients','cliniques','parcours','évaluation',
   'numérique','santé','applications','résultats','mesurés','interopérabilité','dossiers','hôpital','assurance',
   'tarification','adoption','médecins','prescription','validation','essais','économiques','évaluations','budget',
   'impact','intégration','organisation','données','confidentialité','sécurité','télésurveillance','diabète',
   'cardiologie','objets','entreprises','autorités','recommandations','consensus']),
 ('german', ARRAY['Erstattung','Erstattungsfähigkeit','Nachweise','Kostenträger','Patienten','klinische','Versorgungspfade',
   'Bewertung','digitale','Gesundheit','Gesundheitsanwendungen','Ergebnisse','gemessen','Interoperabilität','Akten',
   'Krankenhaus','Versicherung','Preisbildung','Einführung','Ärzte','Verordnung','Validierung','Studien','wirtschaftliche',
   'Evaluation','Budget','Auswirkungen','Integration','Abläufe','Daten','Datenschutz','Sicherheit','Telemonitoring',
   'Diabetes','Kardiologie','Wearables','Gründer','Behörden','Leitlinien','Konsens']),
 ('spanish', ARRAY['reembolso','evidencias','pagadores','pacientes','clínicos','itinerarios','evaluación','digitales',
   'salud','aplicaciones','resultados','medidos','interoperabilidad','historias','hospital','seguro','precios',
   'adopción','médicos','prescripción','validación','ensayos','económicos','evaluaciones','presupuesto','impacto',
   'integración','flujos','datos','privacidad','seguridad','telemonitorización','diabetes','cardiología',
   'dispositivos','empresas','reguladores','guías','consenso','sanitarias']),
 ('italian', ARRAY['rimborso','evidenze','pagatori','pazienti','clinici','percorsi','valutazione','digitali','salute',
   'applicazioni','risultati','misurati','interoperabilità','cartelle','ospedale','assicurazione','prezzi','adozione',
   'medici','prescrizione','validazione','sperimentazioni','economiche','valutazioni','bilancio','impatto',
   'integrazione','flussi','dati','riservatezza','sicurezza','telemonitoraggio','diabete','cardiologia',
   'dispositivi','imprese','regolatori','linee','consenso','sanitarie']);

-- a pool of post texts per language, 12 to 60 words, picked by each post and made its own by a tail
CREATE TEMP TABLE archive_bodies ON COMMIT DROP AS
SELECT v.language, k,
       (SELECT string_agg(CASE WHEN w % 5 = 0
                            THEN translate(substr(md5((k * 100 + w)::text), 1, 6), '0123456789', 'ghijklmnop')
                            ELSE v.words[1 + floor(random() * cardinality(v.words))::int]
                          END, ' ' ORDER BY w)
          FROM generate_series(1, 12 + (k * 7919) % 49) w WHERE k > 0 AND v.language IS NOT NULL) AS body
  FROM archive_vocab v, generate_series(1, 1000) k;
CREATE INDEX ON archive_bodies (language, k);

-- step: members
INSERT INTO members (issuer, subject, display_name, handle, locale, time_zone, created_at, last_seen_at,
                     affiliation, country, stakeholder_type, languages)
SELECT 'https://archive.agora.invalid', 'archive-' || i,
       f.first || ' ' || l.last || ' ' || i,
       lower(f.first) || '.' || lower(l.last) || '.' || i,
       (ARRAY['en', 'en', 'en', 'fr', 'de', 'de', 'es', 'it'])[1 + i % 8],
       (ARRAY['Europe/Berlin', 'Europe/Paris', 'Europe/Madrid', 'Europe/Rome', 'Europe/London', 'UTC'])[1 + i % 6],
       j.joined, j.joined + (now() - j.joined) * random(),
       CASE WHEN i % 3 = 0 THEN (ARRAY['University Hospital', 'Health Insurance Fund', 'Digital Health Startup',
            'Patient Association', 'HTA Agency', 'Ministry of Health'])[1 + i % 6] END,
       CASE WHEN i % 2 = 0 THEN (ARRAY['DE', 'FR', 'ES', 'IT', 'NL', 'BE', 'AT', 'PL'])[1 + i % 8] END,
       CASE WHEN i % 4 = 0 THEN (ARRAY['patient', 'clinician', 'payer', 'hta', 'industry', 'academia', 'other'])[1 + i % 7] END,
       CASE WHEN i % 5 = 0 THEN ARRAY['en', 'de'] ELSE '{}' END
  FROM archive_n n, generate_series(1, n.members) i
  CROSS JOIN LATERAL (SELECT (ARRAY['Anna', 'Lukas', 'Marie', 'Jonas', 'Sofia', 'Paul', 'Emma', 'Luca', 'Julia', 'Noah',
          'Chiara', 'Mateo', 'Lea', 'Hugo', 'Clara', 'Elias', 'Ines', 'Pablo', 'Greta', 'Leon'])[1 + i % 20] AS first) f
  CROSS JOIN LATERAL (SELECT (ARRAY['Schmidt', 'Martin', 'Garcia', 'Rossi', 'Muller', 'Bernard', 'Lopez', 'Bianchi',
          'Weber', 'Dubois', 'Fernandez', 'Ricci', 'Wagner', 'Moreau', 'Romano', 'Becker', 'Laurent', 'Costa',
          'Fischer', 'Colombo', 'Meyer', 'Lefebvre', 'Sanchez', 'Greco'])[1 + (i / 20) % 24] AS last) l
  CROSS JOIN LATERAL (SELECT now() - (1825 * (1 - sqrt(random())) + 1) * interval '1 day' + i * interval '0 s' AS joined) j;
CREATE TEMP TABLE archive_members ON COMMIT DROP AS
SELECT substr(subject, 9)::int AS k, id, created_at FROM members WHERE issuer = 'https://archive.agora.invalid';
CREATE UNIQUE INDEX ON archive_members (k);

-- step: groups and memberships
-- a few big groups, many small: a group's rank is drawn log-uniformly, so rank 1 gets about 12%
-- of the threads (and of the memberships) at full scale, rank 300 a few; every tenth is closed
INSERT INTO working_groups (slug, name, purpose, visibility, join_policy, position, created_at, hold_first_posts)
SELECT 'archive-' || g, 'Archive ' || g || ': ' || initcap(v.words[1 + g % 40]) || ' and ' || v.words[1 + (g * 7) % 40],
       'A working group of the seeded archive on ' || v.words[1 + g % 40] || ' and ' || v.words[1 + (g * 7) % 40] || '.',
       CASE WHEN g % 10 = 3 THEN 'closed' ELSE 'public' END, CASE WHEN g % 10 = 3 THEN 'request' ELSE 'open' END,
       1000 + g, now() - interval '1830 days' + g * interval '2 days', CASE WHEN g % 10 = 3 THEN 0 ELSE 1 END
  FROM archive_n n, generate_series(1, n.groups) g, archive_vocab v
 WHERE v.language = 'english';
CREATE TEMP TABLE archive_groups ON COMMIT DROP AS
SELECT position - 1000 AS rank, id, created_at FROM working_groups WHERE slug ~ '^archive-[0-9]+$';
CREATE UNIQUE INDEX ON archive_groups (rank);
-- a moderator for every group, then each member in 1 to 8 groups
INSERT INTO group_memberships (group_id, member_id, role, joined_at)
SELECT g.id, m.id, 'moderator', greatest(g.created_at, m.created_at)
  FROM archive_groups g, archive_n n, archive_members m
 WHERE m.k = 1 + (g.rank * 37) % n.members;
INSERT INTO group_memberships (group_id, member_id, role, joined_at)
SELECT DISTINCT ON (g.id, m.id) g.id, m.id, 'member', greatest(g.created_at, m.created_at) + interval '1 day'
  FROM archive_n n
  CROSS JOIN archive_members m
  CROSS JOIN LATERAL generate_series(1, floor(exp(random() * ln(8)))::int + (m.k * 0)) j
  CROSS JOIN LATERAL (SELECT least(n.groups, floor(exp(random() * ln(n.groups + 1)))::int + j * 0) AS rank) r
  JOIN archive_groups g ON g.rank = r.rank
ON CONFLICT DO NOTHING;
CREATE TEMP TABLE archive_people ON COMMIT DROP AS
SELECT g.rank, g.id AS group_id, array_agg(gm.member_id ORDER BY gm.member_id) AS people
  FROM archive_groups g JOIN group_memberships gm ON gm.group_id = g.id
 GROUP BY g.rank, g.id;
CREATE UNIQUE INDEX ON archive_people (rank);

-- step: threads
-- long threads and short: a thread's weight is log-uniform over 1..100 and the posts are shared out
-- by weight, so the total is exact; written over five years, in five languages (English most)
CREATE TEMP TABLE archive_raw ON COMMIT DROP AS
SELECT i, least(n.groups, floor(exp(random() * ln(n.groups + 1)))::int) AS rank,
       (ARRAY['english', 'english', 'english', 'english', 'english', 'english', 'french', 'french', 'german',
              'german', 'spanish', 'italian'])[1 + floor(random() * 12)::int] AS language,
       exp(random() * ln(100)) AS weight,
       now() - (1825 * random() + 1) * interval '1 day' AS started
  FROM archive_n n, generate_series(1, n.threads) i;
CREATE TEMP TABLE archive_plan ON COMMIT DROP AS
SELECT x.i, x.rank, x.language, x.started, x.cum, p.group_id, p.people,
       1 + x.cum - coalesce(lag(x.cum) OVER (ORDER BY x.i), 0) AS posts,
       x.i - 1 + coalesce(lag(x.cum) OVER (ORDER BY x.i), 0) AS offset_before,
       p.people[1 + abs(hashint8(x.i)) % cardinality(p.people)] AS author
  FROM (SELECT r.*, round((n.posts - n.threads)::float8 * sum(r.weight) OVER (ORDER BY r.i) / sum(r.weight) OVER ())::int AS cum
          FROM archive_raw r, archive_n n) x
  JOIN archive_people p ON p.rank = x.rank;
-- a thread lasts from hours to months, never past now; ids are taken from the sequences up front
ALTER TABLE archive_plan ADD COLUMN span interval, ADD COLUMN tid bigint, ADD COLUMN base bigint;
UPDATE archive_plan SET span = least(now() - started - interval '1 hour', posts * interval '5 hours' * (0.2 + 3 * random())),
                        tid = nextval('threads_id_seq');
UPDATE archive_plan SET base = b.base
  FROM (SELECT setval('posts_id_seq', nextval('posts_id_seq') + n.posts) - n.posts AS base FROM archive_n n) b;
CREATE UNIQUE INDEX ON archive_plan (i);
INSERT INTO threads (id, group_id, title, author_id, created_at, last_activity_at, pinned, locked, post_count,
                     last_post_id, last_poster_id, language)
SELECT t.tid, t.group_id,
       (SELECT initcap(string_agg(v.words[1 + abs(hashint8(t.i * 10 + w)) % cardinality(v.words)], ' ' ORDER BY w))
          FROM archive_vocab v, generate_series(1, 3 + t.i % 6) w WHERE v.language = t.language),
       t.author, t.started, CASE WHEN t.posts = 1 THEN t.started ELSE t.started + t.span END, t.i % 211 = 0, t.i % 97 = 0, t.posts,
       t.base + t.offset_before + t.posts - 1,
       CASE WHEN t.posts = 1 THEN t.author
            ELSE t.people[1 + abs(hashint8(t.base + t.offset_before + t.posts - 1)) % cardinality(t.people)] END,
       t.language
  FROM archive_plan t
 ORDER BY t.i;

-- step: posts [chunked]
-- position k of a thread is post base + offset + k - 1, by a member of the group (the opening post
-- by the thread's author), at an even share of the thread's span; its first revision is recorded
WITH p AS (
  INSERT INTO posts (id, thread_id, position, author_id, body_markdown, body_html, created_at, language, group_id)
  SELECT x.id, t.tid, pos,
         CASE WHEN pos = 1 THEN t.author ELSE t.people[1 + abs(hashint8(x.id)) % cardinality(t.people)] END,
         b.body || ' ' || x.tail, '<p>' || b.body || ' ' || x.tail || '</p>',
         t.started + t.span * ((pos - 1)::float8 / greatest(t.posts - 1, 1)), t.language, t.group_id
    FROM archive_plan t
   CROSS JOIN archive_n n
   CROSS JOIN LATERAL generate_series(1, t.posts) pos
   CROSS JOIN LATERAL (SELECT t.base + t.offset_before + pos - 1 AS id,
                              translate(substr(md5((t.base + t.offset_before + pos)::text), 1, 8), '0123456789', 'qrstuvwxyz') AS tail) x
    JOIN archive_bodies b ON b.language = t.language AND b.k = 1 + abs(hashint8(x.id * 31)) % 1000
   WHERE t.i % n.chunks = current_setting('agora.archive_chunk')::int
  RETURNING id, author_id, body_markdown, body_html, created_at)
INSERT INTO post_revisions (post_id, revision, editor_id, body_markdown, body_html, created_at)
SELECT id, 1, author_id, body_markdown, body_html, created_at FROM p;

-- step: reactions, read positions, subscriptions, trust counters
INSERT INTO reactions (post_id, member_id, kind, created_at)
SELECT p.id, ap.people[1 + abs(hashint8(p.id * 7 + j)) % cardinality(ap.people)],
       (ARRAY['like', 'agree', 'insightful', 'thanks', 'question'])[1 + (p.id + j) % 5], p.created_at + interval '1 hour'
  FROM posts p
  JOIN archive_plan t ON t.tid = p.thread_id
  JOIN archive_people ap ON ap.rank = t.rank
 CROSS JOIN LATERAL generate_series(1, 1 + (p.id % 3)::int) j
 WHERE p.id % 8 = 0
ON CONFLICT DO NOTHING;
-- each membership has read up to five threads of its group, partly
CREATE TEMP TABLE archive_group_threads ON COMMIT DROP AS
SELECT group_id, array_agg(tid ORDER BY tid) AS tids FROM archive_plan GROUP BY group_id;
INSERT INTO read_positions (member_id, thread_id, position, updated_at)
SELECT gm.member_id, th.id, 1 + abs(hashint8(gm.member_id * 13 + th.id)) % th.post_count, th.last_activity_at
  FROM group_memberships gm
  JOIN archive_group_threads gt ON gt.group_id = gm.group_id
 CROSS JOIN LATERAL generate_series(1, 5) j
  JOIN threads th ON th.id = gt.tids[1 + abs(hashint8(gm.member_id * 5 + j)) % cardinality(gt.tids)]
ON CONFLICT DO NOTHING;
INSERT INTO thread_subscriptions (member_id, thread_id, level)
SELECT author, tid, 'watching' FROM archive_plan ON CONFLICT DO NOTHING;
UPDATE group_memberships gm SET approved_posts = c.n, first_approved_at = c.first
  FROM (SELECT p.group_id, p.author_id, count(*) AS n, min(p.created_at) AS first
          FROM posts p JOIN archive_groups g ON g.id = p.group_id
         GROUP BY p.group_id, p.author_id) c
 WHERE gm.group_id = c.group_id AND gm.member_id = c.author_id;

-- step: documents
-- status draft, open, consensus, adopted or archived; 1 to 6 revisions of 4 to 13 sections each
-- (section keys stable across revisions, one in three reworded per revision), every fourth a heading
CREATE TEMP TABLE archive_docs ON COMMIT DROP AS
SELECT j, nextval('documents_id_seq') AS id, p.group_id, p.people,
       (ARRAY['draft', 'open', 'open', 'consensus', 'adopted', 'adopted', 'archived', 'open'])[1 + j % 8] AS status,
       1 + (j * 7) % 6 AS revisions, 4 + (j * 5) % 10 AS sections,
       now() - (1800 * random() + 20) * interval '1 day' AS created,
       (ARRAY['en', 'en', 'en', 'fr', 'de'])[1 + j % 5] AS language
  FROM archive_n n
 CROSS JOIN LATERAL generate_series(1, n.documents) j
 CROSS JOIN LATERAL (SELECT least(n.groups, floor(exp(random() * ln(n.groups + 1)))::int + j * 0) AS rank) r
  JOIN archive_people p ON p.rank = r.rank;
INSERT INTO documents (id, group_id, title, status, current_revision, adopted_revision, next_section, created_by,
                       created_at, updated_at, language)
SELECT d.id, d.group_id,
       'Position paper ' || d.j || ': ' || initcap(v.words[1 + d.j % 40]) || ' and ' || v.words[1 + (d.j * 3) % 40],
       d.status, d.revisions, CASE WHEN d.status = 'adopted' THEN d.revisions END, d.sections + 1,
       d.people[1 + d.j % cardinality(d.people)], d.created, d.created + d.revisions * interval '9 days', d.language
  FROM archive_docs d, archive_vocab v WHERE v.language = 'english';
CREATE TEMP TABLE archive_sections ON COMMIT DROP AS
SELECT d.id AS document_id, r AS revision, s AS position, s AS section_key, s % 4 = 1 AS heading,
       CASE WHEN s % 4 = 1 THEN 'Section ' || s || ': ' || initcap(v.words[1 + (d.j + s) % 40])
            ELSE b.body END AS text
  FROM archive_docs d
 CROSS JOIN LATERAL generate_series(1, d.revisions) r
 CROSS JOIN LATERAL generate_series(1, d.sections) s
  JOIN archive_vocab v ON v.language = 'english'
  JOIN archive_bodies b ON b.language = 'english' AND b.k = 1 + abs(hashint8(d.id * 100 + s + CASE WHEN (s + r) % 3 = 0 THEN r ELSE 0 END)) % 1000;
INSERT INTO document_revisions (document_id, number, author_id, committed_by, summary, summary_html, body, created_at)
SELECT d.id, r.revision, d.people[1 + (d.j + r.revision) % cardinality(d.people)],
       d.people[1 + (d.j + r.revision) % cardinality(d.people)],
       'Revision ' || r.revision || ': reworded after the comments', '<p>Revision ' || r.revision || ': reworded after the comments</p>',
       r.body, d.created + (r.revision - 1) * interval '9 days'
  FROM archive_docs d
  JOIN (SELECT document_id, revision,
               string_agg(CASE WHEN heading THEN '## ' || text ELSE text END, E'\n\n' ORDER BY position) AS body
          FROM archive_sections GROUP BY document_id, revision) r ON r.document_id = d.id;
INSERT INTO document_sections (document_id, revision, position, section_key, heading, source, html)
SELECT document_id, revision, position, section_key, heading,
       CASE WHEN heading THEN '## ' || text ELSE text END,
       CASE WHEN heading THEN '<h2>' || text || '</h2>' ELSE '<p>' || text || '</p>' END
  FROM archive_sections;
INSERT INTO document_status_changes (document_id, from_status, to_status, revision, member_id, created_at)
SELECT id, 'draft', status, revisions, people[1], created + revisions * interval '9 days'
  FROM archive_docs WHERE status <> 'draft';
-- about ten comments a document, on any revision and section, a third of them resolved
INSERT INTO document_comments (document_id, section_key, revision, author_id, body, html, disposition,
                               resolved_by, resolved_at, created_at)
SELECT d.id, 1 + c % d.sections, 1 + c % d.revisions, d.people[1 + (d.j * 3 + c) % cardinality(d.people)],
       b.body, '<p>' || b.body || '</p>',
       CASE WHEN c % 3 = 0 THEN (ARRAY['accepted', 'partial', 'declined'])[1 + c % 3] END,
       CASE WHEN c % 3 = 0 THEN d.people[1] END,
       CASE WHEN c % 3 = 0 THEN d.created + (1 + c % d.revisions) * interval '9 days' END,
       d.created + (c % d.revisions) * interval '9 days' + c * interval '1 hour'
  FROM archive_docs d
 CROSS JOIN LATERAL generate_series(1, (d.j * 13) % 20) c
  JOIN archive_bodies b ON b.language = 'english' AND b.k = 1 + abs(hashint8(d.id * 1000 + c)) % 1000;
-- proposals: pending or declined (an accepted one would be a revision)
INSERT INTO document_proposals (document_id, base_revision, author_id, rationale, rationale_html, body, status,
                                decided_by, decided_at, decision_reason, created_at)
SELECT d.id, d.revisions, d.people[1 + (d.j + q) % cardinality(d.people)],
       'Clearer wording of section ' || q, '<p>Clearer wording of section ' || q || '</p>',
       r.body || E'\n\nProposed wording ' || q || '.',
       CASE WHEN q = 1 THEN 'declined' ELSE 'pending' END,
       CASE WHEN q = 1 THEN d.people[1] END, CASE WHEN q = 1 THEN d.created + d.revisions * interval '9 days' END,
       CASE WHEN q = 1 THEN 'Out of scope' ELSE '' END,
       d.created + d.revisions * interval '9 days' - interval '1 day'
  FROM archive_docs d
  JOIN document_revisions r ON r.document_id = d.id AND r.number = d.revisions
 CROSS JOIN LATERAL generate_series(1, d.j % 4) q;
INSERT INTO document_endorsements (document_id, member_id, revision, created_at)
SELECT DISTINCT ON (d.id, m) d.id, m, d.revisions, d.created + d.revisions * interval '9 days' + interval '2 days'
  FROM archive_docs d
 CROSS JOIN LATERAL generate_series(1, 3 + d.j % 18) e
 CROSS JOIN LATERAL (SELECT d.people[1 + (d.j * 11 + e * 7) % cardinality(d.people)] AS m) x
 WHERE d.status IN ('consensus', 'adopted', 'archived');

-- step: talks
-- over five years and the next three months; past ones closed with a summary, their rooms with
-- messages and questions (votes counted from their rows)
CREATE TEMP TABLE archive_talks ON COMMIT DROP AS
SELECT j, nextval('talks_id_seq') AS id,
       date_trunc('hour', now() - (1825 * (1 - j::float8 / n.talks) - 90) * interval '1 day') AS starts,
       p.group_id, p.people
  FROM archive_n n
 CROSS JOIN LATERAL generate_series(1, n.talks) j
  JOIN archive_people p ON p.rank = 1 + (j * 17) % n.groups;
INSERT INTO talks (id, slug, title, description, starts_at, ends_at, room_state, summary, closed_at, updated_at, language)
SELECT t.id, 'archive-talk-' || t.j, 'Hub Talk ' || t.j || ': ' || initcap(v.words[1 + t.j % 40]) || ' in practice',
       'A talk of the seeded archive. ' || b.body, t.starts, t.starts + interval '1 hour',
       CASE WHEN t.starts + interval '1 hour' < now() THEN 'closed' ELSE 'scheduled' END,
       CASE WHEN t.starts + interval '1 hour' < now() THEN 'What was said: ' || b.body ELSE '' END,
       CASE WHEN t.starts + interval '1 hour' < now() THEN t.starts + interval '1 hour' END,
       t.starts, (ARRAY['en', 'en', 'fr', 'de'])[1 + t.j % 4]
  FROM archive_talks t
  JOIN archive_vocab v ON v.language = 'english'
  JOIN archive_bodies b ON b.language = 'english' AND b.k = 1 + t.j % 1000;
INSERT INTO talk_speakers (talk_id, position, name, affiliation, member_id)
SELECT t.id, s, m.display_name, coalesce(m.affiliation, ''), m.id
  FROM archive_talks t
 CROSS JOIN LATERAL generate_series(1, 1 + t.j % 3) s
  JOIN members m ON m.id = t.people[1 + (t.j + s) % cardinality(t.people)];
INSERT INTO talk_groups (talk_id, group_id) SELECT id, group_id FROM archive_talks;
INSERT INTO talk_messages (talk_id, author_id, body_markdown, body_html, created_at)
SELECT t.id, t.people[1 + (t.j + c) % cardinality(t.people)], left(b.body, 200), '<p>' || left(b.body, 200) || '</p>',
       t.starts + c * interval '2 minutes'
  FROM archive_talks t
 CROSS JOIN LATERAL generate_series(1, 20) c
  JOIN archive_bodies b ON b.language = 'english' AND b.k = 1 + abs(hashint8(t.id * 50 + c)) % 1000
 WHERE t.starts + interval '1 hour' < now();
INSERT INTO talk_questions (talk_id, author_id, body, anonymous, status, answered_at, answer, created_at)
SELECT t.id, t.people[1 + (t.j * 3 + q) % cardinality(t.people)], left(b.body, 280) || '?', q % 7 = 0,
       CASE WHEN q % 11 = 0 THEN 'hidden' ELSE 'visible' END,
       CASE WHEN q % 2 = 0 THEN t.starts + interval '50 minutes' END,
       CASE WHEN q % 2 = 0 THEN 'Answered in the room.' ELSE '' END,
       t.starts + q * interval '3 minutes'
  FROM archive_talks t
 CROSS JOIN LATERAL generate_series(1, (t.j * 7) % 21) q
  JOIN archive_bodies b ON b.language = 'english' AND b.k = 1 + abs(hashint8(t.id * 70 + q)) % 1000
 WHERE t.starts + interval '1 hour' < now();
INSERT INTO talk_question_votes (question_id, member_id, created_at)
SELECT DISTINCT ON (q.id, m) q.id, m, q.created_at + interval '1 minute'
  FROM talk_questions q
  JOIN archive_talks t ON t.id = q.talk_id
 CROSS JOIN LATERAL generate_series(1, (q.id % 6)::int) v
 CROSS JOIN LATERAL (SELECT t.people[1 + (q.id * 5 + v) % cardinality(t.people)] AS m) x;
UPDATE talk_questions q SET votes = c.n
  FROM (SELECT question_id, count(*) AS n FROM talk_question_votes v JOIN talk_questions q2 ON q2.id = v.question_id
          JOIN archive_talks t ON t.id = q2.talk_id GROUP BY question_id) c
 WHERE q.id = c.question_id;

-- step: group counters
-- (the counters of V045, which its triggers keep; with session_replication_role = replica they did not run)
SELECT agora_group_counters_refresh();
