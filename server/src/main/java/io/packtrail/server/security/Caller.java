package io.packtrail.server.security;

import io.grpc.Context;
import io.packtrail.server.domain.Principal;

/**
 * Who is calling, for the current RPC: the {@link Principal} the caller's certificate names
 * ({@link Principal#LOCAL} in plaintext development mode). Services ask this class, never the
 * transport.
 */
public record Caller(Principal principal) {
  public static final Caller UNAUTHENTICATED = new Caller(Principal.LOCAL);

  static final Context.Key<Caller> KEY = Context.key("packtrail-caller");

  /** The caller of the current RPC. */
  public static Caller current() {
    Caller caller = KEY.get();
    return caller == null ? UNAUTHENTICATED : caller;
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
   * Whether this caller may record at the given site: a caller bound to a site only there; one
   * not bound to a site (or the plaintext development principal) anywhere.
   */
  public boolean mayActAt(String actorSite) {
    return !authenticated() || site() == null || site().equals(actorSite);
  }
}
