package io.packtrail.server.cli;

import io.packtrail.client.tls.TlsKeys;
import io.packtrail.server.domain.IssuedCertificate;
import io.packtrail.server.domain.Principal;
import io.packtrail.server.domain.PrincipalUri;
import io.packtrail.server.pki.DeploymentCa;
import io.packtrail.server.pki.IssuedCertificates;
import io.packtrail.server.pki.PkiFiles;
import io.packtrail.server.store.DeviceDao;
import io.packtrail.server.store.OrganizationDao;
import io.packtrail.server.store.SiteDao;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import org.jdbi.v3.core.Jdbi;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** `pki init|issue|revoke|list`: the deployment's certificate authority and its certificates. */
@Command(name = "pki", mixinStandardHelpOptions = true,
    description = {"The deployment PKI: the CA that mutual TLS trusts, the server's certificate, "
        + "and client certificates naming their principal (docs/formats.md section 14).",
        "The CA's private key is sealed in the database under the key-encryption key; the "
            + "files live in <home>/pki."},
    subcommands = {PkiCommand.Init.class, PkiCommand.Issue.class, PkiCommand.Revoke.class,
        PkiCommand.ListCertificates.class})
final class PkiCommand {

  @Command(name = "init", mixinStandardHelpOptions = true,
      description = {"Make the deployment CA (once per deployment; kept when it exists) and this "
          + "server's certificate and key (<home>/pki/server.pem, server.key), and write the CA "
          + "certificate clients trust (<home>/pki/ca.pem).",
          "A server certificate is kept unless --renew-server, it expires within 30 days, "
              + "another CA issued it, or --server-name lists other hosts than it names."})
  static final class Init implements Callable<Integer> {
    @Mixin
    DatabaseOptions database;

    @Option(names = "--server-name", paramLabel = "NAME",
        description = "a DNS name or IP address clients use to reach this server (repeat for "
            + "several; default: the names of the server certificate there is, else "
            + "localhost, 127.0.0.1 and ::1). Clients check the name they dialled against it.")
    List<String> serverNames;

    @Option(names = "--renew-server", description = "issue a new server certificate now")
    boolean renewServer;

    @Override
    public Integer call() throws Exception {
      PkiFiles files = PkiFiles.in(database.home());
      // without --server-name a renewal keeps the names the certificate has (loopback for a
      // first one): renewing for loopback only would lock out every remote client
      List<String> names = serverNames == null || serverNames.isEmpty()
          ? files.serverNamesOrLoopback() : serverNames;
      try (DatabaseOptions.Opened opened = database.openShared(2)) {
        PkiFiles.Init done = files.init(opened.database().jdbi(), database.keySealer(),
            names, renewServer
                || serverNames != null && !files.serverCertificateNames(serverNames),
            Clock.systemUTC());
        System.out.println(PkiReport.init(files, done));
      }
      return 0;
    }
  }

  @Command(name = "issue", mixinStandardHelpOptions = true,
      description = {"Issue a client certificate naming one principal, with a new P-256 key: "
          + "PREFIX.pem (certificate) and PREFIX.key (PKCS#8 private key, mode 600).",
          "KIND and SCOPE:",
          "  organization-system organizations/ORG    an organisation's own system (its roles "
              + "come from the organisation's registry entry)",
          "  worker organizations/ORG/sites/SITE       a person working at one site",
          "  device organizations/ORG/sites/SITE/devices/ID   an enrolled scanner (scanners "
              + "normally get theirs when they enroll)",
          "  auditor [organizations/ORG]              reads everything, writes nothing",
          "  regulator [organizations/ORG]            reads everything, writes nothing",
          "  operator                                 the deployment's operator",
          "The organisation, site or device must exist in the registry."})
  static final class Issue implements Callable<Integer> {
    @Mixin
    DatabaseOptions database;

    @Parameters(index = "0", paramLabel = "KIND",
        description = "organization-system, worker, device, auditor, regulator or operator")
    String kind;

    @Parameters(index = "1", arity = "0..1", paramLabel = "SCOPE",
        description = "the organisation, site or device, as above")
    String scope;

    @Option(names = "--name", paramLabel = "TEXT",
        description = "the certificate's common name, for people (e.g. 'Li Wei'); at most 64 "
            + "characters; default the scope or the kind")
    String commonName;

    @Option(names = "--days", defaultValue = "365",
        description = "days the certificate is valid (default ${DEFAULT-VALUE})")
    int days;

    @Option(names = "--out", paramLabel = "PREFIX",
        description = "where to write PREFIX.pem and PREFIX.key (default "
            + "<home>/pki/clients/KIND-SERIAL8)")
    Path out;

    @Override
    public Integer call() throws Exception {
      Principal wanted = PrincipalUri.parse(PrincipalUri.PREFIX + kind
          + (scope == null ? "" : ":" + scope), null);
      String cn = commonName != null ? commonName
          : scope != null ? scope : PrincipalUri.word(wanted.kind());
      if (cn.isBlank() || cn.length() > 64) {
        throw new IllegalArgumentException("--name must be 1 to 64 characters, got "
            + cn.length());
      }
      if (days < 1) {
        throw new IllegalArgumentException("--days must be at least 1, got " + days);
      }
      PkiFiles files = PkiFiles.in(database.home());
      if (out != null && java.nio.file.Files.exists(PkiFiles.keyFile(out),
          java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
        // refused before the certificate is recorded: one whose key could not be written
        // would stay valid in 'pki list' with its key thrown away
        throw new IllegalArgumentException(PkiFiles.keyFile(out) + " exists already; choose "
            + "another --out (a private key is never overwritten)");
      }
      try (DatabaseOptions.Opened opened = database.openShared(2)) {
        Jdbi jdbi = opened.database().jdbi();
        checkRegistered(jdbi, wanted);
        DeploymentCa ca = DeploymentCa.load(jdbi, database.keySealer(), Clock.systemUTC())
            .orElseThrow(() -> new IllegalStateException("this deployment has no CA yet: run "
                + "'packtrail-server pki init' first"));
        KeyPair pair = TlsKeys.generate();
        IssuedCertificate issued = ca.issue(wanted, cn, pair.getPublic(), Duration.ofDays(days));
        Path prefix = out != null ? out : files.client(PrincipalUri.word(wanted.kind()) + "-"
            + issued.serial().substring(0, 8));
        try {
          PkiFiles.writeClient(prefix, issued, pair.getPrivate());
        } catch (java.io.IOException | RuntimeException writeFailed) {
          // the certificate is recorded but nobody holds its key: revoke it, so no valid
          // certificate is left in 'pki list' that no one can use or account for
          throw unheld(jdbi, issued, prefix, writeFailed);
        }
        System.out.println(PkiReport.issued(files, issued, prefix));
      }
      return 0;
    }

    /**
     * Revokes a certificate whose files could not be written, and says what happened: the
     * failure to report, with the revocation's failure beside it if that failed too.
     */
    static IllegalStateException unheld(Jdbi jdbi, IssuedCertificate issued, Path prefix,
        Exception writeFailed) {
      String why = "writing " + PkiFiles.keyFile(prefix) + " or "
          + PkiFiles.certificateFile(prefix) + " failed (" + writeFailed + ")";
      IllegalStateException failure;
      try {
        new IssuedCertificates(jdbi, Clock.systemUTC()).revoke(issued.serial(),
            "its files could not be written when it was issued");
        failure = new IllegalStateException(why + "; certificate " + issued.serial()
            + " was recorded and has been revoked, so none is left that nobody holds. Mend "
            + "the cause and issue again", writeFailed);
      } catch (RuntimeException revokeFailed) {
        failure = new IllegalStateException(why + "; certificate " + issued.serial()
            + " was recorded and could not be revoked (" + revokeFailed.getMessage()
            + "): revoke it with 'packtrail-server pki revoke " + issued.serial() + "'",
            writeFailed);
        failure.addSuppressed(revokeFailed);
      }
      return failure;
    }

    /** The organisation, site or device the principal names exists (and is active). */
    static void checkRegistered(Jdbi jdbi, Principal p) {
      if (p.device() != null) {
        var device = jdbi.withExtension(DeviceDao.class, dao -> dao.find(p.device()))
            .orElseThrow(() -> new IllegalArgumentException("the registry has no device "
                + p.device() + ": devices enroll first (packtrail-scanner enroll)"));
        if (!device.active()) {
          throw new IllegalArgumentException(p.device() + " was retired at "
              + device.retireTime() + "; enroll a new device instead");
        }
      } else if (p.site() != null) {
        jdbi.withExtension(SiteDao.class, dao -> dao.find(p.site())).orElseThrow(() ->
            new IllegalArgumentException("the registry has no site " + p.site()));
      } else if (p.organization() != null) {
        String id = p.organization().substring("organizations/".length());
        jdbi.withExtension(OrganizationDao.class, dao -> dao.find(id)).orElseThrow(() ->
            new IllegalArgumentException("the registry has no organisation "
                + p.organization()));
      }
    }
  }

  @Command(name = "revoke", mixinStandardHelpOptions = true,
      description = "Revoke a certificate by its serial (hex, as 'pki list' shows it). Running "
          + "servers refuse it from about a second later, on open connections too.")
  static final class Revoke implements Callable<Integer> {
    @Mixin
    DatabaseOptions database;

    @Parameters(index = "0", paramLabel = "SERIAL")
    String serial;

    @Option(names = "--reason", defaultValue = "revoked by the operator",
        description = "why, for the record (default '${DEFAULT-VALUE}')")
    String reason;

    @Override
    public Integer call() throws Exception {
      try (DatabaseOptions.Opened opened = database.openShared(2)) {
        IssuedCertificate c = new IssuedCertificates(opened.database().jdbi(),
            Clock.systemUTC()).revoke(serial, reason);
        System.out.println("revoked " + c.serial() + " (" + PkiReport.subject(c) + ") at "
            + c.revokeTime() + ": " + c.revocationReason());
        if (c.principal() == null) {
          System.out.println("note: clients do not check a server certificate's revocation; "
              + "replace it with 'pki init --renew-server' and restart that server");
        }
      }
      return 0;
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true,
      description = "List the certificates the deployment issued, oldest first.")
  static final class ListCertificates implements Callable<Integer> {
    @Mixin
    DatabaseOptions database;

    @Override
    public Integer call() throws Exception {
      try (DatabaseOptions.Opened opened = database.openShared(2)) {
        List<IssuedCertificate> all = new IssuedCertificates(opened.database().jdbi(),
            Clock.systemUTC()).list();
        Instant now = Instant.now();
        System.out.printf("%-32s  %-19s  %-20s  %-28s  %s%n", "SERIAL", "KIND", "VALID UNTIL",
            "STATUS", "PRINCIPAL / NAME");
        for (IssuedCertificate c : all) {
          String status = c.revoked() ? "revoked " + c.revokeTime().toString().substring(0, 19)
              : c.expiredAt(now) ? "expired" : "valid";
          System.out.printf("%-32s  %-19s  %-20s  %-28s  %s%n", c.serial(),
              c.kind().toLowerCase(java.util.Locale.ROOT).replace('_', '-'),
              c.notAfter().toString(), status, PkiReport.subject(c));
        }
        if (all.isEmpty()) {
          System.out.println("(none: 'pki init' makes the CA and the server's certificate)");
        }
      }
      return 0;
    }
  }
}
