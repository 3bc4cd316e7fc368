package io.packtrail.server.api;

import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.StatusRuntimeException;
import io.packtrail.server.domain.LimitExceededException;
import io.packtrail.server.security.Caller;
import io.packtrail.server.security.RateLimiter;
import java.time.Duration;

/**
 * The rate limit per identity: a call beyond its caller's token bucket is refused with
 * RESOURCE_EXHAUSTED, a QuotaFailure naming the identity and a RetryInfo saying when a token is
 * back. Runs right after the caller is known, before anything else, so refused calls cost
 * nothing but the bucket.
 */
public final class RateLimitInterceptor implements ServerInterceptor {
  private final RateLimiter limiter;

  public RateLimitInterceptor(RateLimiter limiter) {
    this.limiter = limiter;
  }

  @Override
  public <Q, A> ServerCall.Listener<Q> interceptCall(ServerCall<Q, A> call, Metadata headers,
      ServerCallHandler<Q, A> next) {
    Caller caller = Caller.current();
    Duration wait = limiter.acquire(caller.principal());
    if (wait != null) {
      StatusRuntimeException refused = ErrorMapper.toStatusException(new LimitExceededException(
          "calls per second of " + caller.principal(), "rate limit: " + caller.principal()
              + " may make " + limiter.burst() + " calls at once and " + fmt(limiter.perSecond())
              + " per second after that; retry in " + wait.toMillis() + " ms", wait));
      call.close(refused.getStatus(), refused.getTrailers() == null ? new Metadata()
          : refused.getTrailers());
      return new ServerCall.Listener<>() {};
    }
    return next.startCall(call, headers);
  }

  private static String fmt(double rate) {
    return rate == Math.rint(rate) ? Long.toString((long) rate) : Double.toString(rate);
  }
}
