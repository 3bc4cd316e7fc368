package io.packtrail.server.security;

import java.util.Optional;

/** Whether the deployment still stands behind a certificate it issued (revocation). */
@FunctionalInterface
public interface CertificateStatus {
  /**
   * Empty when the certificate with this serial (lower-case hex) is good; else why not, as words
   * that follow "certificate SERIAL ", e.g. "was revoked at 2026-05-01T10:00:00Z (key lost)".
   */
  Optional<String> refusal(String serial);
}
