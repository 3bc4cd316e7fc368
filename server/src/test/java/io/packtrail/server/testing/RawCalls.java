package io.packtrail.server.testing;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.MethodDescriptor;
import io.grpc.stub.ClientCalls;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.concurrent.TimeUnit;

/** Calls with requests as raw bytes, so invalid wire data reaches the server unchanged. */
public final class RawCalls {
  public static final MethodDescriptor.Marshaller<byte[]> BYTES =
      new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) {
          return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
          try {
            return stream.readAllBytes();
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        }
      };

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
