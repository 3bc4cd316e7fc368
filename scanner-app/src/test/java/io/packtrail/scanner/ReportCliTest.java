package io.packtrail.scanner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.packtrail.server.testing.ReportScenario;
import io.packtrail.server.testing.ServerHarness;
import io.packtrail.v1.ExportFormat;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** 'report', 'export' and 'overview' against a server over the network, without a browser. */
class ReportCliTest {
  @RegisterExtension
  static final ServerHarness harness = ServerHarness.overNetty();

  static ReportScenario life;

  @TempDir
  Path home;

  @TempDir
  Path out;

  @BeforeAll
  static void setUp() {
    life = ReportScenario.create(harness.client());
  }

  record Run(int exit, String out) {}

  Run run(String server, String... args) {
    java.util.List<String> options = ScannerTls.options(harness, server, home);
    // reports and exports span several organisations' units: an auditor reads them all
    options.addAll(ScannerTls.auditor(harness));
    options.addAll(java.util.List.of(args));
    String[] all = options.toArray(String[]::new);
    PrintStream original = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      int exit = ScannerCli.commandLine().execute(all);
      return new Run(exit, captured.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(original);
    }
  }

  String server() {
    return "127.0.0.1:" + harness.port();
  }

  @Test
  void theExportsAreTheApisFiles() throws Exception {
    Path csv = out.resolve("m.csv");
    Run r = run(server(), "export", life.moduleB(), "--format", "csv", "--out", csv.toString());
    assertEquals(0, r.exit(), r.out());
    assertTrue(r.out().contains("events of 2 unit(s) written to " + csv + " as CSV"), r.out());
    assertEquals(harness.client().exportUnitHistory(life.moduleB(),
        ExportFormat.EXPORT_FORMAT_CSV).getContent().toString(StandardCharsets.UTF_8),
        Files.readString(csv));

    Path epcis = out.resolve("p.jsonld");
    r = run(server(), "export", "units/" + life.pack(), "--format", "epcis", "--out",
        epcis.toString());
    assertEquals(0, r.exit(), r.out());
    // the same document but for its creation date
    String api = harness.client().exportUnitHistory(life.pack(),
        ExportFormat.EXPORT_FORMAT_EPCIS).getContent().toString(StandardCharsets.UTF_8);
    assertEquals(api.replaceFirst("\"creationDate\": \"[^\"]*\"", ""),
        Files.readString(epcis).replaceFirst("\"creationDate\": \"[^\"]*\"", ""));
  }

  @Test
  void aQuerysExportIsTheApisFile() throws Exception {
    String filter = "type = \"shipment\" OR type = \"receipt\" AND event_time >= \""
        + ReportScenario.START + "\"";
    Path csv = out.resolve("moves.csv");
    Run r = run(server(), "export", "--query", filter, "--format", "csv", "--out",
        csv.toString());
    assertEquals(0, r.exit(), r.out());
    ByteArrayOutputStream api = new ByteArrayOutputStream();
    long events = harness.client().exportEvents(filter, ExportFormat.EXPORT_FORMAT_CSV, api);
    assertEquals(4, events, "the pack's and moduleA's shipments and receipts");
    assertTrue(r.out().contains(events + " events written to " + csv + " as CSV"), r.out());
    assertEquals(api.toString(StandardCharsets.UTF_8), Files.readString(csv));
    var rows = io.packtrail.client.export.HistoryCsv.read(Files.readString(csv));
    assertTrue(rows.stream().allMatch(row -> row.get("step").equals("shipment")
        || row.get("step").equals("receipt")));

    Path epcis = out.resolve("all.jsonld");
    r = run(server(), "export", "--query", "", "--format", "epcis", "--out", epcis.toString());
    assertEquals(0, r.exit(), r.out());
    api.reset();
    harness.client().exportEvents("", ExportFormat.EXPORT_FORMAT_EPCIS, api);
    assertEquals(api.toString(StandardCharsets.UTF_8).replaceFirst(
        "\"creationDate\": \"[^\"]*\"", ""),
        Files.readString(epcis).replaceFirst("\"creationDate\": \"[^\"]*\"", ""));
    assertTrue(Files.readString(epcis).contains("\"packtrail:query\": \"\""));

    // a bad filter names the field and the rule, and leaves no file
    Path bad = out.resolve("bad.csv");
    r = run(server(), "export", "--query", "colour = \"red\"", "--format", "csv", "--out",
        bad.toString());
    assertEquals(ScannerCli.SETUP, r.exit(), r.out());
    assertTrue(r.out().contains("filter") && r.out().contains("has no field 'colour'"), r.out());
    assertTrue(Files.notExists(bad) && Files.notExists(out.resolve("bad.csv.part")));
    // a unit or a query, not both nor neither
    assertEquals(ScannerCli.SETUP, run(server(), "export", life.pack(), "--query", "",
        "--format", "csv", "--out", bad.toString()).exit());
    assertEquals(ScannerCli.SETUP, run(server(), "export", "--format", "csv", "--out",
        bad.toString()).exit());
  }

  @Test
  void unknownUnitsBadFormatsAndNoServerAreSaidInWords() {
    Run r = run(server(), "report", "TMKPBA1TRACE01RA59999999", "--html",
        out.resolve("x.html").toString());
    assertEquals(ScannerCli.REFUSED, r.exit(), r.out());
    assertTrue(r.out().contains("The server does not know unit TMKPBA1TRACE01RA59999999"));
    r = run(server(), "export", life.pack(), "--format", "xml", "--out", "x");
    assertEquals(ScannerCli.SETUP, r.exit());
    r = run("127.0.0.1:1", "report", life.pack(), "--html", out.resolve("y.html").toString());
    assertEquals(ScannerCli.SERVER, r.exit(), r.out());
    assertTrue(r.out().startsWith("OFFLINE"), r.out());
    r = run(server(), "report", life.pack(), "--html", out.resolve("z.html").toString(),
        "--log-key", "not-a-key");
    assertEquals(ScannerCli.SETUP, r.exit(), r.out());
  }

  @Test
  void theOverviewPrintsTheRegionsFigures() {
    Path page = out.resolve("gansu.html");
    Run r = run(server(), "overview", "620000", "--from",
        ReportScenario.START.toString().substring(0, 10), "--to", "2099-01-01", "--html",
        page.toString());
    assertEquals(0, r.exit(), r.out());
    assertTrue(r.out().contains("units: sold 1, removed 1, collected 1, shipped 2, received 2, "
        + "graded 3, dismantled 1, repurposed 1, deployed 1, recycled 1"), r.out());
    assertTrue(r.out().contains("recovery al 0.0 % (target 98 %) BELOW TARGET"), r.out());
    assertTrue(Files.exists(page));
    r = run(server(), "overview", "62", "--from", "2026-01-01", "--to", "2026-02-01");
    assertEquals(ScannerCli.SETUP, r.exit(), r.out());
    assertTrue(r.out().contains("region_code"), r.out());
  }

  @Test
  void anomaliesAreListedAndAcknowledgedFromTheCommandLine() {
    harness.server().anomalyScan().scan(); // the scenario's recycling missed the Al target
    Run r = run(server(), "anomalies", "list", "--kind", "RECOVERY_BELOW_TARGET", "--region",
        "620000", "--state", "open");
    assertEquals(0, r.exit(), r.out());
    java.util.List<io.packtrail.v1.Anomaly> open = harness.client().listAllAnomalies(
        io.packtrail.v1.ListAnomaliesRequest.newBuilder().setKind("RECOVERY_BELOW_TARGET")
            .build());
    assertEquals(1, open.size());
    String name = open.get(0).getName();
    assertTrue(r.out().contains(name + " OPEN RECOVERY_BELOW_TARGET"), r.out());
    assertTrue(r.out().contains("1 anomaly"), r.out());

    String id = java.util.UUID.randomUUID().toString();
    r = run(server(), "anomalies", "ack", name, "--note", "al recovery line was down",
        "--request-id", id);
    assertEquals(0, r.exit(), r.out());
    assertTrue(r.out().contains(name + " ACKNOWLEDGED"), r.out());
    assertTrue(r.out().contains("acknowledged (1 acknowledgement(s))"), r.out());
    // the same request again: still one
    r = run(server(), "anomalies", "ack", name, "--note", "al recovery line was down",
        "--request-id", id);
    assertTrue(r.out().contains("acknowledged (1 acknowledgement(s))"), r.out());

    r = run(server(), "anomalies", "ack", name, "--note", " ");
    assertEquals(ScannerCli.SETUP, r.exit(), r.out());
    assertTrue(r.out().contains("note"), r.out());
    r = run(server(), "anomalies", "list", "--state", "bogus");
    assertEquals(ScannerCli.SETUP, r.exit(), r.out());
    r = run("127.0.0.1:1", "anomalies", "list");
    assertEquals(ScannerCli.SERVER, r.exit(), r.out());
  }

  @Test
  void deadlinesListTheLateAndOverdueReports() {
    // the life was recorded just now, its steps dated up to 700 days ago: its sale is late
    String from = ReportScenario.START.toString().substring(0, 10);
    Run r = run(server(), "deadlines", "--region", "620000", "--from", from, "--to",
        "2099-01-01");
    assertEquals(0, r.exit(), r.out());
    assertTrue(r.out().contains("LATE sale units/" + life.pack() + "/events/2 by "
        + "organizations/test-dealer: due "), r.out());
    assertTrue(r.out().lines().findFirst().orElseThrow().matches(
        "[0-9]+ late, [0-9]+ overdue \\([0-9]+ still missing\\), steps dated .* \\(China "
            + "days\\) in 620000"),
        r.out());
    r = run(server(), "overview", "620000", "--from", from, "--to", "2099-01-01");
    assertTrue(r.out().contains("reports: "), r.out());
    r = run(server(), "deadlines", "--organization", "test-dealer", "--from", from, "--to",
        "2099-01-01");
    assertEquals(ScannerCli.SETUP, r.exit(), r.out());
    assertTrue(r.out().contains("organization"), r.out());
  }
}
