package io.packtrail.server.cli;

import com.sun.management.HotSpotDiagnosticMXBean;
import com.sun.management.VMOption;
import java.lang.management.ManagementFactory;
import java.util.Locale;
import java.util.Optional;

/**
 * Whether the server's heap may outgrow what it needs. Left to the JVM, the heap's ceiling is a
 * share of the machine's (or the container's) memory, and under load the JVM grows the heap
 * towards it: 400-610 MB resident under 32 clients in our runs, against about 340 MB with
 * {@code -Xmx256m} (docs/benchmarks.md). So {@code serve} says so at start when no heap size
 * was given and the ceiling is large.
 */
final class HeapLimit {
  /** Above this ceiling, with no size given, the advice is printed. */
  static final long LARGE_BYTES = 512L << 20;

  private HeapLimit() {}

  /** The advice for this JVM, if any. */
  static Optional<String> advice() {
    return advice(heapSizeGiven(), Runtime.getRuntime().maxMemory());
  }

  /**
   * The advice to print when no heap size was given ({@code -Xmx}, {@code -XX:MaxHeapSize},
   * in any way the JVM takes options) and the JVM's own ceiling, {@code maxHeapBytes}, is
   * larger than {@link #LARGE_BYTES}; empty otherwise.
   */
  static Optional<String> advice(boolean heapSizeGiven, long maxHeapBytes) {
    if (heapSizeGiven || maxHeapBytes <= LARGE_BYTES) {
      return Optional.empty();
    }
    return Optional.of(String.format(Locale.ROOT, "No heap size given: the JVM may grow the heap "
        + "to %,d MB under load. In production give one: java -Xmx256m -jar "
        + "packtrail-server.jar serve (README, \"Commands\").", maxHeapBytes >> 20));
  }

  /**
   * Whether MaxHeapSize was set (command line, JAVA_TOOL_OPTIONS, a flags file) rather than
   * chosen by the JVM; -XX:MaxRAMPercentage and the like leave the choice to the JVM.
   */
  private static boolean heapSizeGiven() {
    VMOption option = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class)
        .getVMOption("MaxHeapSize");
    return option.getOrigin() != VMOption.Origin.DEFAULT
        && option.getOrigin() != VMOption.Origin.ERGONOMIC;
  }
}
