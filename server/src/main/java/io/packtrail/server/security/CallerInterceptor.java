package io.packtrail.server.security;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place a call's identity is established; services read it with Caller.current(). A
 * caller the resolver refuses gets UNAUTHENTICATED with the reason, and the call never reaches
 * a service. A resolver that fails otherwise (the database behind the revocation check
 * unreachable) answers as the services do for the same failure ({@code failures}: UNAVAILABLE
 * for an outage, which clients retry), not grpc's bare UNKNOWN.
 */
public final class CallerInterceptor implements ServerInterceptor {
  private static final Logger log = LoggerFactory.getLogger(CallerInterceptor.class);

  private final CallerResolver resolver;
  private final java.util.function.Function<Throwable, io.grpc.StatusRuntimeException> failures;

  public CallerInterceptor(CallerResolver resolver,
      java.util.function.Function<Throwable, io.grpc.StatusRuntimeException> failures) {
    this.resolver = resolver;
    this.failures = failures;
  }

  @Override
  public <Q, A> ServerCall.Listener<Q> interceptCall(ServerCall<Q, A> call, Metadata headers,
      ServerCallHandler<Q, A> next) {
    Caller caller;
    try {
      caller = resolver.resolve(call.getAttributes(), headers)
          .calling(call.getMethodDescriptor().getFullMethodName());
    } catch (UnauthenticatedException e) {
      log.info("refused {} from {}: {}", call.getMethodDescriptor().getFullMethodName(),
          call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR), e.getMessage());
      call.close(Status.UNAUTHENTICATED.withDescription(e.getMessage()), new Metadata());
      return new ServerCall.Listener<>() {};
    } catch (RuntimeException e) {
      io.grpc.StatusRuntimeException answer = failures.apply(e);
      Metadata trailers = answer.getTrailers();
      call.close(answer.getStatus(), trailers != null ? trailers : new Metadata());
      return new ServerCall.Listener<>() {};
    }
    return Contexts.interceptCall(Context.current().withValue(Caller.KEY, caller), call, headers,
        next);
  }
}
