package io.packtrail.server.pki;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.packtrail.client.tls.Pem;
import io.packtrail.client.tls.TlsKeys;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What `serve` says about the certificates it would serve with, as they near their end. */
class CertificateExpiryTest {
  static final Instant NOW = Instant.parse("2026-11-30T12:00:00Z");

  @TempDir
  Path home;

  /** A CA made {@code caAge} before NOW, and this server's files issued by it at NOW. */
  private DeploymentCa serverFiles(Duration caAge) throws Exception {
    return serverFiles(caAge, DeploymentCa.SERVER_VALIDITY);
  }

  private DeploymentCa serverFiles(Duration caAge, Duration serverValidity) throws Exception {
    DeploymentCa ca = DeploymentCa.throwaway(Clock.fixed(NOW.minus(caAge), ZoneOffset.UTC))
        .withClock(Clock.fixed(NOW, ZoneOffset.UTC));
    KeyPair pair = TlsKeys.generate();
    var server = ca.issueServer(PkiFiles.LOOPBACK_NAMES, pair.getPublic(), serverValidity);
    PkiFiles files = PkiFiles.in(home);
    java.nio.file.Files.createDirectories(files.serverKey().getParent());
    Pem.writePrivateKey(files.serverKey(), pair.getPrivate());
    Pem.writePublic(files.serverCertificate(), Pem.encode("CERTIFICATE", server.der()));
    return ca;
  }

  @Test
  void aNewCaAndServerCertificateNeedNoWord() throws Exception {
    DeploymentCa ca = serverFiles(Duration.ZERO);
    Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    assertEquals(List.of(), PkiFiles.expiryWarnings(ca,
        PkiFiles.in(home).server(ca, clock), NOW));
  }

  @Test
  void aCaInItsLastDaysIsAnnouncedAndSoIsTheServerCertificateThatEndsWithIt()
      throws Exception {
    // ten days before the CA's tenth year ends: the server certificate is cut to the CA's end
    DeploymentCa ca = serverFiles(DeploymentCa.CA_VALIDITY.minusDays(10));
    PkiFiles.ServerMaterial material =
        PkiFiles.in(home).server(ca, Clock.fixed(NOW, ZoneOffset.UTC));
    List<String> warnings = PkiFiles.expiryWarnings(ca, material, NOW);
    assertEquals(2, warnings.size(), warnings.toString());
    // renewing it would not help: it ends with the CA
    assertTrue(warnings.get(0).startsWith("this server's certificate expires at")
        && warnings.get(0).contains("it ends with the CA"), warnings.get(0));
    assertTrue(warnings.get(1).startsWith("the deployment CA expires at")
        && (warnings.get(1).contains("in 9 days") || warnings.get(1).contains("in 10 days")),
        warnings.get(1));
  }

  @Test
  void aServerCertificateInItsLastMonthIsAnnouncedWithItsRenewal() throws Exception {
    DeploymentCa ca = serverFiles(Duration.ZERO, Duration.ofDays(12));
    List<String> warnings = PkiFiles.expiryWarnings(ca,
        PkiFiles.in(home).server(ca, Clock.fixed(NOW, ZoneOffset.UTC)), NOW);
    assertEquals(1, warnings.size(), warnings.toString());
    assertTrue(warnings.get(0).contains("run 'packtrail-server pki init' (it renews it)"),
        warnings.get(0));
  }

  @Test
  void anExpiredCaIsRefusedInWordsBeforeTheServerCertificate() throws Exception {
    DeploymentCa ca = serverFiles(DeploymentCa.CA_VALIDITY.minusDays(10));
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> PkiFiles.in(home).server(ca, Clock.fixed(NOW.plus(Duration.ofDays(11)),
            ZoneOffset.UTC)));
    assertTrue(e.getMessage().startsWith("the deployment CA expired at")
        && e.getMessage().contains("cannot be replaced in place"), e.getMessage());
  }
}
