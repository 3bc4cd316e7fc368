package io.packtrail.server.domain;

import java.time.Instant;

/**
 * A certificate the deployment CA issued: a server's ({@code principal} null) or a client's,
 * naming its principal (whose serial is this one). Revoked when {@code revokeTime} is set.
 */
public record IssuedCertificate(String serial, Principal principal, String commonName,
    Instant notBefore, Instant notAfter, byte[] der, Instant issueTime, Instant revokeTime,
    String revocationReason) {

  /** The kind as stored: SERVER or the principal's kind. */
  public String kind() {
    return principal == null ? "SERVER" : principal.kind().name();
  }

  public boolean revoked() {
    return revokeTime != null;
  }

  public boolean expiredAt(Instant t) {
    return !t.isBefore(notAfter);
  }
}
