package io.packtrail.server.domain;

import java.util.Objects;

/**
 * Who submitted a request, as the deployment's certificate names it: the kind of principal, its
 * organisation, its site (stations, devices, workers) and device (devices), and the serial of the
 * certificate it presented. {@link #LOCAL} is the one principal of plaintext development mode
 * (loopback only, explicitly asked for), where nobody presents a certificate.
 */
public record Principal(Kind kind, String organization, String site, String device,
    String certificateSerial) {

  /** The kinds of principal a deployment certificate can name. */
  public enum Kind {
    /** Plaintext development mode on loopback: no certificate, treated as an operator. */
    LOCAL,
    /** An organisation's own system (its roles come from the organisation's registry entry). */
    ORGANIZATION_SYSTEM,
    /** A scanner device enrolled at one site. */
    DEVICE,
    /** A person working at one site. */
    WORKER,
    /** An auditor: reads everything, writes nothing. */
    AUDITOR,
    /** A regulator: reads everything, writes nothing. */
    REGULATOR,
    /** The deployment's operator: registry changes. */
    OPERATOR
  }

  public static final Principal LOCAL = new Principal(Kind.LOCAL, null, null, null, null);

  public Principal {
    Objects.requireNonNull(kind, "kind");
  }

  /** Whether this principal presented a certificate. */
  public boolean authenticated() {
    return kind != Kind.LOCAL;
  }
}
