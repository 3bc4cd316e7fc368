package io.packtrail.server.api;

import static io.packtrail.server.testing.Statuses.assertFails;
import static io.packtrail.server.testing.Statuses.preconditions;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.grpc.Status;
import io.packtrail.server.PacktrailServer;
import io.packtrail.server.testing.Fixtures;
import io.packtrail.server.testing.ServerHarness;
import io.packtrail.v1.LifecycleState;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The dismantling mass-balance tolerance is the server's setting, not a constant. */
class MassToleranceSettingTest {
  @RegisterExtension
  static final ServerHarness harness =
      ServerHarness.inProcess(s -> s.withMassTolerancePercent(0.5));

  @BeforeAll
  static void network() {
    Fixtures.network(harness.client());
  }

  @Test
  void aDismantlingWithinTwoPercentButBeyondTheConfiguredHalfPercentIsRefused() {
    String pack = Fixtures.gradedPackAt(harness.client(), Fixtures.LINE);
    String module = Fixtures.newCode('M');
    // 375 kg of a 380 kg pack (1.3 % off): within the default 2 %, not within 0.5 %
    var status = assertFails(Status.Code.FAILED_PRECONDITION, () -> harness.client().recordStep(
        Fixtures.dismantling(pack, Fixtures.LINE, 15, Fixtures.child(module, 360))));
    assertEquals("MASS_BALANCE", preconditions(status).get(0).getType());
    assertEquals(LifecycleState.LIFECYCLE_STATE_GRADED,
        harness.client().getUnit(pack).getState());
    // 379 kg: within 0.5 %
    harness.client().recordStep(Fixtures.dismantling(pack, Fixtures.LINE, 19,
        Fixtures.child(module, 360)));
    assertEquals(LifecycleState.LIFECYCLE_STATE_DISMANTLED,
        harness.client().getUnit(pack).getState());
  }

  @Test
  void aToleranceOutsideZeroToHundredPercentIsAConfigurationError() {
    assertThrows(IllegalArgumentException.class,
        () -> PacktrailServer.Settings.defaults().withMassTolerancePercent(-1));
    assertThrows(IllegalArgumentException.class,
        () -> PacktrailServer.Settings.defaults().withMassTolerancePercent(Double.NaN));
  }
}
