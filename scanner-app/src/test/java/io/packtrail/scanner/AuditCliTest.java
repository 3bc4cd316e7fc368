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

  /** The regulator's witness key, which the log's operator configured (serve --witness-key). */
  static final DeviceKey WITNESS = DeviceKey.generate();
  static final String WITNESS_NAME = "witness.example/w1";

  @RegisterExtension
  static final ServerHarness harness = ServerHarness.overNetty(s -> s.withSealer(SEALER)
      .withWitnessKeys(java.util.List.of(io.packtrail.client.log.VerifierKey.ofCosigner(
          WITNESS_NAME, WITNESS.publicKey()))));

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
    String code = Fixtures.registeredPack(harness.parties());
    DeviceKey key = DeviceKey.generate();
    String id = "auditor-" + UUID.randomUUID().toString().substring(0, 8);
    String device = harness.client().enrollDevice(Fixtures.STATION, id,
        harness.client().createEnrollmentCode(Fixtures.STATION, UUID.randomUUID().toString())
            .getCode(), key.publicKey(), "audit test").getName();
    harness.parties().at(Fixtures.STATION).recordEvent(new DeviceSigner(key, device)
        .sign(Fixtures.sale(code)));
    return code;
  }

  String logKey() {
    return harness.client().getLogKey().getVerifierKey();
  }

  /** A file far larger than any bundle is refused in words before it is read, not an OOM. */
  @Test
  void aHugeFileIsRefusedBeforeItIsRead() throws Exception {
    Path huge = out.resolve("huge.bundle");
    try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(huge.toFile(), "rw")) {
      f.setLength(VerifyCommand.MAX_BUNDLE_BYTES + 1); // sparse: no disk written
    }
    Run refused = run("verify", huge.toString(), "--log-key", logKey());
    assertEquals(ScannerCli.SETUP, refused.exit(), refused.out());
    assertTrue(refused.out().contains("holds " + (VerifyCommand.MAX_BUNDLE_BYTES + 1)
        + " bytes"), refused.out());
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
  void aBundleCarriesTheScannedLabelAndAForgedOneIsNamedOffline() throws Exception {
    harness.client().createLabelKey(Fixtures.MAKER, UUID.randomUUID().toString());
    String code = Fixtures.registeredPack(harness.parties());
    io.packtrail.v1.Label label = harness.parties().at(Fixtures.FACTORY).issueLabel(code);
    var station = harness.parties().at(Fixtures.STATION);
    station.recordEvent(Fixtures.sale(code));
    station.recordEvent(Fixtures.removal(code,
        io.packtrail.v1.RemovalReason.REMOVAL_REASON_TRADE_IN));
    io.packtrail.v1.Event collected = station.recordEvent(Fixtures.collection(code)
        .toBuilder().setLabelText(label.getText()).build());
    Path file = out.resolve("labelled.bundle");
    assertEquals(0, run("trace", code, "--bundle", file.toString()).exit());
    String text = Files.readString(file);
    String labelLine = text.lines().filter(l -> l.startsWith("label ")).findFirst().orElseThrow();
    assertTrue(labelLine.startsWith("label " + label.getSerial() + " "), labelLine);
    Run verified = runAt("127.0.0.1:1", "verify", file.toString(), "--log-key", logKey());
    assertEquals(0, verified.exit(), verified.out());
    assertTrue(verified.out().contains("1 scanned label(s) verified"), verified.out());

    // the label's signature forged in the file
    String[] f = labelLine.split(" ");
    f[3] = (f[3].charAt(0) == '0' ? "1" : "0") + f[3].substring(1);
    Path forged = out.resolve("forged-label.bundle");
    Files.writeString(forged, text.replace(labelLine, String.join(" ", f)));
    Run refused = run("verify", forged.toString(), "--log-key", logKey());
    assertEquals(1, refused.exit(), refused.out());
    assertTrue(refused.out().startsWith("INVALID [LABEL_SIGNATURE]: event 4 (log index "
        + collected.getLogIndex() + "): the signature of label " + label.getSerial()
        + " does not verify under the public key of " + label.getKey() + " (log index "),
        refused.out());

    // the key revoked after the step: the bundle carries the revocation, the step stays valid
    harness.client().revokeLabelKey(label.getKey());
    Path later = out.resolve("revoked-later.bundle");
    assertEquals(0, run("trace", code, "--bundle", later.toString()).exit());
    assertTrue(Files.readString(later).lines().filter(l -> l.startsWith("registry "))
        .anyMatch(l -> new String(java.util.Base64.getDecoder().decode(l.split(" ")[2]),
            StandardCharsets.UTF_8).contains("label_key_revocation")));
    Run still = runAt("127.0.0.1:1", "verify", later.toString(), "--log-key", logKey());
    assertEquals(0, still.exit(), still.out());
  }

  @Test
  void aLotBundleCarriesTheHistoriesOfItsPacksAndVerifiesOffline() throws Exception {
    String a = Fixtures.gradedPackAt(harness.parties(), Fixtures.LINE);
    String b = Fixtures.gradedPackAt(harness.parties(), Fixtures.LINE);
    String lot = "audit-" + a.toLowerCase();
    harness.parties().at(Fixtures.LINE).recordStep(Fixtures.recycling(a, Fixtures.LINE,
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

    // either input pack's history left out: the other input (b), or the primary (a), which
    // the step consumed as much (before, a bundle without the primary's history verified)
    String text = Files.readString(file);
    for (String input : java.util.List.of(b, a)) {
      Path cut = out.resolve("cut-" + input + ".bundle");
      Files.writeString(cut, withoutUnit(text, input));
      Run refused = run("verify", cut.toString(), "--log-key", logKey());
      assertEquals(1, refused.exit(), refused.out());
      assertTrue(refused.out().startsWith("INVALID [LINEAGE]: the recycling step that made "
          + "materialLots/" + lot + " consumed unit " + input + ", whose history is not in the "
          + "bundle"), refused.out());
    }
  }

  /** A bundle's text without the {@code unit} line of {@code code} and its events. */
  private static String withoutUnit(String bundle, String code) {
    StringBuilder without = new StringBuilder();
    boolean skipping = false;
    for (String line : bundle.split("\n")) {
      if (line.startsWith("unit ")) {
        skipping = line.startsWith("unit " + code + " ");
      } else if (!line.startsWith("event ")) {
        skipping = false;
      }
      if (!skipping) {
        without.append(line).append('\n');
      }
    }
    return without.toString();
  }

  @Test
  void aWrongLogKeyOnTheFirstRunIsNotPinned() {
    harness.client().createCheckpoint();
    String another = io.packtrail.client.log.VerifierKey.of("packtrail.local/log",
        io.packtrail.client.label.Ed25519Keys.generate().publicKey()).encode();
    Run wrong = run("monitor", "--log-key", another);
    assertEquals(ScannerCli.REFUSED, wrong.exit(), wrong.out());
    assertTrue(wrong.out().contains("the key was not pinned"), wrong.out());
    // the right key then works: the wrong one locked every later run out before
    Run right = run("monitor", "--log-key", logKey());
    assertEquals(0, right.exit(), right.out());
    // a witness's key is no log key
    String witness = io.packtrail.client.log.VerifierKey.ofCosigner("w.example/w",
        io.packtrail.client.label.Ed25519Keys.generate().publicKey()).encode();
    Run cosigner = run("monitor", "--log-key", witness);
    assertEquals(ScannerCli.SETUP, cosigner.exit(), cosigner.out());
  }

  @Test
  void theMonitorTrustsThenSeesTheLogGrow() {
    harness.client().createCheckpoint();
    Run first = run("monitor", "--log-key", logKey());
    assertEquals(0, first.exit(), first.out());
    assertTrue(first.out().startsWith("OK: trusting the log's checkpoint of size"), first.out());

    Fixtures.registeredPack(harness.parties());
    harness.client().createCheckpoint();
    Run second = run("monitor");
    assertEquals(0, second.exit(), second.out());
    assertTrue(second.out().contains("OK: the log only grew: from size")
        && second.out().contains("consistency proof checked"), second.out());
  }

  @Test
  void aWitnessCosignsACheckpointItVerifiedConsistentAndTheLogServesItsCosignature()
      throws Exception {
    // the regulator's witness key, known to the log's operator
    Path dir = home.resolve(MonitorCommand.DIR);
    Files.createDirectories(dir);
    WITNESS.save(dir.resolve(MonitorCommand.WITNESS_KEY));
    io.packtrail.client.log.VerifierKey witness = io.packtrail.client.log.VerifierKey
        .ofCosigner(WITNESS_NAME, WITNESS.publicKey());
    harness.client().createCheckpoint();
    Run first = run("monitor", "--log-key", logKey(), "--witness", WITNESS_NAME);
    assertEquals(0, first.exit(), first.out());
    assertTrue(!first.out().contains("cosigned"), "nothing to check the first one against");
    assertTrue(first.out().contains("witness key: " + witness.encode()), first.out());

    Fixtures.registeredPack(harness.parties());
    io.packtrail.v1.Checkpoint grown = harness.client().createCheckpoint();
    Run second = run("monitor", "--witness", WITNESS_NAME);
    assertEquals(0, second.exit(), second.out());
    assertTrue(second.out().contains("witness " + witness.encode() + " cosigned it"),
        second.out());
    assertTrue(second.out().contains("cosignature submitted: the log serves its checkpoint of "
        + "size " + grown.getTreeSize() + " with 1 cosignature(s)"), second.out());
    SignedNote cosigned = SignedNote.parse(Files.readString(dir.resolve(
        MonitorCommand.COSIGNED)));
    assertTrue(io.packtrail.client.log.Cosignature.verify(cosigned, witness) > 0);

    // the server serves the checkpoint with the cosignature; an auditor requiring the witness
    io.packtrail.client.log.VerifierKey log = io.packtrail.client.log.VerifierKey.parse(logKey());
    io.packtrail.v1.Checkpoint served = harness.client().getCheckpoint(grown.getTreeSize());
    assertEquals(1, served.getCosignaturesCount());
    assertEquals(WITNESS_NAME, served.getCosignatures(0).getKeyName());
    var verified = new io.packtrail.client.log.WitnessPolicy(java.util.List.of(witness), 1)
        .verify(served, log);
    assertEquals(grown.getTreeSize(), verified.checkpoint().size());
    // ... and with another key under the witness's name, or another witness, it fails precisely
    io.packtrail.client.log.VerifierKey impostor = io.packtrail.client.log.VerifierKey
        .ofCosigner(WITNESS_NAME, DeviceKey.generate().publicKey());
    var e = org.junit.jupiter.api.Assertions.assertThrows(
        io.packtrail.client.log.LogVerificationException.class,
        () -> new io.packtrail.client.log.WitnessPolicy(java.util.List.of(impostor), 1)
            .verify(served, log));
    assertEquals(io.packtrail.client.log.LogVerificationException.Reason.TOO_FEW_COSIGNATURES,
        e.reason());
    assertEquals("the checkpoint of " + grown.getOrigin() + " at tree size "
        + grown.getTreeSize() + " is cosigned by 0 of the witnesses trusted, 1 required; no "
        + "cosignature by " + WITNESS_NAME + " (key hash " + java.util.HexFormat.of().formatHex(
            impostor.keyHash()) + "); cosignatures by keys not trusted, ignored: "
        + WITNESS_NAME + " (key hash " + java.util.HexFormat.of().formatHex(witness.keyHash())
        + ")", e.getMessage());
    // a cosignature line edited in the served note: refused, not merely missing
    String line = served.getCosignatures(0).getSignatureLine();
    SignedNote.Signature parsed = SignedNote.Signature.parseLine(line);
    byte[] flipped = parsed.signature();
    flipped[20] ^= 1;
    String tampered = io.packtrail.client.log.WitnessPolicy.note(served).replace(line,
        new SignedNote.Signature(parsed.keyName(), parsed.keyHash(), flipped).line());
    var bad = org.junit.jupiter.api.Assertions.assertThrows(
        io.packtrail.client.log.LogVerificationException.class,
        () -> new io.packtrail.client.log.WitnessPolicy(java.util.List.of(witness), 1)
            .verify(tampered, log));
    assertEquals(io.packtrail.client.log.LogVerificationException.Reason.BAD_SIGNATURE,
        bad.reason());
  }

  @Test
  void aWitnessTheLogDoesNotKnowIsToldSoAndKeepsItsCosignedNote() throws Exception {
    harness.client().createCheckpoint();
    assertEquals(0, run("monitor", "--log-key", logKey(), "--witness",
        "witness.example/stranger").exit());
    Fixtures.registeredPack(harness.parties());
    harness.client().createCheckpoint();
    Run refused = run("monitor", "--witness", "witness.example/stranger");
    assertEquals(1, refused.exit(), refused.out());
    assertTrue(refused.out().contains("error: the log refused the cosignature: "
        + "PERMISSION_DENIED: witness witness.example/stranger is not a witness of this log"),
        refused.out());
    assertTrue(Files.exists(home.resolve(MonitorCommand.DIR).resolve(MonitorCommand.COSIGNED)));
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

    Fixtures.registeredPack(harness.parties());
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
        + "log key given"), refused.out());
  }
}
