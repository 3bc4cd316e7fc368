package io.packtrail.server.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.packtrail.server.domain.EventChain;
import io.packtrail.server.store.EventDao;
import io.packtrail.server.testing.Fixtures;
import io.packtrail.server.testing.LogEntries;
import io.packtrail.server.testing.ServerHarness;
import io.packtrail.v1.Event;
import io.packtrail.v1.RecordEventRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Many clients at once: no step applies twice from one state, nothing is lost, no gaps. */
class ConcurrentRecordingTest {
  @RegisterExtension
  static final ServerHarness harness = ServerHarness.inProcess();
  static final ExecutorService pool = Executors.newFixedThreadPool(16);

  @BeforeAll
  static void network() {
    Fixtures.network(harness.client());
  }

  @AfterAll
  static void stop() {
    pool.shutdownNow();
  }

  /** Starts every call at the same moment and collects each outcome. */
  static List<Object> race(List<Callable<Event>> calls) throws Exception {
    CountDownLatch start = new CountDownLatch(1);
    List<Future<Object>> futures = new ArrayList<>();
    for (Callable<Event> call : calls) {
      futures.add(pool.submit(() -> {
        start.await();
        try {
          return call.call();
        } catch (StatusRuntimeException e) {
          return e.getStatus().getCode();
        }
      }));
    }
    start.countDown();
    List<Object> outcomes = new ArrayList<>();
    for (Future<Object> f : futures) {
      outcomes.add(f.get());
    }
    return outcomes;
  }

  @Test
  void twoSalesOfOneUnitAtOnceNeverBothSucceed() throws Exception {
    for (int round = 0; round < 10; round++) {
      String code = Fixtures.newPackCode();
      harness.client().registerUnit(Fixtures.registration(code));
      List<Callable<Event>> calls = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        RecordEventRequest sale = Fixtures.sale(code);
        calls.add(() -> harness.client().recordEvent(sale));
      }
      List<Object> outcomes = race(calls);
      long won = outcomes.stream().filter(o -> o instanceof Event).count();
      long refused = outcomes.stream()
          .filter(o -> o == Status.Code.FAILED_PRECONDITION).count();
      assertEquals(1, won, "exactly one sale wins: " + outcomes);
      assertEquals(7, refused, "the others see INSTALLED: " + outcomes);
      assertEquals(2, harness.client().getUnit(code).getEventCount());
    }
  }

  @Test
  void manyUnitsAtOnceLoseNothingAndKeepEveryChainWhole() throws Exception {
    List<String> codes = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      String code = Fixtures.newPackCode();
      harness.client().registerUnit(Fixtures.registration(code));
      codes.add(code);
    }
    List<Callable<Event>> calls = new ArrayList<>();
    for (String code : codes) {
      calls.add(() -> {
        harness.client().recordEvent(Fixtures.sale(code));
        harness.client().recordEvent(Fixtures.removal(code,
            io.packtrail.v1.RemovalReason.REMOVAL_REASON_RETIREMENT));
        return harness.client().recordEvent(Fixtures.collection(code));
      });
    }
    List<Object> outcomes = race(calls);
    assertTrue(outcomes.stream().allMatch(o -> o instanceof Event), outcomes.toString());

    LogEntries.assertGapFree(harness.jdbi());
    for (String code : codes) {
      List<io.packtrail.server.domain.Event> history = harness.jdbi().withExtension(
          EventDao.class, dao -> dao.listForUnit(code, 0, 100));
      assertEquals(4, history.size());
      assertEquals(-1, EventChain.firstBreak(history), "chain of " + code);
    }
  }
}
