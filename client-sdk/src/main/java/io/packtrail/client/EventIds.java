package io.packtrail.client;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.UUID;

/**
 * New event ids (and registration request ids, which become their events' ids): UUID version 7
 * (RFC 9562, section 5.7), 48 bits of Unix milliseconds then 74 random bits. The server accepts
 * any UUID; ids of later milliseconds sort after earlier ones, so the event table's primary key
 * takes new entries in one hot region whose pages stay in PostgreSQL's buffers. A random id
 * changes a random page of that index, larger than the buffers, on every step, and the page is
 * written whole into the WAL after each checkpoint (docs/decisions.md, "Event ids in time
 * order"). The random bits come
 * from {@link SecureRandom}: an id someone could guess, they could take first, and the step sent
 * under it later would be refused as a reused id.
 */
public final class EventIds {
  private static final SecureRandom RANDOM = new SecureRandom();

  private EventIds() {}

  /** A new version 7 UUID for the current time. */
  public static UUID newEventId() {
    return newEventId(Clock.systemUTC());
  }

  /** A new version 7 UUID for {@code clock}'s current millisecond. */
  public static UUID newEventId(Clock clock) {
    long millis = clock.millis();
    if (millis < 0 || millis >= 1L << 48) {
      throw new IllegalArgumentException("the time " + millis + " ms is outside UUIDv7's 48 bits");
    }
    byte[] random = new byte[10];
    RANDOM.nextBytes(random);
    return newEventId(millis, random);
  }

  /**
   * The version 7 UUID of {@code millis} and ten random bytes: the low 4 bits of the first and
   * the second give rand_a, the last eight rand_b (their top two bits give way to the variant).
   */
  static UUID newEventId(long millis, byte[] random) {
    long randA = ((random[0] & 0x0fL) << 8) | (random[1] & 0xffL); // 12 bits
    long high = (millis << 16) | (0x7L << 12) | randA;
    long randB = 0;
    for (int i = 2; i < 10; i++) {
      randB = (randB << 8) | (random[i] & 0xffL);
    }
    long low = (randB & 0x3fffffffffffffffL) | 0x8000000000000000L; // variant 10, 62 bits
    return new UUID(high, low);
  }
}
