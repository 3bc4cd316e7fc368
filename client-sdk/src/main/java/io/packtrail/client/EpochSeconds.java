package io.packtrail.client;

import java.time.Instant;

/**
 * Times that signed data carries as seconds since 1970 (labels, trust lists, cosignatures), as
 * {@link Instant}s. Those fields are 64-bit, but an Instant ends in the year 1,000,000,000:
 * {@code Instant.ofEpochSecond} throws beyond it, and forged or careless data must not turn a
 * verifier's clear refusal into a crash.
 */
public final class EpochSeconds {
  private EpochSeconds() {}

  /** The instant, or {@link Instant#MIN} / {@link Instant#MAX} for seconds beyond them. */
  public static Instant instant(long seconds) {
    if (seconds > Instant.MAX.getEpochSecond()) {
      return Instant.MAX;
    }
    if (seconds < Instant.MIN.getEpochSecond()) {
      return Instant.MIN;
    }
    return Instant.ofEpochSecond(seconds);
  }

  /** The instant as text, or "second N since 1970" when it lies beyond any instant. */
  public static String text(long seconds) {
    return seconds > Instant.MAX.getEpochSecond() || seconds < Instant.MIN.getEpochSecond()
        ? "second " + seconds + " since 1970" : Instant.ofEpochSecond(seconds).toString();
  }
}
