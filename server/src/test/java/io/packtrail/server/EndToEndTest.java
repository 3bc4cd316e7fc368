package io.packtrail.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.packtrail.server.domain.Principal;
import io.packtrail.server.testing.Fixtures;
import io.packtrail.server.testing.ServerHarness;
import io.packtrail.v1.Event;
import io.packtrail.v1.LifecycleState;
import io.packtrail.v1.RemovalReason;
import io.packtrail.v1.Unit;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A pack's life through the SDK over a real Netty connection with mutual TLS, verified like an
 * auditor would.
 */
class EndToEndTest {
  @RegisterExtension
  static final ServerHarness harness = ServerHarness.overNetty();

  /**
   * Each party records its own steps with its own certificate (the operator only sets up the
   * network); an auditor reads the history and checks the chain.
   */
  @Test
  void aPackFromRegistrationToGradingWithAnIntactHashChain() throws Exception {
    Fixtures.network(harness.client()); // the operator's
    String code = Fixtures.newPackCode();
    try (var maker = party(Fixtures.MAKER); var dealer = party(Fixtures.DEALER);
        var recycler = party(Fixtures.RECYCLER)) {
      maker.registerUnit(Fixtures.registration(code));
      dealer.recordEvent(Fixtures.sale(code));
      dealer.recordEvent(Fixtures.removal(code, RemovalReason.REMOVAL_REASON_TRADE_IN));
      dealer.recordEvent(Fixtures.collection(code));
      dealer.recordEvent(Fixtures.shipment(code, "WB-E2E-1"));
      recycler.recordEvent(Fixtures.receipt(code, "WB-E2E-1"));
      Event inspection = recycler.recordEvent(Fixtures.inspection(code));
      assertEquals(io.packtrail.v1.PrincipalKind.PRINCIPAL_KIND_ORGANIZATION_SYSTEM,
          inspection.getSubmitter().getKind());
      assertEquals(Fixtures.RECYCLER, inspection.getSubmitter().getName());
    }
    try (var auditor = harness.credentials(new Principal(Principal.Kind.AUDITOR,
        "organizations/e2e-audit", null, null, null)).builder(harness.target()).build()) {
      audit(auditor, code);
    }
  }

  private static void audit(io.packtrail.client.PacktrailClient client, String code)
      throws Exception {
    Unit unit = client.getUnit(code);
    assertEquals(LifecycleState.LIFECYCLE_STATE_GRADED, unit.getState());
    assertEquals(Fixtures.RECYCLER, unit.getCustodian());

    List<Event> history = client.listEvents(code);
    assertEquals(7, history.size());
    // recompute the chain from the documented format alone (docs/formats.md)
    byte[] previous = new byte[32];
    for (int i = 0; i < history.size(); i++) {
      Event e = history.get(i);
      assertEquals(i + 1, e.getSequence());
      assertArrayEquals(previous, e.getPreviousHash().toByteArray());
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update("packtrail/event-chain/v1".getBytes(StandardCharsets.US_ASCII));
      sha.update(previous);
      sha.update(e.getCanonicalBytes().toByteArray());
      previous = sha.digest();
      assertEquals(ByteString.copyFrom(previous), e.getHash(), "hash of event " + (i + 1));
    }
    assertEquals(ByteString.copyFrom(previous), unit.getHeadHash());
    assertEquals(List.of("registration", "sale", "removal", "collection", "shipment", "receipt",
        "inspection"), history.stream().map(e -> e.getStepCase().name().toLowerCase()).toList());
  }

  private static io.packtrail.client.PacktrailClient party(String organization) {
    return harness.credentials(new Principal(Principal.Kind.ORGANIZATION_SYSTEM, organization,
        null, null, null)).builder(harness.target()).build();
  }

  @Test
  void healthAndReflectionAreServed() {
    ManagedChannel channel = harness.operator().builder(harness.target()).buildChannel();
    try {
      HealthCheckResponse overall = HealthGrpc.newBlockingStub(channel)
          .check(HealthCheckRequest.getDefaultInstance());
      assertEquals(HealthCheckResponse.ServingStatus.SERVING, overall.getStatus());
      HealthCheckResponse events = HealthGrpc.newBlockingStub(channel)
          .check(HealthCheckRequest.newBuilder().setService("packtrail.v1.EventService").build());
      assertEquals(HealthCheckResponse.ServingStatus.SERVING, events.getStatus());
    } finally {
      channel.shutdownNow();
    }
  }
}
