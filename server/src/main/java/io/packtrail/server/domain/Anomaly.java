package io.packtrail.server.domain;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;

/** Something about a unit for a person to look at; flagged, never a reason to refuse. */
public record Anomaly(String unitCode, String kind, String description, List<String> events,
    Instant createTime) {

  /**
   * A step's event dated more than {@link Lifecycle#CLOCK_SKEW} before the unit's previous step:
   * recorded in arrival order (a device that was offline delivers late), flagged for a person.
   */
  public static final String TIME_ORDER = "TIME_ORDER";

  /**
   * A step whose scanned label was valid at the step's {@code event_time} but was revoked (or
   * its key was) before the step reached the server: recorded, flagged for auditors.
   */
  public static final String LABEL_REVOKED_AFTER_SCAN = "LABEL_REVOKED_AFTER_SCAN";

  /** A label scanned at two places it could not have travelled between in the time between. */
  public static final String LABEL_SEEN_TOO_FAR_APART = "LABEL_SEEN_TOO_FAR_APART";

  /** Shipped and not received (no later step) within the configured time (the scan). */
  public static final String SHIPMENT_NOT_RECEIVED = "SHIPMENT_NOT_RECEIVED";

  /** Removed from its vehicle and not collected (no later step) within the configured time. */
  public static final String REMOVAL_NOT_COLLECTED = "REMOVAL_NOT_COLLECTED";

  /** No step for the configured time while neither in use nor finished (the scan). */
  public static final String UNIT_VANISHED = "UNIT_VANISHED";

  /**
   * A dismantling whose children and residue differ from the parent's mass beyond the scan's
   * tolerance, or a recycling whose lots hold less of the fed element mass than its tolerance.
   */
  public static final String MASS_UNACCOUNTED = "MASS_UNACCOUNTED";

  /** A recycling that recovered an element below its industry target ({@link RecoveryTargets}). */
  public static final String RECOVERY_BELOW_TARGET = "RECOVERY_BELOW_TARGET";

  /** Every kind an anomaly may have, for requests that filter by kind. */
  public static final List<String> KINDS = List.of(TIME_ORDER, LABEL_REVOKED_AFTER_SCAN,
      LABEL_SEEN_TOO_FAR_APART, SHIPMENT_NOT_RECEIVED, REMOVAL_NOT_COLLECTED, UNIT_VANISHED,
      MASS_UNACCOUNTED, RECOVERY_BELOW_TARGET);

  /**
   * The stable id of the anomaly of {@code kind} with the evidence {@code events} (event names
   * in the order the anomaly lists them): the first 16 bytes of SHA-256 over the UTF-8 of the
   * kind and each event name, each followed by a line feed, in lower-case hex
   * (docs/formats.md section 17). The same finding always gets the same id.
   */
  public static String id(String kind, List<String> events) {
    StringBuilder text = new StringBuilder(kind).append('\n');
    events.forEach(e -> text.append(e).append('\n'));
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256")
          .digest(text.toString().getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** An anomaly found while a step is checked, flagged on its event once it is recorded. */
  public record Flag(String kind, String description) {}
}
