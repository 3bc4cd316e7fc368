package io.packtrail.scanner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.packtrail.client.device.DeviceKey;
import io.packtrail.client.log.Cosignature;
import io.packtrail.client.log.SignedNote;
import io.packtrail.client.log.VerifierKey;
import io.packtrail.server.security.KeySealer;
import io.packtrail.server.testing.Fixtures;
import io.packtrail.server.testing.ServerHarness;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bundles anchored in cosigned checkpoints, end to end over the network: 'trace --bundle' picks
 * the latest checkpoint the witnesses cosigned (or waits for one), the cosignatures travel in
 * the file, and 'verify --witness-key ... --min-witnesses N' checks them offline.
 */
class WitnessCliTest {
  static final KeySealer SEALER = KeySealer.random();
  static final DeviceKey W1 = DeviceKey.generate();
  static final DeviceKey W2 = DeviceKey.generate();
  static final String W1_NAME = "witness.example/w1";
  static final String W2_NAME = "witness.example/w2";
  static final VerifierKey W1_KEY = VerifierKey.ofCosigner(W1_NAME, W1.publicKey());
  static final VerifierKey W2_KEY = VerifierKey.ofCosigner(W2_NAME, W2.publicKey());

  @RegisterExtension
  static final ServerHarness harness = ServerHarness.overNetty(s -> s.withSealer(SEALER)
      .withWitnessKeys(List.of(W1_KEY, W2_KEY)));

  @TempDir
  Path home;

  @TempDir
  Path out;

  @BeforeAll
  static void aNetwork() {
    Fixtures.network(harness.client());
  }

  record Run(int exit, String out) {}

  static List<String> AUDITOR;

  @BeforeAll
  static void auditor() {
    AUDITOR = ScannerTls.auditor(harness);
  }

  /** Runs the CLI against the server (as AuditCliTest does). */
  Run run(String... args) {
    return runAt("127.0.0.1:" + harness.port(), args);
  }

  Run runAt(String server, String... args) {
    List<String> options = ScannerTls.options(harness, server, home);
    // an auditor's certificate: auditors trace bundles of any organisation's units
    options.addAll(AUDITOR);
    options.addAll(List.of(args));
    PrintStream original = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    ByteArrayOutputStream errors = new ByteArrayOutputStream();
    System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      picocli.CommandLine cli = ScannerCli.commandLine();
      cli.setErr(new java.io.PrintWriter(errors, true, StandardCharsets.UTF_8));
      int exit = cli.execute(options.toArray(String[]::new));
      return new Run(exit, captured.toString(StandardCharsets.UTF_8)
          + errors.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(original);
    }
  }

  /** 'verify' with no server (a dead address proves it), pinned log key, and more options. */
  Run verifyOffline(Path file, String... more) {
    List<String> args = new ArrayList<>(List.of("verify", file.toString(), "--log-key",
        logKey()));
    args.addAll(List.of(more));
    return runAt("127.0.0.1:1", args.toArray(String[]::new));
  }

  static String logKey() {
    return harness.client().getLogKey().getVerifierKey();
  }

  /** A checkpoint covering everything so far, cosigned by the witnesses of {@code keys}. */
  static io.packtrail.v1.Checkpoint cosignedBy(DeviceKey... keys) throws Exception {
    io.packtrail.v1.Checkpoint c = harness.client().createCheckpoint();
    String body = SignedNote.parse(c.getNote()).text();
    for (DeviceKey k : keys) {
      String name = k == W1 ? W1_NAME : W2_NAME;
      c = harness.client().addCosignature(body, k.cosign(body.getBytes(StandardCharsets.UTF_8),
          name, java.time.Instant.now().getEpochSecond()).line());
    }
    return c;
  }

  static String[] witnessKeys() {
    return new String[] {"--witness-key", W1_KEY.encode(), "--witness-key", W2_KEY.encode()};
  }

  static String[] with(String[] a, String... b) {
    List<String> all = new ArrayList<>(List.of(a));
    all.addAll(List.of(b));
    return all.toArray(String[]::new);
  }

  /** The checkpoint line of a bundle file, decoded. */
  static String note(Path file) throws Exception {
    String line = Files.readString(file).lines().filter(l -> l.startsWith("checkpoint "))
        .findFirst().orElseThrow();
    return new String(Base64.getDecoder().decode(line.substring("checkpoint ".length())),
        StandardCharsets.UTF_8);
  }

  @Test
  void bundlesWith0To2CosignaturesAgainst0To2RequiredWitnesses() throws Exception {
    for (int cosignatures = 0; cosignatures <= 2; cosignatures++) {
      String code = Fixtures.registeredPack(harness.parties());
      io.packtrail.v1.Checkpoint anchor = cosignatures == 0 ? null : cosignedBy(
          cosignatures == 1 ? new DeviceKey[] {W1} : new DeviceKey[] {W1, W2});
      Path file = out.resolve(code + ".bundle");
      Run traced = run("trace", code, "--bundle", file.toString());
      assertEquals(0, traced.exit(), traced.out());
      if (cosignatures == 0) {
        assertTrue(traced.out().contains(", not cosigned yet; log key"), traced.out());
      } else {
        assertTrue(traced.out().contains("proofs in the log's checkpoint of size "
            + anchor.getTreeSize() + ", with cosignature lines of " + cosignatures
            + " witness(es): "
            + W1_NAME + (cosignatures == 2 ? ", " + W2_NAME : "")), traced.out());
      }
      assertEquals(1 + cosignatures, SignedNote.parse(note(file)).signatures().size());
      for (int required = 0; required <= 2; required++) {
        Run verified = verifyOffline(file, with(witnessKeys(), "--min-witnesses",
            Integer.toString(required)));
        String at = cosignatures + " cosignature(s), " + required + " required: ";
        if (cosignatures >= required) {
          assertEquals(0, verified.exit(), at + verified.out());
          assertTrue(verified.out().contains("  checkpoint cosigned by " + cosignatures
              + " of the 2 witness(es) trusted, " + required + " required"), at
              + verified.out());
          assertTrue(verified.out().contains(", cosigned by " + cosignatures + " of the 2 "
              + "witness(es) given, " + required + " required)"), at + verified.out());
        } else {
          assertEquals(1, verified.exit(), at + verified.out());
          assertTrue(verified.out().startsWith("INVALID [TOO_FEW_COSIGNATURES]: the checkpoint "
              + "of "), at + verified.out());
          assertTrue(verified.out().contains(" is cosigned by " + cosignatures + " of the "
              + "witnesses trusted, " + required + " required; no cosignature by "), at
              + verified.out());
        }
      }
      // without witness keys the lines are only counted
      Run unchecked = verifyOffline(file);
      assertEquals(0, unchecked.exit(), unchecked.out());
      assertEquals(cosignatures > 0, unchecked.out().contains("cosignature line(s)"),
          unchecked.out());
    }
  }

  @Test
  void aWitnessMonitorCosignsAndTheNextBundleCarriesItsCosignature() throws Exception {
    Path dir = home.resolve(MonitorCommand.DIR);
    Files.createDirectories(dir);
    W2.save(dir.resolve(MonitorCommand.WITNESS_KEY));
    harness.client().createCheckpoint();
    assertEquals(0, run("monitor", "--log-key", logKey(), "--witness", W2_NAME).exit());
    String code = Fixtures.registeredPack(harness.parties());
    harness.client().createCheckpoint();
    Run cosigned = run("monitor", "--witness", W2_NAME);
    assertEquals(0, cosigned.exit(), cosigned.out());
    assertTrue(cosigned.out().contains("cosignature submitted"), cosigned.out());

    Path file = out.resolve("monitored.bundle");
    Run traced = run(with(new String[] {"trace", code, "--bundle", file.toString(),
        "--witness-key", W2_KEY.encode()}));
    assertEquals(0, traced.exit(), traced.out());
    assertTrue(traced.out().contains("with cosignature lines of 1 witness(es): " + W2_NAME),
        traced.out());
    Run verified = verifyOffline(file, "--witness-key", W2_KEY.encode());
    assertEquals(0, verified.exit(), verified.out());
    assertTrue(verified.out().contains("cosigned by 1 of the 1 witness(es) given, 1 required"),
        verified.out());
  }

  @Test
  void aForgedCosignatureInTheFileIsNamed() throws Exception {
    String code = Fixtures.registeredPack(harness.parties());
    cosignedBy(W1);
    Path file = out.resolve("forged.bundle");
    assertEquals(0, run("trace", code, "--bundle", file.toString()).exit());
    String note = note(file);
    SignedNote.Signature line = SignedNote.parse(note).signatures().get(1);
    byte[] forged = line.signature();
    forged[40] ^= 1;
    String tampered = note.replace(line.line(), new SignedNote.Signature(line.keyName(),
        line.keyHash(), forged).line());
    String text = Files.readString(file);
    Path bad = out.resolve("forged-cosignature.bundle");
    Files.writeString(bad, text.replace(Base64.getEncoder().encodeToString(note.getBytes(
        StandardCharsets.UTF_8)), Base64.getEncoder().encodeToString(tampered.getBytes(
            StandardCharsets.UTF_8))));
    Run refused = verifyOffline(bad, "--witness-key", W1_KEY.encode(), "--min-witnesses", "0");
    assertEquals(1, refused.exit(), refused.out());
    assertTrue(refused.out().startsWith("INVALID [COSIGNATURE]: the cosignature by " + W1_NAME
        + " (time "), refused.out());
    assertTrue(refused.out().contains(") does not verify over the checkpoint"), refused.out());
  }

  @Test
  void aCosignatureByAWitnessNotGivenIsIgnored() throws Exception {
    String code = Fixtures.registeredPack(harness.parties());
    cosignedBy(W1);
    Path file = out.resolve("w1.bundle");
    assertEquals(0, run("trace", code, "--bundle", file.toString()).exit());
    // the auditor trusts w2 only: w1's line is nobody it knows
    Run refused = verifyOffline(file, "--witness-key", W2_KEY.encode());
    assertEquals(1, refused.exit(), refused.out());
    assertTrue(refused.out().startsWith("INVALID [TOO_FEW_COSIGNATURES]: "), refused.out());
    assertTrue(refused.out().contains("cosignatures by keys not trusted, ignored: " + W1_NAME),
        refused.out());
    Run ignored = verifyOffline(file, "--witness-key", W2_KEY.encode(), "--min-witnesses", "0");
    assertEquals(0, ignored.exit(), ignored.out());
    assertTrue(ignored.out().contains("cosignature lines by keys not trusted, ignored: "
        + W1_NAME), ignored.out());
  }

  @Test
  void traceRequiringWitnessesWritesNothingUntilTheyCosigned() throws Exception {
    String code = Fixtures.registeredPack(harness.parties());
    Path file = out.resolve("required.bundle");
    Run refused = run(with(new String[] {"trace", code, "--bundle", file.toString()},
        witnessKeys()));
    assertEquals(ScannerCli.NOT_COSIGNED, refused.exit(), refused.out());
    assertTrue(refused.out().contains("no audit bundle written: "), refused.out());
    assertTrue(refused.out().contains("pass --wait-cosigned [DURATION] to wait for the "
        + "witnesses"), refused.out());
    assertFalse(Files.exists(file));

    // waiting a second, nobody cosigning
    Run waited = run(with(new String[] {"trace", code, "--bundle", file.toString(),
        "--wait-cosigned", "1s"}, witnessKeys()));
    assertEquals(ScannerCli.NOT_COSIGNED, waited.exit(), waited.out());
    assertFalse(Files.exists(file));
  }

  @Test
  void traceWaitsForTheWitnessesToCosignACheckpointCoveringTheUnit() throws Exception {
    String code = Fixtures.registeredPack(harness.parties());
    List<io.packtrail.v1.Event> events = harness.client().listEvents(code);
    long covering = events.get(events.size() - 1).getLogIndex() + 1;
    Path file = out.resolve("waited.bundle");
    CompletableFuture<Run> tracing = CompletableFuture.supplyAsync(() -> run(with(
        new String[] {"trace", code, "--bundle", file.toString(), "--wait-cosigned", "2m",
            "--min-witnesses", "2"}, witnessKeys())));
    // the witnesses, seeing a checkpoint that covers the unit (the trace signs one first)
    io.packtrail.v1.Checkpoint c = harness.client().getCheckpoint();
    while (c.getTreeSize() < covering && !tracing.isDone()) {
      Thread.sleep(50);
      c = harness.client().getCheckpoint();
    }
    String body = SignedNote.parse(c.getNote()).text();
    for (DeviceKey k : new DeviceKey[] {W1, W2}) {
      harness.client().addCosignature(body, k.cosign(body.getBytes(StandardCharsets.UTF_8),
          k == W1 ? W1_NAME : W2_NAME, java.time.Instant.now().getEpochSecond()).line());
    }
    Run traced = tracing.get();
    assertEquals(0, traced.exit(), traced.out());
    assertTrue(traced.out().contains("with cosignature lines of 2 witness(es)"), traced.out());
    Run verified = verifyOffline(file, witnessKeys());
    assertEquals(0, verified.exit(), verified.out());
    assertTrue(verified.out().contains("cosigned by 2 of the 2 witness(es) given, 2 required"),
        verified.out());
  }

  @Test
  void witnessOptionsAreCheckedBeforeAnything() throws Exception {
    String code = Fixtures.registeredPack(harness.parties());
    Path file = out.resolve("usage.bundle");
    assertEquals(0, run("trace", code, "--bundle", file.toString()).exit());

    Run noKeys = verifyOffline(file, "--min-witnesses", "1");
    assertEquals(ScannerCli.SETUP, noKeys.exit(), noKeys.out());
    assertTrue(noKeys.out().startsWith("error: --min-witnesses 1 needs at least 1 witness "
        + "key(s) (--witness-key) to check their cosignatures; 0 given"), noKeys.out());
    Run logKeyAsWitness = verifyOffline(file, "--witness-key", logKey());
    assertEquals(ScannerCli.SETUP, logKeyAsWitness.exit(), logKeyAsWitness.out());
    assertTrue(logKeyAsWitness.out().contains("is not a witness's key (signature type 0x04"),
        logKeyAsWitness.out());
    Run twice = verifyOffline(file, "--witness-key", W1_KEY.encode(), "--witness-key",
        W1_KEY.encode());
    assertEquals(ScannerCli.SETUP, twice.exit(), twice.out());
    assertTrue(twice.out().contains("a witness key is listed twice"), twice.out());
    Run garbled = verifyOffline(file, "--witness-key", "w1+00000000+AAAA");
    assertEquals(ScannerCli.SETUP, garbled.exit(), garbled.out());
    assertTrue(garbled.out().startsWith("error: --witness-key w1+00000000+AAAA is not a "
        + "verifier key: "), garbled.out());

    Run withoutBundle = run("trace", code, "--witness-key", W1_KEY.encode());
    assertEquals(ScannerCli.SETUP, withoutBundle.exit(), withoutBundle.out());
    assertTrue(withoutBundle.out().startsWith("error: --witness-key, --min-witnesses and "
        + "--wait-cosigned choose the checkpoint of an audit bundle"), withoutBundle.out());
    Run badWait = run("trace", code, "--bundle", file.toString(), "--wait-cosigned", "soon");
    assertEquals(ScannerCli.SETUP, badWait.exit(), badWait.out());
    assertTrue(badWait.out().startsWith("error: --wait-cosigned soon is not a duration"),
        badWait.out());
  }
}
