package eu.mhealthhub.agora.home;

import eu.mhealthhub.agora.text.Markdown;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/**
 * The privacy notice and the accessibility statement as the operator wrote them: Markdown files
 * named {@code privacy.<lang>.md} and {@code accessibility.<lang>.md} (lang: en, fr, de) in the
 * content directory (AGORA_CONTENT_DIR), rendered through the same sanitiser as posts, its headings under a heading of the page that says whose text it is. Read at each
 * request (they are small, and an operator's edit shows at once), without blocking the event loop.
 * Empty when there is no directory or no file for the reader's language: the built-in page is shown.
 */
final class Statements {

  /** The statements an operator may replace, by the file name's first part. */
  enum Kind {
    PRIVACY("privacy"), ACCESSIBILITY("accessibility");

    final String file;

    Kind(String file) {
      this.file = file;
    }
  }

  /** An operator's statement, rendered. */
  record Replaced(String html) {}

  private final Vertx vertx;
  private final Optional<Path> directory;

  Statements(Vertx vertx, Optional<Path> directory) {
    this.vertx = vertx;
    this.directory = directory;
  }

  /** The operator's statement of this kind in the reader's language, rendered; empty for the built-in one. */
  Future<Optional<Replaced>> of(Kind kind, Locale locale) {
    if (directory.isEmpty()) {
      return Future.succeededFuture(Optional.empty());
    }
    String file = directory.get().resolve(kind.file + "." + locale.getLanguage() + ".md").toString();
    return vertx.fileSystem().exists(file).compose(exists -> !exists
        ? Future.succeededFuture(Optional.<Replaced>empty())
        : vertx.fileSystem().readFile(file).map(b -> Optional.of(new Replaced(Markdown.toHtml(b.toString())))));
  }
}
