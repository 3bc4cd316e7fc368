package io.packtrail.scanner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.google.protobuf.ByteString;
import io.packtrail.client.device.DeviceKey;
import io.packtrail.client.device.DeviceSignatures;
import io.packtrail.client.label.render.LabelRenderer;
import io.packtrail.server.testing.Fixtures;
import io.packtrail.server.testing.ServerHarness;
import io.packtrail.v1.Device;
import io.packtrail.v1.DeviceStatus;
import io.packtrail.v1.Event;
import io.packtrail.v1.RecordEventRequest;
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
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
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
 * sync, forged labels and refused steps; the device's enrollment and signatures, refused by
 * the server when bad or from a retired device; a step that arrives three days late.
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

  /** The device the scanner under test is enrolled as (each test enrolls a new one). */
  String device;

  @BeforeEach
  void setUpDevice() {
    assertEquals(0, run("", "trust-list", "fetch").exit());
    assertEquals(0, run("", "config", "--save-site", Fixtures.STATION).exit());
    device = enroll(home, newDeviceId());
  }

  static String newDeviceId() {
    return "scanner-" + UUID.randomUUID().toString().substring(0, 8);
  }

  /** A one-time code of the station, as its organisation creates it through the API. */
  static String enrollmentCode() {
    return harness.client().createEnrollmentCode(Fixtures.STATION, UUID.randomUUID().toString())
        .getCode();
  }

  /** Enrolls the scanner under {@code home} as {@code deviceId} with a fresh code. */
  String enroll(Path home, String deviceId, String... more) {
    List<String> args = new ArrayList<>(List.of("enroll", "--code", enrollmentCode(),
        "--device-id", deviceId));
    args.addAll(List.of(more));
    Run r = runIn(home, server(), "", args.toArray(String[]::new));
    assertEquals(ScannerCli.OK, r.exit(), r.out());
    return Fixtures.STATION + "/devices/" + deviceId;
  }

  record Run(int exit, String out) {}

  String server() {
    return "127.0.0.1:" + harness.port();
  }

  Run run(String stdin, String... args) {
    return runAt(server(), stdin, args);
  }

  Run runAt(String server, String stdin, String... args) {
    return runIn(home, server, stdin, args);
  }

  /**
   * The CLI in this JVM, as `java -jar packtrail-scanner.jar --server S --home H args`; its
   * standard output and error together.
   */
  static Run runIn(Path home, String server, String stdin, String... args) {
    List<String> all = ScannerTls.options(harness, server, home);
    all.addAll(List.of(args));
    PrintStream out = System.out;
    PrintStream err = System.err;
    InputStream in = System.in;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    PrintStream both = new PrintStream(captured, true, StandardCharsets.UTF_8);
    System.setOut(both);
    System.setErr(both);
    System.setIn(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
    try {
      int exit = ScannerCli.commandLine().execute(all.toArray(String[]::new));
      return new Run(exit, captured.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(out);
      System.setErr(err);
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
    cmd.addAll(ScannerTls.options(harness, server, home));
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
    String code = Fixtures.registeredPack(harness.parties());
    var station = harness.parties().at(Fixtures.STATION);
    station.recordEvent(Fixtures.sale(code));
    station.recordEvent(Fixtures.removal(code, RemovalReason.REMOVAL_REASON_RETIREMENT));
    return new String[] {code, harness.parties().at(Fixtures.FACTORY).issueLabel(code)
        .getText()};
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
  void aRestartedWatchReadsOnlyThePhotosItHasNotRead() throws Exception {
    String[] a = removedPackWithLabel();
    String[] b = removedPackWithLabel();
    Path inbox = Files.createDirectory(dir.resolve("inbox-restarted"));
    Files.write(inbox.resolve("IMG_0001.png"), LabelRenderer.png(a[1], a[0], 600));
    Files.write(inbox.resolve("IMG_0002.png"), LabelRenderer.png(b[1], b[0], 600));
    // killed right after the first photo's step is saved, before it is sent
    Run killed = child(server(), "", List.of("-D" + Faults.PROPERTY + "=" + Faults.AFTER_SAVE),
        "scan", "--watch", inbox.toString(), "--stop-after", "1", "--step", "collect");
    assertEquals(99, killed.exit(), killed.out());
    assertEquals(1, outboxCount(Outbox.Status.PENDING));

    Run again = run("", "scan", "--watch", inbox.toString(), "--stop-after", "1", "--step",
        "collect");
    assertEquals(ScannerCli.OK, again.exit(), again.out());
    assertTrue(again.out().contains("photo IMG_0002.png") && !again.out().contains("IMG_0001"),
        again.out());
    assertEquals(ScannerCli.OK, run("", "sync").exit());
    assertEquals(1, stepsOnServer(a[0], "collection"), "the first photo's step, once");
    assertEquals(1, stepsOnServer(b[0], "collection"));
    assertEquals(0, outboxCount(Outbox.Status.REFUSED), "no second collection was tried");
  }

  @Test
  void aRefusalDiscardedDuringADeliveryDoesNotLetTheUnitsLaterStepOvertakeItsHeldOne()
      throws Exception {
    String[] x = removedPackWithLabel();
    String[] y = removedPackWithLabel();
    String down = deadServer();
    // saved offline, in this order: X collect (refused below, by hand), X collect, Y collect,
    // X ship (which the server takes only after X's collection)
    runAt(down, x[1] + "\n", "scan", "--step", "collect");
    runAt(down, x[1] + "\n", "scan", "--step", "collect");
    runAt(down, y[1] + "\n", "scan", "--step", "collect");
    runAt(down, x[1] + "\n", "scan", "--step", "ship", "--to", Fixtures.PLANT, "--waybill",
        "WB-ORDER");
    List<String> options = ScannerTls.options(harness, server(), home);
    options.add("sync");
    ScannerCli cli = ScannerCli.commandLine().parseArgs(options.toArray(String[]::new))
        .commandSpec().commandLine().getCommand();
    List<String> said = new ArrayList<>();
    try (Workspace ws = Workspace.open(cli); ServerLink link = cli.link()) {
      ws.outbox.markRefused(1, "FAILED_PRECONDITION", "an earlier refusal", null);
      // batches of one: X's held step, then Y's step in a batch of its own, then X's ship; the
      // worker discards the refusal as soon as the delivery says X waits
      ws.delivery(1).deliver(link.deliveries(), line -> {
        said.add(line);
        if (line.startsWith("#2 ") && line.contains("waits")) {
          try {
            ws.outbox.discard(1);
          } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
          }
        }
      });
    }
    assertEquals(1, stepsOnServer(y[0], "collection"), said.toString());
    assertEquals(0, stepsOnServer(x[0], "shipment"), "X's ship waits behind its collection: "
        + said);
    assertEquals(0, outboxCount(Outbox.Status.REFUSED), said.toString());
    assertEquals(ScannerCli.OK, run("", "sync").exit());
    assertEquals(1, stepsOnServer(x[0], "collection"));
    assertEquals(1, stepsOnServer(x[0], "shipment"), "then both, in their order");
  }

  /** A sync's workspace and link on this test's home, as the command line would open them. */
  private interface WorkspaceWork<T> {
    T run(Workspace ws, ServerLink link) throws Exception;
  }

  private <T> T withWorkspace(WorkspaceWork<T> work) throws Exception {
    List<String> options = ScannerTls.options(harness, server(), home);
    options.add("sync");
    ScannerCli cli = ScannerCli.commandLine().parseArgs(options.toArray(String[]::new))
        .commandSpec().commandLine().getCommand();
    try (Workspace ws = Workspace.open(cli); ServerLink link = cli.link()) {
      return work.run(ws, link);
    }
  }

  @Test
  void aStepOfAUnitThatAnEarlierRefusedStepNamesWaitsBehindIt() throws Exception {
    String[] x = removedPackWithLabel();
    String[] y = removedPackWithLabel();
    // a dismantling of X naming Y among its children (refused: a pack is no child of a pack),
    // then Y's collection: Y's step must not go before the step that names it
    List<String> said = new ArrayList<>();
    withWorkspace((ws, link) -> {
      ws.outbox.save("dismantle", Fixtures.dismantling(x[0], Fixtures.STATION, 20,
          Fixtures.child(y[0], 360)));
      ws.outbox.save("collect", Fixtures.collection(y[0]));
      return ws.delivery(200).deliver(link.deliveries(), said::add);
    });
    assertEquals(1, outboxCount(Outbox.Status.REFUSED), said.toString());
    assertEquals(0, stepsOnServer(y[0], "collection"), said.toString());
    assertTrue(said.stream().anyMatch(l -> l.startsWith("#2 ") && l.contains("waits: an "
        + "earlier step of this unit was refused")), said.toString());
    Run held = run("", "sync");
    assertEquals(ScannerCli.REFUSED, held.exit(), held.out());
    assertEquals(0, stepsOnServer(y[0], "collection"), held.out());
  }

  @Test
  void aStepTheServerCannotStoreWaitsWithItsUnitAndOtherUnitsGoOn() throws Exception {
    String[] a = removedPackWithLabel();
    String[] b = removedPackWithLabel();
    String down = deadServer();
    runAt(down, a[1] + "\n", "scan", "--step", "collect");
    runAt(down, a[1] + "\n", "scan", "--step", "ship", "--to", Fixtures.PLANT, "--waybill",
        "WB-I1");
    runAt(down, b[1] + "\n", "scan", "--step", "collect");
    // the server's database refuses A's events for a reason of its own (a fault: INTERNAL)
    harness.jdbi().useHandle(h -> h.execute(String.format("""
        CREATE FUNCTION refuse_a() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF NEW.unit_code = '%s' THEN
            RAISE EXCEPTION 'refused by the test' USING ERRCODE = '23514';
          END IF;
          RETURN NEW;
        END $$;
        CREATE TRIGGER refuse_a BEFORE INSERT ON event FOR EACH ROW EXECUTE FUNCTION refuse_a();
        """, a[0])));
    Run first;
    try {
      first = run("", "sync");
    } finally {
      harness.jdbi().useHandle(h -> h.execute(
          "DROP TRIGGER refuse_a ON event; DROP FUNCTION refuse_a()"));
    }
    assertEquals(1, stepsOnServer(b[0], "collection"), "B goes on: " + first.out());
    assertEquals(0, stepsOnServer(a[0], "collection"), first.out());
    assertEquals(ScannerCli.SERVER, first.exit(), first.out());
    assertTrue(first.out().contains("waits: the server could not store it (INTERNAL")
        && first.out().contains("the server could not store some"), first.out());
    assertEquals(0, outboxCount(Outbox.Status.REFUSED), "nothing refused: " + first.out());
    syncSendsTheCollectionThenTheShipment(a[0]);
  }

  /** A sync now sends what waited of {@code unit}: its collection, then its shipment. */
  private void syncSendsTheCollectionThenTheShipment(String unit) {
    Run then = run("", "sync");
    assertEquals(ScannerCli.OK, then.exit(), then.out());
    assertEquals(1, stepsOnServer(unit, "collection"));
    assertEquals(1, stepsOnServer(unit, "shipment"), "then both, in their order");
  }

  @Test
  void aCorrectionSavedDuringADeliveryIsNotOvertakenByItsUnitsLaterStep() throws Exception {
    String[] x = removedPackWithLabel();
    List<String[]> others = List.of(removedPackWithLabel(), removedPackWithLabel(),
        removedPackWithLabel());
    String down = deadServer();
    // #1 X ship (refused below, by hand: X is not collected yet), #2-#4 other packs' collections,
    // #5 X ship again: beyond the first round's reach with batches of one
    runAt(down, x[1] + "\n", "scan", "--step", "ship", "--to", Fixtures.PLANT, "--waybill",
        "WB-C1");
    for (String[] o : others) {
      runAt(down, o[1] + "\n", "scan", "--step", "collect");
    }
    runAt(down, x[1] + "\n", "scan", "--step", "ship", "--to", Fixtures.PLANT, "--waybill",
        "WB-C1");
    List<String> said = new ArrayList<>();
    withWorkspace((ws, link) -> {
      ws.outbox.markRefused(1, "FAILED_PRECONDITION", "not collected yet", null);
      // while #2 is out, the worker corrects the refused ship into X's collection, which
      // takes its place, behind the pass's place: X's ship #5 must still wait for it
      return ws.delivery(1).deliver(link.deliveries(), line -> {
        said.add(line);
        if (line.startsWith("#2 sent")) {
          try {
            ws.outbox.saveCorrection(1, "collect", Fixtures.collection(x[0]));
          } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
          }
        }
      });
    });
    for (String[] o : others) {
      assertEquals(1, stepsOnServer(o[0], "collection"), said.toString());
    }
    assertEquals(0, stepsOnServer(x[0], "shipment"), "X's ship waits behind its collection: "
        + said);
    assertEquals(0, outboxCount(Outbox.Status.REFUSED), said.toString());
    syncSendsTheCollectionThenTheShipment(x[0]);
  }

  @Test
  void aRunningScanTakesATrustListFetchedMeanwhile() throws Exception {
    String[] a = removedPackWithLabel();
    String[] b = removedPackWithLabel();
    assertEquals(0, run("", "trust-list", "fetch").exit()); // both labels valid in it
    Path inbox = Files.createDirectory(dir.resolve("inbox-trust"));
    List<String> cmd = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), "-Djava.awt.headless=true",
        ScannerCli.class.getName()));
    cmd.addAll(ScannerTls.options(harness, server(), home));
    cmd.addAll(List.of("scan", "--watch", inbox.toString(), "--stop-after", "2", "--step",
        "collect"));
    Path out = Files.createTempFile(dir, "scan", ".out");
    Process scan = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(out.toFile()).start();
    try {
      Files.write(inbox.resolve("IMG_0001.png"), LabelRenderer.png(a[1], a[0], 600));
      for (int i = 0; i < 600 && !Files.readString(out).contains("SAVED #"); i++) {
        TimeUnit.MILLISECONDS.sleep(100);
      }
      assertTrue(Files.readString(out).contains("SAVED #"), Files.readString(out));
      // b's label is revoked, and a fresh list fetched while the scan runs
      long serial = io.packtrail.client.label.LabelCodec.decodeWithPayload(b[1]).payload()
          .getSerial();
      harness.parties().at(Fixtures.FACTORY).revokeLabel(serial);
      assertEquals(0, run("", "trust-list", "fetch").exit());
      Files.write(inbox.resolve("IMG_0002.png"), LabelRenderer.png(b[1], b[0], 600));
      assertTrue(scan.waitFor(60, TimeUnit.SECONDS), Files.readString(out));
    } finally {
      scan.destroyForcibly();
    }
    String printed = Files.readString(out);
    // before, the scan verified against the list it started with: b's step was saved, sent,
    // and refused by the server (exit 1)
    assertEquals(ScannerCli.LABEL_REFUSED, scan.exitValue(), printed);
    assertTrue(printed.contains("trust list version") && printed.contains("REVOKED"), printed);
    assertEquals(0, stepsOnServer(b[0], "collection"));
  }

  @Test
  void anEnrollmentAtAMalformedSiteIsAUsageErrorNamingTheSite() throws Exception {
    Path fresh = Files.createDirectory(dir.resolve("home-bad-site"));
    Run bad = runIn(fresh, server(), "", "enroll", "--code", "AAAA-BBBB-CCCC-DDDD",
        "--device-id", newDeviceId(), "--site", "organizations/lanzhou-demo-station");
    // before: "error: Index 5 out of bounds for length 4"
    assertEquals(ScannerCli.SETUP, bad.exit(), bad.out());
    assertTrue(bad.out().contains("the site must be a site's name, organizations/ORG/sites/SITE")
        && bad.out().contains("'organizations/lanzhou-demo-station'"), bad.out());
  }

  @Test
  void aCallTheServerRefusesIsARefusalNotNetworkTrouble() {
    // a unit the station is no party of (registered by its maker only): its history is not
    // the station's to export
    String other = Fixtures.registeredPack(harness.parties());
    Run refused = run("", "export", other, "--format", "csv", "--out",
        dir.resolve("other.csv").toString());
    assertEquals(ScannerCli.REFUSED, refused.exit(), refused.out());
    assertTrue(refused.out().contains("refused by the server") && !refused.out().contains(
        "check --server"), refused.out());
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
  void aBatchTheServerRefusesWholeIsARefusalNotOfflineAndItsStepsStaySaved() throws Exception {
    String[] a = removedPackWithLabel();
    // the device's step, sent with a certificate that may not record steps at all (an
    // auditor's): the server refuses the whole call, PERMISSION_DENIED, before any step
    List<String> auditor = ScannerTls.auditor(harness);
    List<String> scan = new ArrayList<>(auditor);
    scan.addAll(List.of("scan", "--step", "collect"));
    Run scanned = run(a[1] + "\n", scan.toArray(String[]::new));
    assertEquals(ScannerCli.REFUSED, scanned.exit(), scanned.out());
    assertTrue(scanned.out().contains("the server refused the batch (PERMISSION_DENIED")
        && scanned.out().contains("stay saved") && !scanned.out().contains("when online"),
        scanned.out());
    List<String> sync = new ArrayList<>(auditor);
    sync.add("sync");
    Run refused = run("", sync.toArray(String[]::new));
    assertEquals(ScannerCli.REFUSED, refused.exit(), refused.out());
    assertTrue(refused.out().contains("the server refused the batch (PERMISSION_DENIED")
        && !refused.out().contains("when online"), refused.out());
    assertEquals(1, outboxCount(Outbox.Status.PENDING), "kept, not marked refused");
    assertEquals(0, stepsOnServer(a[0], "collection"));

    Run sent = run("", "sync"); // with the device's own certificate
    assertEquals(ScannerCli.OK, sent.exit(), sent.out());
    assertEquals(1, stepsOnServer(a[0], "collection"));
  }

  /**
   * Steps sent with a certificate of another site (the device moved, or another site's worker
   * certificate set in the environment) are refused each for who sent them, not for what they
   * say: they stay waiting, not REFUSED for good (which left only 'discard'), and go out with
   * the device's own certificate.
   */
  @Test
  void aStepRefusedForWhoSentItWaitsForTheRightCertificate() throws Exception {
    String[] a = removedPackWithLabel();
    Run offline = runAt(deadServer(), a[1] + "\n", "scan", "--step", "collect");
    assertEquals(ScannerCli.SERVER, offline.exit(), offline.out());
    io.packtrail.server.testing.Credentials.Files plant = ScannerTls.worker(harness,
        Fixtures.PLANT);
    Run wrong = run("", "--cert", plant.certificate().toString(), "--key",
        plant.key().toString(), "sync");
    assertEquals(ScannerCli.REFUSED, wrong.exit(), wrong.out());
    assertTrue(wrong.out().contains("refused steps for who sent them, not for what they say "
        + "(PERMISSION_DENIED") && !wrong.out().contains("REFUSED by the server"), wrong.out());
    assertEquals(1, outboxCount(Outbox.Status.PENDING), "kept waiting");
    assertEquals(0, outboxCount(Outbox.Status.REFUSED), "not refused for good");
    assertEquals(0, stepsOnServer(a[0], "collection"));

    Run sent = run("", "sync"); // with the device's own certificate
    assertEquals(ScannerCli.OK, sent.exit(), sent.out());
    assertEquals(1, stepsOnServer(a[0], "collection"));
  }

  /**
   * A step refused for who sent it holds its own unit only: another unit's step behind it goes
   * out in the same sync. (A first version ended the pass there, and as the refused step stays
   * first in the outbox, nothing behind it was ever sent again.)
   */
  @Test
  void aStepRefusedForWhoSentItHoldsOnlyItsUnit() throws Exception {
    String[] a = removedPackWithLabel();
    String[] b = removedPackWithLabel();
    String down = deadServer();
    // unit A's two steps, scanned at the station before the device moved
    assertEquals(ScannerCli.SERVER, runAt(down, a[1] + "\n", "scan", "--step", "collect")
        .exit());
    assertEquals(ScannerCli.SERVER, runAt(down, a[1] + "\n", "scan", "--step", "collect")
        .exit());
    // the device moves to the plant: enrolled there under a new id, with a plant worker's
    // certificate and a code of the plant
    io.packtrail.server.testing.Credentials.Files plant = ScannerTls.worker(harness,
        Fixtures.PLANT);
    String code = harness.client().createEnrollmentCode(Fixtures.PLANT,
        UUID.randomUUID().toString()).getCode();
    Run moved = run("", "--cert", plant.certificate().toString(), "--key",
        plant.key().toString(), "--site", Fixtures.PLANT, "enroll", "--code", code,
        "--device-id", newDeviceId(), "--force");
    assertEquals(ScannerCli.OK, moved.exit(), moved.out());
    // unit B's step, scanned at the plant
    assertEquals(ScannerCli.SERVER, runAt(down, b[1] + "\n", "--site", Fixtures.PLANT, "scan",
        "--step", "collect").exit());
    Run sync = run("", "--site", Fixtures.PLANT, "sync");
    assertEquals(ScannerCli.REFUSED, sync.exit(), sync.out());
    assertTrue(sync.out().contains("waits: the server refused it for who sent it, not for "
        + "what it says (PERMISSION_DENIED"), sync.out());
    assertEquals(1, stepsOnServer(b[0], "collection"), "the other unit's step went out");
    assertEquals(0, stepsOnServer(a[0], "collection"));
    assertEquals(2, outboxCount(Outbox.Status.PENDING), "unit A's two steps wait");
    assertEquals(0, outboxCount(Outbox.Status.REFUSED));
  }

  /**
   * A certificate the server refuses at the TLS handshake (expired, or another CA's) is said to
   * be that, with what to do: before, it came as UNAVAILABLE and the scanner said "saved, will
   * send when online" for ever.
   */
  @Test
  void anExpiredCertificateIsSaidToBeOneNotOffline() throws Exception {
    String[] a = removedPackWithLabel();
    java.security.KeyPair keys = io.packtrail.client.tls.TlsKeys.generate();
    io.packtrail.server.domain.IssuedCertificate old = harness.ca().withClock(
        java.time.Clock.fixed(Instant.now().minus(Duration.ofDays(730)),
            java.time.ZoneOffset.UTC)).issue(new io.packtrail.server.domain.Principal(
                io.packtrail.server.domain.Principal.Kind.WORKER, Fixtures.DEALER,
                Fixtures.STATION, null, null), "expired", keys.getPublic(), Duration.ofDays(30));
    io.packtrail.server.testing.Credentials.Files expired =
        new io.packtrail.server.testing.Credentials(old, keys.getPrivate(), harness.caPem())
            .write(Files.createTempDirectory(dir, "expired"), "expired");
    List<String> withExpired = List.of("--cert", expired.certificate().toString(), "--key",
        expired.key().toString());
    List<String> scan = new ArrayList<>(withExpired);
    scan.addAll(List.of("scan", "--step", "collect"));
    Run scanned = run(a[1] + "\n", scan.toArray(String[]::new));
    assertEquals(ScannerCli.SERVER, scanned.exit(), scanned.out());
    assertTrue(scanned.out().contains("refused this device's certificate at the TLS handshake")
        && scanned.out().contains("enroll again") && !scanned.out().contains("when online"),
        scanned.out());
    List<String> sync = new ArrayList<>(withExpired);
    sync.add("sync");
    Run refused = run("", sync.toArray(String[]::new));
    assertEquals(ScannerCli.SERVER, refused.exit(), refused.out());
    assertTrue(refused.out().contains("at the TLS handshake"), refused.out());
    assertEquals(1, outboxCount(Outbox.Status.PENDING), "kept");

    Run sent = run("", "sync");
    assertEquals(ScannerCli.OK, sent.exit(), sent.out());
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
    assertTrue(online.out().contains("#4 signed by " + device + ": verified"), online.out());
    assertTrue(online.out().contains("3 event(s) not signed by a device"), online.out());
    Run offline = runAt(deadServer(), "", "trace", a[0]);
    assertEquals(ScannerCli.OK, offline.exit(), offline.out());
    assertTrue(offline.out().startsWith("OFFLINE") && offline.out().contains("hash chain OK"),
        offline.out());
    assertTrue(offline.out().contains("#4 signed by " + device + ": verified"),
        "the device's key was kept for offline use: " + offline.out());

    // without the kept key, offline, the signature cannot be checked and says so
    try (LocalDb db = LocalDb.open(home)) {
      db.read(c -> c.createStatement().executeUpdate("DELETE FROM devices"));
    }
    Run noKey = runAt(deadServer(), "", "trace", a[0]);
    assertEquals(ScannerCli.OK, noKey.exit(), noKey.out());
    assertTrue(noKey.out().contains("#4 signed by " + device + ": key unknown offline"),
        noKey.out());
  }

  @Test
  void anOfflineTraceOfAHistoryWithAGapOnThisDeviceSaysIncompleteNotTampered() throws Exception {
    String[] a = removedPackWithLabel();
    assertEquals(ScannerCli.OK, run("", "trace", a[0]).exit()); // cached: events 1 to 3
    // another station collects the pack (event 4) while this device is offline; this device's
    // shipment, saved offline, becomes event 5 and its sync caches only that event
    harness.parties().at(Fixtures.STATION).recordEvent(Fixtures.collection(a[0]));
    String down = deadServer();
    runAt(down, a[1] + "\n", "scan", "--step", "ship", "--to", Fixtures.PLANT, "--waybill",
        "WB-GAP");
    assertEquals(ScannerCli.OK, run("", "sync").exit());
    assertEquals(1, stepsOnServer(a[0], "shipment"));

    Run offline = runAt(down, "", "trace", a[0]);
    assertEquals(ScannerCli.SERVER, offline.exit(), offline.out());
    assertTrue(offline.out().contains("HISTORY INCOMPLETE ON THIS DEVICE: event 4 is not in "
        + "its cache") && offline.out().contains("hash chain OK: ")
        && !offline.out().contains("BROKEN"), offline.out());
    Run online = run("", "trace", a[0]);
    assertEquals(ScannerCli.OK, online.exit(), online.out());
    assertTrue(online.out().contains("hash chain OK: 5 events"), online.out());
  }

  @Test
  void traceSaysLoudlyWhenAStoredDeviceSignatureDoesNotVerify() throws Exception {
    String[] a = removedPackWithLabel();
    assertEquals(ScannerCli.OK, run(a[1] + "\n", "scan", "--step", "collect").exit());
    assertEquals(ScannerCli.OK, runAt(server(), "", "trace", a[0]).exit());
    // the cached event's device.signature altered (its hash chain is then broken too: the
    // signature is in the hashed bytes); the signature check says so on its own
    try (LocalDb db = LocalDb.open(home)) {
      UnitCache cache = new UnitCache(db);
      Event e = cache.events(a[0]).get(3);
      byte[] canonical = e.getCanonicalBytes().toByteArray();
      String text = new String(canonical, StandardCharsets.ISO_8859_1);
      int at = text.indexOf(bytesHex(e.getDeviceSignature().toByteArray()));
      assertTrue(at > 0, "the canonical bytes hold the signature in hex");
      canonical[at] = (byte) (canonical[at] == '0' ? '1' : '0');
      cache.putEvents(List.of(e.toBuilder()
          .setCanonicalBytes(com.google.protobuf.ByteString.copyFrom(canonical)).build()));
    }
    Run offline = runAt(deadServer(), "", "trace", a[0]);
    assertEquals(ScannerCli.REFUSED, offline.exit(), offline.out());
    assertTrue(offline.out().contains("#4 !! signed by " + device + ": DOES NOT VERIFY"),
        offline.out());
  }

  static String bytesHex(byte[] b) {
    return java.util.HexFormat.of().formatHex(b);
  }

  // ---- device identity (issue 8, part 5) ----

  @Test
  void enrollmentKeepsTheKeyOwnerOnlyAndAUsedCodeIsRefusedWithWords() throws Exception {
    Run status = run("", "status");
    assertTrue(status.out().contains("device  " + device + " (enrolled at " + Fixtures.STATION
        + ")"), status.out());
    Path key = DeviceIdentity.keyFile(home, device);
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(key)));
    Device enrolled = harness.client().getDevice(device);
    assertEquals(DeviceStatus.DEVICE_STATUS_ACTIVE, enrolled.getStatus());
    assertEquals(ByteString.copyFrom(DeviceKey.load(key).publicKey()), enrolled.getPublicKey());
    // enrolling got the device its own certificate (its TLS key beside the signing key, owner
    // only), and the scanner calls as the device from now on
    Path tlsKey = DeviceIdentity.tlsKeyFile(home, device);
    assertEquals("rw-------", PosixFilePermissions.toString(
        Files.getPosixFilePermissions(tlsKey)));
    assertTrue(status.out().contains("certificate " + DeviceIdentity.certificateFile(home,
        device).toAbsolutePath() + " (device:" + device + ", valid until"), status.out());
    assertTrue(new io.packtrail.server.pki.IssuedCertificates(harness.jdbi(),
            java.time.Clock.systemUTC()).list().stream()
        .anyMatch(c -> c.principal() != null && device.equals(c.principal().device())),
        "the deployment recorded the device's certificate");

    // the worker's certificate saved again (renewed, say): for 'enroll' only; the device's
    // calls keep its own, so that retiring the device still cuts them off
    var worker = ScannerTls.worker(harness);
    Run saved = run("", "config", "--save-cert", worker.certificate().toString(), "--save-key",
        worker.key().toString());
    assertEquals(ScannerCli.OK, saved.exit(), saved.out());
    java.util.Properties config = new java.util.Properties();
    try (InputStream in = Files.newInputStream(home.resolve(ScannerCli.CONFIG_FILE))) {
      config.load(in);
    }
    assertEquals(DeviceIdentity.certificateFile(home, device).toAbsolutePath().toString(),
        config.getProperty(ScannerCli.CERT), saved.out());
    assertEquals(worker.certificate().toAbsolutePath().normalize().toString(),
        config.getProperty(ScannerCli.ENROLL_CERT));

    // enrolled already: refused unless --force, saying why
    Run again = run("", "enroll", "--code", enrollmentCode(), "--device-id", newDeviceId());
    assertEquals(ScannerCli.SETUP, again.exit(), again.out());
    assertTrue(again.out().contains("enrolled already as " + device)
        && again.out().contains("--force"), again.out());

    // another scanner with a code used already, then with a code nobody created
    Path other = Files.createDirectory(dir.resolve("other-scanner"));
    runIn(other, server(), "", "config", "--save-site", Fixtures.STATION);
    String code = enrollmentCode();
    Path third = Files.createDirectory(dir.resolve("third-scanner"));
    runIn(third, server(), "", "config", "--save-site", Fixtures.STATION);
    assertEquals(ScannerCli.OK, runIn(third, server(), "", "enroll", "--code", code,
        "--device-id", newDeviceId()).exit());
    Run used = runIn(other, server(), "", "enroll", "--code", code, "--device-id",
        newDeviceId());
    assertEquals(ScannerCli.REFUSED, used.exit(), used.out());
    assertTrue(used.out().contains("ENROLLMENT REFUSED: this code was used already: a code "
        + "enrolls one device; ask your site's organisation for a new one"), used.out());
    Run unknown = runIn(other, server(), "", "enroll", "--code", "AAAA-BBBB-CCCC-DDDD",
        "--device-id", newDeviceId());
    assertEquals(ScannerCli.REFUSED, unknown.exit(), unknown.out());
    assertTrue(unknown.out().contains("does not know this code"), unknown.out());
    String plantCode = harness.client().createEnrollmentCode(Fixtures.PLANT,
        UUID.randomUUID().toString()).getCode();
    Run otherSite = runIn(other, server(), "", "enroll", "--code", plantCode, "--device-id",
        newDeviceId());
    assertEquals(ScannerCli.REFUSED, otherSite.exit(), otherSite.out());
    assertTrue(otherSite.out().contains("this code was made for another site than "
        + Fixtures.STATION), otherSite.out());
    assertTrue(runIn(other, server(), "", "status").out().contains("device  not enrolled"));

    // enrollment needs the network: offline nothing changes, and it says so
    Run offline = runIn(other, deadServer(), "", "enroll", "--code", enrollmentCode(),
        "--device-id", newDeviceId());
    assertEquals(ScannerCli.SERVER, offline.exit(), offline.out());
    assertTrue(offline.out().contains("enrollment needs the network"), offline.out());
  }

  @Test
  void withoutEnrollmentNoStepIsRecordedButUnitsTraceAndStatusWork() throws Exception {
    String[] a = removedPackWithLabel();
    Path fresh = Files.createDirectory(dir.resolve("fresh-scanner"));
    assertEquals(0, runIn(fresh, server(), "", "trust-list", "fetch").exit());
    assertEquals(0, runIn(fresh, server(), "", "config", "--save-site", Fixtures.STATION)
        .exit());
    Run step = runIn(fresh, server(), a[1] + "\n", "scan", "--step", "collect");
    assertEquals(ScannerCli.SETUP, step.exit(), step.out());
    assertTrue(step.out().contains("enroll this device first: 'packtrail-scanner enroll "
        + "--code CODE'"), step.out());
    Run look = runIn(fresh, server(), a[1] + "\n", "scan");
    assertEquals(ScannerCli.OK, look.exit(), look.out());
    assertTrue(look.out().contains("UNIT " + a[0]), look.out());
    assertEquals(ScannerCli.OK, runIn(fresh, server(), "", "trace", a[0]).exit());
    Run status = runIn(fresh, server(), "", "status");
    assertEquals(ScannerCli.OK, status.exit(), status.out());
    assertTrue(status.out().contains("device  not enrolled"), status.out());
    assertEquals(0, stepsOnServer(a[0], "collection"));
  }

  @Test
  void everyRecordedStepCarriesTheDeviceAndTheSignatureTheServerStored() throws Exception {
    String[] a = removedPackWithLabel();
    assertEquals(ScannerCli.SERVER,
        runAt(deadServer(), a[1] + "\n", "scan", "--step", "collect").exit());
    Outbox.Entry saved;
    try (LocalDb db = LocalDb.open(home)) {
      saved = new Outbox(db, StepSigner.NONE).find(1).orElseThrow();
    }
    assertEquals(device, saved.request().getDevice(), "signed before it was stored");
    assertEquals(ScannerCli.OK, run("", "sync").exit());
    Event collected = harness.client().listEvents(a[0]).get(3);
    assertEquals("collection", UnitView.stepName(collected));
    assertEquals(device, collected.getDevice());
    assertEquals(saved.request().getDeviceSignature(), collected.getDeviceSignature(),
        "the stored request was sent unchanged");
    assertTrue(DeviceSignatures.verify(saved.request(),
        harness.client().getDevice(device).getPublicKey().toByteArray()));
  }

  @Test
  void aBadDeviceSignatureIsRefusedByTheServerAndTheStepKeptWithItsReason() throws Exception {
    String[] a = removedPackWithLabel();
    assertEquals(ScannerCli.SERVER,
        runAt(deadServer(), a[1] + "\n", "scan", "--step", "collect").exit());
    // the saved step's signature damaged on disk (one bit), before it is sent
    try (LocalDb db = LocalDb.open(home)) {
      RecordEventRequest r = new Outbox(db, StepSigner.NONE).find(1).orElseThrow().request();
      byte[] signature = r.getDeviceSignature().toByteArray();
      signature[10] ^= 1;
      byte[] damaged = r.toBuilder().setDeviceSignature(ByteString.copyFrom(signature)).build()
          .toByteArray();
      db.read(c -> {
        try (var p = c.prepareStatement("UPDATE steps SET request = ? WHERE id = 1")) {
          p.setBytes(1, damaged);
          return p.executeUpdate();
        }
      });
    }
    Run sync = run("", "sync");
    assertEquals(ScannerCli.REFUSED, sync.exit(), sync.out());
    assertTrue(sync.out().contains("REFUSED by the server (INVALID_ARGUMENT)")
        && sync.out().contains("device_signature"), sync.out());
    assertEquals(0, stepsOnServer(a[0], "collection"));
    Run status = run("", "status");
    assertEquals(ScannerCli.REFUSED, status.exit(), status.out());
    assertTrue(status.out().contains("1 refused") && status.out().contains("does not verify on "
        + "the server") && status.out().contains("'outbox correct 1' then signs the same step "
        + "again"), status.out());

    // re-signed under a new event id by the device's key: recorded
    Run corrected = run("", "outbox", "correct", "1");
    assertEquals(ScannerCli.OK, corrected.exit(), corrected.out());
    assertEquals(1, stepsOnServer(a[0], "collection"));
    assertEquals(device, harness.client().listEvents(a[0]).get(3).getDevice());
  }

  @Test
  void aRetiredDevicesStepIsRefusedAndKeptUntilReEnrolledAndCorrected() throws Exception {
    String[] a = removedPackWithLabel();
    harness.client().retireDevice(device);
    // retiring the device revoked its certificate: the server takes nothing from it, the step
    // waits in the outbox, and the worker is told to enroll again
    ScannerTls.awaitRefused(harness, home);
    Run r = run(a[1] + "\n", "scan", "--step", "collect");
    assertEquals(ScannerCli.SERVER, r.exit(), r.out());
    assertTrue(r.out().contains("the server does not accept this device's certificate")
        && r.out().contains("(device retired)") && r.out().contains("--force"), r.out());
    assertEquals(0, stepsOnServer(a[0], "collection"));

    // enrolling again calls with the worker's certificate; the step the retired device signed
    // is then refused for its device and kept
    String again = enroll(home, newDeviceId(), "--force");
    assertTrue(run("", "status").out().contains("device  " + again), "the new identity");
    Run sync = run("", "sync");
    assertEquals(ScannerCli.REFUSED, sync.exit(), sync.out());
    assertTrue(sync.out().contains("REFUSED by the server (FAILED_PRECONDITION)")
        && sync.out().contains("was retired") && sync.out().contains("enroll again under a new "
        + "device id"), sync.out());
    assertEquals(0, stepsOnServer(a[0], "collection"));
    assertEquals(ScannerCli.REFUSED, run("", "sync").exit(), "kept, not resent");
    Run status = run("", "status");
    assertTrue(status.out().contains("reason: FAILED_PRECONDITION")
        && status.out().contains("this device was retired by your organisation"),
        status.out());

    Run corrected = run("", "outbox", "correct", "1");
    assertEquals(ScannerCli.OK, corrected.exit(), corrected.out());
    assertEquals(1, stepsOnServer(a[0], "collection"));
    assertEquals(again, harness.client().listEvents(a[0]).get(3).getDevice());
  }

  // ---- offline rules (issue 8, part 4) ----

  @Test
  void aStepScannedThreeDaysEarlierIsAcceptedWithItsScanTime() throws Exception {
    String[] a = removedPackWithLabel();
    Instant before = Instant.now().minus(Duration.ofDays(3));
    collectedOfflineWithTheClockOff(a[1], "-P3D");
    Instant after = Instant.now().minus(Duration.ofDays(3));
    Run sync = run("", "sync");
    assertEquals(ScannerCli.OK, sync.exit(), sync.out());
    Event late = harness.client().listEvents(a[0]).get(3);
    assertEquals("collection", UnitView.stepName(late));
    Instant eventTime = Instant.ofEpochSecond(late.getEventTime().getSeconds(),
        late.getEventTime().getNanos());
    assertTrue(!eventTime.isBefore(before.truncatedTo(java.time.temporal.ChronoUnit.MILLIS))
        && !eventTime.isAfter(after), eventTime + " is the scan time, three days ago");
    assertTrue(late.getRecordTime().getSeconds() - late.getEventTime().getSeconds()
        >= Duration.ofDays(3).toSeconds() - 60, "recorded now, three days after the scan");
    // dated before the unit's earlier steps (recorded today): kept, and the unit flagged
    assertTrue(harness.client().getUnit(a[0]).getAnomaliesList().stream()
        .anyMatch(x -> x.getKind().equals("TIME_ORDER")));
  }

  /** Scans {@code label} for a collection offline, this device's clock off by {@code offset}. */
  private void collectedOfflineWithTheClockOff(String label, String offset) throws Exception {
    System.setProperty(ScanClock.PROPERTY, offset);
    try {
      assertEquals(ScannerCli.SERVER,
          runAt(deadServer(), label + "\n", "scan", "--step", "collect").exit());
    } finally {
      System.clearProperty(ScanClock.PROPERTY);
    }
  }

  @Test
  void aStepScannedWithTheClockADayAheadIsCorrectedToNow() throws Exception {
    String[] a = removedPackWithLabel();
    collectedOfflineWithTheClockOff(a[1], "P1D");
    Run sync = run("", "sync");
    assertEquals(ScannerCli.REFUSED, sync.exit(), sync.out());
    assertTrue(sync.out().contains("this device's clock ran ahead")
        && sync.out().contains("'outbox correct 1 --now'"), sync.out());
    Run corrected = run("", "outbox", "correct", "1", "--now");
    assertEquals(ScannerCli.OK, corrected.exit(), corrected.out());
    assertEquals(1, stepsOnServer(a[0], "collection"), corrected.out());
  }

  @Test
  void usageErrorsNameWhatIsMissingAndEveryCommandHasHelp() {
    Run noTo = run("", "scan", "--step", "ship");
    assertEquals(ScannerCli.SETUP, noTo.exit());
    for (List<String> command : List.<List<String>>of(List.of(), List.of("scan"), List.of("sync"),
        List.of("status"), List.of("trace"), List.of("config"), List.of("enroll"),
        List.of("outbox"),
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
