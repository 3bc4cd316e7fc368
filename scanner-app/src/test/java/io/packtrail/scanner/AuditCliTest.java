package io.packtrail.scanner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.packtrail.client.device.DeviceKey;
import io.packtrail.client.device.DeviceSigner;
import io.packtrail.client.log.Checkpoint;
import io.packtrail.client.log.Merkle;
import io.packtrail.client.log.SignedNote;
import io.packtrail.server.security.KeySealer;
import io.packtrail.server.store.LogDao;
import io.packtrail.server.testing.Fixtures;
import io.packtrail.server.testing.ServerHarness;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scanner's audit commands against a real server over the network: a bundle written by
 * 'trace --bundle' and checked by 'verify' with no server, and the log monitor seeing the log
 * grow, then a fork.
 */
class AuditCliTest {
  /** Known to the test, so it can read the log's key as only the operator could. */
  static final KeySealer SEALER = KeySealer.random();

  @RegisterExtension
  static final ServerHarness harness = ServerHarness.overNetty(s -> s.withSealer(SEALER));

  @TempDir
  Path home;

  @TempDir
  Path out;

  @BeforeAll
  static void network() {
    Fixtures.network(harness.client());
  }

  record Run(int exit, String out) {}

  Run run(String... args) {
    return runAt("127.0.0.1:" + harness.port(), args);
  }

  Run runAt(String server, String... args) {
    List<String> options = ScannerTls.options(harness, server, home);
    options.addAll(List.of(args));
    String[] all = options.toArray(String[]::new);
    PrintStream original = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    ByteArrayOutputStream errors = new ByteArrayOutputStream();
    System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      picocli.CommandLine cli = ScannerCli.commandLine();
      cli.setErr(new java.io.PrintWriter(errors, true, StandardCharsets.UTF_8));
      int exit = cli.execute(all);
      return new Run(exit, captured.toString(StandardCharsets.UTF_8)
          + errors.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(original);
    }
  }

  /** A pack registered, then sold by a device enrolled at the station, signing the step. */
  static String packSoldByADevice() {
    String code = Fixtures.registeredPack(harness.client());
    DeviceKey key = DeviceKey.generate();
    String id = "auditor-" + UUID.randomUUID().toString().substring(0, 8);
    String device = harness.client().enrollDevice(Fixtures.STATION, id,
        harness.client().createEnrollmentCode(Fixtures.STATION, UUID.randomUUID().toString())
            .getCode(), key.publicKey(), "audit test").getName();
    harness.client().recordEvent(new DeviceSigner(key, device).sign(Fixtures.sale(code)));
    return code;
  }

  String logKey() {
    return harness.client().getLogKey().getVerifierKey();
  }

  @Test
  void aBundleWrittenOnlineVerifiesOfflineAndAnEditIsNamed() throws Exception {
    String code = packSoldByADevice();
    Path file = out.resolve(code + ".bundle");
    Run traced = run("trace", code, "--bundle", file.toString());
    assertEquals(0, traced.exit(), traced.out());
    assertTrue(traced.out().contains("audit bundle written to " + file + ": 2 events of 1 unit(s)"),
        traced.out());

    // no server: verify never connects (a dead address proves it)
    Run verified = runAt("127.0.0.1:1", "verify", file.toString(), "--log-key",
        logKey());
    assertEquals(0, verified.exit(), verified.out());
    assertTrue(verified.out().contains("VALID: audit bundle"), verified.out());
    assertTrue(verified.out().contains("1 device signature(s) verified"), verified.out());
    assertTrue(!verified.out().contains("WARNING"), verified.out());

    Run unpinned = run("verify", file.toString());
    assertEquals(0, unpinned.exit(), unpinned.out());
    assertTrue(unpinned.out().contains("WARNING: the log key was taken from the bundle itself"),
        unpinned.out());

    // the sale's event line, edited: its event.time moved by a second
    String text = Files.readString(file);
    String[] lines = text.split("\n");
    String sale = lines[6];
    String[] f = sale.split(" ");
    java.util.SortedMap<String, String> fields = new java.util.TreeMap<>(
        io.packtrail.client.canonical.Canonical.decode(java.util.Base64.getDecoder().decode(f[3])));
    fields.put("event.time", io.packtrail.client.canonical.Canonical.time(java.time.Instant.parse(
        fields.get("event.time")).plusSeconds(1)));
    f[3] = java.util.Base64.getEncoder().encodeToString(
        io.packtrail.client.canonical.Canonical.encode(fields));
    Path edited = out.resolve("edited.bundle");
    Files.writeString(edited, text.replace(sale, String.join(" ", f)));
    Run refused = run("verify", edited.toString(), "--log-key", logKey());
    assertEquals(1, refused.exit(), refused.out());
    assertTrue(refused.out().startsWith("INVALID ["), refused.out());
    assertTrue(refused.out().startsWith("INVALID [HASH_CHAIN]: event 2 (log index"),
        refused.out());
  }

  @Test
  void aLotBundleCarriesTheHistoriesOfItsPacksAndVerifiesOffline() throws Exception {
    String a = Fixtures.gradedPackAt(harness.client(), Fixtures.LINE);
    String b = Fixtures.gradedPackAt(harness.client(), Fixtures.LINE);
    String lot = "audit-" + a.toLowerCase();
    harness.client().recordStep(Fixtures.recycling(a, Fixtures.LINE,
        Fixtures.elements(20, 0, 0, 0, 5, 5), java.util.List.of(Fixtures.lot(lot,
            io.packtrail.v1.MaterialProduct.MATERIAL_PRODUCT_BLACK_MASS, 300,
            Fixtures.elements(18, 0, 0, 0, 4, 4))), b));
    Path file = out.resolve("lot.bundle");
    Run traced = run("trace", "materialLots/" + lot, "--bundle", file.toString());
    assertEquals(0, traced.exit(), traced.out());
    assertTrue(traced.out().contains("of 2 unit(s)"), traced.out());

    Run verified = runAt("127.0.0.1:1", "verify", file.toString(), "--log-key", logKey());
    assertEquals(0, verified.exit(), verified.out());
    assertTrue(verified.out().contains("lot " + lot + " made by a recycling step of the bundle, "
        + "from the histories of 2 units"), verified.out());

    // the other input pack's history left out
    String text = Files.readString(file);
    StringBuilder without = new StringBuilder();
    boolean skipping = false;
    for (String line : text.split("\n")) {
      if (line.startsWith("unit ")) {
        skipping = line.startsWith("unit " + b + " ");
      } else if (!line.startsWith("event ")) {
        skipping = false;
      }
      if (!skipping) {
        without.append(line).append('\n');
      }
    }
    Path cut = out.resolve("cut.bundle");
    Files.writeString(cut, without.toString());
    Run refused = run("verify", cut.toString(), "--log-key", logKey());
    assertEquals(1, refused.exit(), refused.out());
    assertTrue(refused.out().startsWith("INVALID [LINEAGE]: the recycling step that made "
        + "materialLots/" + lot + " consumed unit " + b + ", whose history is not in the bundle"),
        refused.out());
  }

  @Test
  void theMonitorTrustsThenSeesTheLogGrow() {
    harness.client().createCheckpoint();
    Run first = run("monitor", "--log-key", logKey());
    assertEquals(0, first.exit(), first.out());
    assertTrue(first.out().startsWith("OK: trusting the log's checkpoint of size"), first.out());

    Fixtures.registeredPack(harness.client());
    harness.client().createCheckpoint();
    Run second = run("monitor");
    assertEquals(0, second.exit(), second.out());
    assertTrue(second.out().contains("OK: the log only grew: from size")
        && second.out().contains("consistency proof checked"), second.out());
  }

  @Test
  void aWitnessCosignsACheckpointItVerifiedConsistent() throws Exception {
    harness.client().createCheckpoint();
    Run first = run("monitor", "--log-key", logKey(), "--witness", "witness.example/w1");
    assertEquals(0, first.exit(), first.out());
    assertTrue(!first.out().contains("cosigned"), "nothing to check the first one against");

    Fixtures.registeredPack(harness.client());
    harness.client().createCheckpoint();
    Run second = run("monitor", "--witness", "witness.example/w1");
    assertEquals(0, second.exit(), second.out());
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("witness (\\S+) cosigned it")
        .matcher(second.out());
    assertTrue(m.find(), second.out());
    io.packtrail.client.log.VerifierKey witness = io.packtrail.client.log.VerifierKey.parse(
        m.group(1));
    SignedNote cosigned = SignedNote.parse(Files.readString(home.resolve(MonitorCommand.DIR)
        .resolve(MonitorCommand.COSIGNED)));
    assertTrue(io.packtrail.client.log.Cosignature.verify(cosigned, witness) > 0);
    // the log's own signature still verifies beside it, and it is the latest checkpoint
    Checkpoint c = Checkpoint.verify(cosigned.encode(),
        io.packtrail.client.log.VerifierKey.parse(logKey()));
    assertEquals(harness.client().getCheckpoint().getTreeSize(), c.size());
  }

  @Test
  void theMonitorAlarmsWhenTheLogForked() throws Exception {
    // a checkpoint of another history, signed with the log's own key (as a server showing one
    // history to this monitor and another to everyone else would), then trusted by the monitor
    io.packtrail.v1.Checkpoint now = harness.client().createCheckpoint();
    LogDao.Key key = harness.jdbi().withExtension(LogDao.class, LogDao::logKey).orElseThrow();
    byte[] privateKey = SEALER.open(key.privateKeySealed(), key.keyHash());
    String forked = SignedNote.sign(new Checkpoint(now.getOrigin(), now.getTreeSize(),
        Merkle.leafHash("another history".getBytes(StandardCharsets.UTF_8))).body(),
        now.getOrigin(), privateKey);
    Path dir = home.resolve(MonitorCommand.DIR);
    Files.createDirectories(dir);
    Files.writeString(dir.resolve(MonitorCommand.CHECKPOINT), forked);

    Fixtures.registeredPack(harness.client());
    harness.client().createCheckpoint();
    Run alarm = run("monitor", "--log-key", logKey());
    assertEquals(ScannerCli.FORK, alarm.exit(), alarm.out());
    assertTrue(alarm.out().startsWith("ALARM: FORK: the log was not only appended to: the tree "
        + "of size"), alarm.out());
    // the trusted checkpoint is kept as evidence
    assertEquals(forked, Files.readString(dir.resolve(MonitorCommand.CHECKPOINT)));
  }

  @Test
  void theMonitorRefusesACheckpointNotSignedByThePinnedKey() {
    harness.client().createCheckpoint();
    String other = io.packtrail.client.log.VerifierKey.of(
        harness.client().getLogKey().getOrigin(),
        io.packtrail.client.label.Ed25519Keys.generate().publicKey()).encode();
    Run refused = run("monitor", "--log-key", other);
    assertEquals(1, refused.exit(), refused.out());
    assertTrue(refused.out().startsWith("ALARM: the server's checkpoint is not signed by the "
        + "pinned log key"), refused.out());
  }
}
