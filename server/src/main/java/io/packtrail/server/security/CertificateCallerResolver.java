package io.packtrail.server.security;

import io.grpc.Attributes;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.packtrail.server.domain.Principal;
import io.packtrail.server.domain.PrincipalUri;
import java.security.GeneralSecurityException;
import java.security.cert.Certificate;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * Mutual TLS: the caller is the principal its client certificate names (docs/formats.md
 * section 14). TLS itself (ServerTls) has refused a handshake without a certificate, with one
 * of another CA or one outside its validity; this resolver runs for every call and refuses
 * (UNAUTHENTICATED) a certificate revoked since, or expired while its connection stayed open,
 * and, should TLS ever let one through, one not issued by the deployment CA for a client or
 * without exactly one principal URI.
 */
public final class CertificateCallerResolver implements CallerResolver {
  private static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";
  private static final int URI_NAME = 6;
  private static final int MAX_REMEMBERED = 10_000;

  private final X509Certificate ca;
  private final CertificateStatus status;
  private final Clock clock;
  /**
   * Certificates already checked against the CA and parsed. Keyed by the certificate itself: a
   * connection's calls bring the same certificate object, found by identity and its cached hash
   * code, and an equal certificate (the same DER) from another connection finds it too, with no
   * digest computed per call.
   */
  private final Map<X509Certificate, Principal> checked = new ConcurrentHashMap<>();

  public CertificateCallerResolver(X509Certificate ca, CertificateStatus status, Clock clock) {
    this.ca = ca;
    this.status = status;
    this.clock = clock;
  }

  @Override
  public Caller resolve(Attributes transport, Metadata headers) {
    SSLSession session = transport.get(Grpc.TRANSPORT_ATTR_SSL_SESSION);
    if (session == null) {
      throw new UnauthenticatedException("this server takes calls over mutual TLS only, and "
          + "this call came without TLS");
    }
    Certificate[] chain;
    try {
      chain = session.getPeerCertificates();
    } catch (SSLPeerUnverifiedException e) {
      chain = new Certificate[0];
    }
    if (chain.length == 0 || !(chain[0] instanceof X509Certificate leaf)) {
      throw new UnauthenticatedException("no client certificate: every call needs a "
          + "certificate the deployment CA issued (packtrail-server pki issue)");
    }
    Principal principal = principalOf(leaf);
    String serial = principal.certificateSerial();
    Instant now = clock.instant();
    if (!now.isBefore(leaf.getNotAfter().toInstant())) {
      throw new UnauthenticatedException("certificate " + serial + " expired at "
          + leaf.getNotAfter().toInstant() + "; ask the deployment's operator for a new one");
    }
    status.refusal(serial).ifPresent(why -> {
      throw new UnauthenticatedException("certificate " + serial + " " + why);
    });
    Instant notAfter = leaf.getNotAfter().toInstant();
    // checked again during a watch stream: a revocation, a retirement or the certificate's end
    // closes an open stream too, not only the next call
    return new Caller(principal, () -> !clock.instant().isBefore(notAfter)
        ? java.util.Optional.of("certificate " + serial + " expired at " + notAfter)
        : status.refusal(serial).map(why -> "certificate " + serial + " " + why));
  }

  /** The principal of a certificate issued by the CA for a client, checked once per cert. */
  private Principal principalOf(X509Certificate leaf) {
    Principal known = checked.get(leaf);
    if (known != null) {
      return known;
    }
    Principal p = check(leaf, ca);
    if (checked.size() >= MAX_REMEMBERED) {
      checked.clear();
    }
    checked.put(leaf, p);
    return p;
  }

  /**
   * The principal a client certificate names, after checking that the CA issued it (signature
   * and issuer), for client authentication, not as a CA.
   *
   * @throws UnauthenticatedException naming what is wrong
   */
  public static Principal check(X509Certificate leaf, X509Certificate ca) {
    String serial = serial(leaf);
    try {
      if (!leaf.getIssuerX500Principal().equals(ca.getSubjectX500Principal())) {
        throw new GeneralSecurityException("another issuer");
      }
      leaf.verify(ca.getPublicKey());
    } catch (GeneralSecurityException e) {
      throw new UnauthenticatedException("certificate " + serial + " was not issued by this "
          + "deployment's CA");
    }
    List<String> uris = new ArrayList<>();
    try {
      if (leaf.getBasicConstraints() != -1) {
        throw new UnauthenticatedException("certificate " + serial + " is a CA certificate, "
            + "not a client's");
      }
      List<String> usages = leaf.getExtendedKeyUsage();
      if (usages == null || !usages.contains(CLIENT_AUTH)) {
        throw new UnauthenticatedException("certificate " + serial + " is not for TLS clients "
            + "(extended key usage clientAuth)");
      }
      var names = leaf.getSubjectAlternativeNames();
      if (names != null) {
        for (List<?> name : names) {
          if (((Integer) name.get(0)) == URI_NAME
              && ((String) name.get(1)).startsWith(PrincipalUri.PREFIX)) {
            uris.add((String) name.get(1));
          }
        }
      }
    } catch (CertificateParsingException e) {
      throw new UnauthenticatedException("certificate " + serial + " has extensions that "
          + "cannot be read");
    }
    if (uris.size() != 1) {
      throw new UnauthenticatedException("certificate " + serial + " names " + uris.size()
          + " principals; a client certificate names exactly one (a subject alternative name "
          + "URI " + PrincipalUri.PREFIX + "...)");
    }
    try {
      return PrincipalUri.parse(uris.get(0), serial);
    } catch (IllegalArgumentException e) {
      throw new UnauthenticatedException("certificate " + serial + ": " + e.getMessage());
    }
  }

  /** A certificate's serial as the deployment writes it: lower-case hex. */
  public static String serial(X509Certificate certificate) {
    return certificate.getSerialNumber().toString(16);
  }
}
