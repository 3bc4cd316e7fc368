package io.packtrail.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.packtrail.server.domain.BatteryCode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The load generator's unit codes: valid, and distinct across every lane of a run. */
class UnitCodesTest {
  @Test
  void everyLaneOfARunHasItsOwnValidCodes() {
    // 128 clients over TLS and 128 over plaintext (--compare-plaintext): lanes 0-255; the codes
    // once named lanes by their number modulo 100, so lane 100 met lane 0
    Set<String> codes = new HashSet<>();
    for (int lane = 0; lane < 256; lane++) {
      for (int unit = 0; unit < 200; unit++) {
        String code = LoadGenerator.unitCode("MX2QIWH", lane, unit, 200);
        assertEquals(code, BatteryCode.parse("code", code).text());
        codes.add(code);
      }
    }
    assertEquals(256 * 200, codes.size());
  }

  @Test
  void aRunNamesAtMostTenMillionUnits() {
    assertEquals("BNCPBA1MX2QIWHRA59999999",
        LoadGenerator.unitCode("MX2QIWH", 49, 199_999, 200_000));
    assertThrows(IllegalArgumentException.class,
        () -> LoadGenerator.unitCode("MX2QIWH", 50, 0, 200_000));
  }

  @Test
  void aRunOfMoreUnitsThanItCanNameIsRefusedBeforeItConnects() {
    StringWriter err = new StringWriter();
    // no server listens there: the refusal must come first
    int exit = new CommandLine(new LoadGenerator()).setErr(new PrintWriter(err, true)).execute(
        "--target", "127.0.0.1:1", "--clients", "60000", "--units-per-client", "200");
    assertEquals(2, exit, err.toString());
    assertTrue(err.toString().contains("at most 10000000 units in all (60000 lanes of 200)"),
        err.toString());
  }
}
