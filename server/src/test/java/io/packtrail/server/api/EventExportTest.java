package io.packtrail.server.api;

import static io.packtrail.server.testing.Statuses.assertFails;
import static io.packtrail.server.testing.Statuses.assertViolation;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.grpc.Status;
import io.packtrail.client.PacktrailClient;
import io.packtrail.client.export.HistoryCsv;
import io.packtrail.server.domain.Principal;
import io.packtrail.server.testing.Fixtures;
import io.packtrail.server.testing.ReportScenario;
import io.packtrail.server.testing.ServerHarness;
import io.packtrail.server.testing.TestPrincipals;
import io.packtrail.v1.ExportEventsRequest;
import io.packtrail.v1.ExportEventsResponse;
import io.packtrail.v1.ExportFormat;
import io.packtrail.v1.ReportServiceGrpc;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * ReportService.ExportEvents over gRPC on a pack's whole life (ReportScenario: several units,
 * a dismantling step that touches three, a correction, a recycling): a multi-unit EPCIS export
 * valid against GS1's EPCIS 2.0 JSON schema whatever the page size, CSV read back, the filter's
 * fields and its errors, pagination and its tokens, an empty result, and access: a party's
 * export holds exactly the events of the units its organisation is a party of.
 */
class EventExportTest {
  @RegisterExtension
  static final ServerHarness harness =
      ServerHarness.inProcess(s -> s.withCallerResolver(TestPrincipals.RESOLVER));

  static ReportScenario life;
  static JsonSchema epcisSchema;
  static final Principal AUDITOR = TestPrincipals.auditor();
  static final Principal CASCADE = TestPrincipals.system(Fixtures.CASCADE);
  static final Principal DEALER = TestPrincipals.system(Fixtures.DEALER);
  static final String SINCE = "event_time >= \""
      + ReportScenario.START.minus(Duration.ofDays(1)) + "\"";

  @BeforeAll
  static void setUp() throws Exception {
    life = ReportScenario.create(harness.client());
    try (InputStream in = EventExportTest.class.getResourceAsStream(
        "/epcis/EPCIS-JSON-Schema.json")) {
      epcisSchema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V7).getSchema(in);
    }
  }

  static ReportServiceGrpc.ReportServiceBlockingStub reports(Principal p) {
    return ReportServiceGrpc.newBlockingStub(TestPrincipals.as(harness.channel(), p));
  }

  /** Every page of an export, in order. */
  static List<ExportEventsResponse> pages(Principal p, String filter, ExportFormat format,
      int pageSize) {
    List<ExportEventsResponse> pages = new ArrayList<>();
    String token = "";
    do {
      ExportEventsResponse page = reports(p).exportEvents(ExportEventsRequest.newBuilder()
          .setFilter(filter).setFormat(format).setPageSize(pageSize).setPageToken(token)
          .build());
      pages.add(page);
      token = page.getNextPageToken();
      assertTrue(pages.size() < 1000, "an export ends");
    } while (!token.isEmpty());
    return pages;
  }

  static String file(List<ExportEventsResponse> pages) {
    StringBuilder s = new StringBuilder();
    pages.forEach(p -> s.append(p.getContent().toString(StandardCharsets.UTF_8)));
    return s.toString();
  }

  static String export(Principal p, String filter, ExportFormat format, int pageSize) {
    return file(pages(p, filter, format, pageSize));
  }

  static List<JsonNode> epcisEvents(String json) throws Exception {
    JsonNode doc = new ObjectMapper().readTree(json);
    Set<ValidationMessage> errors = epcisSchema.validate(doc);
    assertTrue(errors.isEmpty(), "not valid EPCIS 2.0: " + errors + "\n" + json);
    return StreamSupport.stream(doc.at("/epcisBody/eventList").spliterator(), false).toList();
  }

  static long eventsInDatabase(String where) {
    return harness.jdbi().withHandle(h -> h.createQuery("SELECT count(*) FROM event " + where)
        .mapTo(Long.class).one());
  }

  @Test
  void aMultiUnitEpcisExportIsValidEpcisAndTheSameWhateverThePageSize() throws Exception {
    String whole = export(AUDITOR, SINCE, ExportFormat.EXPORT_FORMAT_EPCIS, 1000);
    List<JsonNode> events = epcisEvents(whole);
    // pages of 4 events: steps that touch several units straddle the cuts
    List<ExportEventsResponse> paged = pages(AUDITOR, SINCE, ExportFormat.EXPORT_FORMAT_EPCIS, 4);
    assertTrue(paged.size() > 5, "several pages: " + paged.size());
    List<JsonNode> pagedEvents = epcisEvents(file(paged));
    assertEquals(events, pagedEvents, "the same events, pages or not");
    assertEquals(eventsInDatabase(""), paged.stream().mapToLong(
        ExportEventsResponse::getEventCount).sum(), "every event, once");

    Set<String> units = new TreeSet<>();
    for (JsonNode e : events) {
      for (String list : List.of("epcList", "childEPCs", "inputEPCList")) {
        e.path(list).forEach(n -> units.add(n.asText()));
      }
      if (e.has("parentID")) {
        units.add(e.path("parentID").asText());
      }
    }
    for (String code : List.of(life.pack(), life.moduleA(), life.moduleB(), life.storage())) {
      assertTrue(units.contains("https://id.packtrail.io/units/" + code), code + " in " + units);
    }
    // the dismantling once, standing for the pack's and both modules' events
    List<JsonNode> dismantling = events.stream().filter(e -> e.path("bizStep").asText()
        .equals("disassembling")).toList();
    assertEquals(1, dismantling.size());
    assertEquals(3, dismantling.get(0).path("packtrail:events").size());
    assertEquals(1, events.stream().filter(e -> e.path("type").asText()
        .equals("TransformationEvent")).count(), "the recycling");
    assertEquals(1, events.stream().filter(e -> e.has("errorDeclaration")).count(),
        "the corrected grading, declared erroneous");
    assertEquals(SINCE, new ObjectMapper().readTree(whole).path("packtrail:query").asText());
  }

  @Test
  void theDocumentedQueryExportIsValidEpcis20() throws Exception {
    java.nio.file.Path dir = java.nio.file.Path.of("").toAbsolutePath();
    while (!java.nio.file.Files.exists(dir.resolve("docs/formats.md"))) {
      dir = dir.getParent();
    }
    java.util.regex.Matcher m = java.util.regex.Pattern.compile(
        "### Test vector of a query export.*?```json\\n(.*?)```", java.util.regex.Pattern.DOTALL)
        .matcher(java.nio.file.Files.readString(dir.resolve("docs/formats.md")));
    assertTrue(m.find(), "formats.md section 16 has its query export vector");
    assertEquals(2, epcisEvents(m.group(1)).size());
  }

  @Test
  void theCsvExportReadsBackAndPagesJoinIntoOneFile() {
    String whole = export(AUDITOR, "", ExportFormat.EXPORT_FORMAT_CSV, 0);
    List<HistoryCsv.Row> rows = HistoryCsv.read(whole);
    assertEquals(eventsInDatabase(""), rows.size(), "one row per event");
    assertEquals(whole, HistoryCsv.write(rows), "written again, byte for byte");
    assertEquals(whole, export(AUDITOR, "", ExportFormat.EXPORT_FORMAT_CSV, 3),
        "pages of three join into the same file");
    // log order, and the hostile note kept as text
    List<Long> indexes = rows.stream().map(r -> Long.parseLong(r.get("log_index"))).toList();
    assertEquals(indexes.stream().sorted().toList(), indexes);
    assertTrue(rows.stream().anyMatch(r -> r.get("details").contains(ReportScenario.EVIL_NOTE)));
    assertEquals(ReportScenario.EVIL_ORG, rows.get(0).get("organization_name"));
  }

  @Test
  void eachFieldOfTheFilterSelects() {
    // a unit
    List<HistoryCsv.Row> rows = HistoryCsv.read(export(AUDITOR, "unit = \"units/"
        + life.moduleB() + "\"", ExportFormat.EXPORT_FORMAT_CSV, 0));
    assertEquals(harness.client().listEvents(life.moduleB()).size(), rows.size());
    assertTrue(rows.stream().allMatch(r -> r.get("unit").equals(life.moduleB())));
    // step types joined by OR, and a site
    rows = HistoryCsv.read(export(AUDITOR, "type = \"shipment\" OR type = \"receipt\" AND "
        + "actor_site = \"" + Fixtures.LINE + "\"", ExportFormat.EXPORT_FORMAT_CSV, 0));
    assertEquals(eventsInDatabase("WHERE type IN ('shipment', 'receipt') AND actor_site = '"
        + Fixtures.LINE + "'"), rows.size());
    assertFalse(rows.isEmpty());
    assertTrue(rows.stream().allMatch(r -> Set.of("shipment", "receipt").contains(r.get("step"))
        && r.get("site").equals(Fixtures.LINE)));
    // an organisation
    rows = HistoryCsv.read(export(AUDITOR, "actor_organization = \"" + Fixtures.CASCADE + "\"",
        ExportFormat.EXPORT_FORMAT_CSV, 0));
    assertEquals(eventsInDatabase("WHERE actor_organization = '" + Fixtures.CASCADE + "'"),
        rows.size());
    // a region: Jinchang (620300) holds only the hostile maker's factory, a registration there
    rows = HistoryCsv.read(export(AUDITOR, "region_code = \"620300\"",
        ExportFormat.EXPORT_FORMAT_CSV, 0));
    assertEquals(List.of("registration"), rows.stream().map(r -> r.get("step")).toList());
    // the province holds them all
    assertEquals(eventsInDatabase(""), HistoryCsv.read(export(AUDITOR, "region_code = \"620000\"",
        ExportFormat.EXPORT_FORMAT_CSV, 0)).size());
    // a period: the first registration's instant, inclusive and exclusive
    String first = HistoryCsv.read(export(AUDITOR, "", ExportFormat.EXPORT_FORMAT_CSV, 0)).get(0)
        .get("event_time");
    assertEquals(1, HistoryCsv.read(export(AUDITOR, "event_time >= \"" + first
        + "\" AND event_time <= \"" + first + "\"", ExportFormat.EXPORT_FORMAT_CSV, 0)).size());
    assertEquals(eventsInDatabase("") - 1, HistoryCsv.read(export(AUDITOR, "event_time > \""
        + first + "\"", ExportFormat.EXPORT_FORMAT_CSV, 0)).size());
  }

  @Test
  void aSelectedCorrectionWritesTheEventItCorrectsDeclaredErroneous() throws Exception {
    // the corrected grading is not selected: it is read from the unit's history
    List<JsonNode> events = epcisEvents(export(AUDITOR, "type = \"correction\"",
        ExportFormat.EXPORT_FORMAT_EPCIS, 0));
    assertEquals(1, events.size());
    JsonNode declared = events.get(0);
    assertEquals("https://ns.packtrail.io/epcis/bizstep/grading", declared.path("bizStep")
        .asText());
    assertEquals("C", declared.path("packtrail:inspection.grade").asText());
    assertEquals("incorrect_data", declared.at("/errorDeclaration/reason").asText());
    assertTrue(declared.at("/errorDeclaration/packtrail:correction").asText()
        .startsWith("https://id.packtrail.io/units/" + life.pack() + "/events/"));
  }

  @Test
  void anEmptyResultIsAnEmptyDocumentAndAHeader() throws Exception {
    String filter = "type = \"scrapping\"";
    List<ExportEventsResponse> pages = pages(AUDITOR, filter, ExportFormat.EXPORT_FORMAT_EPCIS, 0);
    assertEquals(1, pages.size());
    assertEquals(0, pages.get(0).getEventCount());
    assertEquals("events.epcis.jsonld", pages.get(0).getFileName());
    assertEquals("application/ld+json", pages.get(0).getContentType());
    assertEquals(List.of(), epcisEvents(file(pages)));
    String csv = export(AUDITOR, filter, ExportFormat.EXPORT_FORMAT_CSV, 0);
    assertEquals(HistoryCsv.header(), csv);
    assertEquals(List.of(), HistoryCsv.read(csv));
  }

  @Test
  void aPartysExportHoldsExactlyTheEventsOfItsUnits() throws Exception {
    for (Principal party : List.of(CASCADE, DEALER)) {
      Set<String> its = new HashSet<>(harness.jdbi().withHandle(h -> h.createQuery(
          "SELECT unit_code FROM unit_party WHERE organization = :o")
          .bind("o", party.organization()).mapTo(String.class).list()));
      assertFalse(its.isEmpty());
      List<HistoryCsv.Row> rows = HistoryCsv.read(export(party, "",
          ExportFormat.EXPORT_FORMAT_CSV, 2));
      Set<String> seen = new TreeSet<>();
      rows.forEach(r -> seen.add(r.get("unit")));
      assertEquals(new TreeSet<>(its), seen, party.organization());
      assertEquals(eventsInDatabase("WHERE unit_code IN (SELECT unit_code FROM unit_party WHERE "
          + "organization = '" + party.organization() + "')"), rows.size());
      // the EPCIS export names no event of another's unit, page size or not
      for (JsonNode e : epcisEvents(export(party, SINCE, ExportFormat.EXPORT_FORMAT_EPCIS, 3))) {
        e.path("packtrail:events").forEach(n -> {
          String code = n.asText().replaceAll(".*/units/([^/]+)/events/.*", "$1");
          assertTrue(its.contains(code), party.organization() + " shown " + n.asText());
        });
      }
      // the filter cannot reach further: another's unit by name gives nothing
      assertFalse(its.contains(life.moduleB()));
      assertEquals(0, pages(party, "unit = \"units/" + life.moduleB() + "\"",
          ExportFormat.EXPORT_FORMAT_CSV, 0).get(0).getEventCount());
    }
    // the cascade firm sees the module it took and the storage pack it built, not the pack's
    // earlier owner's sale nor the recycled module
    Set<String> cascade = new TreeSet<>();
    HistoryCsv.read(export(CASCADE, "", ExportFormat.EXPORT_FORMAT_CSV, 0))
        .forEach(r -> cascade.add(r.get("unit")));
    assertTrue(cascade.containsAll(List.of(life.moduleA(), life.storage())), cascade.toString());
    assertFalse(cascade.contains(life.moduleB()), cascade.toString());
    assertFalse(cascade.contains(life.pack()), cascade.toString());
  }

  @Test
  void theSdkWritesOneFileFromEveryPage() throws Exception {
    PacktrailClient client = PacktrailClient.over(TestPrincipals.as(harness.channel(), AUDITOR),
        Duration.ofSeconds(20));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    long n = client.exportEvents("", ExportFormat.EXPORT_FORMAT_CSV, out);
    assertEquals(eventsInDatabase(""), n);
    List<HistoryCsv.Row> rows = HistoryCsv.read(out.toString(StandardCharsets.UTF_8));
    assertEquals(n, rows.size());
  }

  @Test
  void badFiltersNameTheFieldAndTheRule() {
    var stub = reports(AUDITOR);
    String[][] cases = {
        {"colour = \"red\"", "has no field 'colour'"},
        {"type = \"sale\" OR unit = \"units/TMKPBA1TRACE01RA50000001\"",
            "joins terms of different fields with OR"},
        {"type = \"sale\" AND type = \"removal\"", "constrains type in two AND groups"},
        {"type = \"selling\"", "compares type with a step: one of registration"},
        {"event_time >= \"yesterday\"", "compares event_time with an RFC 3339 time"},
        // java.time reads years of more digits; PostgreSQL cannot store year 300000
        {"event_time >= \"+300000-01-01T00:00:00Z\"", "compares event_time with an RFC 3339 time"},
        {"event_time = \"2026-01-01T00:00:00Z\"", "compares event_time with >=, >, <= or <"},
        {"type >= \"sale\"", "compares type with = only"},
        {"event_time >= \"2026-02-01T00:00:00Z\" AND event_time < \"2026-01-01T00:00:00Z\"",
            "empty period"},
        {"unit = \"cars/1\"", "compares unit with a unit name"},
        {"actor_site = \"organizations/x\"", "compares actor_site with a name"},
        {"region_code = \"62\"", "six-digit GB/T 2260 code"},
        {"type = \"sale\" AND", "ends where a field name belongs"},
        {"type = \"sale", "never closed"},
        {"type = \"sale\" NOT type = \"removal\"", "joins terms with AND or OR only"},
    };
    for (String[] c : cases) {
      var status = assertFails(Status.Code.INVALID_ARGUMENT, () -> stub.exportEvents(
          ExportEventsRequest.newBuilder().setFilter(c[0])
              .setFormat(ExportFormat.EXPORT_FORMAT_CSV).build()));
      assertViolation(status, "filter", c[1]);
    }
    var status = assertFails(Status.Code.INVALID_ARGUMENT, () -> stub.exportEvents(
        ExportEventsRequest.newBuilder().build()));
    assertViolation(status, "format", "is required");
  }

  @Test
  void pageTokensAndSizesAreChecked() {
    var stub = reports(AUDITOR);
    ExportEventsResponse first = stub.exportEvents(ExportEventsRequest.newBuilder()
        .setFilter(SINCE).setFormat(ExportFormat.EXPORT_FORMAT_CSV).setPageSize(2).build());
    assertFalse(first.getNextPageToken().isEmpty());
    // a token is good only with its filter and format
    var status = assertFails(Status.Code.INVALID_ARGUMENT, () -> stub.exportEvents(
        ExportEventsRequest.newBuilder().setFilter("").setFormat(ExportFormat.EXPORT_FORMAT_CSV)
            .setPageToken(first.getNextPageToken()).build()));
    assertViolation(status, "page_token", "other filters");
    status = assertFails(Status.Code.INVALID_ARGUMENT, () -> stub.exportEvents(
        ExportEventsRequest.newBuilder().setFilter(SINCE)
            .setFormat(ExportFormat.EXPORT_FORMAT_EPCIS).setPageToken(first.getNextPageToken())
            .build()));
    assertViolation(status, "page_token", "other filters");
    status = assertFails(Status.Code.INVALID_ARGUMENT, () -> stub.exportEvents(
        ExportEventsRequest.newBuilder().setFormat(ExportFormat.EXPORT_FORMAT_CSV)
            .setPageToken("garbage").build()));
    assertViolation(status, "page_token", "malformed");
    assertFails(Status.Code.RESOURCE_EXHAUSTED, () -> stub.exportEvents(
        ExportEventsRequest.newBuilder().setFormat(ExportFormat.EXPORT_FORMAT_CSV)
            .setPageSize(1001).build()));
    status = assertFails(Status.Code.INVALID_ARGUMENT, () -> stub.exportEvents(
        ExportEventsRequest.newBuilder().setFormat(ExportFormat.EXPORT_FORMAT_CSV)
            .setPageSize(-1).build()));
    assertViolation(status, "page_size", "must not be negative");
    // the second page continues where the first ended
    ExportEventsResponse second = stub.exportEvents(ExportEventsRequest.newBuilder()
        .setFilter(SINCE).setFormat(ExportFormat.EXPORT_FORMAT_CSV).setPageSize(2)
        .setPageToken(first.getNextPageToken()).build());
    List<HistoryCsv.Row> two = HistoryCsv.read(first.getContent().toString(StandardCharsets.UTF_8)
        + second.getContent().toString(StandardCharsets.UTF_8));
    assertTrue(Long.parseLong(two.get(two.size() - 1).get("log_index"))
        > Long.parseLong(two.get(0).get("log_index")));
    assertFalse(second.getContent().toString(StandardCharsets.UTF_8).startsWith("unit,"),
        "the header only on the first page");
  }
}
