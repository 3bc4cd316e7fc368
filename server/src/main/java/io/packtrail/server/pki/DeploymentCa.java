package io.packtrail.server.pki;

import io.packtrail.client.tls.TlsKeys;
import io.packtrail.server.domain.IssuedCertificate;
import io.packtrail.server.domain.Principal;
import io.packtrail.server.domain.PrincipalUri;
import io.packtrail.server.domain.ResourceNames;
import io.packtrail.server.security.CertificateCallerResolver;
import io.packtrail.server.security.KeySealer;
import io.packtrail.server.store.CertificateDao;
import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.jdbi.v3.core.Jdbi;

/**
 * The deployment's certificate authority: one ECDSA P-256 key pair per deployment, made by
 * {@code pki init} (or the first {@code serve --demo}), its private key sealed in the database
 * like the label and log keys, so every server instance and the {@code pki} commands issue
 * from it. It issues server certificates and client certificates naming a principal (one
 * subject alternative name URI, {@link PrincipalUri}; docs/formats.md section 14), each with a
 * fresh random serial, and records every one (pki_certificate).
 */
public final class DeploymentCa {
  public static final Duration CA_VALIDITY = Duration.ofDays(3650);
  public static final Duration SERVER_VALIDITY = Duration.ofDays(397);
  public static final Duration CLIENT_VALIDITY = Duration.ofDays(365);
  /** A certificate is valid from a little before its issue: clocks disagree by minutes. */
  static final Duration BACKDATE = Duration.ofMinutes(5);
  private static final String SIGNATURE = "SHA256withECDSA";
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Pattern IPV4 = Pattern.compile("[0-9]{1,3}(\\.[0-9]{1,3}){3}");
  private static final Pattern DNS = Pattern.compile(
      "(?=.{1,253}$)([a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)(\\.[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}"
          + "[a-zA-Z0-9])?)*");

  private final Jdbi jdbi;
  private final X509Certificate certificate;
  private final PrivateKey key;
  private final Clock clock;

  private DeploymentCa(Jdbi jdbi, X509Certificate certificate, PrivateKey key, Clock clock) {
    this.jdbi = jdbi;
    this.certificate = certificate;
    this.key = key;
    this.clock = clock;
  }

  /** The deployment's CA, when {@code pki init} made one. */
  public static Optional<DeploymentCa> load(Jdbi jdbi, KeySealer sealer, Clock clock) {
    return jdbi.withExtension(CertificateDao.class, CertificateDao::ca).map(stored -> {
      X509Certificate cert = x509(stored.certificate());
      byte[] pkcs8 = sealer.open(stored.privateKeySealed(), sha256(stored.certificate()));
      try {
        PrivateKey k = KeyFactory.getInstance("EC")
            .generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
        return new DeploymentCa(jdbi, cert, k, clock);
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("the stored CA key cannot be read", e);
      }
    });
  }

  /** Whether the deployment has its CA (without opening its key). */
  public static boolean exists(Jdbi jdbi) {
    return jdbi.withExtension(CertificateDao.class, CertificateDao::ca).isPresent();
  }

  /**
   * The deployment's CA, made now when there is none (two instances racing both read the one
   * stored first).
   */
  public static DeploymentCa loadOrCreate(Jdbi jdbi, KeySealer sealer, Clock clock) {
    Optional<DeploymentCa> existing = load(jdbi, sealer, clock);
    if (existing.isPresent()) {
      return existing.get();
    }
    DeploymentCa made = make(null, clock);
    byte[] der = encoded(made.certificate);
    jdbi.useExtension(CertificateDao.class, dao -> dao.insertCa(der,
        sealer.seal(made.key.getEncoded(), sha256(der)), clock.instant()));
    return load(jdbi, sealer, clock).orElseThrow();
  }

  /**
   * A CA that records nothing, for tests that need a second, foreign CA (its certificates must
   * be refused).
   */
  public static DeploymentCa throwaway(Clock clock) {
    return make(null, clock);
  }

  private static DeploymentCa make(Jdbi jdbi, Clock clock) {
    KeyPair pair = TlsKeys.generate();
    Instant now = clock.instant();
    String id = HexFormat.of().formatHex(randomBytes(4));
    X500Name name = name("Packtrail deployment CA " + id);
    try {
      JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(name, serialNumber(),
          Date.from(start(now)), Date.from(end(now, CA_VALIDITY)), name, pair.getPublic());
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
      b.addExtension(Extension.keyUsage, true,
          new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
      b.addExtension(Extension.subjectKeyIdentifier, false,
          ext.createSubjectKeyIdentifier(pair.getPublic()));
      X509Certificate cert = sign(b, pair.getPrivate());
      return new DeploymentCa(jdbi, cert, pair.getPrivate(), clock);
    } catch (CertIOException | GeneralSecurityException e) {
      throw new IllegalStateException("making the CA certificate failed", e);
    }
  }

  public X509Certificate certificate() {
    return certificate;
  }

  /** The same CA issuing at another clock's time (tests: certificates already expired). */
  public DeploymentCa withClock(Clock other) {
    return new DeploymentCa(jdbi, certificate, key, other);
  }

  /**
   * A client certificate for {@code principal} (its serial is ignored: the certificate gets a
   * fresh one, which the answer's principal carries), recorded.
   */
  public IssuedCertificate issue(Principal principal, String commonName, PublicKey subjectKey,
      Duration validity) {
    return record(clientCertificate(principal, commonName, subjectKey, validity), principal,
        commonName);
  }

  private X509Certificate clientCertificate(Principal principal, String commonName,
      PublicKey subjectKey, Duration validity) {
    String uri = PrincipalUri.of(principal);
    return build(commonName, subjectKey, validity, b -> {
      b.addExtension(Extension.extendedKeyUsage, false,
          new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth));
      b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(
          new GeneralName(GeneralName.uniformResourceIdentifier, uri)));
    });
  }

  /**
   * The client certificate of an enrolled device for {@code subjectKey}: issued once per device
   * and key, so a retried enrollment answers the one issued first.
   */
  public IssuedCertificate deviceCertificate(String deviceName, String commonName,
      PublicKey subjectKey, Duration validity) {
    Principal device = new Principal(Principal.Kind.DEVICE,
        ResourceNames.organizationOfSite(ResourceNames.siteOfDevice(deviceName)),
        ResourceNames.siteOfDevice(deviceName), deviceName, null);
    if (jdbi == null) {
      return issue(device, commonName, subjectKey, validity);
    }
    // the look and the insert in one transaction, one device at a time: two enrollments with
    // the used code and two new keys at the same moment would otherwise both find none
    return jdbi.inTransaction(handle -> {
      handle.createQuery("SELECT pg_advisory_xact_lock(hashtext('pki_certificate.device'), "
          + "hashtext(:device))").bind("device", deviceName).mapTo(String.class).one();
      CertificateDao dao = handle.attach(CertificateDao.class);
      Optional<IssuedCertificate> issued =
          dao.findDevice(deviceName, sha256(subjectKey.getEncoded()));
      if (issued.isPresent()) {
        return issued.get();
      }
      // an enrollment sent again answers the certificate it got; with another key it is no
      // retry: whoever still held the used code (and the device's public signing key, which
      // anyone may read) would get a certificate naming the device for a key of their own
      if (dao.hasDeviceCertificate(deviceName)) {
        throw new io.packtrail.server.domain.AlreadyExistsException(deviceName, deviceName
            + " has its client certificate already, for another tls_public_key; an enrollment "
            + "sent again carries the same keys (a device with a new key enrolls anew, with a "
            + "new code and device_id)");
      }
      return record(dao, clientCertificate(device, commonName, subjectKey, validity), device,
          commonName);
    });
  }

  /**
   * A server certificate for the host names and IP addresses clients connect to (each one a
   * subject alternative name; clients check the one they dialled), recorded.
   */
  public IssuedCertificate issueServer(List<String> names, PublicKey subjectKey,
      Duration validity) {
    if (names.isEmpty()) {
      throw new IllegalArgumentException("a server certificate names at least one host");
    }
    GeneralName[] alt = names.stream().map(DeploymentCa::hostName).toArray(GeneralName[]::new);
    X509Certificate cert = build(names.get(0), subjectKey, validity, b -> {
      b.addExtension(Extension.extendedKeyUsage, false,
          new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
      b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(alt));
    });
    return record(cert, null, names.get(0));
  }

  /** A DNS name or an IP address as a subject alternative name. */
  static GeneralName hostName(String name) {
    if (name.contains(":") || IPV4.matcher(name).matches()) {
      try {
        return new GeneralName(GeneralName.iPAddress, name);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("'" + name + "' is not an IP address", e);
      }
    }
    if (!DNS.matcher(name).matches()) {
      throw new IllegalArgumentException("'" + name + "' is neither a DNS name nor an IP "
          + "address");
    }
    return new GeneralName(GeneralName.dNSName, name);
  }

  private interface Extensions {
    void add(JcaX509v3CertificateBuilder b) throws CertIOException;
  }

  private X509Certificate build(String commonName, PublicKey subjectKey, Duration validity,
      Extensions extensions) {
    if (validity.isNegative() || validity.isZero()) {
      throw new IllegalArgumentException("a certificate must be valid for some time, got "
          + validity);
    }
    Instant now = clock.instant();
    Instant notAfter = end(now, validity);
    if (notAfter.isAfter(certificate.getNotAfter().toInstant())) {
      notAfter = certificate.getNotAfter().toInstant();
    }
    try {
      JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(certificate,
          serialNumber(), Date.from(start(now)), Date.from(notAfter), name(commonName),
          subjectKey);
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
      b.addExtension(Extension.authorityKeyIdentifier, false,
          ext.createAuthorityKeyIdentifier(certificate.getPublicKey()));
      b.addExtension(Extension.subjectKeyIdentifier, false,
          ext.createSubjectKeyIdentifier(subjectKey));
      extensions.add(b);
      return sign(b, key);
    } catch (CertIOException | GeneralSecurityException e) {
      throw new IllegalStateException("issuing a certificate failed", e);
    }
  }

  private IssuedCertificate record(X509Certificate cert, Principal principal,
      String commonName) {
    return jdbi == null ? record(null, cert, principal, commonName)
        : jdbi.withExtension(CertificateDao.class, dao -> record(dao, cert, principal, commonName));
  }

  /** Records {@code cert} through {@code dao}; null {@code dao}: a CA without a database. */
  private IssuedCertificate record(CertificateDao dao, X509Certificate cert, Principal principal,
      String commonName) {
    String serial = CertificateCallerResolver.serial(cert);
    Principal named = principal == null ? null : new Principal(principal.kind(),
        principal.organization(), principal.site(), principal.device(), serial);
    byte[] der = encoded(cert);
    Instant issued = clock.instant().truncatedTo(ChronoUnit.MICROS);
    IssuedCertificate made = new IssuedCertificate(serial, named, commonName,
        cert.getNotBefore().toInstant(), cert.getNotAfter().toInstant(), der, issued, null,
        null);
    if (dao == null) {
      return made;
    }
    int stored = dao.insert(serial,
        made.kind(), named == null ? null : PrincipalUri.of(named), commonName,
        named == null ? null : named.organization(), named == null ? null : named.site(),
        named == null ? null : named.device(), sha256(cert.getPublicKey().getEncoded()),
        made.notBefore(), made.notAfter(), der, issued);
    if (stored == 1) {
      return made;
    }
    // a concurrent enrollment of the same device and key stored its certificate first
    return dao.findDevice(named.device(), sha256(cert.getPublicKey().getEncoded()))
        .orElseThrow();
  }

  private static X509Certificate sign(JcaX509v3CertificateBuilder b, PrivateKey signingKey)
      throws CertificateException {
    try {
      return new JcaX509CertificateConverter().getCertificate(
          b.build(new JcaContentSignerBuilder(SIGNATURE).build(signingKey)));
    } catch (OperatorCreationException e) {
      throw new CertificateException("no " + SIGNATURE + " signer", e);
    }
  }

  private static X500Name name(String commonName) {
    return new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.O, "Packtrail")
        .addRDN(BCStyle.CN, commonName).build();
  }

  private static Instant start(Instant now) {
    return now.minus(BACKDATE).truncatedTo(ChronoUnit.SECONDS);
  }

  private static Instant end(Instant now, Duration validity) {
    return now.plus(validity).truncatedTo(ChronoUnit.SECONDS);
  }

  /**
   * 16 random bytes, the first in 0x40..0x7f: a positive serial of exactly 32 hex digits with
   * 126 random bits (RFC 5280 allows up to 20 octets; CA/B Forum asks for 64 random bits).
   */
  static BigInteger serialNumber() {
    byte[] b = randomBytes(16);
    b[0] = (byte) ((b[0] & 0x3f) | 0x40);
    return new BigInteger(1, b);
  }

  private static byte[] randomBytes(int n) {
    byte[] b = new byte[n];
    RANDOM.nextBytes(b);
    return b;
  }

  public static X509Certificate x509(byte[] der) {
    try {
      return (X509Certificate) CertificateFactory.getInstance("X.509")
          .generateCertificate(new ByteArrayInputStream(der));
    } catch (CertificateException e) {
      throw new IllegalStateException("a stored certificate cannot be read", e);
    }
  }

  private static byte[] encoded(X509Certificate cert) {
    try {
      return cert.getEncoded();
    } catch (java.security.cert.CertificateEncodingException e) {
      throw new IllegalStateException(e);
    }
  }

  static byte[] sha256(byte[] data) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(data);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
