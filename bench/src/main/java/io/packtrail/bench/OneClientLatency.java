package io.packtrail.bench;

import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.HdrHistogram.Histogram;

/**
 * One client, one call at a time: after an unmeasured warm-up, every call's own latency goes
 * into an HdrHistogram, printed as one row of the read benchmarks' common table. With the
 * server's metrics endpoint, the row also gives the server's CPU (all its threads) and the
 * bytes it allocated (G1 Eden) per call over the measured seconds.
 */
final class OneClientLatency {
  private final int warmupSeconds;
  private final int durationSeconds;
  private final ServerCpu server;

  OneClientLatency(int warmupSeconds, int durationSeconds) {
    this(warmupSeconds, durationSeconds, null);
  }

  /** {@code metrics} (null: none) is the server's Prometheus endpoint. */
  OneClientLatency(int warmupSeconds, int durationSeconds, java.net.URI metrics) {
    this.warmupSeconds = warmupSeconds;
    this.durationSeconds = durationSeconds;
    this.server = metrics == null ? null : new ServerCpu(metrics);
  }

  void printHeader() {
    System.out.printf("%-52s %8s %8s %8s %8s %8s%s%n", "query (1 client, " + durationSeconds
        + " s)", "calls/s", "p50 ms", "p99 ms", "p99.9 ms", "max ms",
        server == null ? "" : String.format(java.util.Locale.ROOT, " %10s %12s", "server us", "server kB"));
  }

  /** Calls {@code call} for the warm-up, then for the measured time, and prints its row. */
  void measure(String name, Supplier<?> call) {
    Histogram h = new Histogram(TimeUnit.SECONDS.toNanos(100), 3);
    long warmupEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(warmupSeconds);
    long end = warmupEnd + TimeUnit.SECONDS.toNanos(durationSeconds);
    long now;
    String before = null;
    while ((now = System.nanoTime()) < end) {
      if (server != null && before == null && now >= warmupEnd) {
        before = scrape();
        now = System.nanoTime();
      }
      call.get();
      long after = System.nanoTime();
      if (now >= warmupEnd) {
        h.recordValue(Math.min(after - now, h.getHighestTrackableValue()));
      }
    }
    String perCall = "";
    if (server != null && before != null) {
      String after = scrape();
      long calls = h.getTotalCount();
      perCall = String.format(java.util.Locale.ROOT, " %10.0f %12.1f", ServerCpu.microsPerCall(
          ServerCpu.seconds(before), ServerCpu.seconds(after), calls),
          (ServerCpu.allocatedBytes(after) - ServerCpu.allocatedBytes(before)) / 1024 / calls);
    }
    System.out.printf("%-52s %8.1f %8.2f %8.2f %8.2f %8.2f%s%n", name,
        h.getTotalCount() / (double) durationSeconds, ms(h, 50), ms(h, 99), ms(h, 99.9),
        h.getMaxValue() / 1e6, perCall);
  }

  private String scrape() {
    try {
      return server.scrape();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static double ms(Histogram h, double percentile) {
    return h.getValueAtPercentile(percentile) / 1e6;
  }
}
