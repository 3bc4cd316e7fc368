package io.packtrail.scanner;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.packtrail.client.PacktrailClient;
import io.packtrail.v1.LateReport;
import io.packtrail.v1.ListLateReportsRequest;
import io.packtrail.v1.ListOverdueReportsRequest;
import io.packtrail.v1.OverdueReport;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * `deadlines [--region CODE] [--organization NAME] --from DATE --to DATE [--open-only]`: the
 * steps reported late and the expected steps overdue (ComplianceService, docs/deadlines.md).
 */
@Command(name = "deadlines", mixinStandardHelpOptions = true,
    description = "Steps reported after their deadline and expected steps not recorded by "
        + "theirs (ComplianceService.ListLateReports and ListOverdueReports; docs/deadlines.md), "
        + "for steps dated in the period, one line each.",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:shown", "1:the server refused the request (it says why)",
        "2:usage error (a bad filter)", "3:the server could not be reached"})
final class DeadlinesCommand implements Callable<Integer> {
  @ParentCommand
  ScannerCli cli;

  @Option(names = "--region", paramLabel = "CODE",
      description = "GB/T 2260 code: 620000 (Gansu), 620300 (Jinchang), ...; default: all")
  String region;

  @Option(names = "--organization", paramLabel = "NAME",
      description = "organizations/ID: the reporting organisation; default: all the caller "
          + "may see (an organisation's system: its own)")
  String organization;

  /** The days deadlines are counted in (docs/deadlines.md): a period is of whole China days. */
  static final ZoneOffset CHINA = ZoneOffset.ofHours(8);

  @Option(names = "--from", required = true, paramLabel = "YYYY-MM-DD",
      description = "first day of the period of the steps' event times, a China day (from "
          + "00:00 UTC+8, as deadlines and --reporting-start count days)")
  LocalDate from;

  @Option(names = "--to", required = true, paramLabel = "YYYY-MM-DD",
      description = "day after the period (China day, 00:00 UTC+8), exclusive")
  LocalDate to;

  @Option(names = "--open-only", description = "overdue: only the expected steps still missing")
  boolean openOnly;

  @Override
  public Integer call() throws Exception {
    Instant start = from.atStartOfDay(CHINA).toInstant();
    Instant end = to.atStartOfDay(CHINA).toInstant();
    try (ServerLink link = cli.link()) {
      PacktrailClient client = link.deliveries();
      List<LateReport> late = new ArrayList<>();
      List<OverdueReport> overdue = new ArrayList<>();
      try {
        String token = "";
        do {
          ListLateReportsRequest.Builder b = ListLateReportsRequest.newBuilder()
              .setStartTime(PacktrailClient.timestamp(start))
              .setEndTime(PacktrailClient.timestamp(end)).setPageSize(1000).setPageToken(token);
          if (region != null) {
            b.setRegionCode(region);
          }
          if (organization != null) {
            b.setOrganization(organization);
          }
          var page = client.listLateReports(b.build());
          late.addAll(page.getLateReportsList());
          token = page.getNextPageToken();
        } while (!token.isEmpty());
        do {
          ListOverdueReportsRequest.Builder b = ListOverdueReportsRequest.newBuilder()
              .setStartTime(PacktrailClient.timestamp(start))
              .setEndTime(PacktrailClient.timestamp(end)).setOpenOnly(openOnly)
              .setPageSize(1000).setPageToken(token);
          if (region != null) {
            b.setRegionCode(region);
          }
          if (organization != null) {
            b.setOrganization(organization);
          }
          var page = client.listOverdueReports(b.build());
          overdue.addAll(page.getOverdueReportsList());
          token = page.getNextPageToken();
        } while (!token.isEmpty());
      } catch (StatusRuntimeException e) {
        if (ServerLink.passing(e)) {
          System.out.println("OFFLINE (" + Words.status(e) + "): deadlines need the server");
          return ScannerCli.SERVER;
        }
        System.out.println("refused: " + Words.status(e));
        return e.getStatus().getCode() == Status.Code.INVALID_ARGUMENT ? ScannerCli.SETUP
            : ScannerCli.REFUSED;
      }
      System.out.printf(Locale.ROOT, "%d late, %d overdue (%d still missing), steps dated %s "
          + "to %s (China days)%s%n", late.size(), overdue.size(),
          overdue.stream().filter(o -> o.getFulfillingEvent().isEmpty()).count(), from, to,
          region == null ? "" : " in " + region);
      for (LateReport l : late) {
        System.out.printf(Locale.ROOT, "LATE %s %s by %s: due %s (%d working days%s), "
            + "received %s%n", l.getStep(), l.getEvent(), l.getOrganization(),
            l.getDeadline().getDueDate(), l.getDeadline().getWorkingDays(),
            l.getDeadline().getProvisional() ? ", provisional" : "",
            instant(l.getRecordTime()));
      }
      for (OverdueReport o : overdue) {
        System.out.printf(Locale.ROOT, "OVERDUE %s after %s %s, of %s: due %s (%d working "
            + "days%s), %s%n", o.getExpected(), o.getTriggerStep(), o.getTriggerEvent(),
            o.getOrganization(), o.getDeadline().getDueDate(), o.getDeadline().getWorkingDays(),
            o.getDeadline().getProvisional() ? ", provisional" : "",
            o.getFulfillingEvent().isEmpty() ? "still missing"
                : "recorded " + instant(o.getFulfillingRecordTime()) + " ("
                    + o.getFulfillingEvent() + ")");
      }
      return ScannerCli.OK;
    }
  }

  private static Instant instant(com.google.protobuf.Timestamp t) {
    return Instant.ofEpochSecond(t.getSeconds(), t.getNanos());
  }
}
