package io.packtrail.server.api;

import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.StatusRuntimeException;

/**
 * Closes a call whose handler threw with the status {@link ErrorMapper} gives, so no exception
 * reaches the client as UNKNOWN.
 */
public final class ExceptionInterceptor implements ServerInterceptor {
  @Override
  public <Q, A> ServerCall.Listener<Q> interceptCall(ServerCall<Q, A> call, Metadata headers,
      ServerCallHandler<Q, A> next) {
    ServerCall.Listener<Q> delegate = next.startCall(call, headers);
    return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(delegate) {
      @Override
      public void onMessage(Q message) {
        guard(() -> super.onMessage(message));
      }

      @Override
      public void onHalfClose() {
        guard(super::onHalfClose);
      }

      private void guard(Runnable step) {
        try {
          step.run();
        } catch (RuntimeException e) {
          StatusRuntimeException mapped = ErrorMapper.toStatusException(e);
          Metadata trailers = mapped.getTrailers() != null ? mapped.getTrailers() : new Metadata();
          try {
            call.close(mapped.getStatus(), trailers);
          } catch (IllegalStateException alreadyClosed) {
            // the handler had already answered; nothing more can be sent
          }
        }
      }
    };
  }

}
