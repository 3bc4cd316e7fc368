package io.packtrail.server.security;

import io.grpc.Context;
import io.packtrail.server.domain.Principal;

/**
 * Who is calling, for the current RPC: the {@link Principal} the caller's certificate names
 * ({@link Principal#LOCAL} in plaintext development mode), and the RPC it calls (the full method
 * name, set by {@link CallerInterceptor}; null outside a call). Services ask this class, never the
 * transport.
 */
public record Caller(Principal principal, String method, Credential credential) {
  public static final Caller UNAUTHENTICATED = new Caller(Principal.LOCAL);

  static final Context.Key<Caller> KEY = Context.key("packtrail-caller");

  /**
   * Whether the credential the caller was admitted with still holds, asked again during a long
   * call (a watch stream): why it no longer does (expired, revoked, its device retired), or
   * empty.
   */
  @FunctionalInterface
  public interface Credential {
    java.util.Optional<String> lapse();

    /** A credential that never lapses (plaintext development, tests). */
    Credential HOLDS = java.util.Optional::empty;
  }

  /** A caller not yet bound to a call (what a {@link CallerResolver} answers). */
  public Caller(Principal principal) {
    this(principal, null, Credential.HOLDS);
  }

  /** As {@link #Caller(Principal)}, with a credential that may lapse during a call. */
  public Caller(Principal principal, Credential credential) {
    this(principal, null, credential);
  }

  /** Callers are the same principal calling the same method; how it is checked is not compared. */
  @Override
  public boolean equals(Object o) {
    return o instanceof Caller c && principal.equals(c.principal)
        && java.util.Objects.equals(method, c.method);
  }

  @Override
  public int hashCode() {
    return java.util.Objects.hash(principal, method);
  }

  /** The caller of the current RPC. */
  public static Caller current() {
    Caller caller = KEY.get();
    return caller == null ? UNAUTHENTICATED : caller;
  }

  /** The same principal, calling {@code fullMethodName}. */
  public Caller calling(String fullMethodName) {
    return new Caller(principal, fullMethodName, credential);
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
