package eu.mhealthhub.agora.ops;

import eu.mhealthhub.agora.DomainException;
import eu.mhealthhub.agora.Member;
import eu.mhealthhub.agora.web.Forms;
import eu.mhealthhub.agora.web.Pages;
import eu.mhealthhub.agora.web.Viewer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Map;

/**
 * The administration's front page: where an admin finds every site-wide tool, which were reached by
 * typing their addresses before. It reads nothing; each tool asks its own policy again.
 *
 * <pre>
 * GET /admin     admins only (403 for other members; visitors are sent to sign in)
 * </pre>
 */
public final class AdminRoutes {

  /** One tool: its address and the message keys of its name and of what it is for. */
  public record Tool(String href, String name, String description) {}

  /** The tools in groups, each with its heading's key and a fragment id. */
  public record Section(String id, String title, List<Tool> tools) {}

  static final List<Section> SECTIONS = List.of(
      new Section("moderation", "admin.moderation", List.of(
          new Tool("/admin/review", "admin.review", "admin.review.text"),
          new Tool("/admin/audit", "admin.audit", "admin.audit.text"),
          new Tool("/admin/audit/summary", "admin.summary", "admin.summary.text"))),
      new Section("network", "admin.network", List.of(
          new Tool("/admin/network", "admin.overview", "admin.overview.text"),
          new Tool("/admin/announcements", "admin.announce", "admin.announce.text"),
          new Tool("/admin/network/import", "admin.import", "admin.import.text"))),
      new Section("mail", "admin.mail", List.of(
          new Tool("/admin/mail", "admin.outbox", "admin.outbox.text"))));

  private final Pages pages;

  public AdminRoutes(Pages pages) {
    this.pages = pages;
  }

  public void mount(Router router) {
    router.get("/admin").handler(Forms::members).handler(this::index);
  }

  private void index(RoutingContext ctx) {
    if (!Viewer.of(ctx).member().map(Member::admin).orElse(false)) {
      ctx.fail(DomainException.forbidden());
      return;
    }
    pages.render(ctx, "ops/admin", Map.of("sections", SECTIONS));
  }
}
