package io.packtrail.server.api;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import io.grpc.Attributes;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.SecurityLevel;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.ServiceDescriptor;
import io.grpc.Status;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Answers a request that does not parse (invalid UTF-8 in a string field, a truncated or corrupt
 * message) with INVALID_ARGUMENT "the request is not a valid {type}: {reason}".
 *
 * <p>grpc-java 1.85 parses a unary request when the client half-closes, outside every
 * interceptor, and answers a parse failure with UNKNOWN "Application error processing RPC" even
 * when the marshaller throws a StatusRuntimeException. So each method takes its requests as raw
 * bytes from the transport and parses them here, where a failure can close the call properly.
 */
public final class RequestParsing {
  /** Messages as their raw bytes, unparsed (tests send invalid wire data with it too). */
  public static final MethodDescriptor.Marshaller<byte[]> BYTES =
      new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) {
          return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
          try {
            // gRPC's message streams know their length: read exactly that (readAllBytes alone
            // allocates 16 KB buffers for a request of a few hundred bytes)
            if (stream instanceof io.grpc.KnownLength) {
              byte[] known = stream.readNBytes(stream.available());
              byte[] rest = stream.readAllBytes();
              if (rest.length == 0) {
                return known;
              }
              byte[] all = java.util.Arrays.copyOf(known, known.length + rest.length);
              System.arraycopy(rest, 0, all, known.length, rest.length);
              return all;
            }
            return stream.readAllBytes();
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        }
      };

  private RequestParsing() {}

  /** The same service parsing its own requests; schema descriptors are kept (reflection). */
  public static ServerServiceDefinition strict(ServerServiceDefinition service) {
    ServiceDescriptor original = service.getServiceDescriptor();
    ServiceDescriptor.Builder descriptor = ServiceDescriptor.newBuilder(original.getName())
        .setSchemaDescriptor(original.getSchemaDescriptor());
    List<ServerMethodDefinition<?, ?>> methods = new ArrayList<>();
    for (ServerMethodDefinition<?, ?> method : service.getMethods()) {
      ServerMethodDefinition<?, ?> strict = strict(method);
      descriptor.addMethod(strict.getMethodDescriptor());
      methods.add(strict);
    }
    ServerServiceDefinition.Builder strict = ServerServiceDefinition.builder(descriptor.build());
    methods.forEach(strict::addMethod);
    return strict.build();
  }

  private static <Q, A> ServerMethodDefinition<byte[], A> strict(
      ServerMethodDefinition<Q, A> method) {
    MethodDescriptor<Q, A> original = method.getMethodDescriptor();
    MethodDescriptor<byte[], A> raw =
        original.toBuilder(BYTES, original.getResponseMarshaller()).build();
    String typeName = original.getRequestMarshaller()
        instanceof MethodDescriptor.PrototypeMarshaller<Q> p
        && p.getMessagePrototype() instanceof Message m
        ? m.getDescriptorForType().getFullName() : original.getFullMethodName() + " request";
    ServerCallHandler<Q, A> handler = method.getServerCallHandler();
    return ServerMethodDefinition.create(raw, (call, headers) -> new ParsingListener<>(call,
        handler.startCall(new TypedCall<>(call, original), headers), original, typeName));
  }

  /** Parses each request; after a failure the call is closed and the handler hears no more. */
  private static final class ParsingListener<Q, A> extends ServerCall.Listener<byte[]> {
    private final ServerCall<byte[], A> call;
    private final ServerCall.Listener<Q> delegate;
    private final MethodDescriptor<Q, A> method;
    private final String typeName;
    private boolean refused;
    private int messages;

    ParsingListener(ServerCall<byte[], A> call, ServerCall.Listener<Q> delegate,
        MethodDescriptor<Q, A> method, String typeName) {
      this.call = call;
      this.delegate = delegate;
      this.method = method;
      this.typeName = typeName;
    }

    @Override
    public void onMessage(byte[] bytes) {
      if (refused) {
        return;
      }
      messages++;
      Q request;
      try {
        request = method.parseRequest(new ByteArrayInputStream(bytes));
      } catch (RuntimeException e) {
        refused = true;
        call.close(Status.INVALID_ARGUMENT.withDescription(
            "the request is not a valid " + typeName + ": " + reason(e)), new Metadata());
        return;
      }
      delegate.onMessage(request);
    }

    @Override
    public void onHalfClose() {
      if (refused) {
        return;
      }
      // grpc-java would close it INTERNAL "Half-closed without a request": the client's fault,
      // said so (a second request is cancelled by grpc-java's own call before it reaches here)
      if (messages == 0 && method.getType().clientSendsOneMessage()) {
        refuse("a " + method.getBareMethodName() + " call carries one " + typeName
            + "; this one ended without any");
        return;
      }
      delegate.onHalfClose();
    }

    private void refuse(String description) {
      refused = true;
      call.close(Status.INVALID_ARGUMENT.withDescription(description), new Metadata());
    }

    @Override
    public void onReady() {
      if (!refused) {
        delegate.onReady();
      }
    }

    @Override
    public void onCancel() {
      delegate.onCancel();
    }

    @Override
    public void onComplete() {
      delegate.onComplete();
    }

    /** What the protobuf parser said, without class names or stack traces. */
    private static String reason(Throwable failure) {
      for (Throwable t = failure; t != null; t = t.getCause()) {
        if (t instanceof InvalidProtocolBufferException && t.getMessage() != null) {
          return t.getMessage();
        }
      }
      return "it could not be parsed";
    }
  }

  /** The raw-bytes call as the handler expects it: the original method descriptor. */
  private static final class TypedCall<Q, A> extends ServerCall<Q, A> {
    private final ServerCall<byte[], A> delegate;
    private final MethodDescriptor<Q, A> method;

    TypedCall(ServerCall<byte[], A> delegate, MethodDescriptor<Q, A> method) {
      this.delegate = delegate;
      this.method = method;
    }

    @Override
    public void request(int numMessages) {
      delegate.request(numMessages);
    }

    @Override
    public void sendHeaders(Metadata headers) {
      delegate.sendHeaders(headers);
    }

    @Override
    public void sendMessage(A message) {
      delegate.sendMessage(message);
    }

    @Override
    public boolean isReady() {
      return delegate.isReady();
    }

    @Override
    public void close(Status status, Metadata trailers) {
      delegate.close(status, trailers);
    }

    @Override
    public boolean isCancelled() {
      return delegate.isCancelled();
    }

    @Override
    public void setMessageCompression(boolean enabled) {
      delegate.setMessageCompression(enabled);
    }

    @Override
    public void setCompression(String compressor) {
      delegate.setCompression(compressor);
    }

    @Override
    public void setOnReadyThreshold(int numBytes) {
      delegate.setOnReadyThreshold(numBytes);
    }

    @Override
    public SecurityLevel getSecurityLevel() {
      return delegate.getSecurityLevel();
    }

    @Override
    public Attributes getAttributes() {
      return delegate.getAttributes();
    }

    @Override
    public String getAuthority() {
      return delegate.getAuthority();
    }

    @Override
    public MethodDescriptor<Q, A> getMethodDescriptor() {
      return method;
    }
  }
}
