package eu.mhealthhub.agora.document;

import eu.mhealthhub.agora.web.ViewModel;
import com.openhtmltopdf.pdfboxout.PdfRendererBuilder;
import eu.mhealthhub.agora.document.DocumentEvents.Endorsement;
import eu.mhealthhub.agora.document.DocumentEvents.StatusChange;
import eu.mhealthhub.agora.group.WorkingGroup;
import eu.mhealthhub.agora.web.I18n;
import eu.mhealthhub.agora.web.Pages;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.ZoneId;
import java.util.List;
import org.jsoup.Jsoup;
import org.jsoup.helper.W3CDom;

/**
 * A revision of a document as a file to keep: standalone HTML (styles inline, no scripts, no
 * external resources) or a tagged PDF (PDF/UA) rendered from the same HTML. Both carry the text,
 * the revision log, the status history, the endorsements and the disposition-of-comments table.
 * Rendering runs on a worker thread, never on an event loop.
 */
public final class DocumentExport {

  /** PDFBox ships this font; embedding it keeps the PDF readable everywhere (and is required for PDF/UA). */
  private static final String FONT = "/org/apache/pdfbox/resources/ttf/LiberationSans-Regular.ttf";

  private final Vertx vertx;
  private final Pages pages;
  private final DocumentService documents;

  /** What the exported file shows: a revision with its log, history, endorsements and comments. */
  public record ExportPage(WorkingGroup group, ConsensusDocument document, DocumentRevision revision,
      List<DocumentRevision> revisions, List<StatusChange> history, List<Endorsement> endorsements,
      List<SectionComment> comments, boolean isAdopted,
      List<eu.mhealthhub.agora.declaration.Declaration.Contributor> interests, List<? extends Record> rounds) {}

  /** A file: its name and content. */
  public record File(String name, Buffer bytes) {}

  /** The contributors' declarations in force when they contributed, for the annex of interests. */
  private final java.util.function.LongFunction<Future<List<eu.mhealthhub.agora.declaration.Declaration.Contributor>>> interests;

  public DocumentExport(Vertx vertx, Pages pages, DocumentService documents) {
    this(vertx, pages, documents, id -> Future.succeededFuture(List.of()));
  }

  /**
   * The results of the document's closed consensus rounds (issue 17), each a view record the
   * export template reads by name; given by the composition root, since rounds build on documents.
   */
  public interface RoundResults {
    Future<List<? extends Record>> of(DocumentService.View view, I18n.Messages messages);
  }

  private final RoundResults rounds;

  public DocumentExport(Vertx vertx, Pages pages, DocumentService documents,
      java.util.function.LongFunction<Future<List<eu.mhealthhub.agora.declaration.Declaration.Contributor>>> interests) {
    this(vertx, pages, documents, interests, (view, messages) -> Future.succeededFuture(List.of()));
  }

  public DocumentExport(Vertx vertx, Pages pages, DocumentService documents,
      java.util.function.LongFunction<Future<List<eu.mhealthhub.agora.declaration.Declaration.Contributor>>> interests,
      RoundResults rounds) {
    this.rounds = rounds;
    this.interests = interests;
    this.vertx = vertx;
    this.pages = pages;
    this.documents = documents;
  }

  /** The revision of {@code view} as HTML or PDF, in the reader's language and time zone. */
  public Future<File> render(DocumentService.View view, I18n.Messages messages, ZoneId zone, boolean pdf) {
    DocumentService.Located at = new DocumentService.Located(view.group(), view.document());
    return documents.revisions(at).compose(revisions -> interests.apply(view.document().id()).compose(annex ->
        rounds.of(view, messages).compose(results -> {
      ExportPage page = new ExportPage(view.group(), view.document(), view.revision(),
          revisions.stream().filter(r -> r.number() <= view.revision().number()).toList(), view.history(),
          view.endorsements(), view.comments(), view.document().adoptedRevision() != null
          && view.document().adoptedRevision() == view.revision().number(), annex, results);
      String html = pages.standalone("document/export", ViewModel.of(page), messages.locale(), zone);
      String name = "document-" + view.document().id() + "-r" + view.revision().number() + (pdf ? ".pdf" : ".html");
      if (!pdf) {
        return Future.succeededFuture(new File(name, Buffer.buffer(html)));
      }
      return vertx.executeBlocking(() -> new File(name, Buffer.buffer(toPdf(html))), false);
    })));
  }

  static byte[] toPdf(String html) {
    org.jsoup.nodes.Document parsed = Jsoup.parse(html);
    ByteArrayOutputStream out = new ByteArrayOutputStream(64 * 1024);
    try {
      PdfRendererBuilder builder = new PdfRendererBuilder();
      builder.useFastMode();
      builder.usePdfUaAccessibility(true);
      // the renderer fetches nothing: an image in a member's Markdown must not make the server
      // request an address of the member's choosing (the HTML export keeps it as a link for the reader)
      builder.useExternalResourceAccessControl((uri, type) -> false,
          com.openhtmltopdf.outputdevice.helper.ExternalResourceControlPriority.RUN_BEFORE_RESOLVING_URI);
      builder.useExternalResourceAccessControl((uri, type) -> false,
          com.openhtmltopdf.outputdevice.helper.ExternalResourceControlPriority.RUN_AFTER_RESOLVING_URI);
      builder.useFont(() -> DocumentExport.class.getResourceAsStream(FONT), "Liberation Sans");
      builder.withW3cDocument(new W3CDom().fromJsoup(parsed), "about:blank");
      builder.toStream(out);
      builder.run();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }
}
