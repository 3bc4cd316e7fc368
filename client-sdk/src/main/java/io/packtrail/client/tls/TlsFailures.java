package io.packtrail.client.tls;

/** Tells a refused TLS handshake apart from network trouble, in a call's failure. */
public final class TlsFailures {
  private TlsFailures() {}

  /**
   * Whether {@code t} (a call's failure, usually UNAVAILABLE) is a TLS handshake refused: by
   * this client (SSLHandshakeException: the server's certificate) or by the server, whose alert
   * (e.g. TLSV1_ALERT_CERTIFICATE_REQUIRED or _CERTIFICATE_EXPIRED under TLS 1.3) arrives after
   * the client's side of the handshake. Waiting does not mend it, as it mends a network outage:
   * the client's certificate expired, was revoked from the CA's trust, or is another CA's.
   */
  public static boolean handshakeRefused(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (c instanceof javax.net.ssl.SSLHandshakeException
          || c instanceof javax.net.ssl.SSLException
              && String.valueOf(c.getMessage()).contains("_ALERT_")) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether the server refused this client's certificate at the handshake: its alert (e.g.
   * {@code SSLV3_ALERT_CERTIFICATE_EXPIRED}, {@code TLSV1_ALERT_CERTIFICATE_REQUIRED}) arrived.
   * A handshake refused without one was refused by this client: the server's certificate.
   */
  public static boolean refusedByServer(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (c instanceof javax.net.ssl.SSLException
          && String.valueOf(c.getMessage()).contains("_ALERT_")) {
        return true;
      }
    }
    return false;
  }

  /** The alert's or exception's words of a refused handshake, or null when {@code t} is none. */
  public static String handshakeWords(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (c instanceof javax.net.ssl.SSLException) {
        return String.valueOf(c.getMessage());
      }
    }
    return null;
  }
}
