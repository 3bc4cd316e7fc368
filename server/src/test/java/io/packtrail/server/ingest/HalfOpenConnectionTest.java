package io.packtrail.server.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.packtrail.server.domain.Actor;
import io.packtrail.server.domain.OrganizationRole;
import io.packtrail.server.domain.Step;
import io.packtrail.server.domain.Submission;
import io.packtrail.server.store.Database;
import io.packtrail.server.testing.Fixtures;
import io.packtrail.server.testing.ServerHarness;
import io.packtrail.server.testing.TcpProxy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The sequencer's connection goes half-open in the middle of a commit (a proxy stops passing
 * anything either way and closes neither end, as a frozen or unplugged host does): the step is
 * answered within the write timeout as of unknown outcome, instead of holding the one thread
 * that records steps until the kernel gives up on the socket; PostgreSQL ends the abandoned
 * session's transaction, so its log-head lock does not hold every later write; and the
 * client's retry with the same id is recorded exactly once.
 */
class HalfOpenConnectionTest {
  @RegisterExtension
  static final ServerHarness harness = ServerHarness.inProcess();

  private static final Actor STATION = new Actor(Fixtures.DEALER, Fixtures.STATION,
      Set.of(OrganizationRole.DEALER, OrganizationRole.COLLECTION_OUTLET));
  /** Longer than PostgreSQL's idle-in-transaction bound below, so a retry can outwait it. */
  private static final Duration WRITE_TIMEOUT = Duration.ofSeconds(3);

  private TcpProxy proxy;
  private Database proxied;
  private Sequencer sequencer;

  @BeforeAll
  static void network() {
    Fixtures.network(harness.client());
  }

  @BeforeEach
  void start() throws Exception {
    proxy = harness.database().proxy();
    // the bound production sets (Database.IDLE_IN_TRANSACTION, 30 s), shortened to one second
    proxied = harness.database().openThrough(proxy, 2, Duration.ofSeconds(2),
        "prepareThreshold=0&options=-c%20idle_in_transaction_session_timeout%3D1000");
    sequencer = new Sequencer(proxied.jdbi(), Clock.systemUTC(), 16,
        new ArrayBlockingQueue<>(100), WRITE_TIMEOUT);
  }

  @AfterEach
  void stop() throws Exception {
    sequencer.close();
    proxied.close();
    proxy.close();
  }

  /**
   * Frozen with the commit lost ({@code false}: the abandoned transaction holds the log head's
   * lock until PostgreSQL ends it, and the retry is recorded) or with only its answer lost
   * ({@code true}: the retry is answered with the committed event); either way recorded once,
   * and the sequencer records the next step on a healthy connection.
   */
  @ParameterizedTest(name = "commit forwarded: {0}")
  @ValueSource(booleans = {false, true})
  void aCommitCutOffSilentlyIsAnsweredAsUnknownAndTheRetryRecordsItOnce(boolean forwardCommit)
      throws Exception {
    Submission sale = sale(Fixtures.registeredPack(harness.client()));
    proxy.freezeAtNextCommit(forwardCommit);
    assertUnknownOutcome(sale);
    assertEquals(2, sequencer.submit(sale, STATION).get(20, TimeUnit.SECONDS).sequence());
    assertEquals(2, harness.client().getUnit(sale.unitCode()).getEventCount(), "recorded once");
    Submission next = sale(Fixtures.registeredPack(harness.client()));
    assertEquals(2, sequencer.submit(next, STATION).get(20, TimeUnit.SECONDS).sequence());
  }

  /**
   * The bound the tests above shorten is what every pool of the server's sets, with TCP
   * keepalives that end a silent client's session idle outside a transaction too.
   */
  @Test
  void theServersSessionsEndATransactionLeftIdleAndASilentClientsSession() {
    try (Database pool = harness.database().openAnother(1)) {
      assertEquals(Database.IDLE_IN_TRANSACTION.toMillis(), setting(pool,
          "idle_in_transaction_session_timeout"));
      assertEquals(60, setting(pool, "tcp_keepalives_idle"));
      assertEquals(10, setting(pool, "tcp_keepalives_interval"));
      assertEquals(6, setting(pool, "tcp_keepalives_count"));
    }
  }

  private static long setting(Database pool, String name) {
    return pool.jdbi().withHandle(h -> h.createQuery("SELECT setting::bigint FROM pg_settings "
        + "WHERE name = :name").bind("name", name).mapTo(Long.class).one());
  }

  private void assertUnknownOutcome(Submission sale) {
    long start = System.nanoTime();
    // without the write timeout the answer would wait for the kernel (a quarter of an hour)
    ExecutionException failed = assertThrows(ExecutionException.class,
        () -> sequencer.submit(sale, STATION).get(20, TimeUnit.SECONDS));
    assertInstanceOf(IngestUnavailableException.class, failed.getCause());
    assertTrue(failed.getCause().getMessage().contains("the outcome is unknown; retry with "
        + "the same id"), failed.getCause().getMessage());
    assertTrue(System.nanoTime() - start >= WRITE_TIMEOUT.toNanos() / 2,
        "the answer came from the timeout, not from a broken connection");
  }

  private static Submission sale(String code) {
    return new Submission(UUID.randomUUID(), code, Instant.now(), Fixtures.STATION,
        new Step.Sale(Fixtures.SALE_VIN, Fixtures.DEALER));
  }
}
