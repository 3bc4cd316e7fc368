package io.packtrail.scanner;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** `sync`: send what waits in the outbox. */
@Command(name = "sync", mixinStandardHelpOptions = true,
    description = {"Send the steps waiting in the outbox to the server, in the order they were "
        + "scanned, in batches. Safe to run at any time and again after a crash: a step the "
        + "server already recorded is answered by its event id, never recorded twice.",
        "A unit's later steps wait while an earlier step of it is refused ('status')."},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:nothing waits and nothing is refused",
        "1:refused steps are in the outbox (see 'status')",
        "2:setup error", "3:the server could not be reached: steps still wait",
        "When several apply, 1 wins over 3."})
final class SyncCommand implements Callable<Integer> {
  @ParentCommand
  ScannerCli cli;

  @Option(names = "--batch-size", defaultValue = "" + Delivery.DEFAULT_BATCH,
      description = "steps per call, 1-1000 (default ${DEFAULT-VALUE})")
  int batchSize;

  @Option(names = {"-q", "--quiet"}, description = "only the summary, not a line per step")
  boolean quiet;

  @Override
  public Integer call() throws Exception {
    if (batchSize < 1 || batchSize > 1000) {
      throw new IllegalArgumentException("--batch-size must be 1 to 1000");
    }
    try (Workspace ws = Workspace.open(cli); ServerLink link = cli.link()) {
      long started = System.nanoTime();
      Delivery.Report r = ws.delivery(batchSize).deliver(link.deliveries(),
          line -> {
            if (!quiet || line.startsWith("!!")) {
              System.out.println(line);
            }
          });
      double seconds = (System.nanoTime() - started) / 1e9;
      long refused = ws.outbox.count(Outbox.Status.REFUSED);
      if (r.callerRefusal() != null) {
        System.out.println(r.callerRefusal().line(r.pending()));
      }
      System.out.printf("sent %d step(s) in %.1f s%s; %d refused now; %d waiting%s%n", r.sent(),
          seconds, r.sent() > 0 ? String.format(java.util.Locale.ROOT, " (%.0f steps/s)", r.sent() / seconds) : "",
          r.refused(), r.pending(), !r.reachedServer()
              ? " (" + Words.SAVED_OFFLINE + ": " + r.offline() + ")"
              : r.notStored() != null ? " (the server could not store some, " + r.notStored()
                  + "; they are sent again on the next sync)" : "");
      if (refused > 0) {
        System.out.println(refused + " refused step(s) in the outbox: see 'packtrail-scanner "
            + "status'");
        return ScannerCli.REFUSED;
      }
      if (r.callerRefusal() != null) {
        return r.callerRefusal().exitCode();
      }
      return r.pending() > 0 ? ScannerCli.SERVER : ScannerCli.OK;
    }
  }
}
