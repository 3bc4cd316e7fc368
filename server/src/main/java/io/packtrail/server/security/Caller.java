package io.packtrail.server.security;

import io.grpc.Context;
import io.packtrail.server.domain.Principal;

/**
 * Who is calling, for the current RPC: the {@link Principal} the caller's certificate names
 * ({@link Principal#LOCAL} in plaintext development mode), and the RPC it calls (the full method
 * name, set by {@link CallerInterceptor}; null outside a call). Services ask this class, never the
 * transport.
 */
public record Caller(Principal principal, String method) {
  public static final Caller UNAUTHENTICATED = new Caller(Principal.LOCAL);

  static final Context.Key<Caller> KEY = Context.key("packtrail-caller");

  /** A caller not yet bound to a call (what a {@link CallerResolver} answers). */
  public Caller(Principal principal) {
    this(principal, null);
  }

  /** The caller of the current RPC. */
  public static Caller current() {
    Caller caller = KEY.get();
    return caller == null ? UNAUTHENTICATED : caller;
  }

  /** The same principal, calling {@code fullMethodName}. */
  public Caller calling(String fullMethodName) {
    return new Caller(principal, fullMethodName);
  }

  public boolean authenticated() {
    return principal.authenticated();
  }

  public String organization() {
    return principal.organization();
  }

  public String site() {
    return principal.site();
  }

  /**
   * The refusal of a scope rule for this caller: PERMISSION_DENIED, logged once when it is
   * answered (api/ErrorMapper).
   */
  public PermissionDeniedException denied(io.packtrail.server.domain.Authorization.Denied d) {
    return new PermissionDeniedException(this, d.scope().name(), d.getMessage());
  }
}
