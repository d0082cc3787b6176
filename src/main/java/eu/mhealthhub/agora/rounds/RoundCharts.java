package eu.mhealthhub.agora.rounds;

import eu.mhealthhub.agora.rounds.RoundPages.Bar;
import eu.mhealthhub.agora.web.I18n;
import java.util.List;

/**
 * A distribution as a server-side SVG bar chart: no script, no external file. The chart is an
 * image with a title and a description that say every count (its text alternative); the page puts
 * the same figures in a data table beside it. Only numbers and the reader's messages go into the
 * markup, all escaped, never anything a person typed.
 */
public final class RoundCharts {

  private static final int WIDTH = 360;
  private static final int HEIGHT = 160;
  private static final int TOP = 16;
  private static final int BOTTOM = 24;

  private final I18n.Messages messages;

  public RoundCharts(I18n.Messages messages) {
    this.messages = messages;
  }

  static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }

  public String svg(long statementId, List<Bar> bars, int count) {
    int max = bars.stream().mapToInt(Bar::count).max().orElse(0);
    double slot = (double) WIDTH / bars.size();
    double barWidth = slot * 0.7;
    int plot = HEIGHT - TOP - BOTTOM;
    StringBuilder desc = new StringBuilder(messages.get("rounds.chart.ratings", count));
    for (Bar b : bars) {
      desc.append("; ").append(messages.get("rounds.chart.bar", b.value(), b.count()));
    }
    String id = "chart-" + statementId;
    StringBuilder svg = new StringBuilder();
    svg.append("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"round-chart\" role=\"img\" width=\"").append(WIDTH)
        .append("\" height=\"").append(HEIGHT).append("\" viewBox=\"0 0 ").append(WIDTH).append(' ').append(HEIGHT)
        .append("\" aria-labelledby=\"").append(id).append("-title ").append(id).append("-desc\">")
        .append("<title id=\"").append(id).append("-title\">").append(escape(messages.get("rounds.chart.title")))
        .append("</title><desc id=\"").append(id).append("-desc\">").append(escape(desc.toString())).append("</desc>");
    for (int i = 0; i < bars.size(); i++) {
      Bar b = bars.get(i);
      double h = max == 0 ? 0 : (double) plot * b.count() / max;
      double x = i * slot + (slot - barWidth) / 2;
      double y = TOP + plot - h;
      svg.append(String.format(java.util.Locale.ROOT,
          "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" class=\"bar\"/>", x, y, barWidth, h));
      if (b.count() > 0) {
        svg.append(String.format(java.util.Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%d</text>",
            x + barWidth / 2, y - 3, b.count()));
      }
      svg.append(String.format(java.util.Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%d</text>",
          x + barWidth / 2, HEIGHT - 6, b.value()));
    }
    svg.append("</svg>");
    return svg.toString();
  }
}
