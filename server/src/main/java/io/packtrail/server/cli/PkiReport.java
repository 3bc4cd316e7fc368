package io.packtrail.server.cli;

import io.packtrail.server.domain.IssuedCertificate;
import io.packtrail.server.domain.PrincipalUri;
import io.packtrail.server.pki.PkiFiles;
import java.nio.file.Path;

/** What the pki commands and serve --demo print about certificates. */
final class PkiReport {
  private PkiReport() {}

  static String init(PkiFiles files, PkiFiles.Init done) {
    var ca = done.ca().certificate();
    StringBuilder s = new StringBuilder();
    s.append("deployment CA:      ").append(done.caCreated() ? "made now" : "kept").append(" (")
        .append(ca.getSubjectX500Principal().getName()).append(", valid until ")
        .append(ca.getNotAfter().toInstant()).append(")\n");
    s.append("CA certificate:     ").append(files.caCertificate())
        .append("  (every client trusts this one)\n");
    if (done.server() == null) {
      s.append("server certificate: kept ").append(files.serverCertificate())
          .append(" ('pki init --renew-server' replaces it)");
    } else {
      s.append("server certificate: ").append(files.serverCertificate()).append(" (serial ")
          .append(done.server().serial()).append(", for ").append(done.server().commonName())
          .append(" and its other names, valid until ").append(done.server().notAfter())
          .append("), key ").append(files.serverKey()).append(" (mode 600)");
    }
    return s.toString();
  }

  static String issued(PkiFiles files, IssuedCertificate c, Path prefix) {
    return "issued " + c.serial() + " for " + PrincipalUri.of(c.principal()) + " (" + c.commonName()
        + "), valid until " + c.notAfter() + "\n"
        + "certificate: " + PkiFiles.certificateFile(prefix) + "\n"
        + "private key: " + PkiFiles.keyFile(prefix) + " (mode 600; hand it over privately)\n"
        + "clients use them with the CA certificate, e.g.\n"
        + "  export PACKTRAIL_CA_CERT=" + files.caCertificate() + "\n"
        + "  export PACKTRAIL_CLIENT_CERT=" + PkiFiles.certificateFile(prefix) + "\n"
        + "  export PACKTRAIL_CLIENT_KEY=" + PkiFiles.keyFile(prefix);
  }

  /** The principal's scope (or kind), or the server's name. */
  static String subject(IssuedCertificate c) {
    if (c.principal() == null) {
      return "server " + c.commonName();
    }
    String scope = PrincipalUri.scope(c.principal());
    return (scope == null ? PrincipalUri.word(c.principal().kind()) : scope)
        + (c.commonName().equals(scope) ? "" : " (" + c.commonName() + ")");
  }
}
