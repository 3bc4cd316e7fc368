package io.packtrail.client.device;

import io.packtrail.v1.Event;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Checks a stored event's device signature from the event alone, as an auditor does
 * (docs/formats.md section 10, "In the events"): the statement is the event's canonical fields
 * without those the server chose or derived, without {@code device.signature} and the
 * multi-unit step keys; the signature is {@code device.signature}.
 */
public final class DeviceCheck {
  /**
   * Keys that are not part of the statement the device signed: what the server chose or derived,
   * the multi-unit step keys, and who submitted the step (the authenticated caller that sent it,
   * which the server records: docs/formats.md section 15).
   */
  public static final Set<String> NOT_SIGNED = Set.of("record.time", "log.index", "unit.sequence",
      "actor.organization", "state.before", "state.after", "device.signature", "step.id",
      "step.unit", "step.part", "submitter.kind", "submitter.name",
      "submitter.certificate_serial");

  /** What an event says about its device. */
  public sealed interface Signed {}

  /** The event names no device (recorded by a system without one). */
  public record Unsigned() implements Signed {}

  /** An event of a multi-unit step other than the primary: checked at {@code primary}. */
  public record AtPrimary(String device, String primary) implements Signed {}

  /** The statement the device signed and its signature, to verify under the device's key. */
  public record Statement(String device, byte[] statement, byte[] signature) implements Signed {
    public boolean verifies(byte[] publicKey) {
      return DeviceSignatures.verify(statement, signature, publicKey);
    }

    /** As {@link #verifies(byte[])}, under a key decoded once. */
    public boolean verifies(io.packtrail.client.label.Ed25519Keys.PublicKey publicKey) {
      return DeviceSignatures.verify(statement, signature, publicKey);
    }
  }

  /** The event's canonical fields cannot be read, or a signed event lacks its signature. */
  public record Malformed(String device, String why) implements Signed {}

  private DeviceCheck() {}

  /** What a stored event says about its device, from its canonical bytes. */
  public static Signed of(Event event) {
    return of(event.getCanonicalBytes().toByteArray());
  }

  /** What an event's canonical bytes (docs/formats.md section 3) say about its device. */
  public static Signed of(byte[] canonicalBytes) {
    Map<String, byte[]> fields;
    try {
      fields = fields(canonicalBytes);
    } catch (RuntimeException e) {
      return new Malformed("", "its canonical bytes cannot be read (" + e.getMessage() + ")");
    }
    byte[] device = fields.get("device");
    if (device == null) {
      return new Unsigned();
    }
    String name = new String(device, StandardCharsets.UTF_8);
    byte[] signature = fields.get("device.signature");
    if (signature == null) {
      byte[] stepUnit = fields.get("step.unit");
      byte[] unit = fields.get("unit.code");
      if (stepUnit != null && !java.util.Arrays.equals(stepUnit, unit)) {
        return new AtPrimary(name, "units/" + new String(stepUnit, StandardCharsets.UTF_8));
      }
      return new Malformed(name, "it names the device but carries no device.signature");
    }
    byte[] sig;
    try {
      sig = HexFormat.of().parseHex(new String(signature, StandardCharsets.US_ASCII));
    } catch (IllegalArgumentException e) {
      return new Malformed(name, "its device.signature is not hex");
    }
    ByteArrayOutputStream statement = new ByteArrayOutputStream();
    for (Map.Entry<String, byte[]> f : fields.entrySet()) {
      if (!NOT_SIGNED.contains(f.getKey())) {
        byte[] key = f.getKey().getBytes(StandardCharsets.US_ASCII);
        statement.write(key.length >>> 8);
        statement.write(key.length);
        statement.writeBytes(key);
        statement.writeBytes(ByteBuffer.allocate(4).putInt(f.getValue().length).array());
        statement.writeBytes(f.getValue());
      }
    }
    return new Statement(name, statement.toByteArray(), sig);
  }

  /** Section 3's layout: u16 key length, key, u32 value length, value; in the stored order. */
  public static Map<String, byte[]> fields(byte[] canonical) {
    ByteBuffer b = ByteBuffer.wrap(canonical);
    Map<String, byte[]> fields = new LinkedHashMap<>();
    while (b.hasRemaining()) {
      byte[] key = new byte[Short.toUnsignedInt(b.getShort())];
      b.get(key);
      int length = b.getInt();
      if (length < 0 || length > b.remaining()) {
        throw new IllegalArgumentException("a value runs past the end");
      }
      byte[] value = new byte[length];
      b.get(value);
      fields.put(new String(key, StandardCharsets.US_ASCII), value);
    }
    return fields;
  }
}
