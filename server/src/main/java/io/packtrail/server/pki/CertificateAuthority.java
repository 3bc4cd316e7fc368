package io.packtrail.server.pki;

import io.packtrail.server.security.KeySealer;
import java.time.Clock;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/**
 * The deployment CA as a running server uses it (device certificates at enrollment): opened
 * from the database the first time it is there, so a plaintext development server started
 * before {@code pki init} finds it afterwards.
 */
public final class CertificateAuthority {
  private final Jdbi jdbi;
  private final KeySealer sealer;
  private final Clock clock;
  private volatile DeploymentCa ca;

  public CertificateAuthority(Jdbi jdbi, KeySealer sealer, Clock clock) {
    this.jdbi = jdbi;
    this.sealer = sealer;
    this.clock = clock;
  }

  /** Revokes a certificate this deployment issued (see {@link IssuedCertificates#revoke}). */
  public void revoke(String serial, String reason) {
    new IssuedCertificates(jdbi, clock).revoke(serial, reason);
  }

  public Optional<DeploymentCa> ca() {
    DeploymentCa known = ca;
    if (known == null) {
      known = DeploymentCa.load(jdbi, sealer, clock).orElse(null);
      ca = known;
    }
    return Optional.ofNullable(known);
  }
}
