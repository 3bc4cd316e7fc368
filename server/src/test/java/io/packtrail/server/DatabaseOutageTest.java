package io.packtrail.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.common.util.concurrent.ListenableFuture;
import io.grpc.Context;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.packtrail.client.PacktrailClient;
import io.packtrail.server.store.Database;
import io.packtrail.server.store.LogHeadDao;
import io.packtrail.server.testing.Fixtures;
import io.packtrail.server.testing.Statuses;
import io.packtrail.server.testing.TcpProxy;
import io.packtrail.server.testing.TestDatabases;
import io.packtrail.v1.BatchRecordEventsRequest;
import io.packtrail.v1.BatchRecordEventsResponse;
import io.packtrail.v1.Event;
import io.packtrail.v1.EventServiceGrpc;
import io.packtrail.v1.GetUnitRequest;
import io.packtrail.v1.RecordEventRequest;
import io.packtrail.v1.RecordEventResult;
import io.packtrail.v1.GetUnitResponse;
import io.packtrail.v1.UnitServiceGrpc;
import io.packtrail.v1.WatchEventsRequest;
import io.packtrail.v1.WatchEventsResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * PostgreSQL goes away and comes back (a proxy between the server's pool and the database is cut
 * and restored): health follows it, calls fail fast as UNAVAILABLE with an honest message, and
 * everything works again afterwards without a restart.
 */
class DatabaseOutageTest {
  /** Generous bound for things that take a second or two; only reached when something hangs. */
  private static final long PATIENCE_MILLIS = 30_000;

  /** Counts WatchEvents calls, so a test can see a subscription come back. */
  static final class WatchCalls implements ServerInterceptor {
    final AtomicInteger started = new AtomicInteger();

    @Override
    public <Q, A> ServerCall.Listener<Q> interceptCall(ServerCall<Q, A> call, Metadata headers,
        ServerCallHandler<Q, A> next) {
      if (call.getMethodDescriptor().getBareMethodName().equals("WatchEvents")) {
        started.incrementAndGet();
      }
      return next.startCall(call, headers);
    }
  }

  static TestDatabases.Fresh db;
  static TcpProxy proxy;
  static Database proxied;
  static PacktrailServer server;
  static ManagedChannel channel;
  static PacktrailClient client;
  static final WatchCalls watchCalls = new WatchCalls();

  @BeforeAll
  static void start() throws Exception {
    db = TestDatabases.create("DatabaseOutageTest");
    proxy = db.proxy();
    // checkpoints only on demand: the log signs nothing by itself while a commit is to be cut
    PacktrailServer.Settings settings = PacktrailServer.Settings.defaults().withMaxWatchers(2)
        .withLog(null, Duration.ofHours(1));
    // more connections than handler threads: every handler can be waiting inside PostgreSQL
    proxied = db.openThrough(proxy, settings.handlerThreads() + 2, Duration.ofSeconds(1));
    String name = InProcessServerBuilder.generateName();
    server = PacktrailServer.start(InProcessServerBuilder.forName(name).intercept(watchCalls),
        proxied.jdbi(), settings);
    channel = InProcessChannelBuilder.forName(name).build();
    client = PacktrailClient.over(channel, Duration.ofSeconds(20));
    Fixtures.network(client);
    // the directory caches the sites and organisations steps name once it has seen them
    client.recordEvent(Fixtures.sale(Fixtures.registeredPack(client)));
  }

  @AfterEach
  void databaseBack() throws Exception {
    databaseReturns();
  }

  @AfterAll
  static void stop() throws Exception {
    client.close();
    channel.shutdownNow();
    server.close();
    proxied.close();
    proxy.close();
    db.close();
  }

  @Test
  void healthIsNotServingWhileTheDatabaseIsAwayAndServingAgainAfter() throws Exception {
    assertEquals(ServingStatus.SERVING, health(""));
    databaseGoesAway();
    assertEquals(ServingStatus.NOT_SERVING, health("packtrail.v1.EventService"));
    databaseReturns();
    assertEquals(ServingStatus.SERVING, health("packtrail.v1.UnitService"));
  }

  @Test
  void healthAnswersWhileEveryHandlerWaitsOnTheDatabase() throws Exception {
    String code = Fixtures.registeredPack(client);
    int handlers = PacktrailServer.Settings.defaults().handlerThreads();
    // the outages of other tests emptied the pool, and it refills one connection at a time:
    // a read that waited for a new connection longer than the pool's second failed instead of
    // waiting on the lock, and fewer handlers than all waited there (a flaky failure)
    awaitTrue(() -> proxied.pool().getIdleConnections() >= handlers + 1,
        "the pool holds a connection for every handler");
    List<ListenableFuture<GetUnitResponse>> reads = new ArrayList<>();
    try (Handle lock = db.database().jdbi().open()) {
      lock.begin();
      lock.execute("LOCK TABLE unit IN ACCESS EXCLUSIVE MODE");
      UnitServiceGrpc.UnitServiceFutureStub units = UnitServiceGrpc.newFutureStub(channel)
          .withDeadlineAfter(PATIENCE_MILLIS, TimeUnit.MILLISECONDS);
      for (int i = 0; i < 2 * handlers; i++) {
        reads.add(units.getUnit(GetUnitRequest.newBuilder().setName("units/" + code).build()));
      }
      awaitTrue(() -> lock.createQuery("SELECT count(*) FROM pg_stat_activity "
              + "WHERE datname = current_database() AND wait_event_type = 'Lock'")
          .mapTo(Integer.class).one() >= handlers, "every handler thread waits on the lock");

      assertEquals(ServingStatus.SERVING, health(""), "health answers; the database is up");
      lock.rollback();
    }
    for (ListenableFuture<GetUnitResponse> read : reads) {
      assertEquals("units/" + code, read.get().getUnit().getName());
    }
  }

  @Test
  void anUnavailableAnswerIsNotRememberedAsARefusal() throws Exception {
    RecordEventRequest sale = Fixtures.sale(Fixtures.registeredPack(client));
    databaseGoesAway();
    Statuses.assertFails(Status.Code.UNAVAILABLE, () -> client.recordEvent(sale));
    databaseReturns();
    // the same event id, sent again, is judged, not answered with the outage
    assertEquals(2, client.recordEvent(sale).getSequence());
  }

  @Test
  void aReadWithoutTheDatabaseIsUnavailable() throws Exception {
    String code = Fixtures.registeredPack(client);
    databaseGoesAway();
    Statuses.assertFails(Status.Code.UNAVAILABLE, () -> client.getUnit(code));
    databaseReturns();
    assertEquals(1, client.getUnit(code).getEventCount());
  }

  @Test
  void devicesAndTheLogAreUnavailableWithoutTheDatabaseAndARetryAfterwardsIsAnsweredOnce()
      throws Exception {
    String requestId = java.util.UUID.randomUUID().toString();
    databaseGoesAway();
    Statuses.assertFails(Status.Code.UNAVAILABLE,
        () -> client.createEnrollmentCode(Fixtures.STATION, requestId));
    Statuses.assertFails(Status.Code.UNAVAILABLE, () -> client.listAllDevices(Fixtures.STATION));
    Statuses.assertFails(Status.Code.UNAVAILABLE, () -> client.getCheckpoint());
    Statuses.assertFails(Status.Code.UNAVAILABLE, () -> client.createCheckpoint());
    databaseReturns();
    // nothing was made during the outage: the retry makes the code and shows its text once
    io.packtrail.v1.EnrollmentCode code = client.createEnrollmentCode(Fixtures.STATION, requestId);
    assertFalse(code.getCode().isEmpty(), "the code's text on the first answer that made it");
    io.packtrail.v1.EnrollmentCode again = client.createEnrollmentCode(Fixtures.STATION,
        requestId);
    assertEquals(code.getName(), again.getName());
    assertTrue(again.getCode().isEmpty(), "a retry never shows the text a second time");
    // the log integrates and signs again, up to everything committed
    assertEquals(logSize(), client.createCheckpoint().getTreeSize());
  }

  @Test
  void aBatchOfWritesFailsAsAWholeWhenTheDatabaseIsAwayAndSucceedsWhenRetried()
      throws Exception {
    List<RecordEventRequest> sales = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      sales.add(Fixtures.sale(Fixtures.registeredPack(client)));
    }
    BatchRecordEventsRequest batch =
        BatchRecordEventsRequest.newBuilder().addAllRequests(sales).build();
    databaseGoesAway();
    // retrying 40 items one by one against the connection timeout (1 s) would outlast this
    BatchRecordEventsResponse failed = EventServiceGrpc.newBlockingStub(channel)
        .withDeadlineAfter(15, TimeUnit.SECONDS).batchRecordEvents(batch);
    for (RecordEventResult r : failed.getResultsList()) {
      assertEquals(Status.Code.UNAVAILABLE.value(), r.getError().getCode(), r.toString());
      assertTrue(r.getError().getMessage().contains("not recorded"), r.toString());
    }
    databaseReturns();
    BatchRecordEventsResponse retried = EventServiceGrpc.newBlockingStub(channel)
        .withDeadlineAfter(15, TimeUnit.SECONDS).batchRecordEvents(batch);
    for (RecordEventResult r : retried.getResultsList()) {
      assertEquals(2, r.getEvent().getSequence(), r.toString());
    }
  }

  @Test
  void aCommitCutOffIsReportedAsUnknownAndARetryRecordsOnce() throws Exception {
    String code = Fixtures.registeredPack(client);
    RecordEventRequest sale = Fixtures.sale(code);
    // the log's integrator commits in the background too; once everything is integrated and
    // signed it stays idle (reads only), so the commit cut is the sale's
    client.createCheckpoint();
    proxy.cutAtNextCommit();
    com.google.rpc.Status status =
        Statuses.assertFails(Status.Code.UNAVAILABLE, () -> client.recordEvent(sale));
    assertTrue(status.getMessage().contains("the outcome is unknown; retry with the same id"),
        status.getMessage());
    awaitHealth(ServingStatus.NOT_SERVING); // the proxy stays cut after the commit it dropped
    databaseReturns();
    assertEquals(2, client.recordEvent(sale).getSequence());
    assertEquals(2, client.getUnit(code).getEventCount(), "recorded once");
  }

  @Test
  void aFailedWatchFromTheHeadFreesItsSlot() throws Exception {
    databaseGoesAway();
    for (int i = 0; i < 2; i++) { // as many as there are slots
      Iterator<WatchEventsResponse> failing = EventServiceGrpc.newBlockingStub(channel)
          .watchEvents(WatchEventsRequest.newBuilder().setFromHead(true).build());
      StatusRuntimeException e = org.junit.jupiter.api.Assertions.assertThrows(
          StatusRuntimeException.class, failing::hasNext);
      assertEquals(Status.Code.UNAVAILABLE, e.getStatus().getCode(), e.getStatus().toString());
    }
    databaseReturns();
    long start = logSize();
    client.recordEvent(Fixtures.sale(Fixtures.registeredPack(client)));
    Context.CancellableContext watch = Context.current().withCancellation();
    try {
      Iterator<WatchEventsResponse> events = watch.call(() -> EventServiceGrpc
          .newBlockingStub(channel).watchEvents(
              WatchEventsRequest.newBuilder().setStartLogIndex(start).build()));
      assertTrue(events.hasNext(), "a slot was free: the watch streams");
      assertEquals(start, events.next().getEvent().getLogIndex());
    } finally {
      watch.cancel(null);
    }
  }

  @Test
  void anSdkSubscriptionResumesByItselfAfterTheOutage() throws Exception {
    BlockingQueue<Event> received = new LinkedBlockingQueue<>();
    AtomicReference<StatusRuntimeException> gaveUp = new AtomicReference<>();
    long start = logSize();
    int watchesBefore = watchCalls.started.get();
    try (PacktrailClient.EventSubscription subscription =
        client.watchEvents(start, received::add, gaveUp::set)) {
      Event before = client.recordEvent(Fixtures.sale(Fixtures.registeredPack(client)));
      assertEquals(start, next(received).getLogIndex(), "the registration");
      assertEquals(before.getEventId(), next(received).getEventId());

      databaseGoesAway();
      // the stream broke with UNAVAILABLE and the SDK opened it again
      awaitTrue(() -> watchCalls.started.get() >= watchesBefore + 2 || gaveUp.get() != null,
          "the subscription is reopened");
      assertEquals(null, gaveUp.get(), "the subscription did not give up");
      databaseReturns();

      Event after = client.recordEvent(Fixtures.sale(Fixtures.registeredPack(client)));
      assertEquals(after.getLogIndex() - 1, next(received).getLogIndex(), "nothing skipped");
      assertEquals(after.getEventId(), next(received).getEventId());
      assertEquals(null, gaveUp.get());
    }
  }

  /**
   * Cuts the database off until health notices. An outage that short-lived is not worth
   * modelling: a pooled connection used again within half a second is not checked first (that
   * would cost a round trip per call), so its first use after a blip fails once, UNAVAILABLE.
   */
  private static void databaseGoesAway() throws InterruptedException {
    proxy.cut();
    awaitHealth(ServingStatus.NOT_SERVING);
  }

  private static void databaseReturns() throws InterruptedException {
    proxy.restore();
    awaitHealth(ServingStatus.SERVING);
  }

  private static Event next(BlockingQueue<Event> received) throws InterruptedException {
    Event e = received.poll(PATIENCE_MILLIS, TimeUnit.MILLISECONDS);
    assertNotNull(e, "the next event arrives");
    return e;
  }

  private static long logSize() {
    return db.database().jdbi().withExtension(LogHeadDao.class, LogHeadDao::currentNextIndex);
  }

  /** Health must answer promptly whatever the database does: a short deadline on each check. */
  private static ServingStatus health(String service) {
    return HealthGrpc.newBlockingStub(channel).withDeadlineAfter(2, TimeUnit.SECONDS)
        .check(HealthCheckRequest.newBuilder().setService(service).build()).getStatus();
  }

  private static void awaitHealth(ServingStatus wanted) throws InterruptedException {
    awaitTrue(() -> health("") == wanted, "health reports " + wanted);
  }

  private static void awaitTrue(BooleanSupplier condition, String what)
      throws InterruptedException {
    long deadline = System.currentTimeMillis() + PATIENCE_MILLIS;
    while (!condition.getAsBoolean()) {
      if (System.currentTimeMillis() > deadline) {
        throw new AssertionError("gave up waiting until " + what);
      }
      Thread.sleep(50);
    }
  }
}
