package io.packtrail.server.testing;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.MethodDescriptor;
import io.grpc.stub.ClientCalls;
import io.packtrail.server.api.RequestParsing;
import java.util.Iterator;
import java.util.concurrent.TimeUnit;

/** Calls with requests as raw bytes, so invalid wire data reaches the server unchanged. */
public final class RawCalls {
  public static final MethodDescriptor.Marshaller<byte[]> BYTES = RequestParsing.BYTES;

  private RawCalls() {}

  public static MethodDescriptor<byte[], byte[]> method(String fullMethodName,
      MethodDescriptor.MethodType type) {
    return MethodDescriptor.<byte[], byte[]>newBuilder()
        .setFullMethodName(fullMethodName).setType(type)
        .setRequestMarshaller(BYTES).setResponseMarshaller(BYTES).build();
  }

  /** A unary call; throws StatusRuntimeException on failure. */
  public static byte[] unary(Channel channel, String fullMethodName, byte[] request) {
    return ClientCalls.blockingUnaryCall(channel,
        method(fullMethodName, MethodDescriptor.MethodType.UNARY),
        CallOptions.DEFAULT.withDeadlineAfter(30, TimeUnit.SECONDS), request);
  }

  /**
   * A call sending exactly {@code requests} (none, one or several), whatever the method's type,
   * then half-closing: the status it ends with (waits at most 30 s).
   */
  public static io.grpc.Status sending(Channel channel, String fullMethodName,
      java.util.List<byte[]> requests) throws InterruptedException {
    io.grpc.ClientCall<byte[], byte[]> call = channel.newCall(
        method(fullMethodName, MethodDescriptor.MethodType.BIDI_STREAMING),
        CallOptions.DEFAULT.withDeadlineAfter(30, TimeUnit.SECONDS));
    java.util.concurrent.CompletableFuture<io.grpc.Status> ended =
        new java.util.concurrent.CompletableFuture<>();
    call.start(new io.grpc.ClientCall.Listener<>() {
      @Override
      public void onClose(io.grpc.Status status, io.grpc.Metadata trailers) {
        ended.complete(status);
      }
    }, new io.grpc.Metadata());
    call.request(Integer.MAX_VALUE);
    requests.forEach(call::sendMessage);
    call.halfClose();
    try {
      return ended.get(30, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * A server-streaming call: the first response, or null when the stream ended without one.
   * Waits at most {@code waitMillis} (a stream may rightly wait for more); the call ends then.
   */
  public static byte[] firstOfStream(Channel channel, String fullMethodName, byte[] request,
      long waitMillis) {
    Iterator<byte[]> responses = ClientCalls.blockingServerStreamingCall(channel,
        method(fullMethodName, MethodDescriptor.MethodType.SERVER_STREAMING),
        CallOptions.DEFAULT.withDeadlineAfter(waitMillis, TimeUnit.MILLISECONDS), request);
    return responses.hasNext() ? responses.next() : null;
  }
}
