package io.packtrail.server.security;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;

/** The one place a call's identity is established; services read it with Caller.current(). */
public final class CallerInterceptor implements ServerInterceptor {
  private final CallerResolver resolver;

  public CallerInterceptor(CallerResolver resolver) {
    this.resolver = resolver;
  }

  @Override
  public <Q, A> ServerCall.Listener<Q> interceptCall(ServerCall<Q, A> call, Metadata headers,
      ServerCallHandler<Q, A> next) {
    Caller caller = resolver.resolve(call.getAttributes(), headers)
        .calling(call.getMethodDescriptor().getFullMethodName());
    return Contexts.interceptCall(Context.current().withValue(Caller.KEY, caller), call, headers,
        next);
  }
}
