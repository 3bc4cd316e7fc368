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

  @Test
  void aRefusalWithHundredsOfViolationsArrivesIntactWithItsDetailsCut() {
    io.packtrail.server.testing.Fixtures.network(harness.client());
    String pack = io.packtrail.server.testing.Fixtures.gradedPackAt(harness.client(),
        io.packtrail.server.testing.Fixtures.LINE);
    // 200 ternary-coded (E) modules of an LFP pack: a CHEMISTRY violation each
    java.util.List<io.packtrail.v1.DismantledChild> children = new java.util.ArrayList<>();
    for (int i = 0; i < 200; i++) {
      String code = io.packtrail.server.testing.Fixtures.newCode('M');
      children.add(io.packtrail.server.testing.Fixtures.child(
          code.substring(0, 4) + "E" + code.substring(5), 1.8));
    }
    var status = assertFails(Code.FAILED_PRECONDITION, () -> harness.client().recordStep(
        io.packtrail.server.testing.Fixtures.dismantling(pack,
            io.packtrail.server.testing.Fixtures.LINE, 20,
            children.toArray(io.packtrail.v1.DismantledChild[]::new))));
    var details = io.packtrail.server.testing.Statuses.unpack(status,
        com.google.rpc.PreconditionFailure.class);
    assertEquals("CHEMISTRY", details.getViolations(0).getType());
    org.junit.jupiter.api.Assertions.assertTrue(details.getViolationsCount() < 200
        && details.getViolations(details.getViolationsCount() - 1).getDescription()
            .endsWith("more violations not listed"), details.toString());
  }
}
