package io.packtrail.server.domain;

import java.time.Instant;
import java.util.UUID;

/**
 * An enrolled scanner of one site ({@code site}) with the Ed25519 public key its step
 * signatures verify under. A retired device signs nothing more; what it signed stays valid.
 */
public record Device(String site, String id, String displayName, byte[] publicKey,
    Status status, UUID enrollmentCode, Instant createTime, Instant retireTime) {

  public enum Status { ACTIVE, RETIRED }

  public static final int MAX_DISPLAY_NAME = 200;

  public String name() {
    return ResourceNames.device(site, id);
  }

  public String enrollmentCodeName() {
    return ResourceNames.enrollmentCode(site, enrollmentCode);
  }

  public boolean active() {
    return status == Status.ACTIVE;
  }
}
