package io.packtrail.client.audit;

import io.packtrail.client.HashChain;
import com.google.protobuf.ByteString;
import io.packtrail.client.canonical.Canonical;
import io.packtrail.client.device.DeviceCheck;
import io.packtrail.client.device.DeviceSignatures;
import io.packtrail.client.label.Ed25519Keys;
import io.packtrail.client.log.Checkpoint;
import io.packtrail.client.log.Merkle;
import io.packtrail.client.log.SignedNote;
import io.packtrail.client.log.VerifierKey;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import io.packtrail.v1.LabelPayload;
import io.packtrail.v1.UnitLevel;

/**
 * A small log built from scratch, the way the server builds one, and the audit bundle of one unit
 * in it (docs/formats.md section 13's test vector): leaves 0 a site, 1 a device enrollment, 2 the
 * unit's registration, 3 the organisation's label key, 4 and 5 the unit's device-signed steps (5
 * scans label 7, signed by that key), 6 the withdrawal of label 7 (after the step: no failure),
 * 7 the organisation's entry, back-filled at a migration (its record.time precedes the events).
 */
final class BundleFixture {
  static final String ORIGIN = "packtrail.local/log";
  static final byte[] LOG_SEED = seed(0x61);
  static final byte[] DEVICE_SEED = seed(0xa1);
  static final byte[] OTHER_SEED = seed(0xc1);
  static final String UNIT = "X12MCPM27KLPCLX2M23823320";
  static final String ORG = "organizations/acme";
  static final String SITE = ORG + "/sites/plant";
  static final String DEVICE = SITE + "/devices/scanner-1";
  static final byte[] LABEL_KEY_SEED = seed(0xe1);
  static final String LABEL_KEY = ORG + "/labelKeys/" + HexFormat.of().formatHex(
      Ed25519Keys.keyId(Ed25519Keys.publicKeyOf(LABEL_KEY_SEED)));
  /** The label the inspection scanned: serial 7 of the unit, issued 2026-12-01T08:10:00Z. */
  static final LabelPayload LABEL = LabelPayload.newBuilder().setUnitCode(UNIT)
      .setLevel(UnitLevel.UNIT_LEVEL_PACK).setSerial(7).setIssuer("acme").setKeyId(ByteString.copyFrom(Ed25519Keys.keyId(
          Ed25519Keys.publicKeyOf(LABEL_KEY_SEED)))).setIssuedAt(1_796_112_600L).build();

  /** Section 12's witness (seed 0x81...). */
  static final byte[] WITNESS1_SEED = seed(0x81);
  static final String WITNESS1 = "witness.example/w1";
  /** A second witness (seed 0x41...). */
  static final byte[] WITNESS2_SEED = seed(0x41);
  static final String WITNESS2 = "witness.example/w2";
  /** When the vector's witnesses cosigned: 2026-12-01T09:00:00Z. */
  static final long COSIGNED_AT = 1_796_115_600L;

  static VerifierKey witness(String name, byte[] seed) {
    return VerifierKey.ofCosigner(name, Ed25519Keys.publicKeyOf(seed));
  }

  /** {@code note} with the cosignature line of the witness {@code name} (key {@code seed}) appended. */
  static String cosign(String note, String name, byte[] seed, long time) {
    try {
      SignedNote parsed = SignedNote.parse(note);
      return parsed.withSignature(io.packtrail.client.log.Cosignature.sign(parsed.body(), name,
          seed, time)).encode();
    } catch (io.packtrail.client.log.LogVerificationException e) {
      throw new IllegalArgumentException(e);
    }
  }

  /** {@code b} with another checkpoint note (e.g. the same one with cosignature lines). */
  static AuditBundle withNote(AuditBundle b, String note) {
    return new AuditBundle(b.subject(), b.logKey(), note, b.units(), b.registryEntries(),
        b.labels());
  }

  /** The vector bundle, its checkpoint cosigned by both witnesses (section 13's second vector). */
  AuditBundle cosignedByBoth() {
    return withNote(bundle, cosign(cosign(bundle.checkpointNote(), WITNESS1, WITNESS1_SEED,
        COSIGNED_AT), WITNESS2, WITNESS2_SEED, COSIGNED_AT));
  }

  final List<byte[]> leaves = new ArrayList<>();
  final List<byte[]> chain = new ArrayList<>();
  final AuditBundle bundle;

  static VerifierKey logKey() {
    return VerifierKey.of(ORIGIN, Ed25519Keys.publicKeyOf(LOG_SEED));
  }

  /** The fixture; {@code forgedDevice}: the log holds a step signed by a key not the device's. */
  BundleFixture(boolean forgedDevice) {
    this(forgedDevice, List.of());
  }

  BundleFixture(boolean forgedDevice, List<Map<String, String>> more) {
    this(forgedDevice, false, more);
  }

  /**
   * The fixture with more registry entries appended to the log (log.index 7, 8 ...) and to the
   * bundle, e.g. entries back-filled at a migration, with a record.time before the events'.
   */
  BundleFixture(boolean forgedDevice, boolean forgedLabel, List<Map<String, String>> more) {
    this(forgedDevice, forgedLabel, more, ROLES);
  }

  /** The roles the vector's organisation holds: a maker (it registers) and a recycler. */
  static final List<String> ROLES = List.of("BATTERY_MAKER", "RECYCLER");

  /** The fixture with the organisation's entry holding {@code roles} (sorted). */
  BundleFixture(boolean forgedDevice, boolean forgedLabel, List<Map<String, String>> more,
      List<String> roles) {
    leaves.add(Canonical.encode(new TreeMap<>(Map.of("entry.type", "site", "log.index", "0",
        "record.time", "2026-12-01T08:00:00.000000Z", "site.name", SITE, "site.organization", ORG,
        "site.kind", "RECYCLING_PLANT", "site.display_name", "Plant", "site.region_code",
        "310000"))));
    leaves.add(Canonical.encode(new TreeMap<>(Map.of("entry.type", "device_enrollment",
        "log.index", "1", "record.time", "2026-12-01T08:01:00.000000Z", "device.name", DEVICE,
        "device.site", SITE, "device.public_key",
        HexFormat.of().formatHex(Ed25519Keys.publicKeyOf(DEVICE_SEED))))));
    leaves.add(event(2, 1, "registration", null, null, false));
    TreeMap<String, String> key = new TreeMap<>();
    key.put("entry.type", "label_key");
    key.put("label_key.id", LABEL_KEY.substring(LABEL_KEY.length() - 8));
    key.put("label_key.name", LABEL_KEY);
    key.put("label_key.not_after", "2027-12-01T08:02:00.000000Z");
    key.put("label_key.not_before", "2026-12-01T08:02:00.000000Z");
    key.put("label_key.organization", ORG);
    key.put("label_key.public_key", HexFormat.of().formatHex(
        Ed25519Keys.publicKeyOf(LABEL_KEY_SEED)));
    key.put("log.index", "3");
    key.put("record.time", "2026-12-01T08:02:00.000000Z");
    leaves.add(Canonical.encode(key));
    leaves.add(event(4, 2, "collection", DEVICE, null, false));
    leaves.add(event(5, 3, "inspection", DEVICE, "7", forgedDevice));
    leaves.add(Canonical.encode(new TreeMap<>(Map.of("entry.type", "label_withdrawal",
        "log.index", "6", "record.time", "2026-12-01T09:00:00.000000Z", "label.serial", "7",
        "label.status", "REVOKED", "label.key", LABEL_KEY, "label.unit_code", UNIT))));
    TreeMap<String, String> organization = new TreeMap<>();
    organization.put("entry.type", "organization");
    organization.put("log.index", "7");
    organization.put("record.time", "2026-12-01T07:59:00.000000Z");
    organization.put("organization.display_name", "Acme Recycling");
    organization.put("organization.name", ORG);
    organization.put("organization.region_code", "310000");
    for (int i = 0; i < roles.size(); i++) {
      organization.put(String.format("organization.role.%03d", i), roles.get(i));
    }
    organization.put("organization.role_count", Integer.toString(roles.size()));
    leaves.add(Canonical.encode(organization));
    for (Map<String, String> m : more) {
      TreeMap<String, String> f = new TreeMap<>(m);
      f.put("log.index", Integer.toString(leaves.size()));
      leaves.add(Canonical.encode(f));
    }
    List<byte[]> hashes = leaves.stream().map(Merkle::leafHash).toList();
    byte[] previous = new byte[32];
    for (int index : new int[] {2, 4, 5}) {
      previous = HashChain.hash(previous, leaves.get(index));
      chain.add(previous);
    }
    List<AuditBundle.Entry> events = new ArrayList<>();
    int[] eventIndexes = {2, 4, 5};
    for (int i = 0; i < 3; i++) {
      int index = eventIndexes[i];
      events.add(new AuditBundle.Entry(index, leaves.get(index), chain.get(i),
          Merkle.inclusionProof(hashes, index, hashes.size())));
    }
    List<AuditBundle.Entry> registry = new ArrayList<>();
    List<Integer> registryIndexes = new ArrayList<>(List.of(0, 1, 3, 6, 7));
    for (int i = 0; i < more.size(); i++) {
      registryIndexes.add(8 + i);
    }
    for (int index : registryIndexes) {
      registry.add(new AuditBundle.Entry(index, leaves.get(index), null,
          Merkle.inclusionProof(hashes, index, hashes.size())));
    }
    byte[] payload = LABEL.toByteArray();
    AuditBundle.Label label = new AuditBundle.Label(7, payload, Ed25519Keys.sign(
        Ed25519Keys.LABEL_TAG, payload, forgedLabel ? OTHER_SEED : LABEL_KEY_SEED));
    bundle = new AuditBundle("units/" + UNIT, logKey().encode(), checkpoint(LOG_SEED,
        Merkle.root(hashes)), List.of(new AuditBundle.UnitHistory(UNIT, 3, events)), registry,
        List.of(label));
  }


  /** A checkpoint of this log's size over {@code root}, signed by the key of {@code seed}. */
  String checkpoint(byte[] seed, byte[] root) {
    return SignedNote.sign(new Checkpoint(ORIGIN, leaves.size(), root).body(), ORIGIN, seed);
  }

  private static byte[] event(int index, int sequence, String type, String device,
      String label, boolean forged) {
    TreeMap<String, String> f = new TreeMap<>();
    f.put("actor.organization", ORG);
    f.put("actor.site", SITE);
    f.put("event.id", "00000000-0000-4000-8000-00000000000" + index);
    f.put("event.time", "2026-12-01T08:3" + index + ":00.000000Z");
    f.put("event.type", type);
    f.put("log.index", Integer.toString(index));
    f.put("record.time", "2026-12-01T08:3" + index + ":01.000000Z");
    f.put("unit.code", UNIT);
    f.put("unit.sequence", Integer.toString(sequence));
    if (label != null) {
      f.put("label.serial", label);
    }
    if (device != null) {
      f.put("device", device);
      TreeMap<String, String> statement = new TreeMap<>(f);
      statement.keySet().removeAll(DeviceCheck.NOT_SIGNED);
      byte[] signature = Ed25519Keys.sign(DeviceSignatures.TAG, Canonical.encode(statement),
          forged ? OTHER_SEED : DEVICE_SEED);
      f.put("device.signature", HexFormat.of().formatHex(signature));
    }
    return Canonical.encode(f);
  }

  private static byte[] seed(int first) {
    byte[] b = new byte[32];
    for (int i = 0; i < 32; i++) {
      b[i] = (byte) (first + i);
    }
    return b;
  }
}
