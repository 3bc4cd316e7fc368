package io.packtrail.server.domain;

import java.time.Instant;
import java.util.HexFormat;
import java.util.UUID;

/** A stored label-signing key; the private part stays sealed. */
public record LabelKeyRecord(byte[] keyId, String organizationId, byte[] publicKey,
    byte[] privateKeySealed, Instant notBefore, Instant notAfter, KeyStatus status,
    UUID requestId, Instant createTime) {

  /** Lifecycle of a key: signs new labels, only verifies old ones, or is refused. */
  public enum KeyStatus { ACTIVE, RETIRED, REVOKED }

  public String keyIdHex() {
    return HexFormat.of().formatHex(keyId);
  }

  public String name() {
    return ResourceNames.labelKey(organizationId, keyIdHex());
  }
}
