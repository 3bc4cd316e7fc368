package io.packtrail.server.security;

import io.packtrail.server.domain.Principal;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A token bucket per identity: {@code burst} calls at once, refilled at {@code perSecond}. An
 * identity is the whole {@link Principal} (kind, names and certificate serial), so each
 * certificate has its own bucket. The plaintext development principal has none (it is the one
 * local developer); {@code perSecond} 0 turns the limit off. Time comes from the server's clock;
 * a clock that steps back refills nothing until it has caught up.
 */
public final class RateLimiter {
  /** Buckets idle this long are full again and are dropped, so the map stays small. */
  private static final long IDLE_MILLIS = 10 * 60 * 1000;

  private final double perSecond;
  private final double burst;
  private final Clock clock;
  private final ConcurrentHashMap<Principal, Bucket> buckets = new ConcurrentHashMap<>();
  private volatile long lastSweep;

  public RateLimiter(double perSecond, int burst, Clock clock) {
    if (perSecond < 0 || !Double.isFinite(perSecond) || burst < 1) {
      throw new IllegalArgumentException("a rate limit needs a rate of 0 (off) or more calls "
          + "per second and a burst of at least 1, got " + perSecond + " and " + burst);
    }
    this.perSecond = perSecond;
    this.burst = burst;
    this.clock = clock;
  }

  public boolean enabled() {
    return perSecond > 0;
  }

  /**
   * Takes one token of the principal's bucket: null when the call may go ahead, else how long
   * until a token is back.
   */
  public Duration acquire(Principal principal) {
    if (!enabled() || !principal.authenticated()) {
      return null;
    }
    long now = clock.millis();
    sweep(now);
    Bucket bucket = buckets.computeIfAbsent(principal, p -> new Bucket(burst, now));
    synchronized (bucket) {
      if (now > bucket.at) {
        bucket.tokens = Math.min(burst, bucket.tokens + (now - bucket.at) * perSecond / 1000);
        bucket.at = now;
      }
      if (bucket.tokens >= 1) {
        bucket.tokens -= 1;
        return null;
      }
      long wait = (long) Math.ceil((1 - bucket.tokens) * 1000 / perSecond);
      return Duration.ofMillis(Math.max(1, wait));
    }
  }

  public double perSecond() {
    return perSecond;
  }

  public int burst() {
    return (int) burst;
  }

  private void sweep(long now) {
    if (now - lastSweep < IDLE_MILLIS) {
      return;
    }
    lastSweep = now;
    // only a bucket that would be full again by now: a dropped bucket comes back full, so one
    // dropped earlier (a slow rate, a large burst) would hand out more than its refill
    buckets.values().removeIf(b -> {
      synchronized (b) {
        return now - b.at > IDLE_MILLIS
            && b.tokens + (now - b.at) * perSecond / 1000 >= burst;
      }
    });
  }

  private static final class Bucket {
    double tokens;
    long at;

    Bucket(double tokens, long at) {
      this.tokens = tokens;
      this.at = at;
    }
  }
}
