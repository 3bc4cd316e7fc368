package io.packtrail.scanner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.packtrail.client.label.render.LabelRenderer;
import io.packtrail.server.testing.Fixtures;
import io.packtrail.server.testing.ServerHarness;
import io.packtrail.v1.Event;
import io.packtrail.v1.RemovalReason;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A station worker's day against a real server over the network: labels typed by a handheld
 * scanner, photos, working offline, the app killed between save and send and in the middle of a
 * sync, forged labels and refused steps.
 */
class StationWorkflowTest {
  @RegisterExtension
  static final ServerHarness harness = ServerHarness.overNetty();

  @TempDir
  Path home;

  @TempDir
  Path dir;

  @BeforeAll
  static void network() {
    System.setProperty("java.awt.headless", "true");
    Fixtures.network(harness.client());
    harness.client().createLabelKey(Fixtures.MAKER, UUID.randomUUID().toString());
  }

  @BeforeEach
  void setUpDevice() {
    assertEquals(0, run("", "trust-list", "fetch").exit());
    assertEquals(0, run("", "config", "--save-site", Fixtures.STATION).exit());
  }

  record Run(int exit, String out) {}

  String server() {
    return "127.0.0.1:" + harness.port();
  }

  Run run(String stdin, String... args) {
    return runAt(server(), stdin, args);
  }

  /** The CLI in this JVM, as `java -jar packtrail-scanner.jar --server S --home H args`. */
  Run runAt(String server, String stdin, String... args) {
    List<String> all = new ArrayList<>(List.of("--server", server, "--home", home.toString()));
    all.addAll(List.of(args));
    PrintStream out = System.out;
    InputStream in = System.in;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
    System.setIn(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
    try {
      int exit = ScannerCli.commandLine().execute(all.toArray(String[]::new));
      return new Run(exit, captured.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(out);
      System.setIn(in);
    }
  }

  /** The CLI as a separate process (it may be killed), with JVM options. */
  Run child(String server, String stdin, List<String> jvm, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), "-Djava.awt.headless=true"));
    cmd.addAll(jvm);
    cmd.add(ScannerCli.class.getName());
    cmd.addAll(List.of("--server", server, "--home", home.toString()));
    cmd.addAll(List.of(args));
    Path out = Files.createTempFile(dir, "child", ".out");
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile())
        .start();
    p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
    p.getOutputStream().close();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("the scanner process did not end: " + Files.readString(out));
    }
    return new Run(p.exitValue(), Files.readString(out));
  }

  /** A port where no server listens: the server is "down". */
  static String deadServer() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return "127.0.0.1:" + s.getLocalPort();
    }
  }

  /** A pack taken out of its vehicle (REMOVED, ready to be collected) and its label's text. */
  static String[] removedPackWithLabel() {
    String code = Fixtures.registeredPack(harness.client());
    harness.client().recordEvent(Fixtures.sale(code));
    harness.client().recordEvent(Fixtures.removal(code, RemovalReason.REMOVAL_REASON_RETIREMENT));
    return new String[] {code, harness.client().issueLabel(code).getText()};
  }

  /** The steps of a kind the server holds for a unit. */
  static long stepsOnServer(String code, String step) {
    return harness.client().listEvents(code).stream()
        .filter(e -> UnitView.stepName(e).equals(step)).count();
  }

  long outboxCount(Outbox.Status status) throws Exception {
    try (LocalDb db = LocalDb.open(home)) {
      return new Outbox(db, StepSigner.NONE).count(status);
    }
  }

  @Test
  void labelsTypedByAHandheldScannerAreRecordedAndADoubleTriggerIsOneScan() {
    String[] a = removedPackWithLabel();
    String[] b = removedPackWithLabel();
    Run r = run(a[1] + "\n" + a[1] + "\n\n" + b[1] + "\n", "scan", "--step", "collect",
        "--note", "trade-in");
    assertEquals(ScannerCli.OK, r.exit(), r.out());
    assertTrue(r.out().contains("counted once"), r.out());
    assertTrue(r.out().contains("UNIT " + a[0]) && r.out().contains("REMOVED"), r.out());
    assertTrue(r.out().contains("2 step(s) saved: 2 recorded by the server"), r.out());
    assertEquals(1, stepsOnServer(a[0], "collection"));
    assertEquals(1, stepsOnServer(b[0], "collection"));
    Event collected = harness.client().listEvents(a[0]).get(3);
    assertEquals(Fixtures.STATION, collected.getActorSite());
    assertTrue(collected.getLabelSerial() != 0, "the scanned label went with the step");
  }

  @Test
  void withoutAStepTheUnitIsOnlyShown() throws Exception {
    String[] a = removedPackWithLabel();
    Run r = run(a[1] + "\n", "scan");
    assertEquals(ScannerCli.OK, r.exit(), r.out());
    assertTrue(r.out().contains("state      REMOVED") && r.out().contains("last step  #3 removal"),
        r.out());
    // from Unit.next_steps (the server's lifecycle table), in the scanner's words
    assertTrue(r.out().lines().anyMatch(l -> l.startsWith("  next ") && l.contains("--step collect")
        && !l.contains("--step inspect")), r.out());
    assertEquals(0, outboxCount(Outbox.Status.PENDING) + outboxCount(Outbox.Status.SENT));
  }

  @Test
  void aForgedLabelIsRefusedLoudlyAndNothingIsRecorded() throws Exception {
    String[] a = removedPackWithLabel();
    String text = a[1];
    String forged = text.substring(0, 20) + (text.charAt(20) == 'Z' ? 'Y' : 'Z')
        + text.substring(21);
    Run r = run(forged + "\n", "scan", "--step", "collect");
    assertEquals(ScannerCli.LABEL_REFUSED, r.exit(), r.out());
    assertTrue(r.out().contains("LABEL REFUSED") && r.out().contains("Nothing was recorded"),
        r.out());
    assertEquals(0, outboxCount(Outbox.Status.PENDING) + outboxCount(Outbox.Status.SENT));
    assertEquals(0, stepsOnServer(a[0], "collection"));
  }

  @Test
  void photosOfPrintedLabelsAreRecordedAndAPhotoWithoutACodeIsSaidPlainly() throws Exception {
    String[] a = removedPackWithLabel();
    Path png = dir.resolve("label.png");
    Files.write(png, LabelRenderer.png(a[1], a[0], 600));
    Path blank = dir.resolve("blank.png");
    ImageIO.write(new BufferedImage(200, 200, BufferedImage.TYPE_INT_RGB), "png",
        blank.toFile());
    Run r = run("", "scan", "--image", png.toString(), blank.toString(), "--step", "collect");
    assertEquals(ScannerCli.LABEL_REFUSED, r.exit(), r.out());
    assertTrue(r.out().contains("NO READABLE CODE in the photo " + blank), r.out());
    assertEquals(1, stepsOnServer(a[0], "collection"));
  }

  @Test
  void photosOfQrCodesMadeByQrencodeAreRead() throws Exception {
    requireTool("qrencode", "qrencode");
    String[] a = removedPackWithLabel();
    Path png = dir.resolve("qrencode.png");
    Process p = new ProcessBuilder("qrencode", "-o", png.toString(), "-s", "6", a[1])
        .redirectErrorStream(true).start();
    assertEquals(0, p.waitFor());
    Run r = run("", "scan", "--image", png.toString(), "--step", "collect");
    assertEquals(ScannerCli.OK, r.exit(), r.out());
    assertEquals(1, stepsOnServer(a[0], "collection"));
  }

  @Test
  void photosDroppedIntoAWatchedFolderAreRecorded() throws Exception {
    String[] a = removedPackWithLabel();
    Path inbox = Files.createDirectory(dir.resolve("inbox"));
    Files.write(inbox.resolve("IMG_0001.png"), LabelRenderer.png(a[1], a[0], 600));
    Run r = run("", "scan", "--watch", inbox.toString(), "--stop-after", "1", "--step",
        "collect");
    assertEquals(ScannerCli.OK, r.exit(), r.out());
    assertEquals(1, stepsOnServer(a[0], "collection"));
  }

  @Test
  void stepsRecordedOfflineAreSentBySync() throws Exception {
    String[] a = removedPackWithLabel();
    String down = deadServer();
    Run offline = runAt(down, a[1] + "\n", "scan", "--step", "collect");
    assertEquals(ScannerCli.SERVER, offline.exit(), offline.out());
    assertTrue(offline.out().contains("saved, will send when online"), offline.out());
    assertEquals(0, stepsOnServer(a[0], "collection"));

    Run status = runAt(down, "", "status");
    assertEquals(ScannerCli.SERVER, status.exit(), status.out());
    assertTrue(status.out().contains("1 waiting to be sent") && status.out().contains(a[0])
        && status.out().contains("valid until"), status.out());

    Run sync = run("", "sync");
    assertEquals(ScannerCli.OK, sync.exit(), sync.out());
    assertEquals(1, stepsOnServer(a[0], "collection"));
    Event collected = harness.client().listEvents(a[0]).get(3);
    assertTrue(collected.getEventTime().getSeconds() < collected.getRecordTime().getSeconds()
        + 1, "the event time is the scan time");
    assertEquals(ScannerCli.OK, run("", "sync").exit(), "nothing left");
    assertEquals(1, stepsOnServer(a[0], "collection"));
  }

  @Test
  void killedAfterSavingBeforeSendingLosesNothing() throws Exception {
    String[] a = removedPackWithLabel();
    Run killed = child(server(), a[1] + "\n",
        List.of("-D" + Faults.PROPERTY + "=" + Faults.AFTER_SAVE), "scan", "--step", "collect");
    assertEquals(99, killed.exit(), killed.out());
    assertEquals(1, outboxCount(Outbox.Status.PENDING));
    assertEquals(0, stepsOnServer(a[0], "collection"));

    Run sync = run("", "sync");
    assertEquals(ScannerCli.OK, sync.exit(), sync.out());
    assertEquals(1, stepsOnServer(a[0], "collection"));
  }

  @Test
  void killedInTheMiddleOfASyncRecordsNothingTwice() throws Exception {
    List<String[]> packs = new ArrayList<>();
    StringBuilder labels = new StringBuilder();
    for (int i = 0; i < 5; i++) {
      String[] p = removedPackWithLabel();
      packs.add(p);
      labels.append(p[1]).append('\n');
    }
    assertEquals(ScannerCli.SERVER,
        runAt(deadServer(), labels.toString(), "scan", "--step", "collect").exit());
    assertEquals(5, outboxCount(Outbox.Status.PENDING));

    // the server records the first batch, the app dies before it learns the answer
    Run killed = child(server(), "", List.of("-D" + Faults.PROPERTY + "=" + Faults.AFTER_SEND),
        "sync", "--batch-size", "2");
    assertEquals(99, killed.exit(), killed.out());
    assertEquals(5, outboxCount(Outbox.Status.PENDING), "the outbox never heard the answer");
    assertEquals(2, packs.stream().filter(p -> stepsOnServer(p[0], "collection") == 1).count());

    Run sync = run("", "sync", "--batch-size", "2");
    assertEquals(ScannerCli.OK, sync.exit(), sync.out());
    for (String[] p : packs) {
      assertEquals(1, stepsOnServer(p[0], "collection"), p[0]);
      assertEquals(4, harness.client().getUnit(p[0]).getEventCount(), p[0]);
    }
    assertEquals(5, outboxCount(Outbox.Status.SENT));
  }

  @Test
  void aRefusedStepIsKeptWithItsReasonUntilCorrectedOrDiscarded() throws Exception {
    String[] a = removedPackWithLabel();
    String[] b = removedPackWithLabel();
    // shipping packs not collected yet: refused by the server
    Run r = run(a[1] + "\n" + b[1] + "\n", "scan", "--step", "ship", "--to",
        Fixtures.PLANT, "--waybill", "WB-1");
    assertEquals(ScannerCli.REFUSED, r.exit(), r.out());
    assertTrue(r.out().contains("REFUSED by the server (FAILED_PRECONDITION)"), r.out());

    Run status = run("", "status");
    assertEquals(ScannerCli.REFUSED, status.exit(), status.out());
    assertTrue(status.out().contains("2 refused") && status.out().contains("reason: "
        + "FAILED_PRECONDITION") && status.out().contains("outbox discard 1"), status.out());
    assertEquals(ScannerCli.REFUSED, run("", "sync").exit(), "a refusal is kept, not resent");

    // the worker meant to collect a: corrected in place; b's step is dropped
    Run corrected = run("", "outbox", "correct", "1", "--step", "collect");
    assertEquals(ScannerCli.OK, corrected.exit(), corrected.out());
    assertEquals(1, stepsOnServer(a[0], "collection"));
    Run discarded = run("", "outbox", "discard", "2");
    assertEquals(ScannerCli.OK, discarded.exit(), discarded.out());
    assertEquals(ScannerCli.OK, run("", "status").exit());
    assertEquals(0, stepsOnServer(b[0], "shipment"));
    assertEquals(ScannerCli.SETUP, run("", "outbox", "discard", "3").exit(),
        "a step the server recorded cannot be discarded");
  }

  @Test
  void aUnitsLaterStepWaitsBehindItsRefusedStep() throws Exception {
    String[] a = removedPackWithLabel();
    String down = deadServer();
    // offline: a ship (refused later: the pack is not collected) then a collect of the same pack
    runAt(down, a[1] + "\n", "scan", "--step", "ship", "--to", Fixtures.PLANT,
        "--waybill", "WB-2");
    runAt(down, a[1] + "\n", "scan", "--step", "collect");
    Run sync = run("", "sync");
    assertEquals(ScannerCli.REFUSED, sync.exit(), sync.out());
    assertTrue(sync.out().contains("#2 collect " + a[0] + " waits"), sync.out());
    assertEquals(0, stepsOnServer(a[0], "collection"));
    run("", "outbox", "discard", "1");
    assertEquals(ScannerCli.OK, run("", "sync").exit());
    assertEquals(1, stepsOnServer(a[0], "collection"));
  }

  @Test
  void traceShowsTheTimelineAndChecksTheChainOnlineAndFromTheCacheOffline() throws Exception {
    String[] a = removedPackWithLabel();
    assertEquals(ScannerCli.OK, run(a[1] + "\n", "scan", "--step", "collect").exit());
    Run online = run("", "trace", a[0]);
    assertEquals(ScannerCli.OK, online.exit(), online.out());
    assertTrue(online.out().contains("registration") && online.out().contains("collection")
        && online.out().contains(Fixtures.STATION) && online.out().contains("hash chain OK: "
        + "4 events"), online.out());
    Run offline = runAt(deadServer(), "", "trace", a[0]);
    assertEquals(ScannerCli.OK, offline.exit(), offline.out());
    assertTrue(offline.out().startsWith("OFFLINE") && offline.out().contains("hash chain OK"),
        offline.out());
  }

  @Test
  void usageErrorsNameWhatIsMissingAndEveryCommandHasHelp() {
    Run noTo = run("", "scan", "--step", "ship");
    assertEquals(ScannerCli.SETUP, noTo.exit());
    for (List<String> command : List.<List<String>>of(List.of(), List.of("scan"), List.of("sync"),
        List.of("status"), List.of("trace"), List.of("config"), List.of("outbox"),
        List.of("outbox", "list"), List.of("outbox", "discard"), List.of("outbox", "correct"),
        List.of("label"), List.of("label", "print"), List.of("label", "verify"),
        List.of("trust-list"), List.of("trust-list", "fetch"))) {
      List<String> args = new ArrayList<>(command);
      args.add("--help");
      Run help = run("", args.toArray(String[]::new));
      assertEquals(0, help.exit(), String.join(" ", args));
      assertTrue(help.out().contains("Usage:"), help.out());
    }
    assertTrue(run("", "--help").out().contains("saved but not sent"));
  }

  /** As the SDK's QR interop tests: skipped without the tool unless CI requires it. */
  static void requireTool(String exe, String debianPackage) {
    for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      if (!d.isEmpty() && Files.isExecutable(Path.of(d, exe))) {
        return;
      }
    }
    String reason = exe + " is not on the PATH: install the Debian package " + debianPackage;
    if (Boolean.parseBoolean(System.getenv("PACKTRAIL_REQUIRE_QR_TOOLS"))) {
      throw new AssertionError(reason + "; PACKTRAIL_REQUIRE_QR_TOOLS=true makes it a failure");
    }
    System.err.println("SKIPPED: " + reason);
    assumeTrue(false, reason);
  }
}
