package io.packtrail.server.domain;

import java.time.Instant;
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

  /** An anomaly found while a step is checked, flagged on its event once it is recorded. */
  public record Flag(String kind, String description) {}
}
