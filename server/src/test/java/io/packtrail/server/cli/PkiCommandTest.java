package io.packtrail.server.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.packtrail.client.PacktrailClient;
import io.packtrail.client.tls.Pem;
import io.packtrail.server.PacktrailServer;
import io.packtrail.server.pki.DeploymentCa;
import io.packtrail.server.pki.IssuedCertificates;
import io.packtrail.server.pki.PkiFiles;
import io.packtrail.server.security.CertificateCallerResolver;
import io.packtrail.server.security.KeySealer;
import io.packtrail.server.security.ServerTls;
import io.packtrail.server.testing.TestDatabases;
import io.packtrail.v1.ListUnitsRequest;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `packtrail-server pki`: init, issue, list and revoke as an operator types them, and a server
 * set up from the files they write (as serve does) that takes the issued certificate and
 * refuses it once revoked, without a restart.
 */
class PkiCommandTest {
  @TempDir
  Path home;

  private static final String KEK;

  static {
    byte[] kek = new byte[32];
    kek[0] = 9;
    KEK = Base64.getEncoder().encodeToString(kek);
  }

  private ServerCliRun pki(TestDatabases.Fresh db, String... args) {
    String[] all = new String[args.length + 7];
    all[0] = "pki";
    System.arraycopy(args, 0, all, 1, args.length);
    System.arraycopy(new String[] {"--db-url", db.url(), "--key-encryption-key", KEK,
        "--home", home.toString()}, 0, all, args.length + 1, 6);
    return ServerCliRun.of(all);
  }

  @Test
  void initIssueListRevokeAndAServerThatHonoursThem() throws Exception {
    try (TestDatabases.Fresh db = TestDatabases.create("PkiCommand")) {
      ServerCliRun init = pki(db, "init");
      assertEquals(0, init.exit(), init.err());
      assertTrue(init.out().contains("deployment CA:      made now"), init.out());
      PkiFiles files = PkiFiles.in(home);
      assertEquals("rw-------", PosixFilePermissions.toString(
          Files.getPosixFilePermissions(files.serverKey())));
      String serverPem = Files.readString(files.serverCertificate());
      ServerCliRun again = pki(db, "init");
      assertEquals(0, again.exit(), again.err());
      assertTrue(again.out().contains("deployment CA:      kept")
          && again.out().contains("server certificate: kept"), again.out());
      assertEquals(serverPem, Files.readString(files.serverCertificate()));
      // the names it has, in another order and spelling: kept; another name: a new certificate
      ServerCliRun sameNames = pki(db, "init", "--server-name", "::1", "--server-name",
          "127.0.0.1", "--server-name", "localhost");
      assertTrue(sameNames.out().contains("server certificate: kept"), sameNames.out());
      assertEquals(serverPem, Files.readString(files.serverCertificate()));
      ServerCliRun otherName = pki(db, "init", "--server-name", "trace.example.org");
      assertEquals(0, otherName.exit(), otherName.err());
      assertFalse(otherName.out().contains("server certificate: kept"), otherName.out());
      assertTrue(files.serverCertificateNames(List.of("trace.example.org")));
      ServerCliRun badName = pki(db, "init", "--server-name", "trace example.org");
      assertEquals(1, badName.exit(), badName.err());
      assertTrue(badName.err().contains("'trace example.org' is neither a DNS name nor an IP "
          + "address"), badName.err());
      assertTrue(files.serverCertificateNames(List.of("trace.example.org")), "nothing renewed");
      ServerCliRun defaults = pki(db, "init");
      assertTrue(defaults.out().contains("server certificate: kept"), defaults.out());
      String before = Files.readString(files.serverCertificate());
      assertEquals(0, pki(db, "init", "--renew-server").exit());
      assertFalse(before.equals(Files.readString(files.serverCertificate())), "renewed");
      // a renewal without --server-name keeps the names clients use (it renewed for loopback
      // only, locking every remote client out at the very renewal the warnings ask for)
      assertTrue(files.serverCertificateNames(List.of("trace.example.org")),
          "renewed for the names it had");
      assertEquals(0, pki(db, "init", "--renew-server", "--server-name", "localhost").exit());
      assertTrue(files.serverCertificateNames(List.of("localhost")), "names given win");

      ServerCliRun unknownKind = pki(db, "issue", "admin");
      assertEquals(1, unknownKind.exit());
      assertTrue(unknownKind.err().contains("'admin' is not a kind of principal"),
          unknownKind.err());
      ServerCliRun unknownSite = pki(db, "issue", "worker", "organizations/nobody/sites/nowhere");
      assertEquals(1, unknownSite.exit());
      assertTrue(unknownSite.err().contains("the registry has no site "
          + "organizations/nobody/sites/nowhere"), unknownSite.err());

      ServerCliRun issued = pki(db, "issue", "operator", "--name", "Night shift operator");
      assertEquals(0, issued.exit(), issued.err());
      Matcher m = Pattern.compile("issued ([0-9a-f]{32}) for packtrail:principal:operator "
          + "\\(Night shift operator\\)").matcher(issued.out());
      assertTrue(m.find(), issued.out());
      String serial = m.group(1);
      Path prefix = files.client("operator-" + serial.substring(0, 8));
      assertEquals("rw-------", PosixFilePermissions.toString(
          Files.getPosixFilePermissions(PkiFiles.keyFile(prefix))));
      Map<String, String> env = Map.of(
          PacktrailClient.Builder.CA_CERT_ENV, files.caCertificate().toString(),
          PacktrailClient.Builder.CLIENT_CERT_ENV, PkiFiles.certificateFile(prefix).toString(),
          PacktrailClient.Builder.CLIENT_KEY_ENV, PkiFiles.keyFile(prefix).toString());
      assertTrue(issued.out().contains("export PACKTRAIL_CLIENT_KEY=" + PkiFiles.keyFile(prefix)),
          issued.out());

      ServerCliRun list = pki(db, "list");
      assertEquals(0, list.exit(), list.err());
      assertTrue(list.out().lines().anyMatch(l -> l.startsWith(serial)
          && l.contains("operator") && l.contains("valid")), list.out());
      assertTrue(list.out().lines().anyMatch(l -> l.contains("server localhost")), list.out());

      // a server set up from the files, as serve does
      Clock clock = Clock.systemUTC();
      KeySealer sealer = new KeySealer(Base64.getDecoder().decode(KEK));
      DeploymentCa ca = DeploymentCa.load(db.database().jdbi(), sealer, clock).orElseThrow();
      assertEquals(Pem.certificate(ca.certificate()), Files.readString(files.caCertificate()));
      PkiFiles.ServerMaterial material = files.server(ca, clock);
      try (PacktrailServer server = PacktrailServer.start(
          NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
              .sslContext(ServerTls.context(ca.certificate(), material.certificate(),
                  material.key())),
          db.database().jdbi(), PacktrailServer.Settings.defaults().withSealer(sealer)
              .withLog(null, Duration.ZERO)
              .withCallerResolver(new CertificateCallerResolver(ca.certificate(),
                  new IssuedCertificates(db.database().jdbi(), clock), clock)));
          PacktrailClient client = PacktrailClient.builder("localhost:" + server.port())
              .fromEnvironment(env::get).build()) {
        client.listUnits(ListUnitsRequest.newBuilder().setPageSize(1).build());

        ServerCliRun revoked = pki(db, "revoke", serial.toUpperCase(), "--reason", "left the company");
        assertEquals(0, revoked.exit(), revoked.err());
        assertTrue(revoked.out().startsWith("revoked " + serial + " (operator (Night shift "
            + "operator)) at "), revoked.out());
        long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        StatusRuntimeException refused = null;
        while (refused == null && System.nanoTime() < end) {
          try {
            client.listUnits(ListUnitsRequest.newBuilder().setPageSize(1).build());
            Thread.sleep(100);
          } catch (StatusRuntimeException e) {
            refused = e;
          }
        }
        assertTrue(refused != null, "still accepted 20 s after pki revoke");
        assertEquals(Status.Code.UNAUTHENTICATED, refused.getStatus().getCode());
        assertTrue(refused.getStatus().getDescription().endsWith("(left the company)"),
            refused.getStatus().toString());
      }
      ServerCliRun listed = pki(db, "list");
      assertTrue(listed.out().lines().anyMatch(l -> l.startsWith(serial)
          && l.contains("revoked 20")), listed.out());
      ServerCliRun unknown = pki(db, "revoke", "4" + "0".repeat(31));
      assertEquals(1, unknown.exit());
      assertTrue(unknown.err().contains("this deployment issued no certificate with serial "),
          unknown.err());
    }
  }

  /**
   * A certificate whose files cannot be written is revoked at once: before, it was recorded
   * first and stayed valid in 'pki list' with its key thrown away. The key already written is
   * removed again, so the same --out can be used once the cause is mended.
   */
  @Test
  void aCertificateWhoseFilesCannotBeWrittenIsRevokedAndItsKeyRemoved() throws Exception {
    try (TestDatabases.Fresh db = TestDatabases.create("PkiCommandUnheld")) {
      assertEquals(0, pki(db, "init").exit());
      Path out = home.resolve("night-operator");
      // the certificate's place is taken by a directory: the key is written, the certificate
      // is not
      Files.createDirectories(PkiFiles.certificateFile(out));
      Files.writeString(PkiFiles.certificateFile(out).resolve("keep"), "x");
      ServerCliRun failed = pki(db, "issue", "operator", "--out", out.toString());
      assertEquals(1, failed.exit(), failed.out());
      Matcher m = Pattern.compile("certificate ([0-9a-f]{32}) was recorded and has been "
          + "revoked").matcher(failed.err());
      assertTrue(m.find(), failed.err());
      assertFalse(Files.exists(PkiFiles.keyFile(out)), "the key of no certificate is removed");
      ServerCliRun list = pki(db, "list");
      assertTrue(list.out().lines().anyMatch(l -> l.startsWith(m.group(1))
          && l.contains("revoked 20")), list.out());

      // mended: the same --out works
      Files.delete(PkiFiles.certificateFile(out).resolve("keep"));
      Files.delete(PkiFiles.certificateFile(out));
      ServerCliRun issued = pki(db, "issue", "operator", "--out", out.toString());
      assertEquals(0, issued.exit(), issued.err());
      assertTrue(Files.exists(PkiFiles.keyFile(out)) && Files.exists(PkiFiles.certificateFile(out)));
    }
  }

  /**
   * `pki` (and `log-key`) run beside servers: they make a new database's schema, but do not
   * upgrade one that servers of an older version may be using (before, they migrated it under
   * them). `migrate` does, after which they run.
   */
  @Test
  void aCommandBesideServersDoesNotUpgradeAnOlderSchema() throws Exception {
    try (TestDatabases.Fresh db = TestDatabases.createAt("PkiCommandOlder", "20")) {
      ServerCliRun refused = pki(db, "list");
      assertEquals(1, refused.exit(), refused.out());
      assertTrue(refused.err().contains("the database's schema is older than this version's: "
          + "it lacks V21"), refused.err());
      assertTrue(refused.err().contains("run 'packtrail-server migrate'"), refused.err());
      assertEquals("20", db.database().jdbi().withHandle(h -> h.createQuery(
          "SELECT version FROM flyway_schema_history ORDER BY installed_rank DESC LIMIT 1")
          .mapTo(String.class).one()), "nothing migrated");
      ServerCliRun logKey = ServerCliRun.of("log-key", "--db-url", db.url(),
          "--key-encryption-key", KEK, "--home", home.toString());
      assertEquals(1, logKey.exit(), logKey.out());
      assertTrue(logKey.err().contains("it lacks V21"), logKey.err());

      ServerCliRun migrated = ServerCliRun.of("migrate", "--db-url", db.url(), "--home",
          home.toString());
      assertEquals(0, migrated.exit(), migrated.err());
      ServerCliRun listed = pki(db, "list");
      assertEquals(0, listed.exit(), listed.err());
    }
  }
}
