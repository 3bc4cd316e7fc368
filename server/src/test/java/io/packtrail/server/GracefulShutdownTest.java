package io.packtrail.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.common.util.concurrent.ListenableFuture;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.packtrail.client.PacktrailClient;
import io.packtrail.server.store.UnitDao;
import io.packtrail.server.testing.Fixtures;
import io.packtrail.server.testing.TestDatabases;
import io.packtrail.v1.EventServiceGrpc;
import io.packtrail.v1.RecordEventResponse;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

/** Stopping the server answers every in-flight call, and every acknowledged step is stored. */
class GracefulShutdownTest {
  @Test
  void inFlightStepsAreCommittedOrRefusedNeverLost() throws Exception {
    try (TestDatabases.Fresh db = TestDatabases.create("GracefulShutdownTest")) {
      PacktrailServer server = PacktrailServer.start(
          NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)),
          db.database().jdbi(), PacktrailServer.Settings.defaults());
      List<String> codes = new ArrayList<>();
      try (PacktrailClient client = PacktrailClient.connect("127.0.0.1:" + server.port())) {
        Fixtures.network(client);
        for (int i = 0; i < 300; i++) {
          codes.add(Fixtures.newPackCode());
        }
        for (int from = 0; from < codes.size(); from += 100) {
          client.registerUnits(codes.subList(from, from + 100).stream()
              .map(Fixtures::registration).toList());
        }
      }
      ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", server.port())
          .usePlaintext().build();
      EventServiceGrpc.EventServiceFutureStub stub = EventServiceGrpc.newFutureStub(channel);
      List<ListenableFuture<RecordEventResponse>> calls = new ArrayList<>();
      for (String code : codes) {
        calls.add(stub.recordEvent(Fixtures.sale(code)));
      }
      // stop while the rest are queued or in flight
      calls.get(49).get();
      server.close();

      int acknowledged = 0;
      for (int i = 0; i < calls.size(); i++) {
        try {
          calls.get(i).get();
          acknowledged++;
          String code = codes.get(i);
          var unit = db.database().jdbi().withExtension(UnitDao.class, d -> d.find(code));
          assertEquals(2, unit.orElseThrow().current().eventCount(),
              "an acknowledged step is stored: " + code);
        } catch (ExecutionException e) {
          Status.Code code = Status.fromThrowable(e.getCause()).getCode();
          assertTrue(code == Status.Code.UNAVAILABLE, "refused calls are retryable: " + code);
        }
      }
      channel.shutdownNow();
      assertTrue(acknowledged >= 50, "calls already accepted were finished, not dropped");
    }
  }
}
