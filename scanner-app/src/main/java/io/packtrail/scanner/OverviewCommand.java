package io.packtrail.scanner;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.packtrail.v1.RegionStepCounts;
import io.packtrail.v1.RegionalOverview;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** `overview REGION --from DATE --to DATE [--html FILE]`: a region's figures for a period. */
@Command(name = "overview", mixinStandardHelpOptions = true,
    description = "A region's overview for a period (ReportService.GetRegionalOverview): units "
        + "by step at the region's sites, tonnage by city, recovery per element against the "
        + "targets, plants' throughput against capacity. Prints the figures; --html also writes "
        + "the server's self-contained page.",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:shown (and written)", "1:the server refused the request (it says why)",
        "2:usage error", "3:the server could not be reached"})
final class OverviewCommand implements Callable<Integer> {
  @ParentCommand
  ScannerCli cli;

  @Parameters(paramLabel = "REGION", description = "GB/T 2260 code: 620000 (Gansu), 620300 "
      + "(Jinchang), ...")
  String region;

  @Option(names = "--from", required = true, paramLabel = "YYYY-MM-DD",
      description = "first day of the period (UTC)")
  LocalDate from;

  @Option(names = "--to", required = true, paramLabel = "YYYY-MM-DD",
      description = "day after the period (UTC), exclusive")
  LocalDate to;

  @Option(names = "--html", paramLabel = "FILE", description = "also write the page here")
  Path html;

  @Override
  public Integer call() throws Exception {
    Instant start = from.atStartOfDay(ZoneOffset.UTC).toInstant();
    Instant end = to.atStartOfDay(ZoneOffset.UTC).toInstant();
    try (ServerLink link = cli.link()) {
      RegionalOverview o;
      try {
        o = link.deliveries().getRegionalOverview(region, start, end);
        if (html != null) {
          io.packtrail.client.DurableFiles.replaceShared(html, link.deliveries()
              .getRegionalOverviewPage(region, start, end).getContent().toByteArray());
        }
      } catch (StatusRuntimeException e) {
        if (ServerLink.passing(e)) {
          System.out.println("OFFLINE (" + Words.status(e) + "): the overview needs the server");
          return ScannerCli.SERVER;
        }
        System.out.println("refused: " + Words.status(e));
        return e.getStatus().getCode() == Status.Code.INVALID_ARGUMENT ? ScannerCli.SETUP
            : ScannerCli.REFUSED;
      }
      RegionStepCounts s = o.getSteps();
      System.out.printf(Locale.ROOT, "%s %s, %s to %s%n", o.getRegionCode(), o.getRegionName(),
          from, to);
      System.out.printf(Locale.ROOT, "units: sold %d, removed %d, collected %d, shipped %d, "
          + "received %d, graded %d, dismantled %d, repurposed %d, deployed %d, recycled %d%n",
          s.getSold(), s.getRemoved(), s.getCollected(), s.getShipped(), s.getReceived(),
          s.getGraded(), s.getDismantled(), s.getRepurposed(), s.getDeployed(),
          s.getRecycled());
      o.getCitiesList().forEach(c -> System.out.printf(Locale.ROOT,
          "  %s %-10s collected %.3f t, received %.3f t, recycled %.3f t%n", c.getRegionCode(),
          c.getName(), c.getCollectedTonnes(), c.getReceivedTonnes(), c.getRecycledTonnes()));
      o.getRecoveriesList().stream().filter(r -> r.getFeedKg() > 0).forEach(r ->
          System.out.printf(Locale.ROOT, "  recovery %s %.1f %% (target %.0f %%)%s%n",
              r.getElement(), r.getRecoveryPercent(), r.getTargetPercent(),
              r.getMeetsTarget() ? "" : " BELOW TARGET"));
      o.getPlantsList().forEach(p -> System.out.printf(Locale.ROOT,
          "  plant %s: %.1f t/yr of %.0f t/yr declared%n", p.getSite(),
          p.getThroughputTonnesPerYear(), p.getAnnualCapacityTonnes()));
      if (o.hasDeadlines()) {
        var d = o.getDeadlines();
        System.out.printf(Locale.ROOT, "reports: %d late, %d overdue still missing, %d overdue "
            + "recorded late (packtrail-scanner deadlines lists them)%n", d.getLate(),
            d.getOverdueOpen(), d.getOverdueRecordedLate());
      }
      if (html != null) {
        System.out.println("page written to " + html);
      }
      return ScannerCli.OK;
    }
  }
}
