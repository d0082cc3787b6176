package eu.mhealthhub.agora.document;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import eu.mhealthhub.agora.DomainException;
import eu.mhealthhub.agora.DomainException.Kind;
import eu.mhealthhub.agora.document.DocumentEvents.Citation;
import eu.mhealthhub.agora.document.DocumentEvents.Endorsement;
import eu.mhealthhub.agora.document.DocumentEvents.StatusChange;
import eu.mhealthhub.agora.document.DocumentRevision.Section;
import eu.mhealthhub.agora.group.GroupPolicy;
import eu.mhealthhub.agora.group.GroupService;
import eu.mhealthhub.agora.group.WorkingGroup;
import eu.mhealthhub.agora.live.LiveAddress;
import eu.mhealthhub.agora.live.ChangeFeed;
import eu.mhealthhub.agora.live.ChangeFeed.Change;
import eu.mhealthhub.agora.live.ChangeFeed.Outcome;
import eu.mhealthhub.agora.Member;
import eu.mhealthhub.agora.notify.Notice;
import eu.mhealthhub.agora.notify.NotificationKind;
import eu.mhealthhub.agora.notify.NotificationService;
import eu.mhealthhub.agora.text.Markdown;
import eu.mhealthhub.agora.thread.ThreadService;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Consensus documents: moderators write revisions and move the workflow, members propose changes,
 * comment on sections and endorse revisions. Every change runs in one transaction that locks the
 * document row, so revision numbers follow one another without gaps, and is announced on
 * {@code document.<id>} (and {@code group.<id>} for the lists) after commit.
 *
 * <p>Failures: NOT_FOUND for a document in a group the viewer may not read (as for one that does
 * not exist), FORBIDDEN for an action the viewer may not take, CONFLICT when the document moved on
 * since the revision an edit, proposal or endorsement started from (or its status changed, or a
 * commented section is gone), BAD_REQUEST for invalid input, with a message key for each.
 */
public final class DocumentService {

  /** Links to posts and threads of this site, relative or absolute, in summaries and comments. */
  private static final Pattern CITATION =
      Pattern.compile("(?<![\\w/.])(?:https?://[A-Za-z0-9.:\\[\\]-]+)?/(posts|threads)/([0-9]{1,18})(?![0-9A-Za-z])");

  private final io.vertx.core.Vertx vertx;
  private final Pool pool;
  private final GroupService groups;
  private final ThreadService threads;
  private final ChangeFeed changes;
  private final DocumentRepository repository = new DocumentRepository();

  /** A document with the group it is in, as one viewer may see it. */
  public record Located(WorkingGroup group, ConsensusDocument document) {}

  /** What a document page shows. */
  public record View(WorkingGroup group, ConsensusDocument document, DocumentRevision revision,
      List<SectionComment> comments, List<Proposal> proposals, List<Endorsement> endorsements,
      List<StatusChange> history, List<Citation> citations) {}

  private final NotificationService notifications;

  public DocumentService(io.vertx.core.Vertx vertx, Pool pool, GroupService groups, ThreadService threads,
      ChangeFeed changes, NotificationService notifications) {
    this.notifications = notifications;
    this.vertx = vertx;
    this.pool = pool;
    this.groups = groups;
    this.threads = threads;
    this.changes = changes;
  }

  private static Change event(long documentId, String type, long id) {
    return Change.at(LiveAddress.of("document", documentId), type, id);
  }

  /** A notice about the document: its readers are the group's, its page the link. */
  private static Notice notice(Located at, long actorId, String anchor) {
    long id = at.document().id();
    return Notice.about("document", id, "/documents/" + id + anchor).by(actorId)
        .in("document", id, at.group().id(), at.document().title());
  }

  /** The ids among {@code documentIds} of documents the viewer may read now (their group's rule). */
  public Future<java.util.Set<Long>> readableDocuments(Optional<Member> viewer, java.util.Set<Long> documentIds) {
    return repository.documentGroups(pool, documentIds).compose(groupOf -> groups.readable(viewer, java.util.Set.copyOf(groupOf.values()))
        .map(readable -> groupOf.entrySet().stream().filter(e -> readable.contains(e.getValue()))
            .map(Map.Entry::getKey).collect(java.util.stream.Collectors.toSet())));
  }

  /** The members among {@code memberIds} who may read the document now. */
  public Future<java.util.Set<Long>> documentReaders(long documentId, java.util.Set<Long> memberIds) {
    return repository.documentGroups(pool, java.util.Set.of(documentId)).compose(groupOf -> groupOf.containsKey(documentId)
        ? groups.readers(groupOf.get(documentId), memberIds) : Future.succeededFuture(java.util.Set.of()));
  }

  private static DomainException conflict(String key, Object... args) {
    return new DomainException(Kind.CONFLICT, key, args);
  }

  // ---- reading

  /** The group's documents, most recently changed first, archived ones last. */
  public Future<List<ConsensusDocument>> list(WorkingGroup group, Optional<Member> viewer) {
    if (!DocumentPolicy.canRead(viewer, group)) {
      return Future.failedFuture(DomainException.notFound());
    }
    return repository.inGroup(pool, group.id());
  }

  /** The document and its group, if the viewer may read the group; NOT_FOUND otherwise. */
  public Future<Located> locate(long documentId, Optional<Member> viewer) {
    // the document and its group as the viewer sees it in one query; the group feature's read rule decides (issue 18)
    return repository.documentForViewer(pool, documentId, viewer.map(Member::id).orElse(-1L)).compose(d -> d.isEmpty()
        ? Future.failedFuture(DomainException.notFound())
        : groups.readable(d.get().group(), viewer).map(g -> new Located(g, d.get().document())));
  }

  /** One revision with its sections; NOT_FOUND for a revision that does not exist. */
  public Future<DocumentRevision> revision(Located at, int number) {
    return repository.revision(pool, at.document().id(), number)
        .compose(r -> r.map(Future::succeededFuture).orElseGet(() -> Future.failedFuture(DomainException.notFound())));
  }

  /** Everything the document page shows, at the given revision (null: the current one). */
  public Future<View> view(long documentId, Optional<Member> viewer, Integer revision) {
    return locate(documentId, viewer).compose(at -> view(at, viewer, revision));
  }

  /** {@link #view(long, Optional, Integer)} of a document already located (its queries sent together: one round trip). */
  public Future<View> view(Located at, Optional<Member> viewer, Integer revision) {
    long id = at.document().id();
    int number = revision == null ? at.document().currentRevision() : revision;
    Future<DocumentRevision> rev = revision(at, number);
    Future<List<SectionComment>> comments = repository.comments(pool, id);
    Future<List<Proposal>> proposals = repository.proposals(pool, id);
    Future<List<Endorsement>> endorsements = repository.endorsements(pool, id, at.document().currentRevision());
    Future<List<StatusChange>> history = repository.statusHistory(pool, id);
    Future<List<Citation>> citations = citations(pool, at, viewer);
    return Future.all(rev, comments, proposals, endorsements, history, citations).map(all -> new View(at.group(),
        at.document(), rev.result(), comments.result(), proposals.result(), endorsements.result(), history.result(),
        citations.result()));
  }

  /** What the document page reads of the document: its {@link View} and which revisions changed each section. */
  public record PageView(View view, Map<Integer, List<Integer>> changedSections) {}

  /**
   * What the document page shows, as {@link #view(Located, Optional, Integer)} with {@link #revisionsBySection}, but
   * without the texts it does not show (the revision's whole body, proposals' bodies and rationales, comments'
   * sources: less to read, and less to compare and hash for the page's shared shell on every view), all of it in one
   * statement ({@code DocumentRepository.PAGE_SHOWN}): its eight statements cost PostgreSQL more to start than to
   * answer (issue 18).
   */
  public Future<PageView> pageView(Located at, Optional<Member> viewer, Integer revision) {
    ConsensusDocument d = at.document();
    int number = revision == null ? d.currentRevision() : revision;
    return repository.pageShown(pool, d.id(), number, d.currentRevision(), d.title(),
        viewer.map(Member::id).orElse(-1L)).map(shown -> {
          // each cited thread's group came with the citation, as the viewer sees it: the group feature's read rule
          List<Citation> citations = new ArrayList<>();
          for (DocumentRepository.CitationForViewer c : shown.citations()) {
            Citation cited = c.citation();
            citations.add(GroupPolicy.canRead(viewer, c.threadGroup()) ? cited : new Citation(cited.documentId(),
                cited.documentTitle(), cited.revision(), cited.commentId(), cited.sectionKey(), cited.threadId(),
                cited.postId(), null));
          }
          return new PageView(new View(at.group(), d, shown.revision().orElseThrow(DomainException::notFound),
              shown.comments(), shown.proposals(), shown.endorsements(), shown.history(), List.copyOf(citations)),
              bySection(shown.changed()));
        });
  }

  /** Work too long for the event loop (word diffs of whole documents), on a worker thread. */
  public <T> Future<T> offLoop(java.util.concurrent.Callable<T> work) {
    return vertx.executeBlocking(work, false);
  }

  /** Every revision, newest first, without bodies' sections. */
  public Future<List<DocumentRevision>> revisions(Located at) {
    return repository.revisions(pool, at.document().id());
  }

  public Future<List<StatusChange>> statusHistory(Located at) {
    return repository.statusHistory(pool, at.document().id());
  }

  public Future<List<SectionComment>> comments(Located at) {
    return repository.comments(pool, at.document().id());
  }

  public Future<List<Endorsement>> endorsements(Located at) {
    return repository.endorsements(pool, at.document().id(), at.document().currentRevision());
  }

  public Future<List<Proposal>> proposals(Located at) {
    return repository.proposals(pool, at.document().id());
  }

  public Future<Proposal> proposal(Located at, long proposalId) {
    return repository.proposal(pool, at.document().id(), proposalId)
        .compose(p -> p.map(Future::succeededFuture).orElseGet(() -> Future.failedFuture(DomainException.notFound())));
  }

  /** Each revision's text of one section (revision number to source), oldest first. */
  public Future<List<SectionText>> sectionHistory(Located at, int key) {
    return repository.sectionHistory(pool, at.document().id(), key);
  }

  /** The numbers of the revisions that changed each section: key to revisions, oldest first. */
  public Future<Map<Integer, List<Integer>>> revisionsBySection(Located at) {
    return revisionsBySection(pool, at.document().id());
  }

  private Future<Map<Integer, List<Integer>>> revisionsBySection(io.vertx.sqlclient.SqlClient db, long documentId) {
    return repository.changedSections(db, documentId).map(DocumentService::bySection);
  }

  /** The revisions that changed each section, oldest first, from every (revision, section) pair. */
  private static Map<Integer, List<Integer>> bySection(List<DocumentRepository.SectionChange> pairs) {
    Map<Integer, List<Integer>> bySection = new HashMap<>();
    pairs.stream().sorted(java.util.Comparator.comparingInt(DocumentRepository.SectionChange::revision))
        .forEach(p -> bySection.computeIfAbsent(p.sectionKey(), k -> new ArrayList<>()).add(p.revision()));
    return bySection;
  }

  /** The posts and threads the document cites, with titles only where the viewer may read them. */
  public Future<List<Citation>> citations(Located at, Optional<Member> viewer) {
    return citations(pool, at, viewer);
  }

  private Future<List<Citation>> citations(io.vertx.sqlclient.SqlClient db, Located at, Optional<Member> viewer) {
    // each cited thread's group comes with the citation, as the viewer sees it: the read rule needs no second wait
    return repository.citationsForViewer(db, at.document().id(), viewer.map(Member::id).orElse(-1L))
        .compose(rows -> Future.all(rows.stream().map(r -> groups.readable(r.threadGroup(), viewer).map(true)
                .otherwise(false)).toList())
            .map(readable -> {
              List<Citation> out = new ArrayList<>();
              for (int i = 0; i < rows.size(); i++) {
                Citation c = rows.get(i).citation();
                out.add(readable.<Boolean>resultAt(i) ? c : new Citation(c.documentId(), c.documentTitle(), c.revision(),
                    c.commentId(), c.sectionKey(), c.threadId(), c.postId(), null));
              }
              return out;
            }));
  }

  /**
   * The documents that cite a thread or its posts, for the thread page: only documents the viewer
   * may read, so a closed group's document never shows under a public thread.
   */
  public Future<List<Citation>> citedIn(long threadId, Optional<Member> viewer) {
    List<DocumentRepository.CitationRow> cached = citedCache.getIfPresent(threadId);
    Future<List<DocumentRepository.CitationRow>> rows = cached != null ? Future.succeededFuture(cached)
        : repository.citationsOfThread(pool, threadId).onSuccess(found -> citedCache.put(threadId, found));
    return rows.compose(found -> visible(found, viewer, true));
  }

  /**
   * Which documents cite a thread, remembered for a few seconds per node: every thread view asks,
   * almost always to learn "none". A citation made on this node clears its thread's entry at once;
   * another node shows it within {@link #CITED_TTL}. Only the raw rows are kept: what a viewer
   * may see is decided on every view.
   */
  private final Cache<Long, List<DocumentRepository.CitationRow>> citedCache = Caffeine.newBuilder()
      .maximumSize(10_000).expireAfterWrite(CITED_TTL).executor(Runnable::run).build();
  private static final java.time.Duration CITED_TTL = java.time.Duration.ofSeconds(10);

  private <T> Future<T> forgetCited(Future<T> written, List<Cited> cites) {
    return written.onSuccess(x -> cites.forEach(c -> citedCache.invalidate(c.threadId())));
  }

  private Future<List<Citation>> visible(List<DocumentRepository.CitationRow> rows, Optional<Member> viewer,
      boolean documentSide) {
    if (rows.isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    Set<Long> groupIds = new LinkedHashSet<>();
    rows.forEach(r -> groupIds.add(documentSide ? r.documentGroup() : r.threadGroup()));
    Map<Long, Future<Boolean>> readable = new HashMap<>();
    groupIds.forEach(g -> readable.put(g, groups.access(g, viewer).map(x -> true).otherwise(false)));
    return Future.all(new ArrayList<>(readable.values())).map(v -> {
      List<Citation> out = new ArrayList<>();
      for (DocumentRepository.CitationRow r : rows) {
        boolean ok = readable.get(documentSide ? r.documentGroup() : r.threadGroup()).result();
        Citation c = r.citation();
        if (documentSide) {
          if (ok) {
            out.add(c);
          }
        } else {
          out.add(ok ? c : new Citation(c.documentId(), c.documentTitle(), c.revision(), c.commentId(), c.sectionKey(),
              c.threadId(), c.postId(), null));
        }
      }
      return out;
    });
  }

  // ---- validation

  /** Field to message key for every problem with a document's text. */
  public static Map<String, String> problems(String title, boolean needsTitle, String body, String summary,
      boolean needsSummary) {
    Map<String, String> p = new LinkedHashMap<>();
    if (needsTitle) {
      if (title == null || title.isBlank()) {
        p.put("title", "document.error.title.required");
      } else if (title.strip().length() > ConsensusDocument.MAX_TITLE) {
        p.put("title", "document.error.title.long");
      }
    }
    if (body == null || body.isBlank()) {
      p.put("body", "document.error.body.required");
    } else if (body.length() > Sections.MAX_BODY) {
      p.put("body", "document.error.body.long");
    }
    if (needsSummary && (summary == null || summary.isBlank())) {
      p.put("summary", "document.error.summary.required");
    } else if (summary != null && summary.length() > ConsensusDocument.MAX_SUMMARY) {
      p.put("summary", "document.error.summary.long");
    }
    return p;
  }

  private static Future<Void> check(Map<String, String> problems) {
    return problems.isEmpty() ? Future.succeededFuture()
        : Future.failedFuture(DomainException.badRequest(problems.values().iterator().next()));
  }

  private static String clean(String token) {
    return token == null || token.isBlank() || token.length() > 64 ? null : token;
  }

  // ---- citations

  /** Posts and threads the text links to that exist and that {@code author} may read: (thread, post or null). */
  /** A thread the text links to, and the post in it when the link is to a post (else null). */
  private record Cited(long threadId, Long postId) {}

  private Future<List<Cited>> cited(String text, Member author) {
    Set<String> seen = new LinkedHashSet<>();
    Matcher m = CITATION.matcher(text == null ? "" : text);
    while (m.find() && seen.size() < 20) {
      seen.add(m.group(1) + ":" + m.group(2));
    }
    List<Future<Cited>> found = new ArrayList<>();
    for (String s : seen) {
      String[] kv = s.split(":");
      long id = Long.parseLong(kv[1]);
      Future<Cited> one = kv[0].equals("posts")
          ? threads.findPost(id, Optional.of(author)).map(p -> new Cited(p.threadId(), p.id()))
          : threads.locate(id, Optional.of(author)).map(t -> new Cited(t.thread().id(), null));
      found.add(one.otherwise((Cited) null));
    }
    return Future.all(found).map(v -> found.stream().map(Future::result).filter(x -> x != null).toList());
  }

  private static List<Tuple> citationRows(long documentId, Integer revision, Long commentId, Integer key, List<Cited> cited) {
    return cited.stream().map(c -> DocumentRepository.citationRow(documentId, revision, commentId, key, c.threadId(),
        c.postId())).toList();
  }

  // ---- writing

  /**
   * Starts a draft with its first revision. A second submission with the same client token
   * completes with the document the first one made. Fails FORBIDDEN for anyone but the group's
   * moderators, BAD_REQUEST for an empty or over-long title or body.
   */
  public Future<Long> create(WorkingGroup group, Member author, String title, String body, String summary,
      String clientToken) {
    return create(group, author, title, body, summary, clientToken, eu.mhealthhub.agora.ContentLanguage.DEFAULT);
  }

  /** As {@link #create(WorkingGroup, Member, String, String, String, String)}, written in {@code language}. */
  public Future<Long> create(WorkingGroup group, Member author, String title, String body, String summary,
      String clientToken, String language) {
    if (!DocumentPolicy.canCreate(Optional.of(author), group)) {
      return Future.failedFuture(DomainException.forbidden());
    }
    String token = clean(clientToken);
    String why = summary == null ? "" : summary.strip();
    return check(new DocumentForms.NewDocumentForm(title, body, why, clientToken, language).problems())
        .compose(v -> cited(why, author)).compose(cites -> forgetCited(
        changes.transaction(conn -> repository.insertDocument(conn, group.id(), title.strip(), author.id(), token,
            language)
            .compose(inserted -> {
              if (inserted.isEmpty()) {
                return repository.documentByToken(conn, author.id(), token).map(id -> Outcome.of(id.orElseThrow()));
              }
              long id = inserted.get();
              return keyed(List.of(), body, 1).compose(keyed -> repository.insertRevision(conn, id, 1, author.id(),
                      author.id(), why, Markdown.toHtml(why), keyed.blocks(), null)
                  .compose(x -> repository.setNextSection(conn, id, keyed.nextKey()))
                  .compose(x -> repository.insertStatusChange(conn, id, null, DocumentStatus.DRAFT, 1, author.id(), ""))
                  .compose(x -> repository.insertCitations(conn, citationRows(id, 1, null, null, cites)))
                  .map(x -> Outcome.of(id, Change.group(group.id(), "document.created", id),
                      event(id, "revision.created", 1))));
            })), cites));
  }

  /**
   * A moderator's new revision, from the revision they started editing. Fails CONFLICT
   * ({@code document.error.conflict}) when another revision was made meanwhile: nothing is
   * written, and the caller shows the three versions. BAD_REQUEST when nothing changed.
   */
  public Future<Integer> edit(Located at, Member editor, int base, String body, String summary) {
    return edit(at, editor, base, body, summary, at.document().language());
  }

  /** As {@link #edit(Located, Member, int, String, String)}, the document now in {@code language}. */
  public Future<Integer> edit(Located at, Member editor, int base, String body, String summary, String language) {
    if (!DocumentPolicy.canEdit(Optional.of(editor), at.group(), at.document())) {
      return Future.failedFuture(DomainException.forbidden());
    }
    String why = summary == null ? "" : summary.strip();
    return check(new DocumentForms.RevisionForm(base, body, why, language).problems()).compose(v -> cited(why, editor))
        .compose(cites -> commit(at, base, body, editor.id(), editor.id(), why, null, cites,
            (conn, number) -> repository.setLanguage(conn, at.document().id(), language).map(x -> List.<Change>of())));
  }

  /** Writes revision base+1 if the document is still at {@code base}; the heart of edit and accept. */
  private Future<Integer> commit(Located at, int base, String body, long authorId, long committerId, String summary,
      Long proposalId, List<Cited> cites, java.util.function.BiFunction<SqlConnection, Integer, Future<List<Change>>> also) {
    long id = at.document().id();
    if (at.document().currentRevision() != base) {
      return Future.failedFuture(conflict("document.error.conflict", at.document().currentRevision()));
    }
    // Revision `base` is immutable and, while the document is still at it, so is the section
    // counter read with it: the keys can be worked out before the transaction, which then only
    // checks that the document has not moved on.
    return repository.sections(pool, id, base)
        .map(previous -> previous.stream().map(s -> new Sections.Block(s.key(), s.heading(), s.source(), s.html())).toList())
        .compose(old -> keyed(old, body, at.document().nextSection()).compose(keyed -> {
          if (keyed.blocks().stream().map(Sections.Block::source).toList()
              .equals(old.stream().map(Sections.Block::source).toList())) {
            return Future.failedFuture(DomainException.badRequest("document.error.unchanged"));
          }
          return forgetCited(changes.transaction(conn -> repository.lock(conn, id).compose(row -> {
            int current = row.orElseThrow(DomainException::notFound).revision();
            if (current != base) {
              return Future.failedFuture(conflict("document.error.conflict", current));
            }
            if (row.get().status().frozen()) {
              return Future.failedFuture(conflict("document.error.frozen"));
            }
            return repository.advance(conn, id, base, keyed.nextKey()).compose(next -> {
              int number = next.orElseThrow(() -> conflict("document.error.conflict", current));
              List<Change> events = new ArrayList<>();
              events.add(event(id, "revision.created", number));
              events.add(Change.group(at.group().id(), "document.changed", id));
              return repository.insertRevision(conn, id, number, authorId, committerId, summary, Markdown.noteToHtml(summary),
                      keyed.blocks(), proposalId)
                  .compose(x -> repository.insertCitations(conn, citationRows(id, number, null, null, cites)))
                  .compose(x -> notifications.record(conn, notice(at, committerId, "").detail(Integer.toString(number))
                      .watchers("document", id, NotificationKind.DOCUMENT_REVISION)))
                  .compose(x -> also.apply(conn, number))
                  .map(more -> {
                    events.addAll(more);
                    return new Outcome<>(number, events);
                  });
            });
          })), cites);
        }));
  }

  /** Sections and their HTML for a body of up to 100,000 characters: worker-thread work, not event-loop work. */
  private Future<Sections.Keyed> keyed(List<Sections.Block> previous, String body, int nextKey) {
    return vertx.executeBlocking(() -> Sections.assign(previous, body, nextKey), false);
  }

  /**
   * A member proposes a change: the whole edited body from the current revision, with a rationale.
   * Fails CONFLICT when the document moved on since {@code base}, BAD_REQUEST when the body is
   * unchanged, empty or too long or the rationale is missing.
   */
  public Future<Long> propose(Located at, Member author, int base, String body, String rationale, String clientToken) {
    if (!DocumentPolicy.canParticipate(Optional.of(author), at.group(), at.document())) {
      return Future.failedFuture(DomainException.forbidden());
    }
    Map<String, String> problems = new DocumentForms.ProposalForm(base, body, rationale, clientToken).problems();
    String token = clean(clientToken);
    long id = at.document().id();
    return check(problems).compose(v -> changes.transaction(conn -> repository.lock(conn, id).compose(row -> {
      int current = row.orElseThrow(DomainException::notFound).revision();
      return repository.proposalByToken(conn, author.id(), token).compose(existing -> {
        if (existing.isPresent()) {
          return Future.succeededFuture(Outcome.of(existing.get()));
        }
        if (current != base) {
          return Future.failedFuture(conflict("document.error.conflict", current));
        }
        return repository.sections(conn, id, base).compose(previous -> {
          if (Sections.split(body).equals(previous.stream().map(Section::source).toList())) {
            return Future.failedFuture(DomainException.badRequest("document.error.unchanged"));
          }
          String text = rationale.strip();
          return repository.insertProposal(conn, id, base, author.id(), text, Markdown.toHtml(text),
                  Sections.join(Sections.split(body)), token)
              .compose(pid -> repository.touch(conn, id)
                  .compose(x -> notifications.record(conn, Notice.about("document", id, "/documents/" + id + "/proposals/"
                      + pid.orElseThrow()).by(author.id()).in("document", id, at.group().id(), at.document().title())
                      .watchers("document", id, NotificationKind.DOCUMENT_PROPOSAL)))
                  .map(x -> Outcome.of(pid.orElseThrow(),
                  event(id, "proposal.created", pid.get()), Change.group(at.group().id(), "document.changed", id))));
        });
      });
    })));
  }

  /**
   * A moderator accepts a pending proposal: it becomes the next revision, credited to its
   * proposer. When the document moved on since the proposal's base, the two changes are merged
   * block by block; where they touch the same block, CONFLICT ({@code document.error.proposal.conflict}).
   */
  public Future<Integer> acceptProposal(Located at, Member moderator, long proposalId) {
    if (!DocumentPolicy.canCurate(Optional.of(moderator), at.group(), at.document())
        || !DocumentPolicy.canEdit(Optional.of(moderator), at.group(), at.document())) {
      return Future.failedFuture(DomainException.forbidden());
    }
    long id = at.document().id();
    int current = at.document().currentRevision();
    return proposal(at, proposalId).compose(p -> {
      if (!p.pending()) {
        return Future.failedFuture(conflict("document.error.proposal.decided"));
      }
      Future<String> body = p.baseRevision() == current ? Future.succeededFuture(p.body())
          : Future.all(repository.sections(pool, id, p.baseRevision()), repository.sections(pool, id, current))
              .compose(both -> {
                List<String> base = both.<List<Section>>resultAt(0).stream().map(Section::source).toList();
                List<String> now = both.<List<Section>>resultAt(1).stream().map(Section::source).toList();
                return Sections.merge(base, now, Sections.split(p.body())).map(Sections::join)
                    .map(Future::succeededFuture)
                    .orElseGet(() -> Future.failedFuture(conflict("document.error.proposal.conflict", current)));
              });
      String summary = p.rationale().length() > ConsensusDocument.MAX_SUMMARY
          ? p.rationale().substring(0, ConsensusDocument.MAX_SUMMARY - 1) + "…" : p.rationale();
      return body.compose(text -> cited(summary, moderator).compose(cites -> commit(at, current, text, p.authorId(),
          moderator.id(), summary, proposalId, cites, (conn, number) -> repository.decideProposal(conn, id, proposalId,
              "accepted", moderator.id(), "", number).compose(ok -> ok
                  ? repository.log(conn, at.group().id(), moderator.id(), "document.accept", id,
                      "proposal " + proposalId + " as revision " + number)
                      .compose(x -> notifications.record(conn, Notice.about("document", id, "/documents/" + id + "/proposals/"
                          + proposalId).by(moderator.id()).in("document", id, at.group().id(), at.document().title())
                          .detail("accepted|").tell(p.authorId(), NotificationKind.PROPOSAL_DECISION)))
                      .map(x -> List.of(event(id, "proposal.decided", proposalId)))
                  : Future.failedFuture(conflict("document.error.proposal.decided"))))));
    });
  }

  /** A moderator declines a pending proposal with a reason (required). */
  public Future<Void> declineProposal(Located at, Member moderator, long proposalId, String reason) {
    if (!DocumentPolicy.canCurate(Optional.of(moderator), at.group(), at.document())) {
      return Future.failedFuture(DomainException.forbidden());
    }
    if (reason == null || reason.isBlank()) {
      return Future.failedFuture(DomainException.badRequest("document.error.reason.required"));
    }
    if (reason.length() > ConsensusDocument.MAX_NOTE) {
      return Future.failedFuture(DomainException.badRequest("document.error.reason.long"));
    }
    long id = at.document().id();
    return proposal(at, proposalId).compose(p -> changes.transaction(conn ->
        repository.decideProposal(conn, id, proposalId, "declined", moderator.id(), reason.strip(), null).compose(ok -> ok
            ? repository.touch(conn, id)
                .compose(x -> repository.log(conn, at.group().id(), moderator.id(), "document.decline", id,
                    "proposal " + proposalId + ": " + reason.strip()))
                .compose(x -> notifications.record(conn, Notice.about("document", id, "/documents/" + id + "/proposals/"
                    + proposalId).by(moderator.id()).in("document", id, at.group().id(), at.document().title())
                    .detail("declined|" + reason.strip()).tell(p.authorId(), NotificationKind.PROPOSAL_DECISION)))
                .map(x -> Outcome.<Void>of(null, event(id, "proposal.decided", proposalId),
                Change.group(at.group().id(), "document.changed", id)))
            : Future.failedFuture(conflict("document.error.proposal.decided")))));
  }

  /**
   * A moderator moves the document in the workflow from {@code from} (the status they saw) to
   * {@code to}. Adopting records the current revision as the adopted one. Fails FORBIDDEN for a
   * move the workflow does not allow, CONFLICT when the status changed meanwhile.
   */
  public Future<Void> move(Located at, Member moderator, String fromValue, String toValue, String note) {
    Optional<DocumentStatus> target = DocumentStatus.parse(toValue);
    if (target.isEmpty() || !at.document().status().value().equals(fromValue)) {
      return Future.failedFuture(at.document().status().value().equals(fromValue)
          ? DomainException.badRequest("error.400.text") : conflict("document.error.status.changed"));
    }
    DocumentStatus from = at.document().status();
    DocumentStatus to = target.get();
    if (!DocumentPolicy.canMove(Optional.of(moderator), at.group(), at.document(), to)) {
      return Future.failedFuture(DomainException.forbidden());
    }
    String text = note == null ? "" : note.strip();
    if (text.length() > ConsensusDocument.MAX_NOTE) {
      return Future.failedFuture(DomainException.badRequest("document.error.note.long"));
    }
    long id = at.document().id();
    return changes.transaction(conn -> repository.setStatus(conn, id, from, to).compose(revision -> revision.isEmpty()
        ? Future.failedFuture(conflict("document.error.status.changed"))
        : repository.insertStatusChange(conn, id, from, to, revision.get(), moderator.id(), text)
            .compose(x -> repository.log(conn, at.group().id(), moderator.id(), "document.status", id,
                from + " -> " + to + (text.isEmpty() ? "" : ": " + text)))
            .compose(x -> notifications.record(conn, notice(at, moderator.id(), "").detail(to.value() + "|" + text)
                .watchers("document", id, NotificationKind.DOCUMENT_STATUS)))
            .map(x -> Outcome.<Void>of(null, event(id, "status.changed", revision.get()),
                Change.group(at.group().id(), "document.changed", id)))));
  }

  /**
   * A member comments on a section of the current revision. Fails CONFLICT
   * ({@code document.error.section.gone}) when the section is no longer in the document, NOT_FOUND
   * when it never was.
   */
  public Future<Long> comment(Located at, Member author, int sectionKey, String body, String clientToken) {
    if (!DocumentPolicy.canParticipate(Optional.of(author), at.group(), at.document())) {
      return Future.failedFuture(DomainException.forbidden());
    }
    String token = clean(clientToken);
    long id = at.document().id();
    return check(new DocumentForms.CommentForm(body, clientToken).problems()).compose(v -> cited(body, author)).compose(cites -> forgetCited(changes.transaction(conn -> repository.lock(conn, id).compose(row -> {
      int current = row.orElseThrow(DomainException::notFound).revision();
      return repository.commentByToken(conn, author.id(), token).compose(existing -> {
        if (existing.isPresent()) {
          return Future.succeededFuture(Outcome.of(existing.get()));
        }
        return repository.sections(conn, id, current).compose(sections -> {
          if (sections.stream().noneMatch(s -> s.key() == sectionKey)) {
            return repository.sectionHistory(conn, id, sectionKey).compose(h -> Future.failedFuture(h.isEmpty()
                ? DomainException.notFound() : conflict("document.error.section.gone", "§" + sectionKey)));
          }
          return repository.insertComment(conn, id, sectionKey, current, author.id(), body, Markdown.toHtml(body), token)
              .compose(cid -> repository.insertCitations(conn, citationRows(id, null, cid.orElseThrow(), sectionKey, cites))
                  .compose(x -> repository.touch(conn, id))
                  .map(x -> Outcome.of(cid.get(), event(id, "comment.created", cid.get()),
                      Change.group(at.group().id(), "document.changed", id))));
        });
      });
    })), cites));
  }

  /** A comment with its document and group. */
  public record CommentInContext(Located at, SectionComment comment) {}

  /** A comment, if the viewer may read its document; NOT_FOUND otherwise, as for a missing one. */
  public Future<CommentInContext> comment(long commentId, Optional<Member> viewer) {
    return repository.comment(pool, commentId).compose(c -> c.isEmpty()
        ? Future.failedFuture(DomainException.notFound())
        : locate(c.get().documentId(), viewer).map(at -> new CommentInContext(at, c.get())));
  }

  /**
   * Hides a comment pending review, in the caller's transaction, because enough members flagged it
   * (the moderation feature counts them). Completes with the live change to publish, or empty when
   * it was held already.
   */
  public Future<Optional<Change>> holdForReview(SqlConnection conn, CommentInContext c) {
    return repository.holdComment(conn, c.comment().id()).map(done -> done
        ? Optional.of(event(c.at().document().id(), "comment.held", c.comment().id())) : Optional.empty());
  }

  /**
   * A moderator shows a comment held for review again, in the caller's transaction, and the audit
   * log records it with the reason. Fails CONFLICT when the comment is not held (any more);
   * completes with the live change to publish. The caller checks that {@code by} moderates the group.
   */
  public Future<Change> releaseHeld(SqlConnection conn, CommentInContext c, Member by, String reason) {
    long id = c.comment().id();
    return repository.releaseComment(conn, id).compose(done -> done
        ? repository.logCommentRestore(conn, c.at().group().id(), by.id(), id, reason)
            .map(v -> event(c.at().document().id(), "comment.restored", id))
        : Future.failedFuture(conflict("flag.error.notHeld")));
  }

  /**
   * A moderator resolves a comment: accepted, partial (accepted in part) or declined, with a
   * reason (required unless accepted). Resolving again replaces the disposition.
   */
  public Future<Void> resolve(Located at, Member moderator, long commentId, String disposition, String reason) {
    if (!DocumentPolicy.canCurate(Optional.of(moderator), at.group(), at.document())) {
      return Future.failedFuture(DomainException.forbidden());
    }
    String why = reason == null ? "" : reason.strip();
    long id = at.document().id();
    return check(new DocumentForms.DispositionForm(disposition, why, "").problems()).compose(v -> changes.transaction(
        conn -> repository.resolve(conn, id, commentId, disposition, why, moderator.id())
        .compose(ok -> ok
            ? repository.touch(conn, id)
                .compose(x -> repository.log(conn, at.group().id(), moderator.id(), "document.resolve", id,
                    "comment " + commentId + " " + disposition + (why.isEmpty() ? "" : ": " + why)))
                .compose(x -> repository.commentAuthor(conn, id, commentId))
                .compose(author -> notifications.record(conn, Notice.about("document", id, "/documents/" + id + "/sections/"
                        + author.map(a -> a.sectionKey()).orElse(0) + "#comment-" + commentId).by(moderator.id())
                    .in("document", id, at.group().id(), at.document().title()).detail(disposition + "|" + why)
                    .tell(author.map(a -> java.util.List.of(a.authorId())).orElse(java.util.List.of()),
                        NotificationKind.COMMENT_DISPOSITION)))
                .map(x -> Outcome.<Void>of(null, event(id, "comment.resolved", commentId),
                Change.group(at.group().id(), "document.changed", id)))
            : Future.failedFuture(DomainException.notFound()))));
  }

  /**
   * A member endorses the current revision (moving an earlier endorsement to it). Fails CONFLICT
   * when {@code revision} is no longer the current one: they should read the new one first.
   */
  public Future<Void> endorse(Located at, Member member, int revision) {
    if (!DocumentPolicy.canEndorse(Optional.of(member), at.group(), at.document())) {
      return Future.failedFuture(DomainException.forbidden());
    }
    long id = at.document().id();
    return changes.transaction(conn -> repository.lock(conn, id).compose(row -> {
      int current = row.orElseThrow(DomainException::notFound).revision();
      if (current != revision) {
        return Future.failedFuture(conflict("document.error.endorse.stale", current));
      }
      return repository.endorse(conn, id, member.id(), revision).map(x -> Outcome.<Void>of(null,
          event(id, "endorsement.changed", member.id()), Change.group(at.group().id(), "document.changed", id)));
    }));
  }

  /** A member withdraws their endorsement; nothing happens when there was none. */
  public Future<Void> withdraw(Located at, Member member) {
    if (!GroupPolicy.canRead(Optional.of(member), at.group())) {
      return Future.failedFuture(DomainException.notFound());
    }
    long id = at.document().id();
    return changes.transaction(conn -> repository.withdraw(conn, id, member.id()).map(removed -> removed
        ? Outcome.<Void>of(null, event(id, "endorsement.changed", member.id()),
            Change.group(at.group().id(), "document.changed", id))
        : Outcome.<Void>of(null)));
  }

  /** Whether the viewer watches the document (a visitor watches nothing). */
  public Future<Boolean> watching(Optional<Member> viewer, long documentId) {
    return viewer.map(m -> notifications.watching(m, "document", documentId)).orElse(Future.succeededFuture(false));
  }
}
