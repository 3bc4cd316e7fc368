package io.packtrail.scanner;

import io.packtrail.v1.TrustList;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** `status`: what waits, what was refused and why, and the trust list's expiry. */
@Command(name = "status", mixinStandardHelpOptions = true,
    description = "Show this device's settings and enrolled device, the steps waiting to be sent, the steps the "
        + "server refused (with its reason and what to do), and when the trust list expires. "
        + "Works offline.",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:nothing waits or is refused", "1:refused steps in the outbox",
        "2:setup error", "3:steps wait to be sent"})
final class StatusCommand implements Callable<Integer> {
  @ParentCommand
  ScannerCli cli;

  @Option(names = "--limit", defaultValue = "50", description = "steps listed per kind "
      + "(default ${DEFAULT-VALUE})")
  int limit;

  @Override
  public Integer call() throws Exception {
    System.out.println("server  " + cli.server());
    System.out.println("tls     " + ConfigCommand.tls(cli));
    String site = cli.site();
    System.out.println("site    " + (site == null ? "not set: run 'packtrail-scanner config "
        + "--save-site organizations/ORG/sites/SITE'" : site));
    Optional<DeviceIdentity> device = DeviceIdentity.of(cli.home());
    System.out.println("device  " + (device.isEmpty() ? "not enrolled: steps cannot be "
        + "recorded until 'packtrail-scanner enroll --code CODE' (units, trace and labels work "
        + "without it)" : device.get().name() + " (enrolled at " + device.get().site() + ")"
        + (site != null && !site.equals(device.get().site()) ? "; NOT the recording site "
            + site + ": its steps there are refused" : "")));
    Optional<TrustList> list = new TrustStore(cli.home()).cached();
    if (list.isEmpty()) {
      System.out.println("trust list  none cached: run 'packtrail-scanner trust-list fetch' "
          + "while online (labels cannot be verified without it)");
    } else {
      long expiresAt = list.get().getExpiresAt();
      Duration left = Duration.between(Instant.now(),
          io.packtrail.client.EpochSeconds.instant(expiresAt));
      System.out.println("trust list  version " + list.get().getVersion() + ", "
          + (left.isNegative() ? "EXPIRED at " + UnitView.epochTime(expiresAt) + ": run "
              + "'packtrail-scanner trust-list fetch' while online"
              : "valid until " + UnitView.epochTime(expiresAt) + " (" + words(left) + " left"
                  + (left.toHours() < 48 ? "; fetch a fresh one while online" : "") + ")"));
    }
    try (Workspace ws = Workspace.open(cli)) {
      long pending = ws.outbox.count(Outbox.Status.PENDING);
      long refused = ws.outbox.count(Outbox.Status.REFUSED);
      System.out.println("outbox  " + pending + " waiting to be sent, " + refused + " refused, "
          + ws.outbox.count(Outbox.Status.SENT) + " recorded by the server");
      List<Outbox.Entry> waiting = ws.outbox.withStatus(Outbox.Status.PENDING, limit);
      if (!waiting.isEmpty()) {
        System.out.println();
        System.out.println("Waiting (oldest first; 'sync' sends them):");
        for (Outbox.Entry e : waiting) {
          System.out.println("  #" + e.id() + "  " + UnitView.time(e.scannedAt()) + "  "
              + e.step() + "  " + e.unitCode() + (e.attempts() > 0 ? "  (tried " + e.attempts()
              + "x; last: " + e.errorMessage() + ")" : ""));
        }
        if (pending > waiting.size()) {
          System.out.println("  ... and " + (pending - waiting.size()) + " more");
        }
      }
      List<Outbox.Entry> refusedSteps = ws.outbox.withStatus(Outbox.Status.REFUSED, limit);
      if (!refusedSteps.isEmpty()) {
        System.out.println();
        System.out.println("REFUSED by the server (kept until you correct or discard them):");
        for (Outbox.Entry e : refusedSteps) {
          System.out.println("  #" + e.id() + "  " + UnitView.time(e.scannedAt()) + "  "
              + e.step() + "  " + e.unitCode());
          System.out.println("      reason: " + e.errorCode() + ": " + e.errorMessage());
          System.out.println("      to do:  " + Words.nextAfterRefusal(e.id(), e.errorCode(),
              e.refusal()));
        }
      }
      return refused > 0 ? ScannerCli.REFUSED : pending > 0 ? ScannerCli.SERVER : ScannerCli.OK;
    }
  }

  private static String words(Duration d) {
    if (d.toDays() >= 2) {
      return d.toDays() + " days";
    }
    return d.toHours() >= 1 ? d.toHours() + " hours" : d.toMinutes() + " minutes";
  }
}
