package io.packtrail.server.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.packtrail.client.log.VerifierKey;
import io.packtrail.server.log.LogKey;
import io.packtrail.server.security.KeySealer;
import io.packtrail.server.testing.TestDatabases;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** `packtrail-server log-key`: prints the key the server signs checkpoints with. */
class LogKeyCommandTest {
  @TempDir
  Path home;

  private record Run(int exit, String out, String err) {}

  private Run run(String... args) {
    PrintStream out = System.out;
    PrintStream err = System.err;
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    ByteArrayOutputStream e = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
      CommandLine cli = PacktrailServerCli.commandLine();
      cli.setOut(new java.io.PrintWriter(System.out, true));
      cli.setErr(new java.io.PrintWriter(System.err, true));
      int exit = cli.execute(args);
      return new Run(exit, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(out);
      System.setErr(err);
    }
  }

  @Test
  void printsTheLogKeyTheServerSignsWith() throws Exception {
    byte[] kek = new byte[32];
    kek[0] = 7;
    String kekText = Base64.getEncoder().encodeToString(kek);
    try (TestDatabases.Fresh db = TestDatabases.create("LogKeyCommand")) {
      Run first = run("log-key", "--db-url", db.url(), "--key-encryption-key", kekText,
          "--home", home.toString());
      assertEquals(0, first.exit(), first.err());
      assertTrue(first.out().contains("origin:       packtrail.local/log"), first.out());
      Run only = run("log-key", "--db-url", db.url(), "--key-encryption-key", kekText,
          "--home", home.toString(), "--verifier-key-only");
      assertEquals(0, only.exit(), only.err());
      String vkey = only.out().trim();
      assertTrue(first.out().contains("verifier key: " + vkey), "the same key both times");
      // the key the server opens (same key-encryption key) is the printed one
      LogKey key = LogKey.loadOrCreate(db.database().jdbi(), new KeySealer(kek), null,
          Clock.systemUTC());
      assertEquals(key.verifierKey(), vkey);
      assertEquals("packtrail.local/log", VerifierKey.parse(vkey).name());
      // another origin for an existing log is refused
      Run other = run("log-key", "--db-url", db.url(), "--key-encryption-key", kekText,
          "--home", home.toString(), "--log-origin", "other.example/log");
      assertNotEquals(0, other.exit());
      assertTrue(other.err().contains("another origin would be another log"), other.err());
    }
  }

  @Test
  void aDatabaseThatCannotBeReachedIsSaidInWordsWithoutATrace() {
    Run r = run("log-key", "--db-url", "jdbc:postgresql://127.0.0.1:1/packtrail",
        "--db-user", "postgres", "--db-connection-timeout", "1", "--home", home.toString());
    assertEquals(1, r.exit(), r.err());
    assertTrue(r.err().startsWith("error: "), r.err());
    assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
  }

  @Test
  void helpNamesWhatItPrints() {
    Run help = run("log-key", "--help");
    assertEquals(0, help.exit());
    assertTrue(help.out().contains("verifier key"), help.out());
    assertTrue(help.out().contains("--log-origin"), help.out());
  }
}
