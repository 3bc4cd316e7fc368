package io.packtrail.server.security;

import io.grpc.Context;

/**
 * Who is calling. Until mutual TLS lands every caller is {@link #UNAUTHENTICATED}; then the
 * caller's certificate will name its organisation and site, and {@link #checkActorSite} will
 * keep a station to its own site. Services ask this class, never the transport.
 */
public record Caller(String organization, String site, boolean authenticated) {
  public static final Caller UNAUTHENTICATED = new Caller(null, null, false);

  static final Context.Key<Caller> KEY = Context.key("packtrail-caller");

  /** The caller of the current RPC. */
  public static Caller current() {
    Caller caller = KEY.get();
    return caller == null ? UNAUTHENTICATED : caller;
  }

  /**
   * Whether this caller may record at the given site: an authenticated caller bound to a site
   * only there; an unauthenticated one (plaintext development mode) anywhere.
   */
  public boolean mayActAt(String actorSite) {
    return !authenticated || site == null || site.equals(actorSite);
  }
}
