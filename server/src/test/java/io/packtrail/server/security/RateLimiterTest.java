package io.packtrail.server.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.packtrail.server.domain.Principal;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** The token buckets: a burst, a refill, and idle buckets dropped only once full again. */
class RateLimiterTest {
  /** A clock the test moves. */
  static final class Moving extends Clock {
    long millis = 1_000_000;

    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return Instant.ofEpochMilli(millis);
    }
  }

  static Principal worker(String serial) {
    return new Principal(Principal.Kind.WORKER, "organizations/acme",
        "organizations/acme/sites/plant", null, serial);
  }

  static int takeAll(RateLimiter limiter, Principal p) {
    int n = 0;
    while (limiter.acquire(p) == null) {
      n++;
    }
    return n;
  }

  @Test
  void aBurstThenTheRefillAndNothingMore() {
    Moving clock = new Moving();
    RateLimiter limiter = new RateLimiter(10, 20, clock);
    Principal p = worker("aa");
    assertEquals(20, takeAll(limiter, p));
    assertNotNull(limiter.acquire(p), "empty: the wait is named");
    clock.millis += 1000;
    assertEquals(10, takeAll(limiter, p));
  }

  /**
   * A slow rate and a large burst: eleven idle minutes refill 660 tokens, not 2,000. A sweep
   * (another identity's call after ten minutes) used to drop the drained bucket as if it were
   * full, and the identity came back with its whole burst.
   */
  @Test
  void aDrainedBucketIsNotDroppedBeforeItIsFullAgain() {
    Moving clock = new Moving();
    RateLimiter limiter = new RateLimiter(1, 2000, clock);
    Principal p = worker("bb");
    assertEquals(2000, takeAll(limiter, p));
    clock.millis += 11 * 60 * 1000;
    assertNull(limiter.acquire(worker("cc")), "another identity's call sweeps");
    assertEquals(660, takeAll(limiter, p));
    // a bucket idle long enough to be full is dropped, and comes back full: the same
    clock.millis += 40 * 60 * 1000;
    assertNull(limiter.acquire(worker("cc")));
    assertEquals(2000, takeAll(limiter, p));
  }
}
