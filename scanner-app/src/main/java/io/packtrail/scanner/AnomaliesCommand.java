package io.packtrail.scanner;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.packtrail.v1.AcknowledgeAnomalyRequest;
import io.packtrail.v1.Anomaly;
import io.packtrail.v1.AnomalyState;
import io.packtrail.v1.ListAnomaliesRequest;
import io.packtrail.v1.ListAnomaliesResponse;
import java.time.Instant;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** `anomalies list|ack`: the anomaly service from the command line. */
@Command(name = "anomalies", mixinStandardHelpOptions = true,
    description = "Anomalies (AnomalyService): list them, acknowledge one with a note.",
    subcommands = {AnomaliesCommand.ListCommand.class, AnomaliesCommand.AckCommand.class})
final class AnomaliesCommand {
  @ParentCommand
  ScannerCli cli;

  /** A refusal or an unreachable server in words, as the exit code. */
  static int failed(StatusRuntimeException e) {
    if (ServerLink.passing(e)) {
      System.out.println("OFFLINE (" + Words.status(e) + "): anomalies need the server");
      return ScannerCli.SERVER;
    }
    System.out.println("refused: " + Words.status(e));
    return e.getStatus().getCode() == Status.Code.INVALID_ARGUMENT ? ScannerCli.SETUP
        : ScannerCli.REFUSED;
  }

  static String line(Anomaly a) {
    return String.format(Locale.ROOT, "%s %s %s %s %s%n  %s%n  evidence: %s%s", a.getName(),
        a.getState().name().replace("ANOMALY_STATE_", ""), a.getKind(),
        Instant.ofEpochSecond(a.getOccurTime().getSeconds()),
        a.getUnit().isEmpty() ? "-" : a.getUnit(), a.getDescription(),
        String.join(", ", a.getEventsList()),
        a.getResolvingEvent().isEmpty() ? "" : "\n  resolved by " + a.getResolvingEvent());
  }

  @Command(name = "list", mixinStandardHelpOptions = true,
      description = "Lists anomalies, the earliest found first, with their evidence.",
      exitCodeListHeading = "%nExit codes:%n",
      exitCodeList = {"0:listed", "1:the server refused the request (it says why)",
          "2:usage error", "3:the server could not be reached"})
  static final class ListCommand implements Callable<Integer> {
    @ParentCommand
    AnomaliesCommand parent;

    @Option(names = "--kind", description = "one kind, e.g. SHIPMENT_NOT_RECEIVED")
    String kind = "";

    @Option(names = "--region", description = "GB/T 2260 code of a province, city or district")
    String region = "";

    @Option(names = "--organization", description = "organizations/{id}: those involving it")
    String organization = "";

    @Option(names = "--unit", description = "a unit code: those about it")
    String unit = "";

    @Option(names = "--state", description = "open, acknowledged or resolved")
    String state = "";

    @Option(names = "--limit", defaultValue = "100",
        description = "at most this many (default ${DEFAULT-VALUE})")
    int limit;

    @Override
    public Integer call() throws Exception {
      ListAnomaliesRequest.Builder q = ListAnomaliesRequest.newBuilder().setKind(kind)
          .setRegionCode(region).setOrganization(organization)
          .setUnit(unit.isEmpty() || unit.startsWith("units/") ? unit : "units/" + unit);
      if (!state.isEmpty()) {
        try {
          q.setState(AnomalyState.valueOf("ANOMALY_STATE_" + state.toUpperCase(Locale.ROOT)));
        } catch (IllegalArgumentException e) {
          System.out.println("--state must be open, acknowledged or resolved, got " + state);
          return ScannerCli.SETUP;
        }
      }
      if (limit < 1) {
        System.out.println("--limit must be at least 1");
        return ScannerCli.SETUP;
      }
      try (ServerLink link = parent.cli.link()) {
        int shown = 0;
        String token = "";
        do {
          ListAnomaliesResponse page = link.deliveries().listAnomalies(q.setPageSize(
              Math.min(1000, limit - shown)).setPageToken(token).build());
          for (Anomaly a : page.getAnomaliesList()) {
            System.out.println(line(a));
            shown++;
          }
          token = page.getNextPageToken();
        } while (!token.isEmpty() && shown < limit);
        System.out.println(shown + " anomal" + (shown == 1 ? "y" : "ies")
            + (token.isEmpty() ? "" : " (more: raise --limit)"));
        return ScannerCli.OK;
      } catch (StatusRuntimeException e) {
        return failed(e);
      }
    }
  }

  @Command(name = "ack", mixinStandardHelpOptions = true,
      description = "Acknowledges an anomaly with a note (kept beside it; nothing is removed).",
      exitCodeListHeading = "%nExit codes:%n",
      exitCodeList = {"0:acknowledged", "1:the server refused it (it says why)",
          "2:usage error", "3:the server could not be reached"})
  static final class AckCommand implements Callable<Integer> {
    @ParentCommand
    AnomaliesCommand parent;

    @Parameters(paramLabel = "NAME", description = "anomalies/{id}")
    String name;

    @Option(names = "--note", required = true, description = "why it is understood or what was "
        + "done (at most 2000 characters)")
    String note;

    @Option(names = "--request-id", description = "a UUID; repeat the command with the same one "
        + "to retry safely (default: a fresh one)")
    String requestId;

    @Override
    public Integer call() throws Exception {
      try (ServerLink link = parent.cli.link()) {
        Anomaly a = link.deliveries().acknowledgeAnomaly(AcknowledgeAnomalyRequest.newBuilder()
            .setName(name.startsWith("anomalies/") ? name : "anomalies/" + name).setNote(note)
            .setRequestId(requestId == null ? UUID.randomUUID().toString() : requestId)
            .build());
        System.out.println(line(a));
        System.out.println("acknowledged (" + a.getAcknowledgementsCount()
            + " acknowledgement(s))");
        return ScannerCli.OK;
      } catch (StatusRuntimeException e) {
        return failed(e);
      }
    }
  }
}
