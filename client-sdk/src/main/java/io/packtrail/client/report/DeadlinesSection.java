package io.packtrail.client.report;

import static io.packtrail.client.report.Html.text;

import io.packtrail.v1.LateReport;
import io.packtrail.v1.OrganizationDeadlines;
import io.packtrail.v1.OverdueReport;
import io.packtrail.v1.RegionDeadlines;
import io.packtrail.v1.RegionalOverview;
import java.time.Instant;
import java.util.Locale;

/**
 * The overview's section of late and overdue reports (docs/deadlines.md): the counts, the
 * counts per organisation, and the first items of each kind with their deadlines. An overview
 * without the figures (an older server) keeps the marked place.
 */
final class DeadlinesSection {
  private DeadlinesSection() {}

  static void append(StringBuilder s, RegionalOverview o) {
    s.append("<section id=\"deadlines\"><h2>Late and overdue reports</h2>");
    if (!o.hasDeadlines()) {
      s.append("<p class=\"pending\" data-available=\"false\">The server answered no ")
          .append("reporting-deadline figures for this overview.</p></section>\n");
      return;
    }
    RegionDeadlines d = o.getDeadlines();
    s.append("<p class=\"summary\" data-available=\"true\" data-late=\"").append(d.getLate())
        .append("\" data-overdue-open=\"").append(d.getOverdueOpen())
        .append("\" data-overdue-recorded-late=\"").append(d.getOverdueRecordedLate())
        .append("\"><strong>").append(d.getLate()).append("</strong> step(s) reported late, ")
        .append("<strong>").append(d.getOverdueOpen()).append("</strong> expected step(s) ")
        .append("overdue and still missing, <strong>").append(d.getOverdueRecordedLate())
        .append("</strong> recorded after their deadline. Deadlines in working days of ")
        .append(text(d.getCalendar()));
    if (d.hasReportingStart()) {
      s.append("; steps dated before ").append(text(ReportPage.TIME.format(
          instant(d.getReportingStart())))).append(" UTC are imported history, not judged");
    }
    s.append(".</p>");
    if (d.getOrganizationsCount() == 0) {
      s.append("<p class=\"none\">Every step of the region in the period was reported on ")
          .append("time.</p></section>\n");
      return;
    }
    s.append("<table class=\"deadline-orgs\"><thead><tr><th>Organisation</th>")
        .append("<th class=\"num\">Late</th><th class=\"num\">Overdue, missing</th>")
        .append("<th class=\"num\">Overdue, recorded late</th></tr></thead><tbody>");
    for (OrganizationDeadlines org : d.getOrganizationsList()) {
      s.append("<tr class=\"deadline-org\" data-organization=\"")
          .append(text(org.getOrganization())).append("\"><td>")
          .append(text(org.getOrganization())).append("</td>").append(num(org.getLate()))
          .append(num(org.getOverdueOpen())).append(num(org.getOverdueRecordedLate()))
          .append("</tr>");
    }
    s.append("</tbody></table>");
    if (d.getLateReportsCount() > 0) {
      s.append("<h3>Reported late").append(d.getLate() > d.getLateReportsCount()
          ? " (the first " + d.getLateReportsCount() + ")" : "").append("</h3>")
          .append("<table class=\"late\"><thead><tr><th>Step</th><th>Organisation</th>")
          .append("<th>Event time</th><th>Due (China)</th><th>Received</th></tr></thead>")
          .append("<tbody>");
      for (LateReport l : d.getLateReportsList()) {
        s.append("<tr class=\"late-report\" data-event=\"").append(text(l.getEvent()))
            .append("\"><td>").append(text(l.getStep())).append("<br><small>")
            .append(text(l.getEvent())).append("</small></td><td>")
            .append(text(l.getOrganization())).append("</td><td>")
            .append(text(time(l.getEventTime()))).append("</td><td>")
            .append(text(due(l.getDeadline()))).append("</td><td>")
            .append(text(time(l.getRecordTime()))).append("</td></tr>");
      }
      s.append("</tbody></table>");
    }
    if (d.getOverdueReportsCount() > 0) {
      long all = d.getOverdueOpen() + d.getOverdueRecordedLate();
      s.append("<h3>Overdue").append(all > d.getOverdueReportsCount()
          ? " (the first " + d.getOverdueReportsCount() + ")" : "").append("</h3>")
          .append("<table class=\"overdue\"><thead><tr><th>Expected</th><th>Of</th>")
          .append("<th>After</th><th>Due (China)</th><th>Recorded</th></tr></thead><tbody>");
      for (OverdueReport r : d.getOverdueReportsList()) {
        boolean open = r.getFulfillingEvent().isEmpty();
        s.append("<tr class=\"overdue-report").append(open ? " open" : "")
            .append("\" data-trigger=\"").append(text(r.getTriggerEvent())).append("\"><td>")
            .append(text(r.getExpected())).append("</td><td>").append(text(r.getOrganization()))
            .append("</td><td>").append(text(r.getTriggerStep())).append(" ")
            .append(text(time(r.getTriggerTime()))).append("<br><small>")
            .append(text(r.getTriggerEvent())).append("</small></td><td>")
            .append(text(due(r.getDeadline()))).append("</td><td>")
            .append(open ? "missing" : text(time(r.getFulfillingRecordTime())))
            .append("</td></tr>");
      }
      s.append("</tbody></table>");
    }
    s.append("</section>\n");
  }

  private static String due(io.packtrail.v1.ReportDeadline d) {
    return d.getDueDate() + " (" + d.getWorkingDays() + " working days"
        + (d.getProvisional() ? ", provisional" : "") + ")";
  }

  private static String time(com.google.protobuf.Timestamp t) {
    return ReportPage.TIME.format(instant(t));
  }

  private static String num(long v) {
    return "<td class=\"num\">" + String.format(Locale.ROOT, "%,d", v) + "</td>";
  }

  private static Instant instant(com.google.protobuf.Timestamp t) {
    return Instant.ofEpochSecond(t.getSeconds(), t.getNanos());
  }
}
