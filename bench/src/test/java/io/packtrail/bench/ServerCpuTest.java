package io.packtrail.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Per-phase CPU accounting on two scrapes recorded from a running server (serve --metrics-port). */
class ServerCpuTest {
  @Test
  void readsTheProcessCpuOfARecordedScrape() throws IOException {
    assertEquals(4.69, ServerCpu.seconds(resource("scrape-before.txt")), 1e-9);
    assertEquals(5.64, ServerCpu.seconds(resource("scrape-after.txt")), 1e-9);
  }

  @Test
  void chargesThePhaseItsCpuPerCall() throws IOException {
    double before = ServerCpu.seconds(resource("scrape-before.txt"));
    double after = ServerCpu.seconds(resource("scrape-after.txt"));
    // 0.95 s of server CPU over 1,900 calls: 500 us each
    assertEquals(500, ServerCpu.microsPerCall(before, after, 1_900), 1e-6);
    assertTrue(Double.isNaN(ServerCpu.microsPerCall(before, after, 0)), "no calls, no figure");
  }

  @Test
  void refusesWhatIsNotAServersScrape() {
    var e = assertThrows(IllegalArgumentException.class,
        () -> ServerCpu.seconds("# TYPE up gauge\nup 1\n"));
    assertTrue(e.getMessage().contains("process_cpu_seconds_total"), e.getMessage());
    // a sample whose name merely starts alike is not the process's CPU
    assertThrows(IllegalArgumentException.class,
        () -> ServerCpu.seconds("process_cpu_seconds_total_created 1.7e9\n"));
  }

  @Test
  void aRestartedServerIsNamedNotMeasured() {
    var e = assertThrows(IllegalArgumentException.class,
        () -> ServerCpu.microsPerCall(5.0, 1.0, 100));
    assertTrue(e.getMessage().contains("restarted"), e.getMessage());
  }

  private static String resource(String name) throws IOException {
    try (InputStream in = ServerCpuTest.class.getResourceAsStream(name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
