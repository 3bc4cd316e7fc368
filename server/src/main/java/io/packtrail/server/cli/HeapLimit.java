package io.packtrail.server.cli;

import java.util.List;
import java.util.Optional;

/**
 * Whether the JVM was started with a heap limit. Without one it may grow its heap to a quarter
 * of the machine's memory under load (608 MB resident under 32 clients where 256 MB of heap
 * serve them at about 330 MB), so {@code serve} says so at start.
 */
final class HeapLimit {
  private static final List<String> LIMITS = List.of("-Xmx", "-XX:MaxHeapSize=",
      "-XX:MaxRAM=", "-XX:MaxRAMPercentage=", "-XX:MaxRAMFraction=");

  private HeapLimit() {}

  /**
   * The advice to print when none of {@code jvmArguments} (the JVM's own, as
   * {@code RuntimeMXBean.getInputArguments()} gives them) limits the heap; empty when one does.
   */
  static Optional<String> advice(List<String> jvmArguments, long maxHeapBytes) {
    for (String argument : jvmArguments) {
      for (String limit : LIMITS) {
        if (argument.startsWith(limit)) {
          return Optional.empty();
        }
      }
    }
    return Optional.of(String.format("No heap limit given: the JVM may grow its heap to %,d MB "
        + "under load. In production give one: java -Xmx256m -jar packtrail-server.jar serve "
        + "(README, \"Commands\").", maxHeapBytes >> 20));
  }
}
