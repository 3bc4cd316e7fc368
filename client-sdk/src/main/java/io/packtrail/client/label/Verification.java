package io.packtrail.client.label;

import io.packtrail.v1.LabelPayload;
import io.packtrail.v1.UnitLevel;
import java.time.Instant;
import java.util.HexFormat;

/** The outcome of verifying one label text: {@link Valid} or {@link Refused}. */
public sealed interface Verification {

  boolean isValid();

  /** Why the label was refused; null when it is valid. */
  Refusal refusal();

  /** A human-readable account naming the unit, key and serial involved. */
  String detail();

  /** A genuine, current label; the payload is what its issuer signed. */
  record Valid(LabelPayload payload) implements Verification {

    @Override
    public boolean isValid() {
      return true;
    }

    @Override
    public Refusal refusal() {
      return null;
    }

    // Built on demand, so a valid verification allocates nothing for it.
    @Override
    public String detail() {
      return "valid label: " + level() + " " + unitCode() + ", serial " + Long.toUnsignedString(serial())
          + ", issued by " + issuer() + " at " + issuedAt() + " under key " + keyIdHex();
    }

    public String unitCode() {
      return payload.getUnitCode();
    }

    public UnitLevel level() {
      return payload.getLevel();
    }

    /** The serial, an unsigned 64-bit number (see {@link Long#toUnsignedString(long)}). */
    public long serial() {
      return payload.getSerial();
    }

    public String issuer() {
      return payload.getIssuer();
    }

    public byte[] keyId() {
      return payload.getKeyId().toByteArray();
    }

    public String keyIdHex() {
      return HexFormat.of().formatHex(keyId());
    }

    public Instant issuedAt() {
      return io.packtrail.client.EpochSeconds.instant(payload.getIssuedAt());
    }
  }

  /** A refused label. */
  record Refused(Refusal refusal, String detail) implements Verification {

    @Override
    public boolean isValid() {
      return false;
    }
  }
}
