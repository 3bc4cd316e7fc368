package io.packtrail.scanner;

import java.time.Duration;
import java.time.Instant;

/**
 * The device clock that dates scans (a step's event time). It is the system clock, shifted by
 * the system property {@code packtrail.scanner.clockOffset} when set (an ISO-8601 duration, e.g.
 * {@code -P3D}): the tests use it to scan as a device did three days ago, as an offline device
 * whose steps arrive late; it also reproduces a device whose clock runs fast or slow.
 * Only the event time moves: the label check against the trust list and the repeat window use
 * the real time.
 */
final class ScanClock {
  static final String PROPERTY = "packtrail.scanner.clockOffset";

  private ScanClock() {}

  static Instant now() {
    String offset = System.getProperty(PROPERTY);
    Instant now = Instant.now();
    if (offset == null || offset.isBlank()) {
      return now;
    }
    try {
      return now.plus(Duration.parse(offset));
    } catch (java.time.format.DateTimeParseException e) {
      throw new IllegalArgumentException(PROPERTY + " must be an ISO-8601 duration such as "
          + "-P3D or PT-2H, got '" + offset + "'");
    }
  }
}
