package io.packtrail.server.cli;

import io.packtrail.client.tls.Pem;
import io.packtrail.client.tls.TlsKeys;
import io.packtrail.server.domain.IssuedCertificate;
import io.packtrail.server.domain.Principal;
import io.packtrail.server.domain.ResourceNames;
import io.packtrail.server.pki.DeploymentCa;
import io.packtrail.server.pki.PkiFiles;
import io.packtrail.server.security.CertificateCallerResolver;
import io.packtrail.server.security.CertificateStatus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;

/**
 * The client certificates of {@code serve --demo}, made on first start in
 * {@code <home>/pki/clients}: {@code operator} (the SDK, grpcurl, the load generator) and
 * {@code chengguan-worker}, a worker at the demo station the scanner uses until it enrolls.
 * Kept while valid under the deployment CA; made again otherwise.
 */
final class DemoCertificates {
  static final String OPERATOR = "operator";
  static final String WORKER = "chengguan-worker";

  private DemoCertificates() {}

  /** Makes what is missing; returns what to tell the person who started the demo. */
  static String issue(DeploymentCa ca, CertificateStatus status, PkiFiles files, Clock clock,
      String target) throws IOException {
    String site = DemoData.DEMO_WORKER_SITE;
    ensure(ca, status, files, clock, OPERATOR,
        new Principal(Principal.Kind.OPERATOR, null, null, null, null), "demo operator");
    ensure(ca, status, files, clock, WORKER, new Principal(Principal.Kind.WORKER,
        ResourceNames.organizationOfSite(site), site, null, null), "demo worker at chengguan");
    Path operator = files.client(OPERATOR);
    Path worker = files.client(WORKER);
    return "Mutual TLS: clients trust the deployment CA " + files.caCertificate() + "\n"
        + "  and present a client certificate; the demo's are in " + operator.getParent()
        + ":\n"
        + "  " + OPERATOR + ".pem, " + OPERATOR + ".key   the operator (SDK, grpcurl, load "
        + "generator)\n"
        + "  " + WORKER + ".pem, " + WORKER + ".key   a worker at " + site
        + " (the scanner, until it enrolls)\n"
        + "Try: grpcurl -cacert " + files.caCertificate() + " -cert "
        + PkiFiles.certificateFile(operator) + " -key " + PkiFiles.keyFile(operator) + " "
        + target + " list\n"
        + "SDK and tools: export PACKTRAIL_CA_CERT=" + files.caCertificate()
        + " PACKTRAIL_CLIENT_CERT=" + PkiFiles.certificateFile(operator)
        + " PACKTRAIL_CLIENT_KEY=" + PkiFiles.keyFile(operator);
  }

  private static void ensure(DeploymentCa ca, CertificateStatus status, PkiFiles files,
      Clock clock, String name, Principal principal, String commonName) throws IOException {
    Path prefix = files.client(name);
    if (valid(ca, status, prefix, clock)) {
      return;
    }
    Files.deleteIfExists(PkiFiles.keyFile(prefix));
    KeyPair pair = TlsKeys.generate();
    IssuedCertificate issued = ca.issue(principal, commonName, pair.getPublic(),
        DeploymentCa.CLIENT_VALIDITY);
    PkiFiles.writeClient(prefix, issued, pair.getPrivate());
  }

  /**
   * Whether the files hold a certificate of this CA, not revoked, valid for at least another
   * day.
   */
  private static boolean valid(DeploymentCa ca, CertificateStatus status, Path prefix,
      Clock clock) {
    if (!Files.exists(PkiFiles.keyFile(prefix))) {
      return false;
    }
    try {
      X509Certificate cert = Pem.readCertificate(PkiFiles.certificateFile(prefix));
      cert.verify(ca.certificate().getPublicKey());
      return status.refusal(CertificateCallerResolver.serial(cert)).isEmpty() && clock.instant().plus(java.time.Duration.ofDays(1))
          .isBefore(cert.getNotAfter().toInstant());
    } catch (IOException | java.security.GeneralSecurityException e) {
      return false;
    }
  }
}
