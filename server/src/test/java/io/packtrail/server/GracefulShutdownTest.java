package io.packtrail.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.common.util.concurrent.ListenableFuture;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.packtrail.client.PacktrailClient;
import io.packtrail.server.store.UnitDao;
import io.packtrail.server.testing.Fixtures;
import io.packtrail.server.testing.TestDatabases;
import io.packtrail.v1.EventServiceGrpc;
import io.packtrail.v1.GetUnitRequest;
import io.packtrail.v1.RecordEventResponse;
import io.packtrail.v1.UnitServiceGrpc;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;

/** Stopping the server answers every in-flight call, and every acknowledged step is stored. */
class GracefulShutdownTest {
  @Test
  void inFlightStepsAreCommittedOrRefusedNeverLost() throws Exception {
    try (TestDatabases.Fresh db = TestDatabases.create("GracefulShutdownTest")) {
      Jdbi jdbi = db.database().jdbi();
      PacktrailServer server = PacktrailServer.start(
          NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)),
          jdbi, PacktrailServer.Settings.defaults());
      List<String> codes = new ArrayList<>();
      try (PacktrailClient client = PacktrailClient.builder("127.0.0.1:" + server.port())
          .plaintext().build()) {
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
      CompletableFuture<Void> closed;
      // Hold the log head row, which every batch locks first: the sequencer's batch waits in
      // the database until the server is stopping, so the calls are surely in flight then.
      try (Handle blocker = jdbi.open()) {
        blocker.begin();
        blocker.createQuery("SELECT next_index FROM log_head WHERE id = 1 FOR UPDATE")
            .mapTo(Long.class).one();
        for (String code : codes) {
          calls.add(stub.recordEvent(Fixtures.sale(code)));
        }
        awaitABatchWaitingForTheLogHead(jdbi);

        closed = CompletableFuture.runAsync(server::close);
        awaitRefusalOfNewCalls(channel, codes.get(0));
        assertTrue(calls.stream().noneMatch(ListenableFuture::isDone),
            "every step was still in flight when the shutdown began");
        assertFalse(closed.isDone(), "the shutdown waits for the steps in flight");
        blocker.rollback();
      }
      closed.get(60, TimeUnit.SECONDS);

      int acknowledged = 0;
      for (int i = 0; i < calls.size(); i++) {
        try {
          calls.get(i).get(10, TimeUnit.SECONDS);
          acknowledged++;
          String code = codes.get(i);
          var unit = jdbi.withExtension(UnitDao.class, d -> d.find(code));
          assertEquals(2, unit.orElseThrow().current().eventCount(),
              "an acknowledged step is stored: " + code);
        } catch (ExecutionException e) {
          Status.Code code = Status.fromThrowable(e.getCause()).getCode();
          assertEquals(Status.Code.UNAVAILABLE, code, "refused calls are retryable");
        }
      }
      channel.shutdownNow();
      assertTrue(acknowledged >= 1,
          "the batch waiting in the database when the shutdown began was committed, not dropped");
    }
  }

  /** Waits until PostgreSQL shows a session blocked on a lock while locking the log head. */
  private static void awaitABatchWaitingForTheLogHead(Jdbi jdbi) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (jdbi.withHandle(h -> h.createQuery("""
        SELECT count(*) FROM pg_stat_activity
        WHERE datname = current_database() AND wait_event_type = 'Lock'
          AND query LIKE '%FROM log_head%FOR UPDATE%'""").mapTo(Long.class).one()) == 0) {
      assertTrue(System.nanoTime() < deadline, "no batch reached the log head lock in 30 s");
      Thread.sleep(20);
    }
  }

  /** Waits until a new call is refused: the server has begun to stop. */
  private static void awaitRefusalOfNewCalls(ManagedChannel channel, String code)
      throws InterruptedException {
    UnitServiceGrpc.UnitServiceBlockingStub units = UnitServiceGrpc.newBlockingStub(channel);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (true) {
      try {
        units.withDeadlineAfter(10, TimeUnit.SECONDS)
            .getUnit(GetUnitRequest.newBuilder().setName("units/" + code).build());
      } catch (StatusRuntimeException e) {
        assertEquals(Status.Code.UNAVAILABLE, e.getStatus().getCode(), e.getStatus().toString());
        return;
      }
      assertTrue(System.nanoTime() < deadline, "new calls were still served after 30 s");
      Thread.sleep(20);
    }
  }
}
