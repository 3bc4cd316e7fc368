package io.packtrail.bench;

import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.HdrHistogram.Histogram;

/**
 * One client, one call at a time: after an unmeasured warm-up, every call's own latency goes
 * into an HdrHistogram, printed as one row of the read benchmarks' common table.
 */
final class OneClientLatency {
  private final int warmupSeconds;
  private final int durationSeconds;

  OneClientLatency(int warmupSeconds, int durationSeconds) {
    this.warmupSeconds = warmupSeconds;
    this.durationSeconds = durationSeconds;
  }

  void printHeader() {
    System.out.printf("%-52s %8s %8s %8s %8s %8s%n", "query (1 client, " + durationSeconds
        + " s)", "calls/s", "p50 ms", "p99 ms", "p99.9 ms", "max ms");
  }

  /** Calls {@code call} for the warm-up, then for the measured time, and prints its row. */
  void measure(String name, Supplier<?> call) {
    Histogram h = new Histogram(TimeUnit.SECONDS.toNanos(100), 3);
    long warmupEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(warmupSeconds);
    long end = warmupEnd + TimeUnit.SECONDS.toNanos(durationSeconds);
    long now;
    while ((now = System.nanoTime()) < end) {
      call.get();
      long after = System.nanoTime();
      if (now >= warmupEnd) {
        h.recordValue(Math.min(after - now, h.getHighestTrackableValue()));
      }
    }
    System.out.printf("%-52s %8.1f %8.2f %8.2f %8.2f %8.2f%n", name,
        h.getTotalCount() / (double) durationSeconds, ms(h, 50), ms(h, 99), ms(h, 99.9),
        h.getMaxValue() / 1e6);
  }

  private static double ms(Histogram h, double percentile) {
    return h.getValueAtPercentile(percentile) / 1e6;
  }
}
