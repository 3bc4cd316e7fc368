package io.packtrail.server.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class HeapLimitTest {
  private static final long SIX_GB = 6L << 30;

  @Test
  void aLargeCeilingTheJvmChoseIsNamedWithTheAdvice() {
    Optional<String> advice = HeapLimit.advice(false, SIX_GB);
    assertTrue(advice.isPresent());
    assertTrue(advice.get().contains("6,144 MB"), advice.get());
    assertTrue(advice.get().contains("-Xmx256m"), advice.get());
  }

  @Test
  void aGivenSizeOrASmallCeilingNeedsNoAdvice() {
    assertEquals(Optional.empty(), HeapLimit.advice(true, SIX_GB)); // the operator chose it
    assertEquals(Optional.empty(), HeapLimit.advice(false, HeapLimit.LARGE_BYTES)); // a container
    assertTrue(HeapLimit.advice(false, HeapLimit.LARGE_BYTES + 1).isPresent());
  }

  @Test
  void thisJvmsOwnOptionsAreRead() {
    // read from this very JVM: advice exactly when no -Xmx was given and its ceiling is large
    long max = Runtime.getRuntime().maxMemory();
    assertEquals(max > HeapLimit.LARGE_BYTES
            && !java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments()
                .stream().anyMatch(a -> a.startsWith("-Xmx") || a.startsWith("-XX:MaxHeapSize=")),
        HeapLimit.advice().isPresent());
  }
}
