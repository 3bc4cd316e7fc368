package io.packtrail.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class LoadGeneratorFormatTest {
  @Test
  void anUnknownServerCpuIsADashNotNaN() {
    // without --metrics the load generator has no server CPU to divide
    assertEquals("-", LoadGenerator.orDash("%.0f", Double.NaN));
    assertEquals("-", LoadGenerator.orDash("%.2f", Double.NaN / 3));
    assertEquals("128", LoadGenerator.orDash("%.0f", 127.6));
    assertEquals("+7 %", LoadGenerator.orDash("%+.0f %%", 7.2));
    assertEquals("-", LoadGenerator.orDash("%.2f", 1 / 0.0)); // a phase with no server CPU
  }
}
