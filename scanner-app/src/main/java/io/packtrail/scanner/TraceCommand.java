package io.packtrail.scanner;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.packtrail.client.HashChain;
import io.packtrail.v1.Event;
import io.packtrail.v1.Unit;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** `trace CODE`: the chain of custody, then the hash-chain check. */
@Command(name = "trace", mixinStandardHelpOptions = true,
    description = "Show a unit's chain of custody as a timeline (time, site, organisation, step, "
        + "device when recorded, details), then check its hash chain (docs/formats.md section "
        + "4). From the server when it answers, else from this device's cache, saying so.",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:shown, and the chain checks", "1:the chain does not check (or the "
        + "server does not know the unit)", "2:usage error", "3:offline and the unit is not "
        + "in this device's cache"})
final class TraceCommand implements Callable<Integer> {
  @ParentCommand
  ScannerCli cli;

  @Parameters(paramLabel = "CODE", description = "the unit's code")
  String code;

  @Override
  public Integer call() throws Exception {
    String unitCode = code.startsWith("units/") ? code.substring("units/".length()) : code;
    try (Workspace ws = Workspace.open(cli); ServerLink link = new ServerLink(cli.server())) {
      Unit unit;
      List<Event> events;
      boolean online;
      try {
        unit = link.deliveries().getUnit(unitCode);
        events = link.deliveries().listEvents(unitCode);
        ws.cache.put(unit, events);
        online = true;
        System.out.println("Trace of " + unitCode + " (from the server)");
      } catch (StatusRuntimeException e) {
        if (e.getStatus().getCode() == Status.Code.NOT_FOUND) {
          System.out.println("The server does not know unit " + unitCode + ": check the code");
          return ScannerCli.REFUSED;
        }
        if (!ServerLink.passing(e)) {
          throw e;
        }
        Optional<UnitCache.Cached> cached = ws.cache.unit(unitCode);
        if (cached.isEmpty()) {
          System.out.println("OFFLINE (" + Words.status(e) + ") and this device has no copy of "
              + unitCode + ": try again when online");
          return ScannerCli.SERVER;
        }
        unit = cached.get().unit();
        events = ws.cache.events(unitCode);
        online = false;
        System.out.println("OFFLINE (" + Words.status(e) + "): trace of " + unitCode + " from "
            + "this device's cache, as last seen at " + UnitView.time(cached.get().fetchedAt())
            + "; the server may know more");
      }
      System.out.println(unit.getCode() + "  " + UnitView.level(unit) + ", "
          + UnitView.enumWord(unit.getChemistry().name(), "CHEMISTRY_") + ", maker "
          + unit.getMaker() + ", now " + UnitView.state(unit) + (unit.getCustodian().isEmpty()
              ? "" : ", held by " + unit.getCustodian()));
      System.out.println();
      System.out.printf("%-4s %-20s %-22s %-40s %s%n", "#", "time", "step", "site", "details");
      for (Event e : events) {
        String device = UnitView.device(e);
        System.out.printf("%-4d %-20s %-22s %-40s %s%n", e.getSequence(),
            UnitView.time(e.getEventTime()), UnitView.stepName(e), e.getActorSite(),
            "(" + e.getActorOrganization() + ") " + UnitView.details(e)
                + (e.getLabelSerial() != 0 ? " label " + Long.toUnsignedString(e.getLabelSerial())
                    : "")
                + (device.isEmpty() ? "" : " device " + device));
      }
      System.out.println();
      // a cache filled by later syncs may run ahead of the cached unit: check its head only
      // when the cached events are exactly the unit's
      ByteString head = online || unit.getEventCount() == events.size() ? unit.getHeadHash()
          : ByteString.EMPTY;
      HashChain.Result chain = HashChain.verify(events, head);
      System.out.println((chain.ok() ? "hash chain OK: " : "!! HASH CHAIN BROKEN: ")
          + chain.detail() + (chain.ok() ? "" : "; report this unit to your supervisor"));
      return chain.ok() ? ScannerCli.OK : ScannerCli.REFUSED;
    }
  }
}
