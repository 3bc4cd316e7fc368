package io.packtrail.server.api;

import static io.packtrail.server.testing.Statuses.assertFails;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.QuotaFailure;
import com.google.rpc.RetryInfo;
import io.grpc.Context;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.packtrail.client.PacktrailClient;
import io.packtrail.server.PacktrailServer;
import io.packtrail.server.domain.Principal;
import io.packtrail.server.testing.Fixtures;
import io.packtrail.server.testing.ServerHarness;
import io.packtrail.server.testing.TestPrincipals;
import io.packtrail.v1.BatchRecordEventsRequest;
import io.packtrail.v1.EventServiceGrpc;
import io.packtrail.v1.ListUnitsRequest;
import io.packtrail.v1.WatchEventsRequest;
import io.packtrail.v1.WatchEventsResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The limits per identity (calls per second, watch streams) and per request (batch and page
 * size): each hit, answered RESOURCE_EXHAUSTED with a QuotaFailure naming the limit (and a
 * RetryInfo where waiting helps), and recovered from.
 */
class LimitsTest {
  /** The server's clock: the rate limit refills by it, so the test moves time, never waits. */
  static final AtomicReference<Instant> NOW = new AtomicReference<>(Instant.now());
  static final Clock CLOCK = new Clock() {
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    public Clock withZone(ZoneId zone) {
      return this;
    }

    public Instant instant() {
      return NOW.get();
    }
  };

  @RegisterExtension
  static final ServerHarness harness = ServerHarness.inProcess(s -> s
      .withCallerResolver(TestPrincipals.RESOLVER).withClock(CLOCK).withMaxWatchers(16)
      .withLimits(new PacktrailServer.Limits(PacktrailServer.Limits.DEFAULT_MAX_MESSAGE_BYTES, 2,
          1, 3)));

  static String pack;

  @BeforeAll
  static void network() {
    Fixtures.network(harness.client());
    pack = Fixtures.registeredPack(harness.client()); // the maker is a party: its watch has one
  }

  static PacktrailClient as(Principal p) {
    return PacktrailClient.over(TestPrincipals.as(harness.channel(), p), Duration.ofSeconds(20));
  }

  @Test
  void aRateLimitPerIdentityIsHitAndRecoveredFrom() {
    Principal busy = TestPrincipals.system(Fixtures.DEALER);
    PacktrailClient client = as(busy);
    for (int i = 0; i < 3; i++) {
      client.getTrustList(); // the burst
    }
    var refused = assertFails(Status.Code.RESOURCE_EXHAUSTED, client::getTrustList);
    assertTrue(refused.getMessage().contains("rate limit"), refused.getMessage());
    QuotaFailure quota = unpack(refused, QuotaFailure.class);
    assertTrue(quota.getViolations(0).getSubject().contains(busy.certificateSerial()),
        quota.toString());
    Duration retry = Duration.ofSeconds(unpack(refused, RetryInfo.class).getRetryDelay()
        .getSeconds(), unpack(refused, RetryInfo.class).getRetryDelay().getNanos());
    assertEquals(Duration.ofSeconds(1), retry, "one token per second");

    // others have their own buckets; the plaintext development principal has none
    as(TestPrincipals.system(Fixtures.DEALER)).getTrustList();
    for (int i = 0; i < 10; i++) {
      harness.client().getTrustList();
    }

    NOW.updateAndGet(t -> t.plus(retry)); // as advised
    client.getTrustList();
    assertFails(Status.Code.RESOURCE_EXHAUSTED, client::getTrustList);
    NOW.updateAndGet(t -> t.plusSeconds(60)); // refills to the burst, no more
    for (int i = 0; i < 3; i++) {
      client.getTrustList();
    }
    assertFails(Status.Code.RESOURCE_EXHAUSTED, client::getTrustList);
  }

  @Test
  void watchStreamsPerIdentityAreHitAndRecoveredFrom() throws Exception {
    Principal watcher = TestPrincipals.system(Fixtures.MAKER);
    List<Context.CancellableContext> open = new ArrayList<>();
    NOW.updateAndGet(t -> t.plusSeconds(60)); // a full bucket: this test is about streams
    try {
      open.add(watch(watcher));
      open.add(watch(watcher));
      StatusRuntimeException third = null;
      try {
        open.add(watch(watcher));
      } catch (StatusRuntimeException e) {
        third = e;
      }
      assertTrue(third != null, "a third stream of one identity is refused");
      assertEquals(Status.Code.RESOURCE_EXHAUSTED, third.getStatus().getCode());
      assertTrue(third.getStatus().getDescription().contains("already holds 2"),
          third.getStatus().getDescription());
      open.add(watch(TestPrincipals.system(Fixtures.MAKER))); // another identity may

      open.remove(0).cancel(null); // the caller closes one
      // the server learns of it from the transport; until then the slot may still be held
      Context.CancellableContext again = null;
      for (int attempt = 0; again == null && attempt < 250; attempt++) {
        NOW.updateAndGet(t -> t.plusSeconds(1)); // each attempt is a call: keep the rate limit out
        try {
          again = watch(watcher);
        } catch (StatusRuntimeException e) {
          assertTrue(e.getStatus().getDescription().contains("already holds 2"),
              e.getStatus().toString());
          TimeUnit.MILLISECONDS.sleep(20);
        }
      }
      assertTrue(again != null, "the closed stream's slot came back");
      open.add(again);
    } finally {
      open.forEach(c -> c.cancel(null));
    }
  }

  /** The server's watcher threads now in their watch loop (this JVM runs the server). */
  static long watchersRunning() {
    return Thread.getAllStackTraces().values().stream().filter(stack -> java.util.Arrays
        .stream(stack).anyMatch(f -> f.getMethodName().equals("follow")
            && f.getClassName().equals(EventGrpcService.class.getName()))).count();
  }

  static void awaitWatchers(long atMost) throws InterruptedException {
    for (int i = 0; i < 250 && watchersRunning() > atMost; i++) {
      TimeUnit.MILLISECONDS.sleep(20);
    }
  }

  @Test
  void anIdentityThatOpensAndCancelsStreamsHoldsNoMoreWatchersThanItsLimit() throws Exception {
    Principal watcher = TestPrincipals.system(Fixtures.MAKER);
    awaitWatchers(0);
    assertEquals(0, watchersRunning(), "no watcher of another test left");
    long most = 0;
    for (int round = 0; round < 5; round++) {
      List<Context.CancellableContext> open = new ArrayList<>();
      // both its streams, caught up and waiting for the next commit, cancelled at once; its
      // next streams come as soon as the server lets them
      for (int i = 0; i < 2; i++) {
        for (int attempt = 0; open.size() <= i; attempt++) {
          NOW.updateAndGet(t -> t.plusSeconds(1)); // each attempt is a call: no rate limit
          try {
            open.add(watch(watcher));
          } catch (StatusRuntimeException e) {
            assertTrue(attempt < 250 && e.getStatus().getDescription().contains("already holds"),
                e.getStatus().toString());
            TimeUnit.MILLISECONDS.sleep(20);
          }
          most = Math.max(most, watchersRunning());
        }
      }
      open.forEach(c -> c.cancel(null));
    }
    // a cancelled stream's watcher held the server's slot until its next wake-up (up to a
    // second), while the identity could already open another: 10 were seen here
    assertTrue(most <= 2, "watchers of one identity with a limit of 2: at most " + most);
    awaitWatchers(0);
    assertEquals(0, watchersRunning(), "a cancelled watcher ends at once");
  }

  /**
   * An organisation's identities together hold at most a quarter of the server's streams (here
   * 16 / 4 = 4): its workers can enroll devices, each an identity with a limit of its own, and
   * one organisation must not take every stream of the server.
   */
  @Test
  void anOrganisationsIdentitiesTogetherHoldAQuarterOfTheServersStreams() throws Exception {
    List<Context.CancellableContext> open = new ArrayList<>();
    NOW.updateAndGet(t -> t.plusSeconds(60));
    try {
      for (int identity = 0; identity < 2; identity++) {
        Principal p = TestPrincipals.system(Fixtures.MAKER);
        open.add(watch(p));
        open.add(watch(p));
      }
      StatusRuntimeException fifth = null;
      try {
        open.add(watch(TestPrincipals.system(Fixtures.MAKER)));
      } catch (StatusRuntimeException e) {
        fifth = e;
      }
      assertTrue(fifth != null, "a fifth stream of the organisation is refused");
      assertEquals(Status.Code.RESOURCE_EXHAUSTED, fifth.getStatus().getCode());
      assertTrue(fifth.getStatus().getDescription().contains(Fixtures.MAKER
          + "'s identities already hold 4"), fifth.getStatus().getDescription());
      // an authority's stream is not the organisation's
      open.add(watch(new Principal(Principal.Kind.AUDITOR, null, null, null, "a1")));
    } finally {
      open.forEach(c -> c.cancel(null));
    }
  }

  /** Opens a watch from the start and waits for its first event (the maker's registration). */
  private static Context.CancellableContext watch(Principal p) {
    Context.CancellableContext context = Context.current().withCancellation();
    Context previous = context.attach();
    try {
      Iterator<WatchEventsResponse> stream = EventServiceGrpc.newBlockingStub(
              TestPrincipals.as(harness.channel(), p)).withDeadlineAfter(20, TimeUnit.SECONDS)
          .watchEvents(WatchEventsRequest.getDefaultInstance());
      stream.next();
      return context;
    } catch (RuntimeException e) {
      context.cancel(null);
      throw e;
    } finally {
      context.detach(previous);
    }
  }

  @Test
  void pagesAndBatchesBeyondTheirSizeAreRefusedWithTheLimit() {
    PacktrailClient client = harness.client();
    var page = assertFails(Status.Code.RESOURCE_EXHAUSTED, () -> client.listUnits(
        ListUnitsRequest.newBuilder().setPageSize(1001).build()));
    assertEquals("page_size", unpack(page, QuotaFailure.class).getViolations(0).getSubject());
    assertTrue(page.getMessage().contains("1000"), page.getMessage());
    client.listUnits(ListUnitsRequest.newBuilder().setPageSize(1000).build());

    BatchRecordEventsRequest.Builder batch = BatchRecordEventsRequest.newBuilder();
    for (int i = 0; i < 1001; i++) {
      batch.addRequests(Fixtures.sale(pack));
    }
    var tooMany = assertFails(Status.Code.RESOURCE_EXHAUSTED,
        () -> harness.events().batchRecordEvents(batch.build()));
    assertEquals("requests", unpack(tooMany, QuotaFailure.class).getViolations(0).getSubject());
    assertTrue(tooMany.getMessage().contains("split it"), tooMany.getMessage());
    assertFails(Status.Code.INVALID_ARGUMENT, () -> harness.events().batchRecordEvents(
        BatchRecordEventsRequest.getDefaultInstance()));
    batch.clearRequests().addRequests(Fixtures.sale(pack));
    assertTrue(harness.events().batchRecordEvents(batch.build()).getResults(0).hasEvent());
  }

  static <T extends com.google.protobuf.Message> T unpack(com.google.rpc.Status s, Class<T> type) {
    for (Any d : s.getDetailsList()) {
      if (d.is(type)) {
        try {
          return d.unpack(type);
        } catch (InvalidProtocolBufferException e) {
          throw new AssertionError(e);
        }
      }
    }
    throw new AssertionError("no " + type.getSimpleName() + " in " + s);
  }
}
