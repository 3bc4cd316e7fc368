package io.packtrail.scanner;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.packtrail.client.EventIds;
import io.packtrail.client.PacktrailClient;
import io.packtrail.client.label.LabelVerifier;
import io.packtrail.client.label.TrustListException;
import io.packtrail.client.label.Verification;
import io.packtrail.client.label.render.LabelImageReader;
import io.packtrail.v1.Event;
import io.packtrail.v1.RecordEventRequest;
import io.packtrail.v1.Unit;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** `scan`: labels in, units shown, steps saved and sent. */
@Command(name = "scan", mixinStandardHelpOptions = true,
    description = {
        "Read labels and record a step for each: from standard input, one label per line (a "
            + "handheld scanner types the QR text and Enter), from photos (--image), or from "
            + "photos dropped into a folder (--watch).",
        "Each label is verified offline against the cached trust list; a refused label is shown "
            + "loudly and nothing is recorded. The unit is shown (from the server, or this "
            + "device's cache when offline). With --step the step is saved in the outbox on "
            + "this device first (then 'saved'), then sent; when the server cannot be reached "
            + "it waits and is sent later (here in the background, or by 'sync').",
        "Without --step: in a terminal the scanner asks which step to record; otherwise it "
            + "only shows the units.",
        "The same label twice within --repeat-window seconds (a double trigger) is one scan."},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
        "0:every label valid and every step recorded by the server",
        "1:the server refused a step (kept in the outbox with the reason: 'status'), or a step "
            + "waits behind an earlier refused step of its unit",
        "2:usage or setup error (no site, no trust list, ...)",
        "3:saved, will send when online (steps wait in the outbox)",
        "4:a label was refused or a photo had no readable code",
        "When several apply, the first of 4, 1, 3 wins."})
final class ScanCommand implements Callable<Integer> {
  @ParentCommand
  ScannerCli cli;

  @ArgGroup(exclusive = true)
  Source source = new Source();

  static final class Source {
    @Option(names = "--image", arity = "1..*", paramLabel = "FILE",
        description = "photos or scans of labels (PNG, JPEG, ...)")
    List<Path> images;

    @Option(names = "--watch", paramLabel = "DIR",
        description = "read every photo in DIR (e.g. a phone's upload folder) that this device "
            + "has not read before, and every new one put into it, until stopped (Ctrl-C) or "
            + "--stop-after photos")
    Path watch;
  }

  @Option(names = "--stop-after", paramLabel = "N",
      description = "with --watch: stop after N photos")
  Integer stopAfter;

  @Mixin
  StepOptions stepOptions = new StepOptions();

  @Option(names = "--repeat-window", defaultValue = "3", paramLabel = "SECONDS",
      description = "the same label again within this many seconds is one scan (default "
          + "${DEFAULT-VALUE})")
  int repeatWindow;

  @Option(names = "--retry-seconds", defaultValue = "30",
      description = "while steps wait, try to send them every this many seconds (default "
          + "${DEFAULT-VALUE})")
  int retrySeconds;

  @Option(names = "--batch-size", defaultValue = "" + Delivery.DEFAULT_BATCH, hidden = true)
  int batchSize;

  private final Object console = new Object();
  private final Map<String, Instant> lastSeen = new HashMap<>();
  private final List<Long> savedIds = new ArrayList<>();
  private int labelsRefused;
  /** The courier's last delivery, for the exit code (null before the first). */
  private Delivery.Report lastDelivery;
  private int scans;
  private Instant offlineUntil = Instant.MIN;
  private Workspace ws;
  /** The watched photo being read, until a step is saved with it (see label). */
  private WatchedPhotos.Photo reading;
  private ServerLink link;
  private LabelVerifier verifier;
  private TrustStore trustStore;
  /** When the trust list the verifier holds was fetched: a later fetch replaces it. */
  private java.nio.file.attribute.FileTime trustListWritten;
  private Courier courier;
  private String site;
  private BufferedReader stdin;

  void say(String line) {
    synchronized (console) {
      System.out.println(line);
      System.out.flush();
    }
  }

  @Override
  public Integer call() throws Exception {
    stepOptions.validate();
    boolean prompting = stepOptions.step == null && source.images == null
        && source.watch == null && System.console() != null;
    try (Workspace workspace = Workspace.open(cli);
        ServerLink server = cli.link()) {
      ws = workspace;
      link = server;
      if (prompting && DeviceIdentity.of(cli.home()).isEmpty()) {
        prompting = false; // looking at units needs no enrollment; recording does
        say("(this device is not enrolled: showing units only; to record steps enroll it "
            + "first: 'packtrail-scanner enroll --code CODE')");
      }
      if (stepOptions.step != null || prompting) {
        site = ws.requireSite();
        ws.requireDevice(site); // every step this app records is signed by the device
      }
      try {
        trustStore = new TrustStore(cli.home());
        trustListWritten = trustStore.written();
        verifier = new LabelVerifier(trustStore.load(Instant.now()));
      } catch (TrustListException e) {
        System.err.println("error: the cached trust list cannot be used (" + e.reason() + "): "
            + e.getMessage() + "; labels cannot be verified: run 'packtrail-scanner trust-list "
            + "fetch' while online");
        return ScannerCli.SETUP;
      } catch (IOException e) {
        System.err.println("error: " + e.getMessage());
        return ScannerCli.SETUP;
      }
      courier = new Courier(ws.delivery(batchSize), link.deliveries(), this::say, retrySeconds)
          .start();
      try {
        if (source.images != null) {
          for (Path image : source.images) {
            photo(image);
          }
        } else if (source.watch != null) {
          watch(source.watch);
        } else {
          stdin = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
          String line;
          while ((line = stdin.readLine()) != null) {
            label(line, prompting);
          }
        }
      } finally {
        lastDelivery = courier.finish();
        summary(lastDelivery);
      }
      return exitCode();
    }
  }

  private void summary(Delivery.Report last) throws SQLException {
    long sent = 0;
    long refused = 0;
    long waiting = 0;
    long behindRefusals = heldBehindRefusals();
    for (long id : savedIds) {
      Outbox.Status s = ws.outbox.find(id).orElseThrow().status();
      if (s == Outbox.Status.SENT) {
        sent++;
      } else if (s == Outbox.Status.REFUSED) {
        refused++;
      } else if (s == Outbox.Status.PENDING) {
        waiting++;
      }
    }
    say("---");
    say(scans + " label(s) scanned, " + labelsRefused + " refused; " + savedIds.size()
        + " step(s) saved: " + sent + " recorded by the server, " + refused + " refused, "
        + waiting + " waiting" + (waiting > behindRefusals ? " (" + (last != null
        && last.callerRefusal() != null ? "the server refused them for who sent them; see "
        + "above"
        : Words.SAVED_OFFLINE + "; or run 'packtrail-scanner sync'") + ")" : ""));
    if (behindRefusals > 0) {
      say(behindRefusals + " of them wait behind an earlier refused step of their unit: "
          + "discard or correct it ('packtrail-scanner status')");
    }
    if (refused > 0) {
      say("Refused steps stay in the outbox: see 'packtrail-scanner status'.");
    }
  }

  /** How many steps of this run wait behind a refused step of a unit they touch. */
  private long heldBehindRefusals() throws SQLException {
    java.util.Set<String> blocked = ws.outbox.unitsWithRefusals();
    long n = 0;
    for (long id : savedIds) {
      Outbox.Entry e = ws.outbox.find(id).orElseThrow();
      if (e.status() == Outbox.Status.PENDING
          && e.units().stream().anyMatch(blocked::contains)) {
        n++;
      }
    }
    return n;
  }

  private int exitCode() throws SQLException {
    boolean refused = false;
    boolean waiting = false;
    for (long id : savedIds) {
      Outbox.Status s = ws.outbox.find(id).orElseThrow().status();
      refused |= s == Outbox.Status.REFUSED;
      waiting |= s == Outbox.Status.PENDING;
    }
    if (labelsRefused > 0) {
      return ScannerCli.LABEL_REFUSED;
    }
    if (refused || heldBehindRefusals() > 0) {
      return ScannerCli.REFUSED; // the worker must act: waiting will not send those
    }
    if (waiting && lastDelivery != null && lastDelivery.callerRefusal() != null) {
      return lastDelivery.callerRefusal().exitCode();
    }
    return waiting ? ScannerCli.SERVER : ScannerCli.OK;
  }

  // ---- sources ----

  private void photo(Path image) throws SQLException, IOException {
    Optional<String> text;
    try {
      text = LabelImageReader.read(image);
    } catch (IOException | RuntimeException e) {
      // (an image decoder may throw unchecked on a crafted file: refused like an unreadable one)
      labelsRefused++;
      say("!! " + image + " cannot be read as an image (" + e.getMessage() + "); nothing "
          + "recorded");
      return;
    }
    if (text.isEmpty()) {
      labelsRefused++;
      say("!! NO READABLE CODE in the photo " + image + ": take it again (the whole label in the "
          + "picture, in focus, no glare); nothing recorded");
      return;
    }
    say("photo " + image.getFileName() + ":");
    label(text.get(), false);
  }

  private void watch(Path dir) throws IOException, SQLException, InterruptedException {
    if (!Files.isDirectory(dir)) {
      throw new IllegalArgumentException("--watch " + dir + " is not a folder");
    }
    say("watching " + dir + " for photos (Ctrl-C to stop)");
    Map<Path, Long> sizes = new HashMap<>();
    java.util.Set<Path> done = new java.util.HashSet<>();
    int photos = 0;
    while (stopAfter == null || photos < stopAfter) {
      List<Path> files;
      try (Stream<Path> list = Files.list(dir)) {
        files = list.filter(ScanCommand::isImage).sorted().toList();
      }
      for (Path f : files) {
        if (done.contains(f) || (stopAfter != null && photos >= stopAfter)) {
          continue;
        }
        long size = Files.size(f);
        Long before = sizes.put(f, size);
        if (before == null || before != size || size == 0) {
          continue; // still being written: read it once its size holds still
        }
        done.add(f);
        WatchedPhotos.Photo read = WatchedPhotos.Photo.of(f);
        if (ws.photos.wasRead(read)) {
          continue; // by an earlier run: its step, if any, is in the outbox
        }
        photos++;
        reading = read;
        photo(f);
        if (reading != null) { // no step saved with it
          ws.photos.markRead(read);
          reading = null;
        }
      }
      Thread.sleep(300);
    }
  }

  private static boolean isImage(Path f) {
    String n = f.getFileName().toString().toLowerCase(Locale.ROOT);
    return Files.isRegularFile(f) && (n.endsWith(".png") || n.endsWith(".jpg")
        || n.endsWith(".jpeg") || n.endsWith(".gif") || n.endsWith(".bmp"));
  }

  // ---- one label ----

  private void label(String raw, boolean prompting) throws SQLException, IOException {
    String text = raw.strip();
    if (text.isEmpty()) {
      return;
    }
    Instant now = Instant.now();
    Instant before = lastSeen.put(text, now);
    if (before != null && Duration.between(before, now).getSeconds() < repeatWindow) {
      say("(same label again within " + repeatWindow + " s: counted once)");
      return;
    }
    scans++;
    refreshTrustList();
    Verification v = verifier.verify(text);
    if (!v.isValid()) {
      labelsRefused++;
      say(Words.refusedLabel(String.valueOf(v.refusal()), v.detail()));
      return;
    }
    String code = ((Verification.Valid) v).unitCode();
    if (!show(code)) {
      return; // the server does not know the unit: a step would only be refused and block it
    }
    StepOptions chosen = stepOptions;
    if (chosen.step == null && prompting) {
      chosen = Prompt.ask(stdin, this::say);
      if (chosen == null) {
        return;
      }
    }
    if (chosen.step == null) {
      return;
    }
    RecordEventRequest request = chosen.apply(RecordEventRequest.newBuilder()
        .setEventId(EventIds.newEventId().toString())
        .setUnit("units/" + code)
        .setEventTime(PacktrailClient.timestamp(ScanClock.now()))
        .setActorSite(site)
        .setLabelText(text)).build();
    WatchedPhotos.Photo photo = reading;
    reading = null;
    // a watched photo is remembered as read in the transaction that saves its step: a crash
    // leaves both or neither, so a restart neither loses the step nor records it twice
    Outbox.Entry saved;
    try {
      saved = photo == null ? ws.outbox.save(chosen.step.name(), request)
          : ws.outbox.save(chosen.step.name(), request, c -> WatchedPhotos.markRead(c, photo));
    } catch (WatchedPhotos.AlreadyRead twice) {
      say("(" + twice.getMessage() + ")");
      return;
    }
    Faults.point(Faults.AFTER_SAVE);
    savedIds.add(saved.id());
    say("SAVED #" + saved.id() + " " + saved.step() + " " + code + " at "
        + UnitView.time(saved.scannedAt()) + (courier.offline() ? " (" + Words.SAVED_OFFLINE
        + ")" : ""));
    courier.wake();
  }

  /**
   * Takes a trust list fetched since this scan started ('trust-list fetch' in another terminal,
   * a cron job): a running scan would otherwise verify labels against the list it started with
   * (a revocation since unseen) until that list expired. A list that cannot be used is left
   * aside with a warning; the one in use stays.
   */
  private void refreshTrustList() {
    java.nio.file.attribute.FileTime written;
    try {
      written = trustStore.written();
    } catch (IOException e) {
      return; // the one in use stays
    }
    if (written == null || written.equals(trustListWritten)) {
      return;
    }
    trustListWritten = written; // looked at once per fetch, taken or not
    try {
      io.packtrail.v1.TrustList fresh = trustStore.load(Instant.now());
      verifier = new LabelVerifier(fresh);
      say("(trust list version " + fresh.getVersion() + " taken, fetched since this scan "
          + "started)");
    } catch (IOException | TrustListException e) {
      say("!! the trust list fetched since this scan started cannot be used (" + e.getMessage()
          + "); verifying against the one in use");
    }
  }

  /**
   * Shows the unit: from the server when it answers quickly, else from the cache. False when the
   * server answered that it does not know the unit.
   */
  private boolean show(String code) throws SQLException {
    Unit unit = null;
    List<Event> events = List.of();
    String from;
    if (Instant.now().isAfter(offlineUntil) && !courier.offline()) {
      try {
        unit = link.lookups().getUnit(code);
        events = link.lookups().listEvents(code);
        ws.cache.put(unit, events);
        from = "from the server";
      } catch (StatusRuntimeException e) {
        if (e.getStatus().getCode() == Status.Code.NOT_FOUND) {
          say("UNIT " + code + ": the server does not know this unit (the label is genuine); "
              + "nothing recorded: ask your supervisor");
          return false;
        }
        offlineUntil = Instant.now().plusSeconds(20); // do not wait for the server every scan
        from = "offline: " + Words.status(e);
      }
    } else {
      from = "offline";
    }
    if (unit == null) {
      Optional<UnitCache.Cached> cached = ws.cache.unit(code);
      if (cached.isEmpty()) {
        say("UNIT " + code + " (label valid; " + from + ", and this device has no copy of the "
            + "unit)");
        return true;
      }
      unit = cached.get().unit();
      events = ws.cache.events(code);
      from = from + "; as this device last saw it at " + UnitView.time(cached.get().fetchedAt());
    }
    say(UnitView.describe(unit, from, events, ws.outbox.unsentOf(code)));
    return true;
  }
}
