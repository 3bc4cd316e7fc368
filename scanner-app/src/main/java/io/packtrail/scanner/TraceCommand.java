package io.packtrail.scanner;

import io.packtrail.client.device.DeviceCheck;
import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.packtrail.client.HashChain;
import io.packtrail.client.audit.AuditBundle;
import io.packtrail.client.audit.BundleBuilder;
import io.packtrail.v1.Device;
import io.packtrail.v1.DeviceStatus;
import io.packtrail.v1.Event;
import io.packtrail.v1.Unit;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** `trace CODE`: the chain of custody, then the hash-chain check. */
@Command(name = "trace", mixinStandardHelpOptions = true,
    description = "Show a unit's chain of custody as a timeline (time, site, organisation, step, "
        + "device when recorded, details), then check its hash chain (docs/formats.md section "
        + "4) and each device signature (section 10) under the device's public key (fetched "
        + "with GetDevice and kept for offline use). From the server when it answers, else "
        + "from this device's cache, saying so.",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:shown, and the chain and every device signature whose key is known "
        + "check", "1:the chain or a device signature does not check (or the server does not "
        + "know the unit)", "2:usage error", "3:offline and the unit is not "
        + "in this device's cache, or holds only part of its history (events recorded elsewhere "
        + "since: run trace again online), or --bundle while the server cannot be reached",
        "6:--bundle with --min-witnesses, --witness-key or --wait-cosigned: no checkpoint "
            + "covering the events is cosigned by the witnesses required (within the wait); "
            + "no bundle written"})
final class TraceCommand implements Callable<Integer> {
  @ParentCommand
  ScannerCli cli;

  @Parameters(paramLabel = "CODE", description = "the unit's code (or, with --bundle only, a "
      + "material lot: materialLots/ID)")
  String code;

  @Option(names = "--bundle", paramLabel = "FILE", description = "also write the unit's offline "
      + "audit bundle to FILE (docs/formats.md section 13; needs the server): its events, the "
      + "registry entries about their sites, organisations, devices, labels and label keys, "
      + "each one's inclusion proof in a fresh signed checkpoint, the signed labels the steps "
      + "scanned, and the log's verifier key. Check it "
      + "anywhere, offline, with 'verify FILE --log-key VKEY'. The checkpoint is the latest "
      + "one witnesses cosigned when it covers the events (its cosignatures travel in the "
      + "bundle), else a fresh one")
  Path bundle;

  @picocli.CommandLine.Mixin
  WitnessOptions witnesses = new WitnessOptions();

  @Option(names = "--wait-cosigned", paramLabel = "DURATION", arity = "0..1",
      fallbackValue = "2m", description = "with --bundle: sign a checkpoint covering the "
      + "events, then wait at most DURATION (e.g. 90s, 5m, PT1H; default 2m) for one the "
      + "witnesses cosigned (--witness-key/--min-witnesses, else any 1 witness), asking the log "
      + "every second. Without it, --min-witnesses N above 0 asks once")
  String waitCosigned;

  /** How often --wait-cosigned asks the log. */
  static final java.time.Duration POLL = java.time.Duration.ofSeconds(1);

  /** The checkpoint choice the options state. */
  private BundleBuilder.Anchor anchor() throws WitnessOptions.Invalid {
    io.packtrail.client.log.WitnessPolicy policy = witnesses.policy();
    if (waitCosigned == null && (policy == null || policy.required() == 0)) {
      // nothing required: the latest cosigned checkpoint if it covers the events, else a fresh one
      return BundleBuilder.Anchor.cosignedOrFresh();
    }
    if (policy == null) {
      policy = new io.packtrail.client.log.WitnessPolicy(List.of(), 0);
    }
    java.time.Duration wait = waitCosigned == null ? java.time.Duration.ZERO
        : duration(waitCosigned);
    return BundleBuilder.Anchor.cosigned(policy, wait, POLL);
  }

  /** 90s, 5m, 1h, a number of seconds, or ISO-8601 (PT1M30S). */
  static java.time.Duration duration(String text) throws WitnessOptions.Invalid {
    String t = text.strip();
    try {
      java.time.Duration d;
      if (t.matches("[0-9]{1,9}")) {
        d = java.time.Duration.ofSeconds(Long.parseLong(t));
      } else if (t.matches("[0-9]{1,9}[smh]")) {
        long n = Long.parseLong(t.substring(0, t.length() - 1));
        d = switch (t.charAt(t.length() - 1)) {
          case 's' -> java.time.Duration.ofSeconds(n);
          case 'm' -> java.time.Duration.ofMinutes(n);
          default -> java.time.Duration.ofHours(n);
        };
      } else {
        d = java.time.Duration.parse(t);
      }
      if (d.isNegative() || d.compareTo(java.time.Duration.ofDays(1)) > 0) {
        throw new WitnessOptions.Invalid("--wait-cosigned " + text + " is not between 0 and "
            + "24 hours");
      }
      return d;
    } catch (java.time.format.DateTimeParseException e) {
      throw new WitnessOptions.Invalid("--wait-cosigned " + text + " is not a duration (90s, "
          + "5m, 1h, or ISO-8601 such as PT1M30S)");
    }
  }

  @Override
  public Integer call() throws Exception {
    BundleBuilder.Anchor anchor;
    try {
      if (bundle == null && (witnesses.given() || waitCosigned != null)) {
        throw new WitnessOptions.Invalid("--witness-key, --min-witnesses and --wait-cosigned "
            + "choose the checkpoint of an audit bundle: use them with --bundle FILE");
      }
      anchor = anchor();
    } catch (WitnessOptions.Invalid e) {
      System.out.println("error: " + e.getMessage());
      return ScannerCli.SETUP;
    }
    if (code.startsWith("materialLots/")) {
      if (bundle == null) {
        System.out.println("a material lot has no history of its own: 'trace " + code
            + " --bundle FILE' writes the bundle of the units it came from");
        return ScannerCli.SETUP;
      }
      try (ServerLink link = cli.link()) {
        try {
          writeBundle(BundleBuilder.collectLot(link.deliveries(), code, anchor));
        } catch (BundleBuilder.NotCosignedException e) {
          return notCosigned(e);
        }
        return ScannerCli.OK;
      }
    }
    String unitCode = code.startsWith("units/") ? code.substring("units/".length()) : code;
    try (Workspace ws = Workspace.open(cli); ServerLink link = cli.link()) {
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
      // offline, the cache may lack events other devices recorded since this one last saw the
      // unit, and hold its own later ones (cached from its syncs): a gap there is a history
      // incomplete on this device, not a broken chain; the chain is checked up to the gap
      int known = online ? events.size() : contiguousFromFirst(events);
      List<Event> checked = events.subList(0, known);
      // a cache filled by later syncs may run ahead of the cached unit: check its head only
      // when the cached events are exactly the unit's
      ByteString head = online || known == events.size() && unit.getEventCount() == known
          ? unit.getHeadHash() : ByteString.EMPTY;
      HashChain.Result chain = HashChain.verify(unitCode, checked, head);
      if (chain.ok() && known < events.size()) {
        // beyond the gap no chain can be checked, but each event's fields against its bytes
        HashChain.Result beyond = HashChain.shownAsHashed(unitCode,
            events.subList(known, events.size()));
        if (!beyond.ok()) {
          chain = beyond;
        }
      }
      boolean incomplete = known < events.size();
      if (incomplete) {
        long after = events.get(known).getSequence();
        System.out.println("HISTORY INCOMPLETE ON THIS DEVICE: event" + (after - known > 2
            ? "s " + (known + 1) + " to " + (after - 1) + " are" : " " + (known + 1) + " is")
            + " not in its cache (recorded elsewhere while it was offline or since it last saw "
            + "the unit); run trace again online to check the rest");
      }
      System.out.println((chain.ok() ? "hash chain OK: " : "!! HASH CHAIN BROKEN: ")
          + chain.detail() + (incomplete && chain.ok() ? " (events 1 to " + known + ")" : "")
          + (chain.ok() ? "" : "; report this unit to your supervisor"));
      boolean signaturesOk = checkDevices(events, ws, link, online);
      int exit = !chain.ok() || !signaturesOk ? ScannerCli.REFUSED
          : incomplete ? ScannerCli.SERVER : ScannerCli.OK;
      if (bundle != null) {
        if (!online) {
          System.out.println("no audit bundle written: it needs the server (proofs and a "
              + "signed checkpoint); try again when online");
          return ScannerCli.SERVER;
        }
        try {
          writeBundle(BundleBuilder.collect(io.packtrail.client.audit.AuditSource.of(
              link.deliveries()), unitCode, anchor));
        } catch (BundleBuilder.NotCosignedException e) {
          return notCosigned(e);
        }
      }
      return exit;
    }
  }

  /** How many of the events, in sequence order, run 1, 2, 3, ... without a gap. */
  static int contiguousFromFirst(List<Event> events) {
    int n = 0;
    while (n < events.size() && events.get(n).getSequence() == n + 1) {
      n++;
    }
    return n;
  }

  private int notCosigned(BundleBuilder.NotCosignedException e) {
    System.out.println("no audit bundle written: " + e.getMessage() + (waitCosigned == null
        ? "; run again later, or pass --wait-cosigned [DURATION] to wait for the witnesses"
        : ""));
    return ScannerCli.NOT_COSIGNED;
  }

  private void writeBundle(AuditBundle b) throws java.io.IOException,
      io.packtrail.client.log.LogVerificationException {
    io.packtrail.client.DurableFiles.replaceShared(bundle, b.encode().getBytes(StandardCharsets.UTF_8));
    int events = b.units().stream().mapToInt(u -> u.events().size()).sum();
    io.packtrail.client.log.SignedNote note = io.packtrail.client.log.SignedNote.parse(
        b.checkpointNote());
    io.packtrail.client.log.Checkpoint body = io.packtrail.client.log.Checkpoint
        .parseBody(note.text());
    // the lines of other keys than the log's, by name (read, not verified here)
    List<String> cosigners = note.signatures().stream()
        .map(io.packtrail.client.log.SignedNote.Signature::keyName)
        .filter(name -> !name.equals(body.origin())).distinct().toList();
    System.out.println("audit bundle written to " + bundle + ": " + events + " events of "
        + b.units().size() + " unit(s), " + b.registryEntries().size() + " registry entries, "
        + "proofs in the log's checkpoint of size " + body.size() + (cosigners.isEmpty()
            ? ", not cosigned yet" : ", with cosignature lines of " + cosigners.size()
                + " witness(es): " + String.join(", ", cosigners) + " ('verify --witness-key' "
                + "checks them)") + "; log key " + b.logKey());
  }

  /**
   * Checks each event's device signature from its canonical bytes (docs/formats.md section 10)
   * under the device's public key: from the server (GetDevice, then kept on this device) or,
   * offline, from what this device kept. False when a signature does not verify.
   */
  private static boolean checkDevices(List<Event> events, Workspace ws, ServerLink link,
      boolean online) throws java.sql.SQLException {
    Map<String, Optional<Device>> keys = new HashMap<>();
    Map<String, String> unknown = new HashMap<>();
    int unsigned = 0;
    boolean ok = true;
    List<String> lines = new ArrayList<>();
    for (Event e : events) {
      DeviceCheck.Signed signed = DeviceCheck.of(e);
      String at = "  #" + e.getSequence() + " ";
      if (signed instanceof DeviceCheck.Unsigned) {
        unsigned++;
      } else if (signed instanceof DeviceCheck.AtPrimary p) {
        lines.add(at + "signed by " + p.device() + ": checked at the step's own unit's event ("
            + p.primary() + ")");
      } else if (signed instanceof DeviceCheck.Malformed m) {
        ok = false;
        lines.add(at + "!! signed by " + m.device() + ": DOES NOT VERIFY: " + m.why());
      } else if (signed instanceof DeviceCheck.Statement st) {
        Optional<Device> device = keys.computeIfAbsent(st.device(),
            name -> fetch(name, ws, link, online, unknown));
        if (device.isEmpty()) {
          lines.add(at + "signed by " + st.device() + ": key unknown "
              + unknown.getOrDefault(st.device(), "offline"));
        } else if (st.verifies(device.get().getPublicKey().toByteArray())) {
          lines.add(at + "signed by " + st.device() + ": verified"
              + (device.get().getStatus() == DeviceStatus.DEVICE_STATUS_RETIRED
                  ? " (the device is retired now; steps it signed before stay valid)" : ""));
        } else {
          ok = false;
          lines.add(at + "!! signed by " + st.device() + ": DOES NOT VERIFY under its public "
              + "key; report this unit to your supervisor");
        }
      }
    }
    if (!lines.isEmpty()) {
      System.out.println("device signatures:");
      lines.forEach(System.out::println);
    }
    if (unsigned > 0) {
      System.out.println(unsigned + " event(s) not signed by a device (recorded by systems "
          + "without one)");
    }
    return ok;
  }

  /** The device, from the server when online (and kept), else from this device's copy. */
  private static Optional<Device> fetch(String name, Workspace ws, ServerLink link,
      boolean online, Map<String, String> unknown) {
    try {
      if (online) {
        try {
          Device d = link.lookups().getDevice(name);
          ws.deviceKeys.put(d);
          return Optional.of(d);
        } catch (StatusRuntimeException e) {
          if (e.getStatus().getCode() == Status.Code.NOT_FOUND) {
            unknown.put(name, "to the server (no such device)");
            return Optional.empty();
          }
          if (!ServerLink.passing(e)) {
            unknown.put(name, "(" + Words.status(e) + ")");
            return Optional.empty();
          }
        }
      }
      Optional<Device> cached = ws.deviceKeys.cached(name);
      if (cached.isEmpty()) {
        unknown.put(name, "offline (this device has not fetched it yet)");
      }
      return cached;
    } catch (java.sql.SQLException e) {
      unknown.put(name, "(the local database failed: " + e.getMessage() + ")");
      return Optional.empty();
    }
  }
}
