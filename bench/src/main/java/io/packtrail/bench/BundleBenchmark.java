package io.packtrail.bench;

import com.google.protobuf.ByteString;
import io.packtrail.client.HashChain;
import io.packtrail.client.audit.AuditBundle;
import io.packtrail.client.audit.BundleException;
import io.packtrail.client.audit.BundleVerifier;
import io.packtrail.client.canonical.Canonical;
import io.packtrail.client.device.DeviceCheck;
import io.packtrail.client.device.DeviceSignatures;
import io.packtrail.client.label.Ed25519Keys;
import io.packtrail.client.log.Checkpoint;
import io.packtrail.client.log.Merkle;
import io.packtrail.client.log.SignedNote;
import io.packtrail.client.log.VerifierKey;
import io.packtrail.v1.LabelPayload;
import io.packtrail.v1.UnitLevel;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Offline verification of the audit bundle of a unit with 50 events (docs/formats.md section
 * 13), as 'verify FILE' does it: every event signed by a scanner and scanning the unit's label
 * (the worst case: 50 device signatures; the label's signature is verified once, its key's
 * validity at each step), in a log of 2^20 leaves (inclusion proofs of 20 hashes), with the
 * registry entries that judge the events (organisation, site, device, label key). Run:
 * java -cp bench/target/packtrail-bench.jar org.openjdk.jmh.Main BundleBenchmark
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(1)
@Threads(1)
public class BundleBenchmark {
  static final int EVENTS = 50;
  static final int LOG_LEVELS = 20; // 2^20 leaves
  static final String ORIGIN = "packtrail.local/log";
  static final String ORG = "organizations/acme";
  static final String SITE = ORG + "/sites/plant";
  static final String DEVICE = SITE + "/devices/scanner-1";
  static final String UNIT = "X12MCPM27KLPCLX2M2382320";

  private String text;
  private AuditBundle bundle;
  private VerifierKey logKey;
  private byte[] labelPayload;
  private byte[] labelSignature;
  private byte[] labelPublicKey;
  /** The bundle with its checkpoint cosigned by two witnesses, and a policy requiring both. */
  private String cosignedText;
  private io.packtrail.client.log.WitnessPolicy bothWitnesses;
  /** The 50 steps' device statements and the device's public key, for the key-decoding pair. */
  private List<DeviceCheck.Statement> statements;
  private byte[] devicePublicKey;

  @Setup
  public void setUp() throws BundleException,
      io.packtrail.client.log.LogVerificationException {
    Random random = new Random(9);
    Ed25519Keys.KeyPair log = Ed25519Keys.generate();
    Ed25519Keys.KeyPair device = Ed25519Keys.generate();
    Ed25519Keys.KeyPair labelKey = Ed25519Keys.generate();
    logKey = VerifierKey.of(ORIGIN, log.publicKey());
    String keyId = HexFormat.of().formatHex(Ed25519Keys.keyId(labelKey.publicKey()));
    String keyName = ORG + "/labelKeys/" + keyId;

    // the unit's entries and their judges, spread over the log; every other leaf is filler
    int size = 1 << LOG_LEVELS;
    Map<Integer, byte[]> entries = new TreeMap<>();
    entries.put(10, registry(10, Map.of("entry.type", "organization", "organization.name",
        ORG, "organization.display_name", "Acme", "organization.region_code", "310000",
        "organization.role.000", "RECYCLER", "organization.role_count", "1")));
    entries.put(20, registry(20, Map.of("entry.type", "site", "site.name", SITE,
        "site.organization", ORG, "site.kind", "RECYCLING_PLANT", "site.display_name", "Plant",
        "site.region_code", "310000")));
    entries.put(30, registry(30, Map.of("entry.type", "device_enrollment", "device.name",
        DEVICE, "device.site", SITE, "device.public_key",
        HexFormat.of().formatHex(device.publicKey()))));
    TreeMap<String, String> key = new TreeMap<>(Map.of("entry.type", "label_key",
        "label_key.id", keyId, "label_key.name", keyName, "label_key.organization", ORG,
        "label_key.public_key", HexFormat.of().formatHex(labelKey.publicKey()),
        "label_key.not_before", "2026-01-01T00:00:00.000000Z",
        "label_key.not_after", "2027-01-01T00:00:00.000000Z"));
    entries.put(40, registry(40, key));
    LabelPayload label = LabelPayload.newBuilder().setUnitCode(UNIT)
        .setLevel(UnitLevel.UNIT_LEVEL_PACK).setSerial(1_000_001).setIssuer("acme")
        .setKeyId(ByteString.copyFrom(Ed25519Keys.keyId(labelKey.publicKey())))
        .setIssuedAt(Instant.parse("2026-02-01T00:00:00Z").getEpochSecond()).build();
    List<Integer> eventIndexes = new ArrayList<>();
    for (int i = 0; i < EVENTS; i++) {
      int index = 1_000 + i * ((size - 2_000) / EVENTS) + random.nextInt(1_000);
      eventIndexes.add(index);
      entries.put(index, event(index, i + 1, device.privateKey()));
    }

    // the tree: a perfect one, so a proof is the sibling at each level
    byte[][][] levels = new byte[LOG_LEVELS + 1][][];
    levels[0] = new byte[size][];
    byte[] filler = new byte[32];
    for (int i = 0; i < size; i++) {
      byte[] data = entries.get(i);
      if (data == null) {
        random.nextBytes(filler);
        data = filler;
      }
      levels[0][i] = Merkle.leafHash(data);
    }
    for (int l = 1; l <= LOG_LEVELS; l++) {
      levels[l] = new byte[levels[l - 1].length / 2][];
      for (int i = 0; i < levels[l].length; i++) {
        levels[l][i] = Merkle.nodeHash(levels[l - 1][2 * i], levels[l - 1][2 * i + 1]);
      }
    }
    String note = SignedNote.sign(new Checkpoint(ORIGIN, size, levels[LOG_LEVELS][0]).body(),
        ORIGIN, log.privateKey());

    List<AuditBundle.Entry> events = new ArrayList<>();
    byte[] chain = new byte[32];
    for (int index : eventIndexes) {
      chain = HashChain.hash(chain, entries.get(index));
      events.add(new AuditBundle.Entry(index, entries.get(index), chain, proof(levels, index)));
    }
    List<AuditBundle.Entry> registry = new ArrayList<>();
    for (int index : List.of(10, 20, 30, 40)) {
      registry.add(new AuditBundle.Entry(index, entries.get(index), null, proof(levels, index)));
    }
    byte[] payload = label.toByteArray();
    bundle = new AuditBundle("units/" + UNIT, logKey.encode(), note,
        List.of(new AuditBundle.UnitHistory(UNIT, EVENTS, events)), registry,
        List.of(new AuditBundle.Label(label.getSerial(), payload,
            Ed25519Keys.sign(Ed25519Keys.LABEL_TAG, payload, labelKey.privateKey()))));
    text = bundle.encode();
    labelPayload = payload;
    labelSignature = bundle.labels().get(0).signature();
    labelPublicKey = labelKey.publicKey();
    String cosigned = SignedNote.parse(note).encode();
    List<VerifierKey> witnesses = new ArrayList<>();
    for (String name : List.of("witness.example/w1", "witness.example/w2")) {
      Ed25519Keys.KeyPair w = Ed25519Keys.generate();
      SignedNote parsed = SignedNote.parse(cosigned);
      cosigned = parsed.withSignature(io.packtrail.client.log.Cosignature.sign(parsed.body(),
          name, w.privateKey(), 1_796_115_600L)).encode();
      witnesses.add(VerifierKey.ofCosigner(name, w.publicKey()));
    }
    cosignedText = new AuditBundle(bundle.subject(), bundle.logKey(), cosigned, bundle.units(),
        bundle.registryEntries(), bundle.labels()).encode();
    bothWitnesses = io.packtrail.client.log.WitnessPolicy.all(witnesses);
    if (BundleVerifier.verify(AuditBundle.parse(cosignedText), logKey, bothWitnesses)
        .cosignedBy().size() != 2) {
      throw new IllegalStateException("the cosigned benchmark bundle does not verify");
    }
    statements = new ArrayList<>();
    for (AuditBundle.Entry e : events) {
      statements.add((DeviceCheck.Statement) DeviceCheck.of(e.canonicalBytes()));
    }
    devicePublicKey = device.publicKey();
    BundleVerifier.Report report = BundleVerifier.verify(AuditBundle.parse(text), logKey);
    if (!report.warnings().isEmpty() || report.facts().stream().noneMatch(
        f -> f.startsWith(EVENTS + " device signature(s) verified"))) {
      throw new IllegalStateException("the benchmark bundle does not verify cleanly: " + report);
    }
  }

  private static List<byte[]> proof(byte[][][] levels, int index) {
    List<byte[]> proof = new ArrayList<>();
    for (int l = 0; l < LOG_LEVELS; l++) {
      proof.add(levels[l][(index >> l) ^ 1]);
    }
    return proof;
  }

  private static byte[] registry(int index, Map<String, String> fields) {
    TreeMap<String, String> f = new TreeMap<>(fields);
    f.put("log.index", Integer.toString(index));
    f.put("record.time", "2026-01-01T00:00:0" + (index / 10) + ".000000Z");
    return Canonical.encode(f);
  }

  /** A step recorded at the plant by the scanner, scanning the unit's label. */
  private static byte[] event(int index, int sequence, byte[] devicePrivateKey) {
    Instant at = Instant.parse("2026-03-01T00:00:00Z").plusSeconds(3_600L * sequence);
    TreeMap<String, String> f = new TreeMap<>();
    f.put("actor.organization", ORG);
    f.put("actor.site", SITE);
    f.put("event.id", String.format(java.util.Locale.ROOT, "00000000-0000-4000-8000-%012d", sequence));
    f.put("event.time", Canonical.time(at));
    f.put("event.type", "inspection");
    f.put("inspection.grade", "B");
    f.put("inspection.tester", "Plant laboratory");
    f.put("label.serial", "1000001");
    f.put("log.index", Integer.toString(index));
    f.put("record.time", Canonical.time(at.plusSeconds(1)));
    f.put("unit.code", UNIT);
    f.put("unit.sequence", Integer.toString(sequence));
    f.put("device", DEVICE);
    TreeMap<String, String> statement = new TreeMap<>(f);
    statement.keySet().removeAll(DeviceCheck.NOT_SIGNED);
    f.put("device.signature", HexFormat.of().formatHex(Ed25519Keys.sign(
        DeviceSignatures.TAG, Canonical.encode(statement), devicePrivateKey)));
    return Canonical.encode(f);
  }

  /** What 'verify FILE' does after reading the file: parse the text, verify everything. */
  @Benchmark
  public BundleVerifier.Report parseAndVerify() throws BundleException {
    return BundleVerifier.verify(AuditBundle.parse(text), logKey);
  }

  /** Verification alone, of a bundle already parsed. */
  @Benchmark
  public BundleVerifier.Report verifyParsed() throws BundleException {
    return BundleVerifier.verify(bundle, logKey);
  }

  /** 'verify FILE --witness-key W1 --witness-key W2': the bundle cosigned by both, both required. */
  @Benchmark
  public BundleVerifier.Report parseAndVerifyTwoWitnesses() throws BundleException {
    return BundleVerifier.verify(AuditBundle.parse(cosignedText), logKey, bothWitnesses);
  }

  /** The 50 device signatures, the device's key decoded for each (as verification did). */
  @Benchmark
  public int deviceSignaturesKeyDecodedEachTime() {
    int ok = 0;
    for (DeviceCheck.Statement s : statements) {
      ok += s.verifies(devicePublicKey) ? 1 : 0;
    }
    return ok;
  }

  /** The 50 device signatures, the key decoded once (as verification does now). */
  @Benchmark
  public int deviceSignaturesKeyDecodedOnce() {
    Ed25519Keys.PublicKey key = Ed25519Keys.decode(devicePublicKey).orElseThrow();
    int ok = 0;
    for (DeviceCheck.Statement s : statements) {
      ok += s.verifies(key) ? 1 : 0;
    }
    return ok;
  }

  /** For scale: one Ed25519 verification (a bundle of 50 signed steps does 52). */
  @Benchmark
  public boolean oneEd25519Verify() {
    return Ed25519Keys.verify(Ed25519Keys.LABEL_TAG, labelPayload, labelSignature,
        labelPublicKey);
  }
}
