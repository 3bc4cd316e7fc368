package io.packtrail.server.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.packtrail.server.security.KeySealer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;

/** `serve`: the demo is extra, its failure must not take the server down; plaintext stays local. */
class ServeCommandTest {
  @Test
  void aDemoThatCannotLoadIsReportedAndDoesNotEndTheCommand() throws Exception {
    int deadPort;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      deadPort = s.getLocalPort();
    }
    ByteArrayOutputStream report = new ByteArrayOutputStream();
    boolean loaded = ServeCommand.loadDemo(
        Jdbi.create("jdbc:postgresql://127.0.0.1:" + deadPort + "/nothing?connectTimeout=2"),
        KeySealer.random(), 10, null, new PrintStream(report, true, StandardCharsets.UTF_8));
    assertFalse(loaded);
    String text = report.toString(StandardCharsets.UTF_8);
    assertTrue(text.contains("Loading the demo data failed; the server keeps serving"), text);
  }

  @Test
  void plaintextOnAnAddressOtherThanLoopbackIsRefusedBeforeAnythingStarts() throws Exception {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    var cli = PacktrailServerCli.commandLine();
    cli.setErr(new java.io.PrintWriter(err, true, StandardCharsets.UTF_8));
    // no database is configured or reachable: the refusal comes before any is opened
    int exit = cli.execute("serve", "--plaintext", "--bind", "0.0.0.0", "--port", "0",
        "--db-url", "jdbc:postgresql://127.0.0.1:1/none");
    String text = err.toString(StandardCharsets.UTF_8);
    assertEquals(1, exit, text);
    assertTrue(text.contains("--plaintext serves without authentication and is allowed only on "
        + "a loopback address") && text.contains("--bind 0.0.0.0 is not one"), text);
  }

  @Test
  void aBadServerSettingIsRefusedBeforeTheDatabaseIsOpened(
      @org.junit.jupiter.api.io.TempDir java.nio.file.Path home) {
    // no database URL: the embedded one would be started (and migrated) in home/pgdata first
    for (String[] bad : new String[][] {
        {"--rate-burst", "0", "burst of at least 1"},
        {"--key-encryption-key", "abc-def", "PACKTRAIL_KEY_ENCRYPTION_KEY) is not base64"},
        {"--db-connection-timeout", "0", "must be 0.25 to 3600 seconds, got 0.0"},
        // a no-break space: a key name's rule, which the log's key would fail at start
        {"--log-origin", "a\u00A0b", "contains a space (U+00A0)"}}) {
      java.io.StringWriter err = new java.io.StringWriter();
      int exit = PacktrailServerCli.commandLine().setErr(new java.io.PrintWriter(err, true))
          .execute("serve", "--home", home.toString(), bad[0], bad[1]);
      assertEquals(1, exit, err.toString());
      assertTrue(err.toString().contains(bad[2]), err.toString());
      assertFalse(java.nio.file.Files.exists(home.resolve("pgdata")),
          "no database was started for a command refused: " + bad[0]);
      assertFalse(java.nio.file.Files.exists(home.resolve("key-encryption.key")),
          "no key was made for a command refused: " + bad[0]);
    }
  }

  @Test
  void aMetricsPortOutOfRangeIsRefusedBeforeAnythingStarts() {
    java.io.StringWriter err = new java.io.StringWriter();
    int exit = PacktrailServerCli.commandLine().setErr(new java.io.PrintWriter(err, true))
        .execute("serve", "--metrics-port", "70000", "--db-url",
            "jdbc:postgresql://127.0.0.1:1/never-opened");
    assertEquals(2, exit, err.toString());
    assertTrue(err.toString().contains("--metrics-port must be 0 to 65535"), err.toString());
  }

  @Test
  void aMetricsPortInUseIsNamedByItsOptionAndTheCommandEnds(
      @org.junit.jupiter.api.io.TempDir java.nio.file.Path home) throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        var db = io.packtrail.server.testing.TestDatabases.create("metrics_port_taken")) {
      // a home of its own: the key-encryption key serve makes goes there, not to ~/.packtrail
      java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("serve",
          "--plaintext", "--port", "0", "--anomaly-scan-interval", "0",
          "--metrics-port", Integer.toString(taken.getLocalPort()), "--db-url", db.url(),
          "--home", home.toString()));
      if (db.user() != null) {
        args.addAll(java.util.List.of("--db-user", db.user()));
      }
      if (db.password() != null) {
        args.addAll(java.util.List.of("--db-password", db.password()));
      }
      ServerCliRun run = ServerCliRun.of(args.toArray(String[]::new));
      assertEquals(1, run.exit(), run.err());
      assertTrue(run.err().contains("error: --metrics-port " + taken.getLocalPort()
          + " on 127.0.0.1 cannot be served") && run.err().contains("another process"),
          run.err());
    }
  }

  @Test
  void witnessKeysAreRepeatableCommaSeparatedAndCheckedBeforeAnythingStarts() throws Exception {
    String w1 = io.packtrail.client.log.VerifierKey.ofCosigner("witness.example/w1",
        io.packtrail.client.label.Ed25519Keys.generate().publicKey()).encode();
    String w2 = io.packtrail.client.log.VerifierKey.ofCosigner("witness.example/w2",
        io.packtrail.client.label.Ed25519Keys.generate().publicKey()).encode();
    String w3 = io.packtrail.client.log.VerifierKey.ofCosigner("witness.example/w3",
        io.packtrail.client.label.Ed25519Keys.generate().publicKey()).encode();
    ServeCommand serve = new ServeCommand();
    new picocli.CommandLine(serve).parseArgs("--witness-key", w1 + "," + w2,
        "--witness-key", w3);
    org.junit.jupiter.api.Assertions.assertEquals(java.util.List.of(w1, w2, w3),
        ServeCommand.witnessKeys(serve.witnessKeys).stream()
            .map(io.packtrail.client.log.VerifierKey::encode).toList());

    String log = io.packtrail.client.log.VerifierKey.of("packtrail.local/log",
        io.packtrail.client.label.Ed25519Keys.generate().publicKey()).encode();
    for (String[] bad : new String[][] {
        {"nonsense", "error: --witness-key 'nonsense' is not a verifier key: verifier key has 1 "
            + "parts"},
        {log, "error: --witness-key packtrail.local/log is a log's key (signature type 0x01), "
            + "not a witness's (0x04, C2SP tlog-cosignature)"}}) {
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      picocli.CommandLine cli = PacktrailServerCli.commandLine();
      cli.setErr(new java.io.PrintWriter(err, true, StandardCharsets.UTF_8));
      int exit = cli.execute("serve", "--witness-key", bad[0]);
      org.junit.jupiter.api.Assertions.assertEquals(1, exit);
      assertTrue(err.toString(StandardCharsets.UTF_8).startsWith(bad[1]),
          err.toString(StandardCharsets.UTF_8));
    }
  }
  @Test
  void theWorkingCalendarAndReportingStartAreReadAndCheckedBeforeAnythingStarts()
      throws Exception {
    java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("calendar");
    java.nio.file.Path file = dir.resolve("cn-2027.txt");
    java.nio.file.Files.writeString(file, "year 2027\n2027-01-01 holiday New Year's Day\n");
    ServeCommand serve = new ServeCommand();
    new picocli.CommandLine(serve).parseArgs("--working-calendar", file.toString(),
        "--reporting-start", "2026-11-01");
    var deadlines = ServeCommand.deadlines(serve.workingCalendar, serve.reportingStart);
    assertEquals(java.util.Set.of(2027), deadlines.calendar().years());
    assertEquals(java.time.Instant.parse("2026-10-31T16:00:00Z"), deadlines.reportingStart(),
        "00:00 in China");
    // none given: the built-in 2026 calendar, every step judged
    var defaults = ServeCommand.deadlines(null, null);
    assertEquals(java.util.Set.of(2026), defaults.calendar().years());
    assertEquals(null, defaults.reportingStart());

    java.nio.file.Path bad = dir.resolve("bad.txt");
    java.nio.file.Files.writeString(bad, "year 2027\n2027-02-30 holiday\n");
    for (String[] args : new String[][] {
        {"--working-calendar", bad.toString(), bad + ", line 2: expected 'year YYYY' or "
            + "'YYYY-MM-DD holiday|workday [name]', got '2027-02-30 holiday'"},
        {"--working-calendar", dir.resolve("missing.txt").toString(), "--working-calendar "
            + dir.resolve("missing.txt") + " cannot be read"},
        {"--reporting-start", "1 Nov 2026", "--reporting-start must be a day YYYY-MM-DD, got "
            + "'1 Nov 2026'"}}) {
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      picocli.CommandLine cli = PacktrailServerCli.commandLine();
      cli.setErr(new java.io.PrintWriter(err, true, StandardCharsets.UTF_8));
      // no database is reachable: the refusal comes before one is opened
      int exit = cli.execute("serve", args[0], args[1], "--db-url",
          "jdbc:postgresql://127.0.0.1:1/never-opened");
      String text = err.toString(StandardCharsets.UTF_8);
      assertEquals(1, exit, text);
      assertTrue(text.startsWith("error: " + args[2]), text);
    }
  }

  @Test
  void thePlaintextFlagMeansPlaintextWhateverTheEnvironmentSays() {
    io.packtrail.server.testing.PlaintextFlag.assertMeansWhatItSays(ServeCommand::new,
        serve -> serve.plaintext);
  }
}
