package io.packtrail.server.pki;

import io.packtrail.server.domain.IssuedCertificate;
import io.packtrail.server.security.CertificateStatus;
import io.packtrail.server.store.CertificateDao;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.jdbi.v3.core.Jdbi;

/**
 * The certificates the deployment issued: listing, revocation, and the status a running server
 * checks on every call. A revocation made by {@code pki revoke} (another process) or by retiring
 * a device is seen by every server within {@link #SEEN_FOR}, without a restart: the status of a
 * serial is read at most once per that time (as app/Devices reads devices).
 */
public final class IssuedCertificates implements CertificateStatus {
  /** How long a certificate's status is trusted as last read. */
  public static final Duration SEEN_FOR = Duration.ofSeconds(1);
  private static final int MAX_SEEN = 100_000;

  private final Jdbi jdbi;
  private final Clock clock;
  private final ConcurrentMap<String, Seen> seen = new ConcurrentHashMap<>();

  /** A status as read, and when (System.nanoTime); refusal null when good. */
  private record Seen(Optional<String> refusal, long readAt) {}

  public IssuedCertificates(Jdbi jdbi, Clock clock) {
    this.jdbi = jdbi;
    this.clock = clock;
  }

  public List<IssuedCertificate> list() {
    return jdbi.withExtension(CertificateDao.class, CertificateDao::list);
  }

  public Optional<IssuedCertificate> find(String serial) {
    return jdbi.withExtension(CertificateDao.class, dao -> dao.find(serial));
  }

  /**
   * Revokes a certificate; revoking a revoked one changes nothing and answers it as it is.
   *
   * @throws IllegalArgumentException when the deployment never issued this serial
   */
  public IssuedCertificate revoke(String serial, String reason) {
    String normalised = serial.strip().toLowerCase(java.util.Locale.ROOT).replace(":", "");
    Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
    return jdbi.inTransaction(h -> {
      CertificateDao dao = h.attach(CertificateDao.class);
      dao.revoke(normalised, now, reason);
      IssuedCertificate c = dao.find(normalised).orElseThrow(() -> new IllegalArgumentException(
          "this deployment issued no certificate with serial " + normalised
              + " ('pki list' shows them)"));
      seen.remove(normalised);
      return c;
    });
  }

  @Override
  public Optional<String> refusal(String serial) {
    Seen last = seen.get(serial);
    long now = System.nanoTime();
    if (last != null && now - last.readAt() < SEEN_FOR.toNanos()) {
      return last.refusal();
    }
    Optional<String> refusal = find(serial).map(c -> c.revoked()
        ? Optional.of("was revoked at " + c.revokeTime() + " (" + c.revocationReason() + ")")
        : Optional.<String>empty()).orElse(Optional.of("is not one this deployment issued"));
    if (last != null || seen.size() < MAX_SEEN) {
      seen.put(serial, new Seen(refusal, now));
    }
    return refusal;
  }
}
