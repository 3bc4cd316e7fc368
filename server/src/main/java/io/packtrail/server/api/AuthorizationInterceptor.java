package io.packtrail.server.api;

import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.StatusRuntimeException;
import io.packtrail.server.domain.Authorization;
import io.packtrail.server.security.Caller;
import io.packtrail.server.security.PermissionDeniedException;
import java.util.Optional;

/**
 * The kind check of the authorization table ({@link Authorization}), before the handler runs:
 * an RPC missing from the table, or a caller whose kind of principal its row does not name, is
 * refused with PERMISSION_DENIED (rule {@code KIND}). Scope rules follow in the services.
 * Runs after {@link io.packtrail.server.security.CallerInterceptor}; health and reflection are
 * not behind it.
 */
public final class AuthorizationInterceptor implements ServerInterceptor {
  /** The ErrorInfo reason of a refusal by kind (scope refusals carry their scope's name). */
  public static final String KIND = "KIND";

  @Override
  public <Q, A> ServerCall.Listener<Q> interceptCall(ServerCall<Q, A> call, Metadata headers,
      ServerCallHandler<Q, A> next) {
    Caller caller = Caller.current();
    String method = call.getMethodDescriptor().getFullMethodName();
    Optional<Authorization.Rule> rule = Authorization.rule(method);
    String refusal = null;
    if (rule.isEmpty()) {
      refusal = method + " is not in the authorization table; nobody may call it";
    } else if (!rule.get().admits(caller.principal().kind())) {
      refusal = "a caller of kind " + caller.principal().kind() + " may not call " + method
          + " (" + rule.get().why() + ")";
    }
    if (refusal != null) {
      StatusRuntimeException denied = ErrorMapper.toStatusException(
          new PermissionDeniedException(caller, KIND, refusal));
      call.close(denied.getStatus(), denied.getTrailers() == null ? new Metadata()
          : denied.getTrailers());
      return new ServerCall.Listener<>() {};
    }
    return next.startCall(call, headers);
  }
}
