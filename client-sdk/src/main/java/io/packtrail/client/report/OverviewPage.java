package io.packtrail.client.report;

import static io.packtrail.client.report.Html.text;

import io.packtrail.v1.CityTonnage;
import io.packtrail.v1.ElementRecovery;
import io.packtrail.v1.PlantThroughput;
import io.packtrail.v1.RegionStepCounts;
import io.packtrail.v1.RegionalOverview;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A region's overview as one self-contained HTML page, with the unit report's rules (no script,
 * no external resource, every data string escaped, A4 print): steps by kind as bars, tonnage by
 * city, recovery per element against the targets, plants' throughput against capacity, and
 * late and overdue reports ({@link DeadlinesSection}) and a marked place for the anomaly
 * service's figures.
 */
public final class OverviewPage {
  private OverviewPage() {}

  public static String render(RegionalOverview o, Instant generatedAt, String generatedBy) {
    String region = (o.getRegionName().isEmpty() ? "" : o.getRegionName() + " ") + "("
        + o.getRegionCode() + ")";
    String period = ReportPage.TIME.format(instant(o.getStartTime())) + " to "
        + ReportPage.TIME.format(instant(o.getEndTime())) + " UTC";
    StringBuilder s = new StringBuilder(32 * 1024);
    s.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
        .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
        .append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; ")
        .append("style-src 'unsafe-inline'; img-src data:\">")
        .append("<title>").append(text("Regional overview " + region)).append("</title><style>")
        .append(Css.PAGE).append(Css.OVERVIEW).append("</style></head><body>\n");
    s.append("<header><div class=\"title\"><h1>Regional overview ").append(text(region))
        .append("</h1><p class=\"sub\">").append(text(period)).append(" &middot; generated ")
        .append(text(ReportPage.TIME.format(generatedAt))).append(" UTC by ")
        .append(text(generatedBy)).append("</p></div></header>\n");

    steps(s, o.getSteps());
    cities(s, o.getCitiesList());
    recoveries(s, o.getRecoveriesList());
    plants(s, o.getPlantsList());
    DeadlinesSection.append(s, o);
    openAnomalies(s, o);
    s.append("<footer>Packtrail regional overview of ").append(text(region))
        .append(". Steps count the units whose step was recorded at a site of the region in the ")
        .append("period (GB/T 2260 region codes of the sites); tonnage is the units' registered ")
        .append("mass.</footer>\n</body></html>\n");
    return s.toString();
  }

  /**
   * The region's open anomalies by kind and by organisation, and the first of them; a pending
   * note when the server sent none (a server without the anomaly service).
   */
  private static void openAnomalies(StringBuilder s, RegionalOverview o) {
    s.append("<section id=\"open-anomalies\"><h2>Open anomalies</h2>");
    if (!o.hasOpenAnomalies()) {
      s.append("<p class=\"pending\" data-available=\"false\">The deployment has no anomaly ")
          .append("service; anomalies flagged on single units are on their unit reports.</p>")
          .append("</section>\n");
      return;
    }
    io.packtrail.v1.RegionAnomalies a = o.getOpenAnomalies();
    s.append("<p class=\"total\" data-available=\"true\" data-total=\"").append(a.getTotal())
        .append("\">").append(a.getTotal()).append(" open (neither acknowledged nor resolved) ")
        .append("with a site in the region, up to the end of the period.</p>");
    if (a.getTotal() == 0) {
      s.append("</section>\n");
      return;
    }
    s.append("<div class=\"counts\"><table class=\"anomaly-kinds\"><thead><tr><th>Kind</th>")
        .append("<th>Open</th></tr></thead><tbody>");
    for (io.packtrail.v1.AnomalyCount c : a.getByKindList()) {
      s.append("<tr class=\"anomaly-kind\" data-kind=\"").append(text(c.getKey()))
          .append("\"><td>").append(text(c.getKey())).append("</td><td class=\"num\">")
          .append(c.getCount()).append("</td></tr>");
    }
    s.append("</tbody></table><table class=\"anomaly-organizations\"><thead><tr>")
        .append("<th>Organisation</th><th>Open</th></tr></thead><tbody>");
    for (io.packtrail.v1.AnomalyCount c : a.getByOrganizationList()) {
      s.append("<tr class=\"anomaly-organization\" data-organization=\"")
          .append(text(c.getKey())).append("\"><td>").append(text(c.getKey()))
          .append("</td><td class=\"num\">").append(c.getCount()).append("</td></tr>");
    }
    s.append("</tbody></table></div>");
    s.append("<table class=\"anomalies open\"><thead><tr><th>Kind</th><th>Happened</th>")
        .append("<th>Description</th><th>Anomaly</th></tr></thead><tbody>");
    for (io.packtrail.v1.Anomaly x : a.getAnomaliesList()) {
      s.append("<tr class=\"anomaly\" data-kind=\"").append(text(x.getKind()))
          .append("\" data-name=\"").append(text(x.getName())).append("\"><td>")
          .append(text(x.getKind())).append("</td><td>")
          .append(text(ReportPage.TIME.format(instant(x.getOccurTime())))).append("</td><td>")
          .append(text(x.getDescription())).append("</td><td>").append(text(x.getName()))
          .append("</td></tr>");
    }
    s.append("</tbody></table>");
    if (a.getAnomaliesCount() < a.getTotal()) {
      s.append("<p class=\"more\">The first ").append(a.getAnomaliesCount()).append(" of ")
          .append(a.getTotal()).append("; ListAnomalies (state OPEN, this region code) lists ")
          .append("them all.</p>");
    }
    s.append("</section>\n");
  }

  private static void steps(StringBuilder s, RegionStepCounts c) {
    List<Object[]> rows = List.of(new Object[] {"sold", c.getSold()},
        new Object[] {"removed", c.getRemoved()}, new Object[] {"collected", c.getCollected()},
        new Object[] {"shipped", c.getShipped()}, new Object[] {"received", c.getReceived()},
        new Object[] {"graded", c.getGraded()}, new Object[] {"dismantled", c.getDismantled()},
        new Object[] {"repurposed", c.getRepurposed()}, new Object[] {"deployed", c.getDeployed()},
        new Object[] {"recycled", c.getRecycled()});
    long max = 1;
    for (Object[] r : rows) {
      max = Math.max(max, (Long) r[1]);
    }
    int labelW = 90;
    int barW = 480;
    int rowH = 22;
    s.append("<section id=\"steps\"><h2>Units by step</h2><div class=\"graph\">")
        .append(String.format(Locale.ROOT, "<svg class=\"bars steps\" viewBox=\"0 0 %d %d\" "
            + "width=\"%d\" role=\"img\" aria-label=\"units by step\">", labelW + barW + 70,
            rows.size() * rowH + 8, labelW + barW + 70));
    for (int i = 0; i < rows.size(); i++) {
      String step = (String) rows.get(i)[0];
      long n = (Long) rows.get(i)[1];
      double w = barW * (double) n / max;
      int y = 4 + i * rowH;
      s.append(String.format(Locale.ROOT, "<g class=\"bar\" data-step=\"%s\" data-count=\"%d\">"
          + "<text class=\"label\" x=\"%d\" y=\"%d\">%s</text><rect x=\"%d\" y=\"%d\" "
          + "width=\"%.1f\" height=\"%d\"/><text class=\"value\" x=\"%.1f\" y=\"%d\">%d</text>"
          + "</g>", step, n, labelW - 8, y + 14, step, labelW, y + 2, w, rowH - 6,
          labelW + w + 6, y + 14, n));
    }
    s.append("</svg></div></section>\n");
  }

  private static void cities(StringBuilder s, List<CityTonnage> cities) {
    s.append("<section id=\"cities\"><h2>Tonnage by city</h2>");
    if (cities.isEmpty()) {
      s.append("<p class=\"none\">No site of the region.</p></section>\n");
      return;
    }
    double max = 0.001;
    for (CityTonnage c : cities) {
      max = Math.max(max, Math.max(c.getCollectedTonnes(), Math.max(c.getReceivedTonnes(),
          c.getRecycledTonnes())));
    }
    s.append("<table class=\"cities\"><thead><tr><th>City</th><th>Code</th>")
        .append("<th class=\"num\">Collected t</th><th class=\"num\">Received t</th>")
        .append("<th class=\"num\">Recycled t</th><th>Collected / received / recycled</th>")
        .append("</tr></thead><tbody>");
    for (CityTonnage c : cities) {
      s.append("<tr class=\"city\" data-code=\"").append(text(c.getRegionCode())).append("\">")
          .append("<td>").append(text(c.getName().isEmpty() ? "\u2014" : c.getName()))
          .append("</td><td>").append(text(c.getRegionCode())).append("</td>")
          .append(num(c.getCollectedTonnes(), 3)).append(num(c.getReceivedTonnes(), 3))
          .append(num(c.getRecycledTonnes(), 3)).append("<td>");
      double[] v = {c.getCollectedTonnes(), c.getReceivedTonnes(), c.getRecycledTonnes()};
      String[] cls = {"collected", "received", "recycled"};
      s.append("<svg class=\"mini\" viewBox=\"0 0 200 30\" width=\"200\" role=\"img\" "
          + "aria-label=\"tonnage\">");
      for (int i = 0; i < 3; i++) {
        s.append(String.format(Locale.ROOT, "<rect class=\"%s\" x=\"0\" y=\"%d\" width=\"%.1f\" "
            + "height=\"8\"/>", cls[i], 1 + i * 10, 200 * v[i] / max));
      }
      s.append("</svg></td></tr>");
    }
    s.append("</tbody></table><p class=\"legend\"><span class=\"k collected\">collected</span>")
        .append("<span class=\"k received\">received</span><span class=\"k recycled\">recycled")
        .append("</span></p></section>\n");
  }

  private static void recoveries(StringBuilder s, List<ElementRecovery> list) {
    s.append("<section id=\"recovery\"><h2>Recovery per element against the targets</h2>");
    List<ElementRecovery> fed = new ArrayList<>();
    for (ElementRecovery r : list) {
      if (r.getFeedKg() > 0) {
        fed.add(r);
      }
    }
    if (fed.isEmpty()) {
      s.append("<p class=\"none\">No recycling with an assayed feed in the region and period.")
          .append("</p></section>\n");
      return;
    }
    s.append("<table class=\"recovery\"><thead><tr><th>Element</th><th class=\"num\">Feed kg")
        .append("</th><th class=\"num\">Recovered kg</th><th class=\"num\">Recovery %</th>")
        .append("<th class=\"num\">Target %</th><th>Meets the target</th></tr></thead><tbody>");
    for (ElementRecovery r : fed) {
      String element = r.getElement().substring(0, 1).toUpperCase(Locale.ROOT)
          + r.getElement().substring(1);
      s.append("<tr class=\"element ").append(r.getMeetsTarget() ? "meets" : "misses")
          .append("\" data-element=\"").append(text(r.getElement())).append("\"><td>")
          .append(text(element)).append("</td>").append(num(r.getFeedKg(), 1))
          .append(num(r.getRecoveredKg(), 1)).append(num(r.getRecoveryPercent(), 1))
          .append(num(r.getTargetPercent(), 0)).append("<td class=\"verdict-cell\">")
          .append(r.getMeetsTarget() ? "yes" : "NO").append("</td></tr>");
    }
    s.append("</tbody></table></section>\n");
  }

  private static void plants(StringBuilder s, List<PlantThroughput> plants) {
    s.append("<section id=\"plants\"><h2>Plant throughput against capacity</h2>");
    if (plants.isEmpty()) {
      s.append("<p class=\"none\">No dismantling line or recycling plant in the region.</p>")
          .append("</section>\n");
      return;
    }
    s.append("<table class=\"plants\"><thead><tr><th>Plant</th><th class=\"num\">Input t</th>")
        .append("<th class=\"num\">t per year</th><th class=\"num\">Capacity t/yr</th>")
        .append("<th class=\"num\">Used %</th><th>Use of capacity</th></tr></thead><tbody>");
    for (PlantThroughput p : plants) {
      double used = p.getCapacityUsedPercent();
      s.append("<tr class=\"plant\" data-site=\"").append(text(p.getSite())).append("\"><td>")
          .append(text(p.getDisplayName())).append("<br><small>").append(text(p.getSite()))
          .append("</small></td>").append(num(p.getInputTonnes(), 3))
          .append(num(p.getThroughputTonnesPerYear(), 1))
          .append(p.getAnnualCapacityTonnes() > 0 ? num(p.getAnnualCapacityTonnes(), 0)
              : "<td class=\"num\">not declared</td>")
          .append(p.getAnnualCapacityTonnes() > 0 ? num(used, 1) : "<td></td>").append("<td>")
          .append(String.format(Locale.ROOT, "<svg class=\"mini\" viewBox=\"0 0 200 12\" "
              + "width=\"200\" role=\"img\" aria-label=\"capacity used\"><rect class=\"cap\" "
              + "x=\"0\" y=\"1\" width=\"200\" height=\"10\"/><rect class=\"used%s\" x=\"0\" "
              + "y=\"1\" width=\"%.1f\" height=\"10\"/></svg>", used > 100 ? " over" : "",
              2 * Math.min(100, used)))
          .append("</td></tr>");
    }
    s.append("</tbody></table></section>\n");
  }

  private static String num(double v, int decimals) {
    return "<td class=\"num\">" + String.format(Locale.ROOT, "%,." + decimals + "f", v) + "</td>";
  }

  private static Instant instant(com.google.protobuf.Timestamp t) {
    return Instant.ofEpochSecond(t.getSeconds(), t.getNanos());
  }
}
