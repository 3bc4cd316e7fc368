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
