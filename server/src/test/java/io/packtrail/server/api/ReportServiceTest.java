package io.packtrail.server.api;

import static io.packtrail.server.testing.Statuses.assertFails;
import static io.packtrail.server.testing.Statuses.assertViolation;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.grpc.Status;
import io.packtrail.client.audit.AuditSource;
import io.packtrail.client.canonical.Canonical;
import io.packtrail.client.export.HistoryCsv;
import io.packtrail.client.export.UnitHistory;
import io.packtrail.client.report.ReportPage;
import io.packtrail.client.report.UnitReport;
import io.packtrail.server.testing.ReportScenario;
import io.packtrail.server.testing.ServerHarness;
import io.packtrail.v1.Event;
import io.packtrail.v1.ExportFormat;
import io.packtrail.v1.ExportUnitHistoryRequest;
import io.packtrail.v1.GetUnitReportRequest;
import io.packtrail.v1.GetUnitReportResponse;
import io.packtrail.v1.ReportServiceGrpc;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * ReportService over gRPC on a pack's whole life (ReportScenario): the report page (verdict,
 * timeline, lineage, chart, escaping of hostile names and notes), a verdict that fails on an
 * edited event, the EPCIS export validated against GS1's EPCIS 2.0 JSON schema, the CSV export
 * read back, and precise errors.
 */
class ReportServiceTest {
  @RegisterExtension
  static final ServerHarness harness = ServerHarness.inProcess();

  static ReportScenario life;
  static ReportServiceGrpc.ReportServiceBlockingStub reports;
  static JsonSchema epcisSchema;

  @BeforeAll
  static void setUp() throws Exception {
    life = ReportScenario.create(harness.client());
    reports = ReportServiceGrpc.newBlockingStub(harness.channel());
    try (InputStream in = ReportServiceTest.class.getResourceAsStream(
        "/epcis/EPCIS-JSON-Schema.json")) {
      epcisSchema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V7).getSchema(in);
    }
  }

  static String page(GetUnitReportResponse r) {
    return r.getContent().toString(StandardCharsets.UTF_8);
  }

  @Test
  void theReportPageShowsTheVerifiedHistoryAndEscapesEveryString() throws Exception {
    GetUnitReportResponse r = reports.getUnitReport(GetUnitReportRequest.newBuilder()
        .setUnit("units/" + life.pack()).build());
    assertEquals("text/html; charset=utf-8", r.getContentType());
    assertTrue(r.getVerified());
    assertTrue(r.getTreeSize() > 0);
    String html = page(r);
    Path out = Path.of("target", "reports");
    Files.createDirectories(out);
    Files.writeString(out.resolve("api-" + life.pack() + ".html"), html);

    List<Event> events = harness.client().listEvents(life.pack());
    assertEquals(events.size(), count(html, "<tr class=\"event\""), "one timeline row per event");
    assertTrue(html.contains("id=\"verdict\" data-verified=\"true\""));
    assertTrue(html.contains("Tree size</dt><dd>" + r.getTreeSize() + "</dd>"), "the checkpoint");
    // the lineage: the pack, its two modules, the storage pack, the two lots
    for (String name : List.of("units/" + life.pack(), "units/" + life.moduleA(),
        "units/" + life.moduleB(), "units/" + life.storage(),
        "materialLots/" + life.lots().get(0), "materialLots/" + life.lots().get(1))) {
      assertTrue(html.contains("data-name=\"" + name + "\""), name + " in the lineage graph");
    }
    assertEquals(2, count(html, "<g class=\"point\""), "two gradings of the pack in the chart");

    // no data string became markup; each shows escaped
    String lower = html.toLowerCase(Locale.ROOT);
    assertEquals(-1, lower.indexOf("<script"), "no script element");
    assertEquals(-1, lower.indexOf("<img"), "no img element");
    assertTrue(html.contains("Evil &lt;script&gt;document.title=&#39;pwned&#39;&lt;/script&gt; "
        + "&amp; &quot;Sons&quot;"), "the maker's name, escaped");
    assertTrue(html.contains("Factory &lt;img src=x onerror=&quot;"), "the site's name, escaped");
    assertTrue(html.contains("&lt;/td&gt;&lt;script&gt;"), "the removal note, escaped");
    assertTrue(html.contains("default-src 'none'"), "a policy forbidding scripts");
    assertEquals("none", firstUrl(html), "no URL: nothing to fetch");
  }

  private static String firstUrl(String html) {
    int i = html.indexOf("://");
    return i < 0 ? "none" : html.substring(Math.max(0, i - 10), Math.min(html.length(), i + 60));
  }

  @Test
  void aSecondLifeUnitsChartHasEachInspection() {
    String html = page(reports.getUnitReport(GetUnitReportRequest.newBuilder()
        .setUnit("units/" + life.storage()).build()));
    assertEquals("none", firstUrl(html));
    assertEquals(3, count(html, "<g class=\"point\""), "three second-life inspections");
  }

  @Test
  void anEditedEventFailsTheVerdictAndThePageSaysWhich() {
    AuditSource real = AuditSource.of(harness.client());
    // a source that serves the unit's third event with its event.time moved by a second
    AuditSource edited = new ForwardingSource(real) {
      @Override
      public List<Event> events(String code) {
        List<Event> list = new ArrayList<>(real.events(code));
        Event e = list.get(2);
        SortedMap<String, String> f = new TreeMap<>(Canonical.decode(
            e.getCanonicalBytes().toByteArray()));
        f.put("event.time", Canonical.time(java.time.Instant.parse(f.get("event.time"))
            .plusSeconds(1)));
        list.set(2, e.toBuilder().setCanonicalBytes(ByteString.copyFrom(Canonical.encode(f)))
            .build());
        return list;
      }
    };
    UnitReport report = UnitReport.collect(edited, life.pack(), null, Clock.systemUTC(), "test");
    assertFalse(report.integrity().verified());
    assertEquals("HASH_CHAIN", report.integrity().failedCheck());
    String html = ReportPage.render(report);
    assertTrue(html.contains("data-verified=\"false\""));
    assertTrue(html.contains("Verification FAILED"));
    assertTrue(html.contains("(HASH_CHAIN): event 3 (log index"), html.substring(
        html.indexOf("id=\"verdict\""), html.indexOf("id=\"verdict\"") + 300));
  }

  @Test
  void theEpcisExportIsValidEpcis20WithTheDocumentedEvents() throws Exception {
    var answer = reports.exportUnitHistory(ExportUnitHistoryRequest.newBuilder()
        .setUnit("units/" + life.pack()).setFormat(ExportFormat.EXPORT_FORMAT_EPCIS).build());
    assertEquals("application/ld+json", answer.getContentType());
    assertEquals(life.pack() + ".epcis.jsonld", answer.getFileName());
    String json = answer.getContent().toString(StandardCharsets.UTF_8);
    Files.createDirectories(Path.of("target", "reports"));
    Files.writeString(Path.of("target", "reports", life.pack() + ".epcis.jsonld"), json);
    JsonNode doc = new ObjectMapper().readTree(json);
    Set<ValidationMessage> errors = epcisSchema.validate(doc);
    assertTrue(errors.isEmpty(), "not valid EPCIS 2.0: " + errors);

    List<JsonNode> events = StreamSupport.stream(doc.at("/epcisBody/eventList").spliterator(),
        false).toList();
    List<String> steps = events.stream().map(e -> e.path("bizStep").asText()).toList();
    // the pack's life, then its modules' (dismantling once, not once per module), then the
    // storage pack's and the recycling
    assertEquals("commissioning", steps.get(0));
    assertTrue(steps.containsAll(List.of("retail_selling", "removing", "collecting", "shipping",
        "receiving", "https://ns.packtrail.io/epcis/bizstep/grading", "disassembling",
        "assembling", "https://ns.packtrail.io/epcis/bizstep/repurposing", "inspecting",
        "https://ns.packtrail.io/epcis/bizstep/recycling")), steps.toString());
    JsonNode dismantling = only(events, "disassembling");
    assertEquals("AggregationEvent", dismantling.path("type").asText());
    assertEquals("DELETE", dismantling.path("action").asText());
    assertEquals("https://id.packtrail.io/units/" + life.pack(),
        dismantling.path("parentID").asText());
    assertEquals(List.of("https://id.packtrail.io/units/" + life.moduleA(),
        "https://id.packtrail.io/units/" + life.moduleB()), texts(dismantling.path("childEPCs")));
    assertEquals(3, dismantling.path("packtrail:events").size(), "the pack's and both modules'");
    JsonNode recycling = only(events, "https://ns.packtrail.io/epcis/bizstep/recycling");
    assertEquals("TransformationEvent", recycling.path("type").asText());
    assertEquals("https://id.packtrail.io/materialLots/" + life.lots().get(0),
        recycling.at("/outputQuantityList/0/epcClass").asText());
    assertEquals(10.0, recycling.at("/outputQuantityList/0/quantity").asDouble());
    assertEquals("KGM", recycling.at("/outputQuantityList/0/uom").asText());
    // the corrected grading appears again, declared erroneous by the correction
    List<JsonNode> declared = events.stream().filter(e -> e.has("errorDeclaration")).toList();
    assertEquals(1, declared.size());
    assertEquals("incorrect_data", declared.get(0).at("/errorDeclaration/reason").asText());
    assertEquals("C", declared.get(0).path("packtrail:inspection.grade").asText());
    assertEquals(2, events.stream().filter(e -> e.path("eventID").asText()
        .equals(declared.get(0).path("eventID").asText())).count(), "as recorded, and declared");
  }

  @Test
  void theDocumentedExampleIsValidEpcis20() throws Exception {
    Path formats = Path.of("").toAbsolutePath();
    while (!Files.exists(formats.resolve("docs/formats.md"))) {
      formats = formats.getParent();
    }
    String md = Files.readString(formats.resolve("docs/formats.md"));
    java.util.regex.Matcher m = java.util.regex.Pattern.compile(
        "## 16\\. Exports.*?```json\\n(.*?)```", java.util.regex.Pattern.DOTALL).matcher(md);
    assertTrue(m.find(), "formats.md section 16 has its EPCIS example");
    Set<ValidationMessage> errors = epcisSchema.validate(new ObjectMapper().readTree(m.group(1)));
    assertTrue(errors.isEmpty(), "formats.md section 16's example is not valid EPCIS: " + errors);
  }

  @Test
  void theSchemaCheckCatchesWhatIsNotEpcis() throws Exception {
    // the validator is on: a broken export would fail the test above
    JsonNode bad = new ObjectMapper().readTree("{\"@context\":[\"https://ref.gs1.org/standards/"
        + "epcis/2.0.0/epcis-context.jsonld\"],\"type\":\"EPCISDocument\",\"schemaVersion\":"
        + "\"2.0\",\"creationDate\":\"2026-01-01T00:00:00Z\",\"epcisBody\":{\"eventList\":[{"
        + "\"type\":\"ObjectEvent\",\"eventTime\":\"2026-01-01T00:00:00Z\","
        + "\"eventTimeZoneOffset\":\"+00:00\",\"action\":\"OBSERVE\",\"epcList\":[\"x\"],"
        + "\"bizStep\":\"grading\"}]}}");
    Set<ValidationMessage> errors = epcisSchema.validate(bad);
    assertFalse(errors.isEmpty(), "a bare 'grading' business step and a non-URI EPC are not EPCIS");
  }

  @Test
  void theCsvExportReadsBackToTheSameRows() {
    var answer = reports.exportUnitHistory(ExportUnitHistoryRequest.newBuilder()
        .setUnit("units/" + life.moduleB()).setFormat(ExportFormat.EXPORT_FORMAT_CSV).build());
    assertEquals("text/csv; charset=utf-8; header=present", answer.getContentType());
    String text = answer.getContent().toString(StandardCharsets.UTF_8);
    List<HistoryCsv.Row> read = HistoryCsv.read(text);
    List<HistoryCsv.Row> expected = HistoryCsv.rows(UnitHistory.collect(
        AuditSource.of(harness.client()), life.moduleB()));
    assertEquals(expected, read);
    assertEquals(text, HistoryCsv.write(read), "written again, byte for byte");
    // the module's life with its lineage: the pack it came from (whose removal note is hostile
    // and multi-character), its own events, the lots' recycling step
    assertTrue(read.stream().anyMatch(r -> r.get("details").contains(
        "</td><script>document.title='pwned'</script>=1+1")));
    assertEquals(harness.client().listEvents(life.pack()).size()
        + harness.client().listEvents(life.moduleB()).size(), read.size());
    HistoryCsv.Row recycled = read.get(read.size() - 1);
    assertEquals("recycling", recycled.get("step"));
    assertEquals("https://ns.packtrail.io/epcis/bizstep/recycling", recycled.get("biz_step"));
    assertEquals(ReportScenario.EVIL_ORG, read.get(0).get("organization_name"));
  }

  @Test
  void badRequestsNameTheFieldAndUnknownUnitsAreNotFound() {
    var status = assertFails(Status.Code.INVALID_ARGUMENT, () -> reports.getUnitReport(
        GetUnitReportRequest.newBuilder().setUnit("cars/1").build()));
    assertViolation(status, "unit", "");
    assertFails(Status.Code.NOT_FOUND, () -> reports.getUnitReport(GetUnitReportRequest
        .newBuilder().setUnit("units/TMKPBA1TRACE01RA59999999").build()));
    status = assertFails(Status.Code.INVALID_ARGUMENT, () -> reports.exportUnitHistory(
        ExportUnitHistoryRequest.newBuilder().setUnit("units/" + life.pack()).build()));
    assertViolation(status, "format", "is required");
    assertFails(Status.Code.NOT_FOUND, () -> reports.exportUnitHistory(ExportUnitHistoryRequest
        .newBuilder().setUnit("units/TMKPBA1TRACE01RA59999999")
        .setFormat(ExportFormat.EXPORT_FORMAT_CSV).build()));
  }

  @Test
  void theRegionalOverviewCountsTheRegionsStepsTonnageAndRecovery() {
    java.time.Instant start = ReportScenario.START.minusSeconds(86_400);
    java.time.Instant end = java.time.Instant.now().plusSeconds(60);
    var o = harness.client().getRegionalOverview("620000", start, end);
    assertEquals("Gansu", o.getRegionName());
    var s = o.getSteps();
    assertEquals(List.of(1L, 1L, 1L, 2L, 2L, 3L, 1L, 1L, 1L, 1L), List.of(s.getSold(),
        s.getRemoved(), s.getCollected(), s.getShipped(), s.getReceived(), s.getGraded(),
        s.getDismantled(), s.getRepurposed(), s.getDeployed(), s.getRecycled()),
        "sold, removed, collected, shipped, received, graded, dismantled, repurposed, deployed, "
            + "recycled");
    // every city of Gansu is listed; the test network's sites are in Lanzhou (620100)
    assertEquals(14, o.getCitiesCount());
    var lanzhou = o.getCitiesList().stream().filter(c -> c.getRegionCode().equals("620100"))
        .findFirst().orElseThrow();
    assertEquals("Lanzhou", lanzhou.getName());
    assertEquals(0.38, lanzhou.getCollectedTonnes(), 1e-9);
    assertEquals(0.56, lanzhou.getReceivedTonnes(), 1e-9, "the pack and a module");
    assertEquals(0.18, lanzhou.getRecycledTonnes(), 1e-9);
    var tianshui = o.getCitiesList().stream().filter(c -> c.getRegionCode().equals("620500"))
        .findFirst().orElseThrow();
    assertEquals(0, tianshui.getCollectedTonnes());
    java.util.Map<String, io.packtrail.v1.ElementRecovery> rec = new java.util.HashMap<>();
    o.getRecoveriesList().forEach(r -> rec.put(r.getElement(), r));
    assertEquals(92.5, rec.get("li").getRecoveryPercent(), 1e-9);
    assertTrue(rec.get("li").getMeetsTarget());
    assertFalse(rec.get("al").getMeetsTarget(), "no aluminium recovered");
    // the line consumed the pack (its module recycled there counts once, in the pack)
    assertEquals(0.38, o.getPlantsList().stream().filter(p -> p.getSite().equals(
        io.packtrail.server.testing.Fixtures.LINE)).findFirst().orElseThrow().getInputTonnes(),
        1e-9);

    // late and overdue reports: the life was recorded just now, its steps dated up to 700
    // days ago, so the sale (15 working days) was reported late; the same items as
    // ComplianceService lists, counted per organisation
    var d = o.getDeadlines();
    var late = harness.client().lateReports("620000", start, end);
    assertEquals(late.size(), d.getLate());
    assertEquals(Math.min(20, late.size()), d.getLateReportsCount());
    assertTrue(late.stream().anyMatch(l -> l.getEvent().equals("units/" + life.pack()
        + "/events/2") && l.getStep().equals("sale")), late.toString());
    var overdue = harness.client().overdueReports("620000", start, end, false);
    assertEquals(overdue.size(), d.getOverdueOpen() + d.getOverdueRecordedLate());
    assertEquals(d.getLate(), d.getOrganizationsList().stream()
        .mapToLong(io.packtrail.v1.OrganizationDeadlines::getLate).sum());
    assertTrue(d.getCalendar().contains("working-calendar-cn-2026.txt"), d.getCalendar());
    assertFalse(d.hasReportingStart(), "every step judged");

    // a city: Jinchang holds only the hostile maker's factory, where only a registration was
    var jinchang = harness.client().getRegionalOverview("620300", start, end);
    assertEquals(0, jinchang.getSteps().getSold() + jinchang.getSteps().getCollected());
    assertEquals(0, jinchang.getDeadlines().getLate(), "a registration has no deadline");
    assertEquals(0, jinchang.getDeadlines().getOrganizationsCount());
    assertEquals(1, jinchang.getCitiesCount());
    // a period before anything happened
    assertEquals(0, harness.client().getRegionalOverview("620000", start.minusSeconds(86_400),
        start).getSteps().getSold());
  }

  @Test
  void aRegionalOverviewNeedsACodeAndAPeriod() {
    var stub = reports;
    var status = assertFails(Status.Code.INVALID_ARGUMENT, () -> stub.getRegionalOverview(
        io.packtrail.v1.GetRegionalOverviewRequest.newBuilder().setRegionCode("62").build()));
    assertViolation(status, "region_code", "six-digit");
    assertViolation(status, "start_time", "is required");
    assertViolation(status, "end_time", "is required");
    status = assertFails(Status.Code.INVALID_ARGUMENT, () -> stub.getRegionalOverviewPage(
        io.packtrail.v1.GetRegionalOverviewPageRequest.newBuilder().setRegionCode("620000")
            .setStartTime(com.google.protobuf.Timestamp.newBuilder().setSeconds(1_800_000_000))
            .setEndTime(com.google.protobuf.Timestamp.newBuilder().setSeconds(1_700_000_000))
            .build()));
    assertViolation(status, "end_time", "must be after start_time");
  }

  private static JsonNode only(List<JsonNode> events, String bizStep) {
    List<JsonNode> found = events.stream().filter(e -> e.path("bizStep").asText()
        .equals(bizStep)).toList();
    assertEquals(1, found.size(), bizStep);
    return found.get(0);
  }

  private static List<String> texts(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }

  private static int count(String s, String what) {
    int n = 0;
    for (int i = s.indexOf(what); i >= 0; i = s.indexOf(what, i + 1)) {
      n++;
    }
    return n;
  }

  /** Delegates every read to another source; tests override what they change. */
  static class ForwardingSource implements AuditSource {
    private final AuditSource d;

    ForwardingSource(AuditSource d) {
      this.d = d;
    }

    @Override
    public io.packtrail.v1.Unit unit(String code) {
      return d.unit(code);
    }

    @Override
    public List<Event> events(String code) {
      return d.events(code);
    }

    @Override
    public io.packtrail.v1.GetLineageResponse lineage(String name) {
      return d.lineage(name);
    }

    @Override
    public java.util.Optional<io.packtrail.v1.Organization> organization(String name) {
      return d.organization(name);
    }

    @Override
    public java.util.Optional<io.packtrail.v1.Site> site(String name) {
      return d.site(name);
    }

    @Override
    public io.packtrail.v1.Checkpoint createCheckpoint() {
      return d.createCheckpoint();
    }

    @Override
    public java.util.Optional<io.packtrail.v1.Checkpoint> latestCosignedCheckpoint(int min) {
      return d.latestCosignedCheckpoint(min);
    }

    @Override
    public java.util.Optional<io.packtrail.v1.Checkpoint> checkpoint(long treeSize) {
      return d.checkpoint(treeSize);
    }

    @Override
    public List<byte[]> inclusionProof(long logIndex, long treeSize) {
      return d.inclusionProof(logIndex, treeSize);
    }

    @Override
    public List<io.packtrail.v1.LogEntry> registryEntries(Set<String> subjects, long treeSize) {
      return d.registryEntries(subjects, treeSize);
    }

    @Override
    public String labelText(long serial) {
      return d.labelText(serial);
    }

    @Override
    public String logVerifierKey() {
      return d.logVerifierKey();
    }

    @Override
    public java.util.Optional<List<io.packtrail.v1.Anomaly>> anomalyFindings(String code) {
      return d.anomalyFindings(code);
    }
  }
}
