package io.packtrail.scanner;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.packtrail.client.audit.AuditSource;
import io.packtrail.client.export.Epcis;
import io.packtrail.client.export.HistoryCsv;
import io.packtrail.client.export.UnitHistory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * `export CODE --format epcis|csv --out FILE`: a unit's history with its lineage as a file;
 * `export --query FILTER --format epcis|csv --out FILE`: the events a filter selects.
 */
@Command(name = "export", mixinStandardHelpOptions = true,
    description = {"Write a unit's history with its lineage (the units it was made from and "
        + "became, to any depth, and the material lots) as an EPCIS 2.0 JSON-LD document or as "
        + "CSV for spreadsheets (docs/formats.md section 16). Needs the server; "
        + "ReportService.ExportUnitHistory answers the same file.",
        "With --query instead of CODE: the events the filter selects, of the units this "
            + "identity may read, in log order (ReportService.ExportEvents, fetched page by "
            + "page into one file), e.g. --query 'region_code = \"620000\" AND type = "
            + "\"recycling\" AND event_time >= \"2026-01-01T00:00:00Z\"' (grammar: "
            + "docs/formats.md section 16, Exports of a query)."},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:written", "1:the server does not know the unit, or refused the export "
        + "(this certificate may not read it)",
        "2:usage error (format, file, filter)", "3:the server could not be reached"})
final class ExportCommand implements Callable<Integer> {
  enum Format { epcis, csv }

  @ParentCommand
  ScannerCli cli;

  @Parameters(paramLabel = "CODE", arity = "0..1",
      description = "the unit's code (or units/CODE); or --query")
  String code;

  @Option(names = "--query", paramLabel = "FILTER",
      description = "export the events this filter selects instead of one unit's history; "
          + "'' for every event this identity may read")
  String query;

  @Option(names = "--format", required = true, paramLabel = "epcis|csv",
      description = "epcis (EPCIS 2.0 JSON-LD) or csv")
  Format format;

  @Option(names = "--out", paramLabel = "FILE", required = true, description = "where to write")
  Path out;

  @Override
  public Integer call() throws Exception {
    if ((code == null) == (query == null)) {
      System.out.println("Give either a unit's CODE or --query FILTER, not " + (code == null
          ? "neither" : "both"));
      return ScannerCli.SETUP;
    }
    if (query != null) {
      return exportQuery();
    }
    String unitCode = code.startsWith("units/") ? code.substring("units/".length()) : code;
    try (ServerLink link = cli.link()) {
      UnitHistory history;
      try {
        AuditSource source = AuditSource.of(link.deliveries());
        source.unit(unitCode); // an unknown unit before any other call
        history = UnitHistory.collect(source, unitCode);
      } catch (StatusRuntimeException e) {
        if (e.getStatus().getCode() == Status.Code.NOT_FOUND) {
          System.out.println("The server does not know unit " + unitCode + ": check the code");
          return ScannerCli.REFUSED;
        }
        if (ServerLink.passing(e)) {
          System.out.println("OFFLINE (" + Words.status(e) + "): an export needs the server; "
              + "try again when online");
          return ScannerCli.SERVER;
        }
        throw e;
      }
      String text = format == Format.epcis ? Epcis.document(history, Instant.now())
          : HistoryCsv.write(HistoryCsv.rows(history));
      io.packtrail.client.DurableFiles.replaceShared(out, text.getBytes(StandardCharsets.UTF_8));
      long units = history.events().stream().map(r -> r.event().getUnit()).distinct().count();
      System.out.println(history.events().size() + " events of " + units + " unit(s) written to "
          + out + " as " + (format == Format.epcis ? "EPCIS 2.0 JSON-LD" : "CSV"));
      return ScannerCli.OK;
    }
  }

  /** The events the filter selects, page by page into the file (written only when complete). */
  private int exportQuery() throws java.io.IOException {
    io.packtrail.v1.ExportFormat wire = format == Format.epcis
        ? io.packtrail.v1.ExportFormat.EXPORT_FORMAT_EPCIS
        : io.packtrail.v1.ExportFormat.EXPORT_FORMAT_CSV;
    Path partial = out.resolveSibling(out.getFileName() + ".part");
    try (ServerLink link = cli.link()) {
      long events;
      try (java.io.OutputStream file = new java.io.BufferedOutputStream(
          Files.newOutputStream(partial))) {
        events = link.deliveries().exportEvents(query, wire, file);
      } catch (StatusRuntimeException e) {
        Files.deleteIfExists(partial);
        if (ServerLink.passing(e)) {
          System.out.println("OFFLINE (" + Words.status(e) + "): an export needs the server; "
              + "try again when online");
          return ScannerCli.SERVER;
        }
        System.out.println("refused: " + Words.status(e));
        return e.getStatus().getCode() == Status.Code.INVALID_ARGUMENT ? ScannerCli.SETUP
            : ScannerCli.REFUSED;
      }
      io.packtrail.client.DurableFiles.publish(partial, out);
      System.out.println(events + " events written to " + out + " as "
          + (format == Format.epcis ? "EPCIS 2.0 JSON-LD" : "CSV"));
      return ScannerCli.OK;
    }
  }
}
