package io.packtrail.server.api;

import static io.packtrail.server.testing.Statuses.assertFails;
import static io.packtrail.server.testing.Statuses.assertViolation;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.grpc.Status.Code;
import io.packtrail.server.testing.ServerHarness;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Over a real HTTP/2 connection an error that repeats a 10-100 kB name outgrows the client's
 * header limit and the call breaks (grpc-java reports INTERNAL); a bounded error arrives intact.
 */
class HugeNamesOverNettyTest {
  @RegisterExtension
  static final ServerHarness harness = ServerHarness.overNetty();

  @Test
  void hugeUnitNamesGetAnIntactInvalidArgument() {
    for (int size : List.of(10_000, 100_000)) {
      String code = "A".repeat(size);
      assertViolation(assertFails(Code.INVALID_ARGUMENT, () -> harness.client().getUnit(code)),
          "name", "at most 200 characters");
    }
    // the connection is still good
    assertEquals(Code.NOT_FOUND.value(), assertFails(Code.NOT_FOUND,
        () -> harness.client().getUnit("TMKPBA1TRACE01RA59999999")).getCode());
  }
}
