package io.packtrail.scanner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.packtrail.server.testing.ReportScenario;
import io.packtrail.server.testing.ServerHarness;
import io.packtrail.v1.Event;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The report pages as a browser shows them: written by 'report CODE --html FILE' and by
 * ReportService.GetUnitReport, opened in headless Chromium, the rendered DOM parsed (timeline
 * rows, lineage nodes and edges, chart points, no element made from data) and a screenshot and
 * the printed PDF kept under target/chromium for a person to look at.
 */
class ReportPagesChromiumTest {
  @RegisterExtension
  static final ServerHarness harness = ServerHarness.overNetty();

  static ReportScenario life;
  static final Path ARTIFACTS = Path.of("target", "chromium");

  @TempDir
  Path home;

  @TempDir
  Path work;

  @BeforeAll
  static void setUp() throws Exception {
    life = ReportScenario.create(harness.client());
    Files.createDirectories(ARTIFACTS);
  }

  int report(String code, Path html) {
    PrintStream original = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      java.util.List<String> args = ScannerTls.options(harness, "127.0.0.1:" + harness.port(),
          home);
      // reports span several organisations' units: an auditor reads them all
      args.addAll(ScannerTls.auditor(harness));
      args.addAll(java.util.List.of("report", code, "--html", html.toString(), "--log-key",
          harness.client().getLogKey().getVerifierKey()));
      int exit = ScannerCli.commandLine().execute(args.toArray(String[]::new));
      assertEquals(0, exit, captured.toString(StandardCharsets.UTF_8));
      return exit;
    } finally {
      System.setOut(original);
    }
  }

  @Test
  void theCliReportRendersItsTimelineLineageAndChartAndRunsNoData() throws Exception {
    HeadlessChromium chromium = HeadlessChromium.require(work);
    Path html = ARTIFACTS.resolve("report-" + life.pack() + ".html");
    report(life.pack(), html);

    Document dom = Jsoup.parse(chromium.dumpDom(html));
    // a script from the data would have renamed the document and left its element behind
    assertEquals("Unit report " + life.pack(), dom.title());
    assertTrue(dom.select("script, img, iframe, object").isEmpty(), "no element from data");
    assertEquals("true", dom.selectFirst("#verdict").attr("data-verified"));

    List<Event> events = harness.client().listEvents(life.pack());
    List<Element> rows = dom.select("table.timeline tbody tr.event");
    assertEquals(events.size(), rows.size());
    assertEquals(List.of("registration", "sale", "removal", "collection", "shipment", "receipt",
        "inspection", "correction", "inspection", "dismantling"),
        rows.stream().map(r -> r.attr("data-step")).toList());
    Element first = rows.get(0);
    assertEquals(ReportScenario.EVIL_SITE, first.selectFirst("td.site").ownText(),
        "the hostile site name, shown as text");
    assertEquals(ReportScenario.EVIL_ORG, first.selectFirst("td.org").text());
    assertEquals(ReportScenario.EVIL_FACTORY, first.selectFirst("td.site small").text());
    assertTrue(rows.get(2).selectFirst("td.details").text().contains(ReportScenario.EVIL_NOTE));
    assertTrue(rows.get(7).selectFirst("td.details").text().contains("the grade was B, not C"));

    Set<String> nodes = dom.select("svg.lineage g.node").stream().map(n -> n.attr("data-name"))
        .collect(Collectors.toSet());
    assertEquals(Set.of("units/" + life.pack(), "units/" + life.moduleA(),
        "units/" + life.moduleB(), "units/" + life.storage(),
        "materialLots/" + life.lots().get(0), "materialLots/" + life.lots().get(1)), nodes);
    assertEquals("units/" + life.pack(), dom.selectFirst("svg.lineage g.node.root")
        .attr("data-name"));
    assertEquals(List.of("dismantled_into", "dismantled_into", "assembled_into",
        "recycled_into", "recycled_into"), dom.select("svg.lineage path.edge").stream()
            .map(e -> e.attr("data-kind")).sorted(java.util.Comparator.comparing(
                (String k) -> List.of("dismantled_into", "assembled_into", "recycled_into")
                    .indexOf(k))).toList());

    List<Element> points = dom.select("svg.health g.point");
    assertEquals(List.of("74.000", "81.500"), points.stream().map(p -> p.attr("data-percent"))
        .toList());
    // drawn left to right in time, the higher reading higher up
    double[] x = points.stream().mapToDouble(p -> Double.parseDouble(
        p.selectFirst("circle").attr("cx"))).toArray();
    double[] y = points.stream().mapToDouble(p -> Double.parseDouble(
        p.selectFirst("circle").attr("cy"))).toArray();
    assertTrue(x[0] < x[1] && y[1] < y[0], "x " + x[0] + "<" + x[1] + ", y " + y[1] + "<" + y[0]);

    Path png = ARTIFACTS.resolve("report-" + life.pack() + ".png");
    chromium.screenshot(html, png, 3600);
    byte[] image = Files.readAllBytes(png);
    assertTrue(image.length > 10_000 && image[1] == 'P' && image[2] == 'N' && image[3] == 'G',
        "a PNG screenshot at " + png);
  }

  @Test
  void theApiPageOfASecondLifeUnitPrintsOnA4() throws Exception {
    HeadlessChromium chromium = HeadlessChromium.require(work);
    var answer = harness.client().getUnitReport(life.storage());
    Path html = ARTIFACTS.resolve("api-report-" + life.storage() + ".html");
    Files.write(html, answer.getContent().toByteArray());

    Document dom = Jsoup.parse(chromium.dumpDom(html));
    assertEquals(List.of("96.000", "93.500", "91.000"), dom.select("svg.health g.point").stream()
        .map(p -> p.attr("data-percent")).toList());
    assertEquals(harness.client().listEvents(life.storage()).size(),
        dom.select("table.timeline tr.event").size());
    assertTrue(dom.select("svg.lineage g.node").size() >= 2, "the storage pack and its module");
    // the anomaly service answers for the unit (a storage pack in service: nothing found)
    assertTrue(dom.selectFirst("#anomaly-findings").text().contains("None found for the unit"),
        dom.selectFirst("#anomaly-findings").text());

    Path pdf = ARTIFACTS.resolve("api-report-" + life.storage() + ".pdf");
    chromium.printToPdf(html, pdf);
    String text = new String(Files.readAllBytes(pdf), StandardCharsets.ISO_8859_1);
    Matcher box = Pattern.compile("/MediaBox \\[0 0 ([0-9.]+) ([0-9.]+)\\]").matcher(text);
    assertTrue(box.find(), "a PDF with pages");
    // A4 is 595.28 x 841.89 points; US Letter would be 612 x 792
    assertEquals(595.3, Double.parseDouble(box.group(1)), 2.0);
    assertEquals(841.9, Double.parseDouble(box.group(2)), 2.0);
  }

  @Test
  void theRegionalOverviewRendersItsCountsCitiesAndRecovery() throws Exception {
    HeadlessChromium chromium = HeadlessChromium.require(work);
    harness.server().anomalyScan().scan(); // the recycling below the aluminium target
    var answer = harness.client().getRegionalOverviewPage("620000",
        ReportScenario.START.minusSeconds(86_400), java.time.Instant.now().plusSeconds(60));
    Path html = ARTIFACTS.resolve("overview-620000.html");
    Files.write(html, answer.getContent().toByteArray());

    Document dom = Jsoup.parse(chromium.dumpDom(html));
    assertEquals("Regional overview Gansu (620000)", dom.title());
    assertTrue(dom.select("script, img, iframe, object").isEmpty());
    List<Element> bars = dom.select("svg.steps g.bar");
    assertEquals(List.of("sold", "removed", "collected", "shipped", "received", "graded",
        "dismantled", "repurposed", "deployed", "recycled"), bars.stream()
            .map(b -> b.attr("data-step")).toList());
    assertEquals(List.of("1", "1", "1", "2", "2", "3", "1", "1", "1", "1"), bars.stream()
        .map(b -> b.attr("data-count")).toList());
    // the longest bar is the most graded
    double graded = Double.parseDouble(bars.get(5).selectFirst("rect").attr("width"));
    assertTrue(bars.stream().allMatch(b -> Double.parseDouble(b.selectFirst("rect")
        .attr("width")) <= graded));
    List<String> cities = dom.select("table.cities tr.city").stream()
        .map(r -> r.attr("data-code")).toList();
    assertTrue(cities.containsAll(List.of("620100", "620200", "620300", "620400", "620500")),
        cities.toString());
    Element lanzhou = dom.selectFirst("table.cities tr.city[data-code=620100]");
    assertEquals("Lanzhou", lanzhou.child(0).text());
    assertEquals("0.380", lanzhou.child(2).text());
    assertEquals("misses", dom.selectFirst("tr.element[data-element=al]").className()
        .replace("element ", ""));
    assertEquals("meets", dom.selectFirst("tr.element[data-element=li]").className()
        .replace("element ", ""));
    assertEquals("true", dom.selectFirst("#open-anomalies .total").attr("data-available"));
    assertFalse(dom.select("#open-anomalies tr.anomaly[data-kind=RECOVERY_BELOW_TARGET]")
        .isEmpty(), dom.selectFirst("#open-anomalies").text());
    assertFalse(dom.select("#open-anomalies tr.anomaly-kind[data-kind=RECOVERY_BELOW_TARGET]")
        .isEmpty());
    // late and overdue reports: the life was recorded just now, dated up to 700 days ago
    Element deadlines = dom.selectFirst("#deadlines .summary");
    assertEquals("true", deadlines.attr("data-available"));
    assertTrue(Integer.parseInt(deadlines.attr("data-late")) > 0, deadlines.outerHtml());
    assertTrue(dom.selectFirst("#deadlines tr.late-report[data-event=units/" + life.pack()
        + "/events/2]").text().startsWith("sale"));
    assertTrue(dom.select("#deadlines tr.deadline-org").size() > 0);

    Path png = ARTIFACTS.resolve("overview-620000.png");
    chromium.screenshot(html, png, 1800);
    assertTrue(Files.size(png) > 10_000);
  }
}
