package io.packtrail.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/**
 * A refused call is no call served: a phase's rate and latencies count the served ones only
 * (a fast refusal would flatter both). Counts, not times, are compared.
 */
class RefusedCallsTest {
  @Test
  void aPhaseCountsOnlyTheCallsThatWereServed() throws Exception {
    LoadGenerator generator = new LoadGenerator();
    generator.warmupSeconds = 0;
    AtomicLong served = new AtomicLong();
    AtomicLong refused = new AtomicLong();
    AtomicLong made = new AtomicLong();
    BooleanSupplier everyOtherRefused = () -> {
      if (made.incrementAndGet() % 2 == 0) {
        refused.incrementAndGet();
        return false;
      }
      served.incrementAndGet();
      return true;
    };
    ExecutorService pool = Executors.newFixedThreadPool(1);
    try {
      LoadGenerator.Result r = generator.measure("half refused", pool,
          List.of(everyOtherRefused), 1, 0);
      assertTrue(refused.get() > 0 && r.histogram().getTotalCount() > 0);
      // (calls before the window opened are left out too: at most the served ones remain;
      // counted with the refused, the phase would hold about twice as many)
      assertTrue(r.histogram().getTotalCount() <= served.get(),
          r.histogram().getTotalCount() + " recorded, " + served.get() + " served");
      assertEquals(r.histogram().getTotalCount(), r.rate(), 0.0, "one measured second");
    } finally {
      pool.shutdownNow();
    }
  }
}
