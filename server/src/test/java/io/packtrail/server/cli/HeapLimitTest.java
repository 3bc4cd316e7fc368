package io.packtrail.server.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class HeapLimitTest {
  private static final long SIX_GB = 6L << 30;

  @Test
  void noLimitAmongTheArgumentsIsNamedWithTheHeapTheJvmMayTake() {
    Optional<String> advice = HeapLimit.advice(
        List.of("-XX:+PreserveFramePointer", "-Dfile.encoding=UTF-8"), SIX_GB);
    assertTrue(advice.isPresent());
    assertTrue(advice.get().contains("6,144 MB"), advice.get());
    assertTrue(advice.get().contains("-Xmx256m"), advice.get());
  }

  @Test
  void eachWayOfLimitingTheHeapSilencesIt() {
    for (String limit : List.of("-Xmx256m", "-XX:MaxHeapSize=268435456", "-XX:MaxRAM=1g",
        "-XX:MaxRAMPercentage=25", "-XX:MaxRAMFraction=4")) {
      assertEquals(Optional.empty(), HeapLimit.advice(List.of("-ea", limit), SIX_GB), limit);
    }
  }

  @Test
  void anInitialHeapSizeIsNoLimit() {
    assertTrue(HeapLimit.advice(List.of("-Xms256m", "-XX:InitialRAMPercentage=5"), SIX_GB)
        .isPresent());
  }
}
