package eu.mhealthhub.agora.document;

import static eu.mhealthhub.agora.db.Rows.first;
import static eu.mhealthhub.agora.db.Rows.instant;
import static eu.mhealthhub.agora.db.Rows.list;

import eu.mhealthhub.agora.document.DocumentEvents.Citation;
import eu.mhealthhub.agora.document.DocumentEvents.Endorsement;
import eu.mhealthhub.agora.document.DocumentEvents.StatusChange;
import eu.mhealthhub.agora.document.DocumentRevision.Section;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** SQL for consensus documents, their revisions, sections, proposals, comments and endorsements. */
final class DocumentRepository {

  private static final String COMMENT_AUTHOR = "SELECT author_id, section_key FROM document_comments WHERE id = $1 AND document_id = $2";
  private static final String DOCUMENT_GROUPS = "SELECT id, group_id FROM documents WHERE id = ANY($1)";

  /** A document's columns, as {@code DocumentViews} reads them (a select list, not a statement). */
  private static final String COLUMNS = """
      d.id, d.group_id, d.title, d.status, d.current_revision, d.adopted_revision, d.next_section,
             d.created_at, d.updated_at, d.language,
             (SELECT m.display_name FROM document_revisions r JOIN members m ON m.id = r.committed_by
               WHERE r.document_id = d.id AND r.number = d.current_revision) AS last_editor,
             (SELECT count(*) FROM document_endorsements e WHERE e.document_id = d.id) AS endorsements,
             (SELECT count(*) FROM document_proposals p WHERE p.document_id = d.id AND p.status = 'pending') AS pending,
             (SELECT count(*) FROM document_comments c WHERE c.document_id = d.id AND c.disposition IS NULL) AS open_comments""";
  private static final String DOCUMENT = "SELECT " + COLUMNS + "\n  FROM documents d\n";
  private static final String BY_ID = DOCUMENT + " WHERE d.id = $1";
  /**
   * The document with its group and the viewer's role in it (the columns of the group feature's access query), so
   * the read rule is decided on one query's answer: a document page costs one wait before its parts.
   */
  private static final String FOR_VIEWER = "SELECT " + COLUMNS + """
      ,
             g.slug AS group_slug, g.name AS group_name, g.purpose AS group_purpose, g.visibility AS group_visibility,
             g.join_policy AS group_join_policy, g.archived_at IS NOT NULL AS group_archived,
             (SELECT m.role FROM group_memberships m WHERE m.group_id = g.id AND m.member_id = $2) AS group_viewer_role
        FROM documents d JOIN working_groups g ON g.id = d.group_id
       WHERE d.id = $1
      """;
  private static final String IN_GROUP = DOCUMENT + " WHERE d.group_id = $1 ORDER BY d.status = 'archived', d.updated_at DESC";
  private static final String INSERT_DOCUMENT = """
      INSERT INTO documents (group_id, title, created_by, client_token, language) VALUES ($1, $2, $3, $4, $5)
      ON CONFLICT (created_by, client_token) DO NOTHING RETURNING id
      """;
  private static final String SET_LANGUAGE = "UPDATE documents SET language = $2 WHERE id = $1";
  private static final String BY_TOKEN = "SELECT id FROM documents WHERE created_by = $1 AND client_token = $2";
  /** Moves the document on to a new revision only from the one the editor started from. */
  private static final String ADVANCE = """
      UPDATE documents SET current_revision = current_revision + 1, next_section = $3, updated_at = now()
       WHERE id = $1 AND current_revision = $2 AND status NOT IN ('adopted', 'archived')
      RETURNING current_revision
      """;
  private static final String SET_NEXT_SECTION = "UPDATE documents SET next_section = $2 WHERE id = $1";
  private static final String LOCK = "SELECT current_revision, status, next_section FROM documents WHERE id = $1 FOR UPDATE";
  private static final String INSERT_REVISION = """
      INSERT INTO document_revisions (document_id, number, author_id, committed_by, summary, summary_html, body, proposal_id)
      VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
      """;
  private static final String INSERT_SECTION = """
      INSERT INTO document_sections (document_id, revision, position, section_key, heading, source, html)
      VALUES ($1, $2, $3, $4, $5, $6, $7)
      """;
  private static final String REVISION_COLUMNS = """
      SELECT r.document_id, r.number, r.author_id, a.display_name AS author, c.display_name AS committer, r.summary,
             r.summary_html, r.body, r.proposal_id, r.created_at
        FROM document_revisions r JOIN members a ON a.id = r.author_id JOIN members c ON c.id = r.committed_by
      """;
  private static final String REVISION = REVISION_COLUMNS + " WHERE r.document_id = $1 AND r.number = $2";
  private static final String REVISIONS = REVISION_COLUMNS + " WHERE r.document_id = $1 ORDER BY r.number DESC";
  private static final String SECTIONS = """
      SELECT section_key, heading, source, html FROM document_sections
       WHERE document_id = $1 AND revision = $2 ORDER BY position
      """;
  /** Each revision's version of one section, oldest first; a revision without it has none. */
  private static final String SECTION_HISTORY = """
      SELECT s.revision, s.source FROM document_sections s
       WHERE s.document_id = $1 AND s.section_key = $2 ORDER BY s.revision
      """;
  private static final String STATUS = """
      UPDATE documents SET status = $2, updated_at = now(),
             adopted_revision = CASE WHEN $2 = 'adopted' THEN current_revision ELSE adopted_revision END
       WHERE id = $1 AND status = $3 RETURNING current_revision
      """;
  private static final String INSERT_STATUS = """
      INSERT INTO document_status_changes (document_id, from_status, to_status, revision, member_id, note)
      VALUES ($1, $2, $3, $4, $5, $6)
      """;
  private static final String STATUS_HISTORY = """
      SELECT s.from_status, s.to_status, s.revision, m.display_name, s.note, s.created_at
        FROM document_status_changes s JOIN members m ON m.id = s.member_id
       WHERE s.document_id = $1 ORDER BY s.id
      """;
  private static final String PROPOSAL_COLUMNS = """
      SELECT p.id, p.document_id, p.base_revision, p.author_id, a.display_name AS author, p.rationale, p.rationale_html,
             p.body, p.status, d.display_name AS decider, p.decided_at, p.decision_reason, p.accepted_revision, p.created_at,
             a.handle AS author_handle, p.declaration_version
        FROM document_proposals p JOIN members a ON a.id = p.author_id LEFT JOIN members d ON d.id = p.decided_by
      """;
  private static final String PROPOSAL = PROPOSAL_COLUMNS + " WHERE p.document_id = $1 AND p.id = $2";
  private static final String PROPOSALS = PROPOSAL_COLUMNS + " WHERE p.document_id = $1 ORDER BY p.status <> 'pending', p.id DESC";
  private static final String INSERT_PROPOSAL = """
      INSERT INTO document_proposals (document_id, base_revision, author_id, rationale, rationale_html, body, client_token)
      VALUES ($1, $2, $3, $4, $5, $6, $7)
      ON CONFLICT (author_id, client_token) DO NOTHING RETURNING id
      """;
  private static final String PROPOSAL_BY_TOKEN = "SELECT id FROM document_proposals WHERE author_id = $1 AND client_token = $2";
  private static final String DECIDE_PROPOSAL = """
      UPDATE document_proposals SET status = $3, decided_by = $4, decided_at = now(), decision_reason = $5,
             accepted_revision = $6
       WHERE document_id = $1 AND id = $2 AND status = 'pending' RETURNING id
      """;
  private static final String COMMENT_COLUMNS = """
      SELECT c.id, c.document_id, c.section_key, c.revision, c.author_id, a.display_name AS author, c.body,
             CASE WHEN c.held_for_review_at IS NULL THEN c.html ELSE '' END AS html,
             c.disposition, c.disposition_reason, r.display_name AS resolver, c.resolved_at, c.created_at,
             c.held_for_review_at IS NOT NULL AS held, a.handle AS author_handle, c.declaration_version
        FROM document_comments c JOIN members a ON a.id = c.author_id LEFT JOIN members r ON r.id = c.resolved_by
      """;
  private static final String COMMENTS = COMMENT_COLUMNS + " WHERE c.document_id = $1 ORDER BY c.section_key, c.id";
  private static final String COMMENT = COMMENT_COLUMNS + " WHERE c.document_id = $1 AND c.id = $2";
  private static final String COMMENT_BY_ID = COMMENT_COLUMNS + " WHERE c.id = $1";
  // flags from several members hide a comment pending review
  private static final String HOLD_COMMENT = """
      UPDATE document_comments SET held_for_review_at = now() WHERE id = $1 AND held_for_review_at IS NULL RETURNING id
      """;
  private static final String RELEASE_COMMENT = """
      UPDATE document_comments SET held_for_review_at = NULL WHERE id = $1 AND held_for_review_at IS NOT NULL RETURNING id
      """;
  private static final String LOG_COMMENT_RESTORE = """
      INSERT INTO moderation_log (group_id, actor_id, action, target_type, target_id, reason)
      VALUES ($1, $2, 'comment.restore', 'comment', $3, $4)
      """;
  private static final String INSERT_COMMENT = """
      INSERT INTO document_comments (document_id, section_key, revision, author_id, body, html, client_token)
      VALUES ($1, $2, $3, $4, $5, $6, $7)
      ON CONFLICT (author_id, client_token) DO NOTHING RETURNING id
      """;
  private static final String COMMENT_BY_TOKEN = "SELECT id FROM document_comments WHERE author_id = $1 AND client_token = $2";
  private static final String RESOLVE = """
      UPDATE document_comments SET disposition = $3, disposition_reason = $4, resolved_by = $5, resolved_at = now()
       WHERE document_id = $1 AND id = $2 RETURNING id
      """;
  private static final String ENDORSE = """
      INSERT INTO document_endorsements (document_id, member_id, revision) VALUES ($1, $2, $3)
      ON CONFLICT (document_id, member_id) DO UPDATE SET revision = EXCLUDED.revision, created_at = now()
      """;
  private static final String WITHDRAW = "DELETE FROM document_endorsements WHERE document_id = $1 AND member_id = $2";
  private static final String ENDORSEMENTS = """
      SELECT e.member_id, m.display_name, m.handle, e.revision, e.created_at,
             CASE WHEN m.erased_at IS NULL THEN e.declaration_version END AS declaration_version
        FROM document_endorsements e JOIN members m ON m.id = e.member_id
       WHERE e.document_id = $1 ORDER BY e.revision DESC, e.created_at
      """;
  private static final String LOG = """
      INSERT INTO moderation_log (group_id, actor_id, action, target_type, target_id, detail)
      VALUES ($1, $2, $3, 'document', $4, $5)
      """;
  private static final String TOUCH = "UPDATE documents SET updated_at = now() WHERE id = $1";
  private static final String POST_THREAD = "SELECT thread_id FROM posts WHERE id = $1";
  private static final String THREAD_EXISTS = "SELECT id FROM threads WHERE id = $1";
  private static final String INSERT_CITATION = """
      INSERT INTO document_citations (document_id, revision, comment_id, section_key, thread_id, post_id)
      VALUES ($1, $2, $3, $4, $5, $6)
      """;
  private static final String CITATION_COLUMNS = """
      SELECT c.document_id, d.title, c.revision, c.comment_id, c.section_key, c.thread_id, c.post_id, t.title AS thread_title,
             t.group_id AS thread_group, d.group_id AS document_group
        FROM document_citations c JOIN documents d ON d.id = c.document_id JOIN threads t ON t.id = c.thread_id
      """;
  /**
   * A document's citations with each cited thread's group as the viewer sees it (the access query's columns), so the
   * document page decides which thread titles it may show without a second wait.
   */
  private static final String CITATIONS_FOR_VIEWER = """
      SELECT c.document_id, d.title, c.revision, c.comment_id, c.section_key, c.thread_id, c.post_id, t.title AS thread_title,
             t.group_id AS thread_group, d.group_id AS document_group,
             g.slug AS group_slug, g.name AS group_name, g.purpose AS group_purpose, g.visibility AS group_visibility,
             g.join_policy AS group_join_policy, g.archived_at IS NOT NULL AS group_archived,
             (SELECT m.role FROM group_memberships m WHERE m.group_id = g.id AND m.member_id = $2) AS group_viewer_role
        FROM document_citations c JOIN documents d ON d.id = c.document_id JOIN threads t ON t.id = c.thread_id
        JOIN working_groups g ON g.id = t.group_id
       WHERE c.document_id = $1 ORDER BY c.id
      """;
  private static final String CITATIONS_OF_THREAD = CITATION_COLUMNS + " WHERE c.thread_id = $1 ORDER BY c.document_id, c.id";
  /**
   * For each revision r of the query, the sections it changed compared with the one before (added, edited or removed),
   * as rows k(section_key): a fragment, joined after {@code FROM document_revisions r}.
   */
  private static final String CHANGED_IN_REVISION = """
      CROSS JOIN LATERAL (
        SELECT COALESCE(n.section_key, o.section_key) AS section_key
          FROM (SELECT section_key, source FROM document_sections WHERE document_id = r.document_id AND revision = r.number) n
          FULL JOIN (SELECT section_key, source FROM document_sections WHERE document_id = r.document_id AND revision = r.number - 1) o
            ON o.section_key = n.section_key
         WHERE n.source IS DISTINCT FROM o.source) k
      """;
  /** Sections each revision changed compared with the one before (added, edited or removed). */
  private static final String CHANGED_SECTIONS = "SELECT r.number, k.section_key FROM document_revisions r "
      + CHANGED_IN_REVISION + " WHERE r.document_id = $1";

  /**
   * Everything the document page shows of a document but its rounds and the viewer's watch, in one statement (it was
   * eight, each costing PostgreSQL more to start than to answer: issue 18): the revision $2 without its whole body, its
   * sections, the comments without their sources, the proposals without their texts, the endorsements, the status
   * history, the sections each revision changed, and the citations with each cited thread's group as the viewer ($3,
   * -1 for a visitor) sees it. Each list is a JSON array of positional arrays, read back by {@link #pageShown}.
   */
  private static final String PAGE_SHOWN = """
      SELECT
        (SELECT json_build_array(r.author_id, a.display_name, c.display_name, r.summary, r.summary_html, r.proposal_id,
                                 r.created_at)
           FROM document_revisions r JOIN members a ON a.id = r.author_id JOIN members c ON c.id = r.committed_by
          WHERE r.document_id = $1 AND r.number = $2) AS revision,
        (SELECT json_agg(json_build_array(s.section_key, s.heading, s.source, s.html) ORDER BY s.position)
           FROM document_sections s WHERE s.document_id = $1 AND s.revision = $2) AS sections,
        (SELECT json_agg(json_build_array(c.id, c.section_key, c.revision, c.author_id, a.display_name,
                    CASE WHEN c.held_for_review_at IS NULL THEN c.html ELSE '' END, c.disposition, c.disposition_reason,
                    r.display_name, c.resolved_at, c.created_at, c.held_for_review_at IS NOT NULL, a.handle,
                    c.declaration_version) ORDER BY c.section_key, c.id)
           FROM document_comments c JOIN members a ON a.id = c.author_id LEFT JOIN members r ON r.id = c.resolved_by
          WHERE c.document_id = $1) AS comments,
        (SELECT json_agg(json_build_array(p.id, p.base_revision, p.author_id, a.display_name, p.status, d.display_name,
                    p.decided_at, p.decision_reason, p.accepted_revision, p.created_at, a.handle, p.declaration_version)
                    ORDER BY p.status <> 'pending', p.id DESC)
           FROM document_proposals p JOIN members a ON a.id = p.author_id LEFT JOIN members d ON d.id = p.decided_by
          WHERE p.document_id = $1) AS proposals,
        (SELECT json_agg(json_build_array(e.member_id, m.display_name, m.handle, e.revision, e.created_at,
                    CASE WHEN m.erased_at IS NULL THEN e.declaration_version END) ORDER BY e.revision DESC, e.created_at)
           FROM document_endorsements e JOIN members m ON m.id = e.member_id
          WHERE e.document_id = $1) AS endorsements,
        (SELECT json_agg(json_build_array(s.from_status, s.to_status, s.revision, m.display_name, s.note, s.created_at)
                    ORDER BY s.id)
           FROM document_status_changes s JOIN members m ON m.id = s.member_id
          WHERE s.document_id = $1) AS history,
        (SELECT json_agg(json_build_array(r.number, k.section_key))
           FROM document_revisions r\s""" + CHANGED_IN_REVISION + """
          WHERE r.document_id = $1) AS changed,
        (SELECT json_agg(json_build_array(c.revision, c.comment_id, c.section_key, c.thread_id, c.post_id, t.title,
                    t.group_id, g.slug, g.name, g.purpose, g.visibility, g.join_policy, g.archived_at IS NOT NULL,
                    (SELECT m.role FROM group_memberships m WHERE m.group_id = g.id AND m.member_id = $3)) ORDER BY c.id)
           FROM document_citations c JOIN threads t ON t.id = c.thread_id JOIN working_groups g ON g.id = t.group_id
          WHERE c.document_id = $1) AS citations
      """;

  private static ConsensusDocument document(Row r) {
    return new ConsensusDocument(r.getLong("id"), r.getLong("group_id"), r.getString("title"), DocumentStatus.of(r.getString("status")),
        r.getInteger("current_revision"), r.getInteger("adopted_revision"), r.getInteger("next_section"),
        instant(r, "created_at"), instant(r, "updated_at"), r.getString("last_editor"), r.getLong("endorsements"),
        r.getLong("pending"), r.getLong("open_comments"), r.getString("language"));
  }

  private static DocumentRevision revision(Row r) {
    return new DocumentRevision(r.getLong("document_id"), r.getInteger("number"), r.getLong("author_id"),
        r.getString("author"), r.getString("committer"), r.getString("summary"), r.getString("summary_html"),
        r.getString("body"), r.getLong("proposal_id"), instant(r, "created_at"), List.of());
  }

  private static Proposal proposal(Row r) {
    return new Proposal(r.getLong("id"), r.getLong("document_id"), r.getInteger("base_revision"), r.getLong("author_id"),
        r.getString("author"), r.getString("rationale"), r.getString("rationale_html"), r.getString("body"),
        r.getString("status"), r.getString("decider"), instant(r, "decided_at"), r.getString("decision_reason"),
        r.getInteger("accepted_revision"), instant(r, "created_at"), r.getString("author_handle"),
        r.getInteger("declaration_version"));
  }

  private static SectionComment comment(Row r) {
    return new SectionComment(r.getLong("id"), r.getLong("document_id"), r.getInteger("section_key"),
        r.getInteger("revision"), r.getLong("author_id"), r.getString("author"), r.getString("body"), r.getString("html"),
        r.getString("disposition"), r.getString("disposition_reason"), r.getString("resolver"),
        instant(r, "resolved_at"), instant(r, "created_at"), r.getBoolean("held"), r.getString("author_handle"),
        r.getInteger("declaration_version"));
  }

  /** A citation with the two groups it joins, so the service can ask the policy about both. */
  record CitationRow(Citation citation, long threadGroup, long documentGroup) {}

  private static CitationRow citation(Row r) {
    return new CitationRow(new Citation(r.getLong("document_id"), r.getString("title"), r.getInteger("revision"),
        r.getLong("comment_id"), r.getInteger("section_key"), r.getLong("thread_id"), r.getLong("post_id"),
        r.getString("thread_title")), r.getLong("thread_group"), r.getLong("document_group"));
  }

  /** The columns {@link #FOR_VIEWER} and {@link #CITATIONS_FOR_VIEWER} read of a group: not yet checked against the policy. */
  private static eu.mhealthhub.agora.group.WorkingGroup group(Row r, long id) {
    return new eu.mhealthhub.agora.group.WorkingGroup(id, r.getString("group_slug"), r.getString("group_name"),
        r.getString("group_purpose"), "closed".equals(r.getString("group_visibility")),
        "open".equals(r.getString("group_join_policy")), r.getBoolean("group_archived"), 0, 0,
        r.getString("group_viewer_role"), 0);
  }

  /** What {@link #FOR_VIEWER} reads: the group is not yet checked against the policy. */
  record ForViewer(ConsensusDocument document, eu.mhealthhub.agora.group.WorkingGroup group) {}

  /** The document with its group as the viewer ({@code viewerId}, -1 for a visitor) sees it, in one query. */
  Future<Optional<ForViewer>> documentForViewer(SqlClient db, long id, long viewerId) {
    return db.preparedQuery(FOR_VIEWER).execute(Tuple.of(id, viewerId)).map(rows -> first(rows,
        r -> new ForViewer(document(r), group(r, r.getLong("group_id")))));
  }

  /** A citation with the cited thread's group as the viewer sees it: not yet checked against the policy. */
  record CitationForViewer(Citation citation, eu.mhealthhub.agora.group.WorkingGroup threadGroup) {}

  Future<List<CitationForViewer>> citationsForViewer(SqlClient db, long documentId, long viewerId) {
    return db.preparedQuery(CITATIONS_FOR_VIEWER).execute(Tuple.of(documentId, viewerId)).map(rows -> list(rows,
        r -> new CitationForViewer(citation(r).citation(), group(r, r.getLong("thread_group")))));
  }

  /**
   * What {@link #PAGE_SHOWN} reads: the revision (empty when it does not exist) with its sections, and the lists, the
   * citations' groups not yet checked against the policy.
   */
  record Shown(Optional<DocumentRevision> revision, List<SectionComment> comments, List<Proposal> proposals,
      List<Endorsement> endorsements, List<StatusChange> history, List<SectionChange> changed,
      List<CitationForViewer> citations) {}

  /**
   * The document page's lists in one statement ({@link #PAGE_SHOWN}); {@code current} is the document's current
   * revision (endorsements of older ones are outdated), {@code title} the document's, which every citation carries.
   */
  Future<Shown> pageShown(SqlClient db, long documentId, int number, int current, String title, long viewerId) {
    return db.preparedQuery(PAGE_SHOWN).execute(Tuple.of(documentId, number, viewerId)).map(rows -> {
      Row r = rows.iterator().next();
      JsonArray rev = (JsonArray) r.getValue("revision");
      List<DocumentRevision.Section> sections = json(r, "sections", a -> new DocumentRevision.Section(a.getInteger(0),
          a.getBoolean(1), a.getString(2), a.getString(3)));
      Optional<DocumentRevision> revision = rev == null ? Optional.empty() : Optional.of(new DocumentRevision(documentId,
          number, rev.getLong(0), rev.getString(1), rev.getString(2), rev.getString(3), rev.getString(4), "",
          rev.getLong(5), jsonInstant(rev, 6), sections));
      List<SectionComment> comments = json(r, "comments", a -> new SectionComment(a.getLong(0), documentId,
          a.getInteger(1), a.getInteger(2), a.getLong(3), a.getString(4), "", a.getString(5), a.getString(6),
          a.getString(7), a.getString(8), jsonInstant(a, 9), jsonInstant(a, 10), a.getBoolean(11), a.getString(12),
          a.getInteger(13)));
      List<Proposal> proposals = json(r, "proposals", a -> new Proposal(a.getLong(0), documentId, a.getInteger(1),
          a.getLong(2), a.getString(3), "", "", "", a.getString(4), a.getString(5), jsonInstant(a, 6), a.getString(7),
          a.getInteger(8), jsonInstant(a, 9), a.getString(10), a.getInteger(11)));
      List<Endorsement> endorsements = json(r, "endorsements", a -> new Endorsement(a.getLong(0), a.getString(1),
          a.getString(2), a.getInteger(3), jsonInstant(a, 4), a.getInteger(3) < current, a.getInteger(5)));
      List<StatusChange> history = json(r, "history", a -> new StatusChange(
          a.getString(0) == null ? null : DocumentStatus.of(a.getString(0)), DocumentStatus.of(a.getString(1)),
          a.getInteger(2), a.getString(3), a.getString(4), jsonInstant(a, 5)));
      List<SectionChange> changed = json(r, "changed", a -> new SectionChange(a.getInteger(0), a.getInteger(1)));
      List<CitationForViewer> citations = json(r, "citations", a -> new CitationForViewer(new Citation(documentId,
          title, a.getInteger(0), a.getLong(1), a.getInteger(2), a.getLong(3), a.getLong(4), a.getString(5)),
          new eu.mhealthhub.agora.group.WorkingGroup(a.getLong(6), a.getString(7), a.getString(8), a.getString(9),
              "closed".equals(a.getString(10)), "open".equals(a.getString(11)), a.getBoolean(12), 0, 0,
              a.getString(13), 0)));
      return new Shown(revision, comments, proposals, endorsements, history, changed, citations);
    });
  }

  /** A JSON array column of positional arrays, each read by {@code read}; empty for SQL null (no rows). */
  private static <T> List<T> json(Row r, String column, java.util.function.Function<JsonArray, T> read) {
    JsonArray all = (JsonArray) r.getValue(column);
    if (all == null) {
      return List.of();
    }
    List<T> list = new ArrayList<>(all.size());
    for (int i = 0; i < all.size(); i++) {
      list.add(read.apply(all.getJsonArray(i)));
    }
    return list;
  }

  /** A {@code timestamptz} inside JSON (ISO 8601 with its offset), null for null. */
  private static Instant jsonInstant(JsonArray a, int i) {
    String text = a.getString(i);
    return text == null ? null : java.time.OffsetDateTime.parse(text).toInstant();
  }

  Future<Optional<ConsensusDocument>> document(SqlClient db, long id) {
    return db.preparedQuery(BY_ID).execute(Tuple.of(id)).map(rows -> first(rows, DocumentRepository::document));
  }

  Future<List<ConsensusDocument>> inGroup(SqlClient db, long groupId) {
    return db.preparedQuery(IN_GROUP).execute(Tuple.of(groupId)).map(rows -> list(rows, DocumentRepository::document));
  }

  Future<Optional<Long>> insertDocument(SqlClient db, long groupId, String title, long authorId, String token,
      String language) {
    return db.preparedQuery(INSERT_DOCUMENT).execute(Tuple.of(groupId, title, authorId, token, language))
        .map(rows -> first(rows, r -> r.getLong(0)));
  }

  Future<Void> setLanguage(SqlClient db, long id, String language) {
    return db.preparedQuery(SET_LANGUAGE).execute(Tuple.of(id, language)).mapEmpty();
  }

  Future<Optional<Long>> documentByToken(SqlClient db, long authorId, String token) {
    return db.preparedQuery(BY_TOKEN).execute(Tuple.of(authorId, token)).map(rows -> first(rows, r -> r.getLong(0)));
  }

  /** A document's current revision, status and next section key, read with its row locked. */
  record Head(int revision, DocumentStatus status, int nextSectionKey) {}

  /** The document's head, its row locked until commit. */
  Future<Optional<Head>> lock(SqlClient db, long id) {
    return db.preparedQuery(LOCK).execute(Tuple.of(id)).map(rows -> first(rows,
        r -> new Head(r.getInteger(0), DocumentStatus.of(r.getString(1)), r.getInteger(2))));
  }

  /** The new revision number, or empty when the document is no longer at {@code base}. */
  Future<Optional<Integer>> advance(SqlClient db, long id, int base, int nextSection) {
    return db.preparedQuery(ADVANCE).execute(Tuple.of(id, base, nextSection)).map(rows -> first(rows, r -> r.getInteger(0)));
  }

  Future<Void> setNextSection(SqlClient db, long id, int nextSection) {
    return db.preparedQuery(SET_NEXT_SECTION).execute(Tuple.of(id, nextSection)).mapEmpty();
  }

  Future<Void> insertRevision(SqlClient db, long documentId, int number, long authorId, long committerId, String summary,
      String summaryHtml, List<Sections.Block> blocks, Long proposalId) {
    String body = Sections.join(blocks.stream().map(Sections.Block::source).toList());
    Tuple revision = Tuple.of(documentId, number, authorId, committerId, summary, summaryHtml).addString(body)
        .addLong(proposalId);
    List<Tuple> sections = new ArrayList<>();
    for (int i = 0; i < blocks.size(); i++) {
      Sections.Block b = blocks.get(i);
      sections.add(Tuple.of(documentId, number, i, b.key(), b.heading(), b.source()).addString(b.html()));
    }
    Future<?> inserted = db.preparedQuery(INSERT_REVISION).execute(revision);
    return sections.isEmpty() ? inserted.mapEmpty()
        : inserted.compose(v -> db.preparedQuery(INSERT_SECTION).executeBatch(sections)).mapEmpty();
  }

  Future<Optional<DocumentRevision>> revision(SqlClient db, long documentId, int number) {
    return revision(db, REVISION, documentId, number);
  }

  private Future<Optional<DocumentRevision>> revision(SqlClient db, String sql, long documentId, int number) {
    // the revision and its sections are asked for together (one wait): a revision that does not exist has none
    Future<Optional<DocumentRevision>> row = db.preparedQuery(sql).execute(Tuple.of(documentId, number))
        .map(rows -> first(rows, DocumentRepository::revision));
    Future<List<Section>> sections = sections(db, documentId, number);
    return Future.all(row, sections).map(x -> row.result().map(found -> withSections(found, sections.result())));
  }

  private static DocumentRevision withSections(DocumentRevision r, List<Section> sections) {
    return new DocumentRevision(r.documentId(), r.number(), r.authorId(), r.authorName(), r.committerName(), r.summary(),
        r.summaryHtml(), r.body(), r.proposalId(), r.createdAt(), sections);
  }

  Future<List<Section>> sections(SqlClient db, long documentId, int number) {
    return db.preparedQuery(SECTIONS).execute(Tuple.of(documentId, number)).map(rows -> list(rows,
        r -> new Section(r.getInteger(0), r.getBoolean(1), r.getString(2), r.getString(3))));
  }

  Future<List<DocumentRevision>> revisions(SqlClient db, long documentId) {
    return db.preparedQuery(REVISIONS).execute(Tuple.of(documentId)).map(rows -> list(rows, DocumentRepository::revision));
  }

  /** Each revision's text of the section, for revisions that have it. */
  Future<List<SectionText>> sectionHistory(SqlClient db, long documentId, int key) {
    return db.preparedQuery(SECTION_HISTORY).execute(Tuple.of(documentId, key))
        .map(rows -> list(rows, r -> new SectionText(r.getInteger(0), r.getString(1))));
  }

  /** A section that a revision changed. */
  record SectionChange(int revision, int sectionKey) {}

  /** Every section every revision changed. */
  Future<List<SectionChange>> changedSections(SqlClient db, long documentId) {
    return db.preparedQuery(CHANGED_SECTIONS).execute(Tuple.of(documentId))
        .map(rows -> list(rows, r -> new SectionChange(r.getInteger(0), r.getInteger(1))));
  }

  /** The revision current at the move, or empty when the status was no longer {@code from}. */
  Future<Optional<Integer>> setStatus(SqlClient db, long id, DocumentStatus from, DocumentStatus to) {
    return db.preparedQuery(STATUS).execute(Tuple.of(id, to.value(), from.value())).map(rows -> first(rows, r -> r.getInteger(0)));
  }

  Future<Void> insertStatusChange(SqlClient db, long id, DocumentStatus from, DocumentStatus to, int revision,
      long memberId, String note) {
    return db.preparedQuery(INSERT_STATUS)
        .execute(Tuple.of(id, from == null ? null : from.value(), to.value(), revision, memberId, note)).mapEmpty();
  }

  Future<List<StatusChange>> statusHistory(SqlClient db, long id) {
    return db.preparedQuery(STATUS_HISTORY).execute(Tuple.of(id)).map(rows -> list(rows, r -> new StatusChange(
        r.getString(0) == null ? null : DocumentStatus.of(r.getString(0)), DocumentStatus.of(r.getString(1)), r.getInteger(2), r.getString(3), r.getString(4), instant(r, "created_at"))));
  }

  Future<Optional<Proposal>> proposal(SqlClient db, long documentId, long proposalId) {
    return db.preparedQuery(PROPOSAL).execute(Tuple.of(documentId, proposalId)).map(rows -> first(rows, DocumentRepository::proposal));
  }

  Future<List<Proposal>> proposals(SqlClient db, long documentId) {
    return db.preparedQuery(PROPOSALS).execute(Tuple.of(documentId)).map(rows -> list(rows, DocumentRepository::proposal));
  }

  Future<Optional<Long>> insertProposal(SqlClient db, long documentId, int base, long authorId, String rationale,
      String rationaleHtml, String body, String token) {
    return db.preparedQuery(INSERT_PROPOSAL).execute(Tuple.of(documentId, base, authorId, rationale, rationaleHtml, body)
        .addString(token)).map(rows -> first(rows, r -> r.getLong(0)));
  }

  Future<Optional<Long>> proposalByToken(SqlClient db, long authorId, String token) {
    return db.preparedQuery(PROPOSAL_BY_TOKEN).execute(Tuple.of(authorId, token)).map(rows -> first(rows, r -> r.getLong(0)));
  }

  /** False when the proposal was no longer pending. */
  Future<Boolean> decideProposal(SqlClient db, long documentId, long proposalId, String status, long deciderId,
      String reason, Integer acceptedRevision) {
    return db.preparedQuery(DECIDE_PROPOSAL).execute(Tuple.of(documentId, proposalId, status, deciderId, reason)
        .addInteger(acceptedRevision)).map(rows -> rows.size() == 1);
  }

  Future<List<SectionComment>> comments(SqlClient db, long documentId) {
    return db.preparedQuery(COMMENTS).execute(Tuple.of(documentId)).map(rows -> list(rows, DocumentRepository::comment));
  }

  Future<Optional<SectionComment>> comment(SqlClient db, long documentId, long commentId) {
    return db.preparedQuery(COMMENT).execute(Tuple.of(documentId, commentId)).map(rows -> first(rows, DocumentRepository::comment));
  }

  Future<Optional<SectionComment>> comment(SqlClient db, long commentId) {
    return db.preparedQuery(COMMENT_BY_ID).execute(Tuple.of(commentId)).map(rows -> first(rows, DocumentRepository::comment));
  }

  /** False when the comment was held already. */
  Future<Boolean> holdComment(SqlClient db, long commentId) {
    return db.preparedQuery(HOLD_COMMENT).execute(Tuple.of(commentId)).map(rows -> rows.size() > 0);
  }

  /** Shows a comment held for review again; false when it was not held. */
  Future<Boolean> releaseComment(SqlClient db, long commentId) {
    return db.preparedQuery(RELEASE_COMMENT).execute(Tuple.of(commentId)).map(rows -> rows.size() > 0);
  }

  Future<Void> logCommentRestore(SqlClient db, long groupId, long actorId, long commentId, String reason) {
    return db.preparedQuery(LOG_COMMENT_RESTORE).execute(Tuple.of(groupId, actorId, commentId, reason)).mapEmpty();
  }

  Future<Optional<Long>> insertComment(SqlClient db, long documentId, int key, int revision, long authorId, String body,
      String html, String token) {
    return db.preparedQuery(INSERT_COMMENT).execute(Tuple.of(documentId, key, revision, authorId, body, html)
        .addString(token)).map(rows -> first(rows, r -> r.getLong(0)));
  }

  Future<Optional<Long>> commentByToken(SqlClient db, long authorId, String token) {
    return db.preparedQuery(COMMENT_BY_TOKEN).execute(Tuple.of(authorId, token)).map(rows -> first(rows, r -> r.getLong(0)));
  }

  Future<Boolean> resolve(SqlClient db, long documentId, long commentId, String disposition, String reason, long resolverId) {
    return db.preparedQuery(RESOLVE).execute(Tuple.of(documentId, commentId, disposition, reason, resolverId))
        .map(rows -> rows.size() == 1);
  }

  Future<Void> endorse(SqlClient db, long documentId, long memberId, int revision) {
    return db.preparedQuery(ENDORSE).execute(Tuple.of(documentId, memberId, revision)).mapEmpty();
  }

  Future<Boolean> withdraw(SqlClient db, long documentId, long memberId) {
    return db.preparedQuery(WITHDRAW).execute(Tuple.of(documentId, memberId)).map(rows -> rows.rowCount() == 1);
  }

  Future<List<Endorsement>> endorsements(SqlClient db, long documentId, int current) {
    return db.preparedQuery(ENDORSEMENTS).execute(Tuple.of(documentId)).map(rows -> list(rows, r -> new Endorsement(
        r.getLong(0), r.getString(1), r.getString(2), r.getInteger(3), instant(r, "created_at"), r.getInteger(3) < current,
        r.getInteger("declaration_version"))));
  }

  /** Records a moderator's action on a document in the group's audit log. */
  Future<Void> log(SqlClient db, long groupId, long actorId, String action, long documentId, String detail) {
    return db.preparedQuery(LOG).execute(Tuple.of(groupId, actorId, action, documentId, detail)).mapEmpty();
  }

  Future<Void> touch(SqlClient db, long documentId) {
    return db.preparedQuery(TOUCH).execute(Tuple.of(documentId)).mapEmpty();
  }

  /** The thread of a post, if the post exists. */
  Future<Optional<Long>> threadOfPost(SqlClient db, long postId) {
    return db.preparedQuery(POST_THREAD).execute(Tuple.of(postId)).map(rows -> first(rows, r -> r.getLong(0)));
  }

  Future<Boolean> threadExists(SqlClient db, long threadId) {
    return db.preparedQuery(THREAD_EXISTS).execute(Tuple.of(threadId)).map(rows -> rows.size() == 1);
  }

  Future<Void> insertCitations(SqlClient db, List<Tuple> rows) {
    return rows.isEmpty() ? Future.succeededFuture() : db.preparedQuery(INSERT_CITATION).executeBatch(rows).mapEmpty();
  }

  static Tuple citationRow(long documentId, Integer revision, Long commentId, Integer sectionKey, long threadId, Long postId) {
    return Tuple.of(documentId, revision, commentId, sectionKey, threadId, postId);
  }

  Future<List<CitationRow>> citationsOfThread(SqlClient db, long threadId) {
    return db.preparedQuery(CITATIONS_OF_THREAD).execute(Tuple.of(threadId)).map(rows -> list(rows, DocumentRepository::citation));
  }

  /** A comment's author and section, for telling them its disposition. */
  record CommentAuthor(long authorId, int sectionKey) {}

  Future<Optional<CommentAuthor>> commentAuthor(SqlClient db, long documentId, long commentId) {
    return db.preparedQuery(COMMENT_AUTHOR).execute(Tuple.of(commentId, documentId))
        .map(rows -> rows.size() == 0 ? Optional.empty()
            : Optional.of(new CommentAuthor(rows.iterator().next().getLong(0), rows.iterator().next().getInteger(1))));
  }

  /** Document id to its group's id. */
  Future<java.util.Map<Long, Long>> documentGroups(SqlClient db, java.util.Set<Long> ids) {
    if (ids.isEmpty()) {
      return Future.succeededFuture(java.util.Map.of());
    }
    return db.preparedQuery(DOCUMENT_GROUPS).execute(Tuple.tuple().addArrayOfLong(ids.toArray(Long[]::new))).map(rows -> {
      java.util.Map<Long, Long> found = new java.util.HashMap<>();
      rows.forEach(r -> found.put(r.getLong(0), r.getLong(1)));
      return found;
    });
  }
}
