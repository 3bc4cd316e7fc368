package io.packtrail.server.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.packtrail.client.log.VerifierKey;
import io.packtrail.server.log.LogKey;
import io.packtrail.server.security.KeySealer;
import io.packtrail.server.testing.TestDatabases;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `packtrail-server log-key`: prints the key the server signs checkpoints with. */
class LogKeyCommandTest {
  @TempDir
  Path home;

  private static ServerCliRun run(String... args) {
    return ServerCliRun.of(args);
  }

  /** A key-encryption key of this test's own: 32 bytes, the first {@code first}. */
  private static byte[] kek(int first) {
    byte[] kek = new byte[32];
    kek[0] = (byte) first;
    return kek;
  }

  @Test
  void printsTheLogKeyTheServerSignsWith() throws Exception {
    byte[] kek = kek(7);
    String kekText = Base64.getEncoder().encodeToString(kek);
    try (TestDatabases.Fresh db = TestDatabases.create("LogKeyCommand")) {
      ServerCliRun first = run("log-key", "--db-url", db.url(), "--key-encryption-key", kekText,
          "--home", home.toString());
      assertEquals(0, first.exit(), first.err());
      assertTrue(first.out().contains("origin:       packtrail.local/log"), first.out());
      ServerCliRun only = run("log-key", "--db-url", db.url(), "--key-encryption-key", kekText,
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
      ServerCliRun other = run("log-key", "--db-url", db.url(), "--key-encryption-key", kekText,
          "--home", home.toString(), "--log-origin", "other.example/log");
      assertNotEquals(0, other.exit());
      assertTrue(other.err().contains("another origin would be another log"), other.err());
    }
  }

  /**
   * The demo command on a new database makes the log's key with the configured origin, as serve
   * would: before, it made it with the default, and every serve configured with another origin
   * was refused on that database for good.
   */
  @Test
  void theDemoCommandMakesTheLogWithTheConfiguredOrigin() throws Exception {
    byte[] kek = kek(9);
    String kekText = Base64.getEncoder().encodeToString(kek);
    try (TestDatabases.Fresh db = TestDatabases.create("DemoOrigin")) {
      ServerCliRun demo = run("demo", "--db-url", db.url(), "--key-encryption-key", kekText,
          "--home", home.toString(), "--packs", "0", "--log-origin", "gansu.example.cn/trace");
      assertEquals(0, demo.exit(), demo.err());
      ServerCliRun key = run("log-key", "--db-url", db.url(), "--key-encryption-key", kekText,
          "--home", home.toString(), "--log-origin", "gansu.example.cn/trace");
      assertEquals(0, key.exit(), key.err());
      assertTrue(key.out().contains("origin:       gansu.example.cn/trace"), key.out());
    }
  }

  @Test
  void aDatabaseThatCannotBeReachedIsSaidInWordsWithoutATrace() {
    ServerCliRun r = run("log-key", "--db-url", "jdbc:postgresql://127.0.0.1:1/packtrail",
        "--db-user", "postgres", "--db-connection-timeout", "1", "--home", home.toString());
    assertEquals(1, r.exit(), r.err());
    assertTrue(r.err().startsWith("error: "), r.err());
    assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
  }

  @Test
  void helpNamesWhatItPrints() {
    ServerCliRun help = run("log-key", "--help");
    assertEquals(0, help.exit());
    assertTrue(help.out().contains("verifier key"), help.out());
    assertTrue(help.out().contains("--log-origin"), help.out());
  }
}
