package io.packtrail.server.domain;

import java.time.Instant;
import java.util.UUID;

/** An issued label as stored. */
public record LabelRecord(long serial, String unitCode, byte[] keyId, String issuerId,
    Instant issuedAt, String text, LabelState status, Long supersededBy, UUID requestId) {

  /** Whether the label is still good. */
  public enum LabelState { ACTIVE, REVOKED, SUPERSEDED }

  public String name() {
    return ResourceNames.label(serial);
  }
}
