package io.packtrail.client.report;

import static io.packtrail.client.report.Html.text;

import io.packtrail.v1.Anomaly;
import io.packtrail.v1.Event;
import io.packtrail.v1.Unit;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;

/**
 * A unit's report as one self-contained HTML page: no script, no external resource (CSS and SVG
 * inline, system fonts), a Content-Security-Policy that forbids scripts should anything slip
 * through, and print rules for A4. Every string from the data is escaped by {@link Html#text}.
 * Plain string building: the page is one fixed layout, and a template engine would add a
 * dependency to the SDK for what a few methods do (decisions.md).
 */
public final class ReportPage {
  private ReportPage() {}

  static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")
      .withZone(ZoneOffset.UTC);
  /** At most this many step fields are listed per timeline row. */
  static final int MAX_DETAILS = 14;

  /** The page, UTF-8 text. */
  public static String render(UnitReport r) {
    Unit u = r.unit();
    StringBuilder s = new StringBuilder(64 * 1024);
    s.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
        .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
        .append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; ")
        .append("style-src 'unsafe-inline'; img-src data:\">")
        .append("<meta name=\"generator\" content=\"packtrail unit report\">")
        .append("<title>").append(text("Unit report " + u.getCode())).append("</title><style>")
        .append(Css.PAGE).append("</style></head><body>\n");

    // ---- header
    UnitReport.Integrity in = r.integrity();
    s.append("<header><div class=\"title\"><h1>Unit report <span class=\"code\">")
        .append(text(u.getCode())).append("</span></h1><p class=\"sub\">")
        .append(text(enumWord(u.getLevel().name(), "UNIT_LEVEL_") + ", "
            + enumWord(u.getChemistry().name(), "CHEMISTRY_") + ", "
            + enumWord(u.getState().name(), "LIFECYCLE_STATE_")))
        .append(" &middot; generated ").append(text(TIME.format(r.generatedAt()))).append(" UTC by ")
        .append(text(r.generatedBy())).append("</p></div>")
        .append("<div id=\"verdict-badge\" class=\"badge ").append(in.verified() ? "ok" : "bad")
        .append("\">").append(in.verified() ? "History verified" : "Verification FAILED")
        .append("<small>").append(in.checkpoint() == null ? ""
            : text("checkpoint of " + in.checkpoint().size() + " entries")).append("</small></div>")
        .append("</header>\n");

    identity(s, r);
    integrity(s, in);
    timeline(s, r);
    lineage(s, r);
    health(s, r);
    anomalies(s, r);

    s.append("<footer>Packtrail unit report of ").append(text(u.getName()))
        .append(". Times are UTC. Names in <code>organizations/&hellip;</code> form are the ")
        .append("registry's resource names. The verdict was computed with the Packtrail SDK's ")
        .append("offline verification (docs/formats.md section 13); the audit bundle it checked ")
        .append("is in the Integrity section.</footer>\n</body></html>\n");
    return s.toString();
  }

  // ---------------------------------------------------------------- sections

  private static void identity(StringBuilder s, UnitReport r) {
    Unit u = r.unit();
    s.append("<section id=\"identity\"><h2>Identity and status</h2><dl class=\"facts\">");
    fact(s, "Code", u.getCode() + (u.getRepurposedCodeVariant() ? " (repurposed-product code)"
        : ""));
    fact(s, "Level", enumWord(u.getLevel().name(), "UNIT_LEVEL_"));
    fact(s, "Chemistry", enumWord(u.getChemistry().name(), "CHEMISTRY_").toUpperCase(Locale.ROOT));
    fact(s, "Maker", named(r, u.getMaker()));
    fact(s, "Production date", u.getProductionDate());
    fact(s, "Rated", String.format(Locale.ROOT, "%.1f kWh, %.1f Ah, %.1f V; %.1f kg",
        u.getRatedEnergyKwh(), u.getRatedCapacityAh(), u.getNominalVoltageV(), u.getMassKg()));
    fact(s, "State", enumWord(u.getState().name(), "LIFECYCLE_STATE_"));
    fact(s, "EU status", enumWord(u.getEuStatus().name(), "EU_STATUS_"));
    fact(s, "Held by", named(r, u.getCustodian()));
    fact(s, "At site", named(r, u.getCustodianSite()));
    fact(s, "Vehicle (VIN)", u.getVin());
    fact(s, "In transit to", named(r, u.getShipmentDestination()));
    if (u.getGrade().getNumber() != 0) {
      fact(s, "Latest grade", enumWord(u.getGrade().name(), "GRADE_").toUpperCase(Locale.ROOT));
    }
    if (u.hasStateOfHealth() && u.getStateOfHealth().hasStateOfCertifiedEnergyPercent()) {
      fact(s, "State of certified energy", String.format(Locale.ROOT, "%.1f %%",
          u.getStateOfHealth().getStateOfCertifiedEnergyPercent()));
    }
    fact(s, "Events", Long.toString(u.getEventCount()));
    fact(s, "Head hash", HexFormat.of().formatHex(u.getHeadHash().toByteArray()));
    fact(s, "Steps allowed next", String.join(", ", u.getNextStepsList()));
    s.append("</dl></section>\n");
  }

  private static void integrity(StringBuilder s, UnitReport.Integrity in) {
    s.append("<section id=\"integrity\"><h2>Integrity</h2>");
    if (in.verified()) {
      s.append("<p class=\"verdict ok\" id=\"verdict\" data-verified=\"true\"><strong>Verified.")
          .append("</strong> The unit's history was checked offline with the log's public key: ")
          .append("canonical bytes and hash chain, device signatures, labels and sites against ")
          .append("the registry entries of the log, and the inclusion of every entry in the ")
          .append("checkpoint below.</p><ul class=\"checks\">");
      for (String f : in.facts()) {
        s.append("<li>").append(text(f)).append("</li>");
      }
      s.append("</ul>");
    } else {
      s.append("<p class=\"verdict bad\" id=\"verdict\" data-verified=\"false\"><strong>")
          .append("Verification failed</strong> (").append(text(in.failedCheck())).append("): ")
          .append(text(in.failure())).append("</p>");
    }
    if (!in.warnings().isEmpty()) {
      s.append("<ul class=\"warnings\">");
      for (String w : in.warnings()) {
        s.append("<li>").append(text(w)).append("</li>");
      }
      s.append("</ul>");
    }
    s.append("<div class=\"checkpoint\" id=\"checkpoint\"><h3>Checkpoint checked against</h3>"
        + "<dl class=\"facts\">");
    if (in.checkpoint() != null) {
      fact(s, "Log", in.checkpoint().origin());
      fact(s, "Tree size", Long.toString(in.checkpoint().size()));
      fact(s, "Root hash", in.rootHashHex());
    }
    fact(s, "Log key", in.logKey() + (in.keyPinned() ? " (pinned by the reader)"
        : " (as given by the log, not pinned)"));
    s.append("</dl><p class=\"label\">Signed note:</p><pre class=\"note\">")
        .append(text(in.checkpointNote())).append("</pre></div>");
    s.append("<details class=\"bundle\"><summary>Audit bundle (")
        .append(in.bundle().length()).append(" characters): save it as a file and check it ")
        .append("anywhere with <code>packtrail-scanner verify FILE --log-key KEY</code></summary>")
        .append("<pre>").append(text(in.bundle())).append("</pre></details>");
    s.append("</section>\n");
  }

  private static void timeline(StringBuilder s, UnitReport r) {
    s.append("<section id=\"timeline\"><h2>Custody timeline</h2><table class=\"timeline\">")
        .append("<thead><tr><th>#</th><th>Time (UTC)</th><th>Step</th><th>Site</th>")
        .append("<th>Organisation</th><th>Device</th><th>State after</th><th>Details</th>")
        .append("</tr></thead><tbody>");
    for (Event e : r.events()) {
      SortedMap<String, String> f = UnitReport.fields(e);
      String type = f.getOrDefault("event.type", "");
      s.append("<tr class=\"event\" data-sequence=\"").append(e.getSequence())
          .append("\" data-step=\"").append(text(type)).append("\" data-log-index=\"")
          .append(e.getLogIndex()).append("\">");
      cell(s, "seq", Long.toString(e.getSequence()));
      cell(s, "time", TIME.format(Instant.ofEpochSecond(e.getEventTime().getSeconds(),
          e.getEventTime().getNanos())));
      cell(s, "step", stepWord(type) + partNote(f));
      s.append("<td class=\"site\">").append(text(r.displayName(e.getActorSite())))
          .append("<br><small>").append(text(e.getActorSite())).append("</small></td>");
      s.append("<td class=\"org\">").append(text(r.displayName(e.getActorOrganization())))
          .append("</td>");
      cell(s, "device", e.getDevice().isEmpty() ? "\u2014" : e.getDevice()
          .substring(e.getDevice().lastIndexOf('/') + 1));
      cell(s, "state", enumWord(e.getStateAfter().name(), "LIFECYCLE_STATE_"));
      s.append("<td class=\"details\">").append(details(f, type, r)).append("</td></tr>");
    }
    s.append("</tbody></table></section>\n");
  }

  private static void lineage(StringBuilder s, UnitReport r) {
    s.append("<section id=\"lineage\"><h2>Lineage</h2>");
    if (r.lineage().getNodesCount() <= 1) {
      s.append("<p class=\"none\">No ancestors or descendants: the unit was neither made from ")
          .append("other units nor dismantled, assembled into a product or recycled.</p>");
    } else {
      s.append("<p class=\"legend\"><span class=\"k dismantled_into\">dismantled into</span>")
          .append("<span class=\"k assembled_into\">assembled into</span>")
          .append("<span class=\"k recycled_into\">recycled into</span>")
          .append("<span class=\"k replaced_by\">replaced by</span> &middot; ancestors above, ")
          .append("descendants below; the unit is outlined; rounded boxes are material lots.</p>");
      s.append("<div class=\"graph\">")
          .append(LineageSvg.svg(r.lineage(), r.unit().getName(), r::displayName))
          .append("</div>");
      LineageSvg.Layout l = LineageSvg.layout(r.lineage());
      if (l.leftOut() > 0 || r.lineage().getTruncated()) {
        s.append("<p class=\"note-small\">").append(l.leftOut()).append(" more node(s) not ")
            .append("drawn").append(r.lineage().getTruncated()
                ? "; the lineage has more nodes than one answer holds" : "").append(".</p>");
      }
    }
    s.append("</section>\n");
  }

  private static void health(StringBuilder s, UnitReport r) {
    List<HealthChart.Point> points = HealthChart.points(r.unit(), r.events());
    s.append("<section id=\"health\"><h2>State of health over time</h2><div class=\"graph\">")
        .append(HealthChart.svg(points)).append("</div>");
    if (!points.isEmpty()) {
      s.append("<table class=\"readings\"><thead><tr><th>Date</th><th>%</th><th>Measure</th>")
          .append("<th>Event</th></tr></thead><tbody>");
      for (HealthChart.Point p : points) {
        s.append("<tr>");
        cell(s, "", HealthChart.DAY.format(p.time()));
        cell(s, "num", String.format(Locale.ROOT, "%.1f", p.percent()));
        cell(s, "", p.basis() + (p.label().isEmpty() ? "" : ", " + p.label()));
        cell(s, "num", Long.toString(p.sequence()));
        s.append("</tr>");
      }
      s.append("</tbody></table>");
    }
    s.append("</section>\n");
  }

  private static void anomalies(StringBuilder s, UnitReport r) {
    s.append("<section id=\"anomalies\"><h2>Anomalies</h2><h3>Flagged on the unit</h3>");
    anomalyTable(s, r.unit().getAnomaliesList(), "unit-anomalies",
        "None flagged (time order of late steps, labels seen too far apart, labels revoked "
            + "after a scan).");
    s.append("<div id=\"anomaly-findings\" class=\"findings\"><h3>Findings of the anomaly "
        + "service</h3>");
    if (r.findings().isEmpty()) {
      s.append("<p class=\"pending\" data-available=\"false\">The deployment has no anomaly ")
          .append("service, or the reader may not list anomalies (shipments never received, ")
          .append("units removed but never collected, mass unaccounted for, recovery below ")
          .append("target, units that vanished).</p>");
    } else {
      serviceTable(s, r.findings().get());
    }
    s.append("</div></section>\n");
  }

  private static void anomalyTable(StringBuilder s, List<Anomaly> list, String cls,
      String none) {
    if (list.isEmpty()) {
      s.append("<p class=\"none ").append(cls).append("\">").append(text(none)).append("</p>");
      return;
    }
    s.append("<table class=\"anomalies ").append(cls).append("\"><thead><tr><th>Kind</th>")
        .append("<th>Since</th><th>Description</th><th>Events</th></tr></thead><tbody>");
    for (Anomaly a : list) {
      s.append("<tr class=\"anomaly\" data-kind=\"").append(text(a.getKind())).append("\">");
      cell(s, "kind", a.getKind());
      cell(s, "time", a.hasCreateTime() ? TIME.format(Instant.ofEpochSecond(
          a.getCreateTime().getSeconds())) : "");
      cell(s, "", a.getDescription());
      cell(s, "", String.join(", ", a.getEventsList()));
      s.append("</tr>");
    }
    s.append("</tbody></table>");
  }

  /**
   * The anomaly service's findings: each with its state (open, acknowledged, resolved and by
   * which step) and every acknowledgement's note.
   */
  private static void serviceTable(StringBuilder s, List<Anomaly> list) {
    if (list.isEmpty()) {
      s.append("<p class=\"none service-anomalies\">None found for the unit.</p>");
      return;
    }
    s.append("<table class=\"anomalies service-anomalies\"><thead><tr><th>Kind</th>")
        .append("<th>Happened</th><th>State</th><th>Description</th><th>Events</th>")
        .append("<th>Acknowledgements</th></tr></thead><tbody>");
    for (Anomaly a : list) {
      String state = a.getState().name().replace("ANOMALY_STATE_", "");
      s.append("<tr class=\"anomaly\" data-kind=\"").append(text(a.getKind()))
          .append("\" data-state=\"").append(text(state)).append("\" data-name=\"")
          .append(text(a.getName())).append("\">");
      cell(s, "kind", a.getKind());
      cell(s, "time", a.hasOccurTime() ? TIME.format(Instant.ofEpochSecond(
          a.getOccurTime().getSeconds())) : "");
      cell(s, "state", a.getResolvingEvent().isEmpty() ? state
          : state + " by " + a.getResolvingEvent());
      cell(s, "", a.getDescription());
      cell(s, "", String.join(", ", a.getEventsList()));
      // one element per acknowledgement, its note in its own: notes are free text of the
      // involved parties, and joined into one string a note could pass for another party's
      // acknowledgement ("checked | 2026-03-02 09:00 organizations/authority: confirmed")
      s.append("<td class=\"acknowledgements\">");
      if (a.getAcknowledgementsCount() > 0) {
        s.append("<ol class=\"acks\">");
        for (var k : a.getAcknowledgementsList()) {
          s.append("<li class=\"ack\"><span class=\"time\">")
              .append(text(TIME.format(Instant.ofEpochSecond(k.getCreateTime().getSeconds()))))
              .append("</span> <span class=\"principal\">")
              .append(text(k.getPrincipal().isEmpty() ? k.getPrincipalKind() : k.getPrincipal()))
              .append("</span><q class=\"note\">").append(text(k.getNote())).append("</q></li>");
        }
        s.append("</ol>");
      }
      s.append("</td>");
      s.append("</tr>");
    }
    s.append("</tbody></table>");
  }

  // ---------------------------------------------------------------- pieces

  /** An item of a list field: {@code dismantling.child.000.code}, {@code assembly.source.000}. */
  private static final java.util.regex.Pattern ITEM =
      java.util.regex.Pattern.compile("(.+)\\.([0-9]{3})(?:\\.(.+))?");

  /**
   * The step-specific fields of an event as "key: value" lines (escaped). Items of a list
   * (children, sources, inputs, lots) take one line each with their code or id, product and
   * mass; their other fields are in the audit bundle and the exports.
   */
  private static String details(SortedMap<String, String> f, String type, UnitReport r) {
    List<String> lines = new ArrayList<>();
    Map<String, List<String>> items = new java.util.LinkedHashMap<>();
    String prefix = type + ".";
    for (Map.Entry<String, String> x : f.entrySet()) {
      if (!x.getKey().startsWith(prefix)) {
        continue;
      }
      String key = x.getKey().substring(prefix.length());
      java.util.regex.Matcher m = ITEM.matcher(key);
      if (m.matches()) {
        String sub = m.group(3) == null ? "" : m.group(3);
        String shown = switch (sub) {
          case "", "code", "id", "product" -> x.getValue();
          case "mass_kg" -> x.getValue() + " kg";
          default -> null;
        };
        List<String> item = items.computeIfAbsent(m.group(1) + " " + m.group(2),
            k -> new ArrayList<>());
        if (shown != null) {
          item.add(sub.equals("code") || sub.equals("id") || sub.isEmpty() ? 0 : item.size(),
              shown);
        }
        continue;
      }
      String value = x.getValue();
      if (value.startsWith("organizations/")) {
        value = r.displayName(value) + (r.names().containsKey(value) ? " (" + value + ")" : "");
      }
      lines.add("<span class=\"k\">" + text(key.replace('_', ' ')) + ":</span> "
          + text(value));
    }
    int shown = 0;
    for (Map.Entry<String, List<String>> item : items.entrySet()) {
      if (shown++ == MAX_DETAILS) {
        lines.add("<span class=\"k\">&hellip;</span> " + (items.size() - MAX_DETAILS)
            + " more");
        break;
      }
      lines.add("<span class=\"k\">" + text(item.getKey().replace('_', ' ')) + ":</span> "
          + text(String.join(", ", item.getValue())));
    }
    if (f.containsKey("label.serial")) {
      lines.add("<span class=\"k\">label:</span> " + text(f.get("label.serial")));
    }
    return String.join("<br>", lines);
  }

  private static String partNote(SortedMap<String, String> f) {
    String part = f.get("step.part");
    String unit = f.get("step.unit");
    if (part == null || unit == null || unit.equals(f.get("unit.code"))) {
      return "";
    }
    return " (" + part + "; recorded against " + unit + ")";
  }

  private static void fact(StringBuilder s, String label, String value) {
    if (value == null || value.isEmpty()) {
      return;
    }
    s.append("<dt>").append(text(label)).append("</dt><dd>").append(text(value)).append("</dd>");
  }

  private static void cell(StringBuilder s, String cls, String value) {
    s.append("<td").append(cls.isEmpty() ? "" : " class=\"" + cls + "\"").append(">")
        .append(text(value)).append("</td>");
  }

  /** "Display name (resource name)", or the name alone when it has no display name. */
  private static String named(UnitReport r, String name) {
    if (name.isEmpty()) {
      return "";
    }
    String display = r.names().get(name);
    return display == null ? name : display + " (" + name + ")";
  }

  /** {@code second_life_inspection} as "second-life inspection". */
  static String stepWord(String type) {
    return type.replace("second_life", "second-life").replace('_', ' ');
  }

  /** A material product as written on a lot: the chemical formulas in their usual case. */
  static String productWord(String name) {
    return switch (name) {
      case "MATERIAL_PRODUCT_NISO4" -> "NiSO4";
      case "MATERIAL_PRODUCT_CO3O4" -> "Co3O4";
      case "MATERIAL_PRODUCT_MNSO4" -> "MnSO4";
      case "MATERIAL_PRODUCT_LI2CO3" -> "Li2CO3";
      case "MATERIAL_PRODUCT_COSO4" -> "CoSO4";
      case "MATERIAL_PRODUCT_LIOH" -> "LiOH";
      default -> enumWord(name, "MATERIAL_PRODUCT_");
    };
  }

  /** An enum value's name without its prefix, in lower case words: "in second life". */
  static String enumWord(String name, String prefix) {
    String n = name.startsWith(prefix) ? name.substring(prefix.length()) : name;
    if (n.equals("UNSPECIFIED") || n.equals("UNRECOGNIZED")) {
      return "";
    }
    return n.toLowerCase(Locale.ROOT).replace('_', ' ');
  }
}
