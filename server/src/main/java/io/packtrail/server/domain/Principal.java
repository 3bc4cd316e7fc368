package io.packtrail.server.domain;

import java.util.Objects;

/**
 * Who submitted a request, as the deployment's certificate names it: the kind of principal, its
 * organisation ({@code organizations/{o}}), its site ({@code organizations/{o}/sites/{s}}:
 * devices, workers), its device (devices: its full name; a bare id is read under the site), and
 * the serial of the certificate it presented. {@link #LOCAL} is the one principal of plaintext
 * development mode (loopback only, explicitly asked for), where nobody presents a certificate:
 * it is treated as an operator with every right ({@link Authorization}).
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

  /**
   * The resource the principal acts as, as events record it ({@code submitter.name}): a device's
   * name, a worker's site, an organisation's system's (or an authority's) organisation; null for
   * {@link #LOCAL} and an authority without an organisation.
   */
  public String name() {
    return switch (kind) {
      case LOCAL -> null;
      // the certificate may give the device's id or its full name
      case DEVICE -> device == null ? null : ResourceNames.isDevice(device) ? device
          : site == null ? null : ResourceNames.device(site, device);
      case WORKER -> site;
      case ORGANIZATION_SYSTEM, AUDITOR, REGULATOR, OPERATOR -> organization;
    };
  }

  @Override
  public String toString() {
    if (kind == Kind.LOCAL) {
      return "LOCAL";
    }
    String name = name(); // none for an operator, whose certificate names no organisation
    return kind + (name == null ? "" : " " + name) + " (certificate " + certificateSerial + ")";
  }

  /** Whether this principal presented a certificate. */
  public boolean authenticated() {
    return kind != Kind.LOCAL;
  }
}
