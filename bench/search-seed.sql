-- Seeds posts for bench/search.sh: :posts posts (default 100000) in threads of 50, in English,
-- French, German, Spanish and Italian, across every active working group, written over the last
-- two years by the demo members. Run with psql against Agora's database:
--   psql -X -v posts=100000 -f bench/search-seed.sql
-- Rows go in through plain INSERTs, so their search vectors are computed by the same generated
-- columns as a post made through the forum. Threads are titled "[bench] ...".
\if :{?posts}
\else
  \set posts 100000
\endif
\set ON_ERROR_STOP on
\timing on

CREATE TEMP TABLE bench_vocab (language text PRIMARY KEY, words text[]);
INSERT INTO bench_vocab VALUES
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

CREATE TEMP TABLE bench_threads AS
SELECT i, (ARRAY['english','french','german','spanish','italian'])[1 + i % 5] AS language,
       (SELECT array_agg(id ORDER BY position, id) FROM working_groups WHERE archived_at IS NULL) AS groups,
       (SELECT array_agg(id ORDER BY id) FROM members WHERE subject LIKE 'demo-%') AS authors,
       now() - (random() * interval '730 days') AS started
  FROM generate_series(1, (:posts + 49) / 50) AS i;

WITH made AS (
  INSERT INTO threads (group_id, title, author_id, created_at, last_activity_at, post_count, language)
  SELECT t.groups[1 + t.i % cardinality(t.groups)],
         '[bench] ' || (SELECT string_agg(v.words[1 + floor(random() * cardinality(v.words))::int], ' ')
                          FROM bench_vocab v, generate_series(1, 6) w WHERE v.language = t.language AND t.i > 0),
         t.authors[1 + t.i % cardinality(t.authors)], t.started, t.started + interval '7 days', 50, t.language
    FROM bench_threads t
  RETURNING id, language, author_id, created_at
)
SELECT count(*) AS threads FROM made \gset
\echo threads :threads

-- 50 posts per bench thread, a few hours apart, of 40 words: 3 topical words of the thread's
-- language (each then in about 7% of that language's posts) among 37 words of a long tail
-- (log-uniform over 20,000 made-up words, so a few are frequent and most are rare), as in real text
INSERT INTO posts (thread_id, position, author_id, body_markdown, body_html, created_at, language)
SELECT t.id, p.position, t.author_id,
       b.body, '<p>' || b.body || '</p>', t.created_at + p.position * interval '3 hours', t.language
  FROM threads t
  CROSS JOIN generate_series(1, 50) AS p(position)
  CROSS JOIN LATERAL (
    SELECT string_agg(CASE WHEN w % 13 = 0
                        THEN v.words[1 + floor(random() * cardinality(v.words))::int]
                        ELSE translate(substr(md5(floor(exp(random() * ln(20000)))::text), 1, 7), '0123456789', 'ghijklmnop')
                      END, ' ' ORDER BY w) AS body
      FROM bench_vocab v, generate_series(1, 40) w
     WHERE v.language = t.language AND p.position > 0) b
 WHERE t.title LIKE '[bench] %'
   AND NOT EXISTS (SELECT 1 FROM posts x WHERE x.thread_id = t.id);

ANALYZE threads;
ANALYZE posts;
SELECT language, count(*) AS posts FROM posts GROUP BY language ORDER BY language;
