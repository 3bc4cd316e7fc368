package io.packtrail.server.domain;

import java.time.Duration;

/**
 * A request over one of the server's limits (batch size, page size, streams or calls per
 * identity): RESOURCE_EXHAUSTED, with the limit that was hit as {@code subject} and, where waiting
 * helps, how long to wait before retrying.
 */
public final class LimitExceededException extends DomainException {
  private final String subject;
  private final Duration retryAfter;

  /**
   * @param subject what the limit applies to, e.g. {@code requests} or {@code calls per second of
   *     DEVICE organizations/o/sites/s/devices/d}
   * @param retryAfter how long to wait before the same call can pass, or null when waiting does
   *     not help (the request itself is too large)
   */
  public LimitExceededException(String subject, String message, Duration retryAfter) {
    super(message);
    this.subject = subject;
    this.retryAfter = retryAfter;
  }

  public String subject() {
    return subject;
  }

  public Duration retryAfter() {
    return retryAfter;
  }
}
