package io.packtrail.server.pki;

import io.packtrail.client.tls.Pem;
import io.packtrail.client.tls.TlsKeys;
import io.packtrail.server.domain.IssuedCertificate;
import io.packtrail.server.security.CertificateCallerResolver;
import io.packtrail.server.security.KeySealer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.jdbi.v3.core.Jdbi;

/**
 * The deployment PKI's files on one machine, under {@code <home>/pki}: {@code ca.pem} (the
 * deployment CA's certificate, what clients trust), {@code server.pem} and {@code server.key}
 * (this server's certificate and key, mode 600), and {@code clients/NAME.pem}, {@code .key}
 * (client certificates written by {@code pki issue}). The CA's private key is not here: it is
 * sealed in the database (DeploymentCa).
 */
public record PkiFiles(Path dir) {
  /** The names a server certificate has unless told otherwise: this machine's loopback. */
  public static final List<String> LOOPBACK_NAMES = List.of("localhost", "127.0.0.1", "::1");
  /** A server certificate expiring sooner than this is renewed by {@code pki init}. */
  static final Duration RENEW_BEFORE = Duration.ofDays(30);

  public static PkiFiles in(Path home) {
    return new PkiFiles(home.resolve("pki"));
  }

  public Path caCertificate() {
    return dir.resolve("ca.pem");
  }

  public Path serverCertificate() {
    return dir.resolve("server.pem");
  }

  public Path serverKey() {
    return dir.resolve("server.key");
  }

  /** Where a client's files go by default: clients/NAME (+ .pem, .key). */
  public Path client(String name) {
    return dir.resolve("clients").resolve(name);
  }

  /** The certificate file of a client written under {@code prefix}: PREFIX.pem. */
  public static Path certificateFile(Path prefix) {
    return prefix.resolveSibling(prefix.getFileName() + ".pem");
  }

  /** The private key file of a client written under {@code prefix}: PREFIX.key (mode 600). */
  public static Path keyFile(Path prefix) {
    return prefix.resolveSibling(prefix.getFileName() + ".key");
  }

  /** What {@link #init} did. */
  public record Init(DeploymentCa ca, boolean caCreated, IssuedCertificate server) {}

  /**
   * Makes what is missing: the deployment CA (in the database) and this server's certificate
   * for {@code serverNames} (in {@link #dir}), and writes {@code ca.pem}. A server certificate
   * is kept unless {@code renewServer}, or it was not issued by the CA, or it expires within 30
   * days; {@link Init#server} is the new one, or null when kept.
   */
  public Init init(Jdbi jdbi, KeySealer sealer, List<String> serverNames, boolean renewServer,
      Clock clock) throws IOException {
    boolean existed = DeploymentCa.exists(jdbi);
    DeploymentCa ca = DeploymentCa.loadOrCreate(jdbi, sealer, clock);
    Pem.writePublic(caCertificate(), Pem.certificate(ca.certificate()));
    IssuedCertificate server = null;
    if (renewServer || !usable(ca, clock.instant().plus(RENEW_BEFORE))) {
      KeyPair pair = TlsKeys.generate();
      server = ca.issueServer(serverNames, pair.getPublic(), DeploymentCa.SERVER_VALIDITY);
      Files.deleteIfExists(serverKey());
      Pem.writePrivateKey(serverKey(), pair.getPrivate());
      Pem.writePublic(serverCertificate(), Pem.encode("CERTIFICATE", server.der()));
    }
    return new Init(ca, !existed, server);
  }

  /**
   * Whether this server's certificate names exactly {@code names} (DNS names and IP addresses
   * compared as the certificate encodes them, so {@code ::1} is {@code 0:0:0:0:0:0:0:1});
   * false when there is none or it cannot be read.
   */
  public boolean serverCertificateNames(List<String> names) {
    return namesOfServerCertificate().equals(nameSet(names));
  }

  /** The names a server certificate for {@code names} holds, compared as encoded. */
  private static java.util.Set<GeneralName> nameSet(List<String> names) {
    java.util.Set<GeneralName> set = new java.util.HashSet<>();
    for (String name : names) {
      set.add(DeploymentCa.hostName(name));
    }
    return set;
  }

  /**
   * The names of this server's certificate as given to {@code --server-name} (DNS names, IP
   * addresses), or the loopback names when there is no readable certificate: what a renewal
   * without {@code --server-name} keeps (it renewed for loopback only, and remote clients then
   * refused the server).
   */
  public List<String> serverNamesOrLoopback() {
    List<String> names = new java.util.ArrayList<>();
    for (GeneralName n : namesOfServerCertificate()) {
      if (n.getTagNo() == GeneralName.dNSName) {
        names.add(n.getName().toString());
      } else if (n.getTagNo() == GeneralName.iPAddress) {
        try {
          names.add(java.net.InetAddress.getByAddress(
              org.bouncycastle.asn1.ASN1OctetString.getInstance(n.getName()).getOctets())
              .getHostAddress());
        } catch (java.net.UnknownHostException e) {
          return LOOPBACK_NAMES;
        }
      }
    }
    return names.isEmpty() ? LOOPBACK_NAMES : names.stream().sorted().toList();
  }

  /** The subject alternative names of this server's certificate; none when it cannot be read. */
  private java.util.Set<GeneralName> namesOfServerCertificate() {
    try {
      X509Certificate cert = Pem.readCertificate(serverCertificate());
      byte[] extension = cert.getExtensionValue(Extension.subjectAlternativeName.getId());
      if (extension == null) {
        return java.util.Set.of();
      }
      return new java.util.HashSet<>(java.util.Arrays.asList(GeneralNames.getInstance(
          JcaX509ExtensionUtils.parseExtensionValue(extension)).getNames()));
    } catch (IOException | RuntimeException e) {
      return java.util.Set.of();
    }
  }

  /** Whether this server's files hold a certificate of the CA valid at {@code until}. */
  private boolean usable(DeploymentCa ca, Instant until) {
    if (!Files.exists(serverCertificate()) || !Files.exists(serverKey())) {
      return false;
    }
    try {
      X509Certificate cert = Pem.readCertificate(serverCertificate());
      cert.verify(ca.certificate().getPublicKey());
      return until.isBefore(cert.getNotAfter().toInstant());
    } catch (IOException | java.security.GeneralSecurityException e) {
      return false;
    }
  }

  /** This server's certificate and key, checked against the CA. */
  public record ServerMaterial(X509Certificate certificate, PrivateKey key) {}

  /**
   * Reads this server's certificate and key.
   *
   * @throws IllegalStateException saying what is missing or wrong and what to run
   */
  public ServerMaterial server(DeploymentCa ca, Clock clock) {
    if (!Files.exists(serverCertificate()) || !Files.exists(serverKey())) {
      throw new IllegalStateException("no server certificate in " + dir + ": run "
          + "'packtrail-server pki init' first (it makes the deployment CA and this server's "
          + "certificate), or 'serve --demo', or 'serve --plaintext' for development on "
          + "loopback");
    }
    X509Certificate cert;
    PrivateKey key;
    try {
      cert = Pem.readCertificate(serverCertificate());
      key = Pem.parsePrivateKey(Files.readString(serverKey()));
    } catch (IOException e) {
      throw new IllegalStateException("this server's certificate or key cannot be read: "
          + e.getMessage(), e);
    }
    try {
      cert.verify(ca.certificate().getPublicKey());
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(serverCertificate() + " was not issued by this "
          + "deployment's CA (another deployment's, or the CA was made again): run "
          + "'packtrail-server pki init --renew-server'");
    }
    Instant caEnd = ca.certificate().getNotAfter().toInstant();
    if (!clock.instant().isBefore(caEnd)) {
      throw new IllegalStateException("the deployment CA expired at " + caEnd + ": no "
          + "certificate it issued is valid any more, and a CA cannot be replaced in place "
          + "(docs/operations.md, \"Certificates and their expiry\")");
    }
    if (!clock.instant().isBefore(cert.getNotAfter().toInstant())) {
      throw new IllegalStateException(serverCertificate() + " (serial "
          + CertificateCallerResolver.serial(cert) + ") expired at "
          + cert.getNotAfter().toInstant() + ": run 'packtrail-server pki init "
          + "--renew-server'");
    }
    return new ServerMaterial(cert, key);
  }

  /** How long before its end a CA is announced at every start. */
  static final Duration CA_WARN_BEFORE = Duration.ofDays(365);

  /**
   * What a start should announce about the certificates it serves with: the server
   * certificate ending within 30 days (renewed by {@code pki init}), the CA within a year.
   */
  public static List<String> expiryWarnings(DeploymentCa ca, ServerMaterial server,
      Instant now) {
    List<String> warnings = new java.util.ArrayList<>();
    Instant serverEnd = server.certificate().getNotAfter().toInstant();
    Instant caEnd = ca.certificate().getNotAfter().toInstant();
    if (serverEnd.isBefore(now.plus(RENEW_BEFORE))) {
      // a renewal cannot outlive the CA: in the CA's last month it would end the same
      warnings.add("this server's certificate expires at " + serverEnd + ", in "
          + Duration.between(now, serverEnd).toDays() + " days: " + (serverEnd.isBefore(caEnd)
              ? "run 'packtrail-server pki init' (it renews it) and restart"
              : "it ends with the CA, and no renewal can outlive the CA"));
    }
    if (caEnd.isBefore(now.plus(CA_WARN_BEFORE))) {
      warnings.add("the deployment CA expires at " + caEnd + ", in "
          + Duration.between(now, caEnd).toDays() + " days; every certificate it issued ends "
          + "with it (docs/operations.md, \"Certificates and their expiry\")");
    }
    return warnings;
  }

  /**
   * Writes a client's certificate and new private key as PREFIX.pem and PREFIX.key (mode 600);
   * refuses to overwrite a key. When the certificate cannot be written, the key just written
   * is removed again: a key without its certificate is of no use, and would block the next
   * try at the same prefix.
   */
  public static void writeClient(Path prefix, IssuedCertificate certificate, PrivateKey key)
      throws IOException {
    Pem.writePrivateKey(keyFile(prefix), key);
    try {
      Pem.writePublic(certificateFile(prefix), Pem.encode("CERTIFICATE", certificate.der()));
    } catch (IOException | RuntimeException e) {
      try {
        java.nio.file.Files.deleteIfExists(keyFile(prefix));
      } catch (IOException removeFailed) {
        e.addSuppressed(removeFailed);
      }
      throw e;
    }
  }
}
