package io.packtrail.server.api;

import static io.packtrail.server.testing.Statuses.assertFails;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import io.packtrail.server.PacktrailServer;
import io.packtrail.server.testing.Fixtures;
import io.packtrail.server.testing.ServerHarness;
import io.packtrail.v1.RegisterUnitRequest;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The largest request the server reads (serve --max-message-bytes): over Netty, a larger one is
 * refused with RESOURCE_EXHAUSTED naming the limit before it is parsed; one below passes.
 */
class MessageSizeLimitTest {
  static final int LIMIT = 64 * 1024;

  @RegisterExtension
  static final ServerHarness harness = ServerHarness.overNetty(s -> s.withLimits(
      new PacktrailServer.Limits(LIMIT, 8, 0, 1)));

  @Test
  void aRequestAboveTheLimitIsRefusedAndOneBelowPasses() {
    Fixtures.network(harness.client());
    List<RegisterUnitRequest> big = new ArrayList<>();
    while (size(big) <= LIMIT) {
      big.add(Fixtures.registration(Fixtures.newPackCode()));
    }
    var status = assertFails(Status.Code.RESOURCE_EXHAUSTED,
        () -> harness.client().registerUnits(big));
    assertTrue(status.getMessage().contains(Integer.toString(LIMIT)), status.getMessage());

    List<RegisterUnitRequest> small = new ArrayList<>(big.subList(0, big.size() / 2));
    assertEquals(small.size(), harness.client().registerUnits(small).getResultsCount());
  }

  private static int size(List<RegisterUnitRequest> requests) {
    return io.packtrail.v1.BatchRegisterUnitsRequest.newBuilder().addAllRequests(requests).build()
        .getSerializedSize();
  }
}
