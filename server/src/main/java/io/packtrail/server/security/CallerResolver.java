package io.packtrail.server.security;

import io.grpc.Attributes;
import io.grpc.Metadata;

/** Turns what a call carries (transport attributes such as the TLS session, headers) into a Caller. */
@FunctionalInterface
public interface CallerResolver {
  Caller resolve(Attributes transport, Metadata headers);

  /** Plaintext development mode: nobody is authenticated. */
  CallerResolver PLAINTEXT = (transport, headers) -> Caller.UNAUTHENTICATED;
}
