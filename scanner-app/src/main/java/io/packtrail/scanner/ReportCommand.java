package io.packtrail.scanner;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.packtrail.client.audit.AuditSource;
import io.packtrail.client.log.LogVerificationException;
import io.packtrail.client.log.VerifierKey;
import io.packtrail.client.report.ReportPage;
import io.packtrail.client.report.UnitReport;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** `report CODE --html FILE`: the unit's report page, checked on this machine. */
@Command(name = "report", mixinStandardHelpOptions = true,
    description = "Write a unit's report as one self-contained HTML file (no network needed to "
        + "view or print it, A4): identity and status, the custody timeline, the lineage graph, "
        + "state of health over time, anomalies, and the integrity verdict, computed here with "
        + "the SDK's offline verification of the unit's audit bundle (hash chain, device "
        + "signatures, labels and sites against the log's registry entries, inclusion of every "
        + "entry in a checkpoint signed now, shown on the page). Needs the server. The server's "
        + "ReportService.GetUnitReport answers the same page.",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:written, and the history verified", "1:written, and the history did NOT "
        + "verify (the page says which check failed), or the server does not know the unit or "
        + "refused it (this certificate may not read it)",
        "2:usage error (--log-key is not a verifier key, the file cannot be written)",
        "3:the server could not be reached"})
final class ReportCommand implements Callable<Integer> {
  @ParentCommand
  ScannerCli cli;

  @Parameters(paramLabel = "CODE", description = "the unit's code (or units/CODE)")
  String code;

  @Option(names = "--html", paramLabel = "FILE", required = true,
      description = "where to write the page")
  Path html;

  @Option(names = "--log-key", paramLabel = "VKEY", description = "the log's verifier key, "
      + "pinned (as for 'verify'); without it the key the server gives is used and the page "
      + "says it was not pinned")
  String logKey;

  @Override
  public Integer call() throws Exception {
    VerifierKey pinned = null;
    if (logKey != null) {
      try {
        pinned = VerifierKey.parse(logKey.strip());
      } catch (LogVerificationException e) {
        System.out.println("error: --log-key is not a verifier key: " + e.getMessage());
        return ScannerCli.SETUP;
      }
    }
    String unitCode = code.startsWith("units/") ? code.substring("units/".length()) : code;
    try (ServerLink link = cli.link()) {
      UnitReport report;
      try {
        report = UnitReport.collect(AuditSource.of(link.deliveries()), unitCode, pinned,
            Clock.systemUTC(), "packtrail-scanner from " + link.target);
      } catch (StatusRuntimeException e) {
        if (e.getStatus().getCode() == Status.Code.NOT_FOUND) {
          System.out.println("The server does not know unit " + unitCode + ": check the code");
          return ScannerCli.REFUSED;
        }
        if (ServerLink.passing(e)) {
          System.out.println("OFFLINE (" + Words.status(e) + "): a report needs the server "
              + "(a checkpoint signed now and the proofs); try again when online");
          return ScannerCli.SERVER;
        }
        throw e;
      }
      io.packtrail.client.DurableFiles.replaceShared(html,
          ReportPage.render(report).getBytes(StandardCharsets.UTF_8));
      UnitReport.Integrity in = report.integrity();
      System.out.println("report of " + unitCode + " written to " + html + ": "
          + report.events().size() + " events, " + report.lineage().getNodesCount()
          + " lineage node(s)");
      in.warnings().forEach(w -> System.out.println("WARNING: " + w));
      if (in.verified()) {
        System.out.println("VERIFIED against the log's checkpoint of size "
            + in.checkpoint().size());
        return ScannerCli.OK;
      }
      System.out.println("NOT VERIFIED [" + in.failedCheck() + "]: " + in.failure());
      return ScannerCli.REFUSED;
    }
  }
}
