package io.packtrail.server.domain;

import java.time.Instant;
import java.util.UUID;

/** One committed step of a unit's life, as stored and hashed. */
public record Event(
    UUID eventId,
    String unitCode,
    long sequence,
    long logIndex,
    StepType type,
    Instant eventTime,
    Instant recordTime,
    String actorOrganization,
    String actorSite,
    LifecycleState stateBefore,
    LifecycleState stateAfter,
    Step step,
    byte[] previousHash,
    byte[] hash,
    byte[] canonicalBytes,
    byte[] requestDigest,
    Long labelSerial) {

  public String name() {
    return ResourceNames.event(unitCode, sequence);
  }
}
