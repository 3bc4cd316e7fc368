package io.packtrail.server.api;

import io.grpc.Context;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.packtrail.server.app.Failures;
import io.packtrail.server.app.History;
import io.packtrail.server.app.Recorder;
import io.packtrail.server.domain.Event;
import io.packtrail.server.domain.InvalidArgumentException;
import io.packtrail.server.domain.LimitExceededException;
import io.packtrail.server.domain.Principal;
import io.packtrail.server.domain.ResourceNames;
import io.packtrail.server.domain.Violations;
import io.packtrail.server.ingest.HeldUnits;
import io.packtrail.server.ingest.WatchHub;
import io.packtrail.server.security.Caller;
import io.packtrail.v1.BatchRecordEventsRequest;
import io.packtrail.v1.BatchRecordEventsResponse;
import io.packtrail.v1.EventServiceGrpc;
import io.packtrail.v1.ListEventsRequest;
import io.packtrail.v1.ListEventsResponse;
import io.packtrail.v1.RecordEventRequest;
import io.packtrail.v1.RecordEventResponse;
import io.packtrail.v1.RecordEventResult;
import io.packtrail.v1.WatchEventsRequest;
import io.packtrail.v1.WatchEventsResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Recording steps, reading a unit's history, and following the whole log. */
final class EventGrpcService extends EventServiceGrpc.EventServiceImplBase {
  private static final Logger log = LoggerFactory.getLogger(EventGrpcService.class);
  private static final int WATCH_PAGE = 500;
  /** How often a watcher looks for events committed by other server instances. */
  private static final long WATCH_POLL_MILLIS = 1000;
  /** When a watcher refused for the server's limit may try again. */
  private static final java.time.Duration SERVER_WATCH_RETRY = java.time.Duration.ofSeconds(1);

  private final History history;
  private final Recorder recorder;
  private final Requests requests;
  private final WatchHub hub;
  private final ExecutorService watchers;
  private final Executor responders;
  private final Semaphore watchSlots;
  private final int watchersPerIdentity;
  private final ConcurrentHashMap<Principal, Integer> watching = new ConcurrentHashMap<>();
  /**
   * An organisation's streams together, whichever of its identities hold them: a quarter of the
   * server's, or one identity's limit if that is more. Its workers may enroll devices, each a
   * certificate and an identity of its own, so a per-identity limit alone lets one organisation
   * take every stream of the server.
   */
  private final int watchersPerOrganization;
  private final ConcurrentHashMap<String, Integer> watchingByOrganization =
      new ConcurrentHashMap<>();

  EventGrpcService(History history, Recorder recorder, Requests requests, WatchHub hub,
      ExecutorService watchers, int maxWatchers, int watchersPerIdentity,
      Executor responders) {
    this.watchersPerIdentity = watchersPerIdentity;
    this.watchersPerOrganization = Math.max(watchersPerIdentity, maxWatchers / 4);
    this.responders = responders;
    this.history = history;
    this.recorder = recorder;
    this.requests = requests;
    this.hub = hub;
    this.watchers = watchers;
    this.watchSlots = new Semaphore(maxWatchers);
  }

  @Override
  public void recordEvent(RecordEventRequest request,
      StreamObserver<RecordEventResponse> response) {
    Context call = Context.current();
    // answered on the responders, in the call's context: a failure of a call its client gave up
    // is CANCELLED there (ErrorMapper), not an unexpected INTERNAL
    recorder.recordStep(() -> requests.submission(request, ""), request.getLabelText(), "",
            Caller.current(), () -> !call.isCancelled())
        .whenCompleteAsync((events, failure) -> {
          if (failure != null) {
            response.onError(ErrorMapper.toStatusException(failure));
          } else {
            RecordEventResponse.Builder b = RecordEventResponse.newBuilder()
                .setEvent(ProtoMapper.toProto(events.get(0)));
            events.subList(1, events.size()).forEach(e -> b.addOtherEvents(ProtoMapper.toProto(e)));
            response.onNext(b.build());
            response.onCompleted();
          }
        }, call.fixedContextExecutor(responders));
  }

  @Override
  public void batchRecordEvents(BatchRecordEventsRequest request,
      StreamObserver<BatchRecordEventsResponse> response) {
    Requests.checkBatchSize(request.getRequestsCount());
    Caller caller = Caller.current();
    Context call = Context.current();
    List<CompletableFuture<RecordEventResult>> results = new ArrayList<>();
    // the items are queued in their order; one not recorded holds its units' later items
    HeldUnits held = HeldUnits.forCall();
    for (int i = 0; i < request.getRequestsCount(); i++) {
      RecordEventRequest item = request.getRequests(i);
      String prefix = "requests[" + i + "].";
      results.add(recorder.recordStep(() -> requests.submission(item, prefix),
              item.getLabelText(), prefix, caller, () -> !call.isCancelled(), held.at(i))
          .handleAsync((events, failure) -> failure == null ? result(events)
              : RecordEventResult.newBuilder().setError(ErrorMapper.toStatus(failure)).build(),
              call.fixedContextExecutor(responders)));
    }
    Requests.answerBatch(results, all -> BatchRecordEventsResponse.newBuilder()
        .addAllResults(all).build(), response, call.fixedContextExecutor(responders));
  }

  private static RecordEventResult result(List<Event> events) {
    RecordEventResult.Builder b = RecordEventResult.newBuilder()
        .setEvent(ProtoMapper.toProto(events.get(0)));
    events.subList(1, events.size()).forEach(e -> b.addOtherEvents(ProtoMapper.toProto(e)));
    return b.build();
  }

  @Override
  public void listEvents(ListEventsRequest request, StreamObserver<ListEventsResponse> response) {
    Violations v = new Violations();
    String code = ResourceNames.unitCode(v, "parent", ProtoMapper.emptyToNull(request.getParent()));
    v.throwIfAny();
    int size = Paging.pageSize(request.getPageSize());
    Paging.Cursor cursor = Paging.cursor(size, request.getPageToken(), "events|" + code);
    long afterSequence;
    try {
      afterSequence = cursor.after() == null ? 0 : Long.parseLong(cursor.after());
    } catch (NumberFormatException e) {
      throw new InvalidArgumentException("page_token", "is not a page token of this listing");
    }
    Paging.Page<Event> page = cursor.page(
        history.events(Caller.current().principal(), code, afterSequence, cursor.fetchLimit()),
        e -> Long.toString(e.sequence()));
    ListEventsResponse.Builder b = ListEventsResponse.newBuilder()
        .setNextPageToken(page.nextPageToken());
    page.items().forEach(e -> b.addEvents(ProtoMapper.toProto(e)));
    response.onNext(b.build());
    response.onCompleted();
  }

  @Override
  public void watchEvents(WatchEventsRequest request,
      StreamObserver<WatchEventsResponse> response) {
    if (request.getStartLogIndex() < 0) {
      throw new InvalidArgumentException("start_log_index", "must not be negative");
    }
    Principal caller = Caller.current().principal();
    Caller.Credential credential = Caller.current().credential();
    holdWatchSlot(caller);
    // the identity's slot is free again when its watcher ends, which a cancel wakes at once:
    // freed at the cancel, an identity that opens and cancels streams in a loop would hold more
    // of the server's watchers (each until its next wake-up) than its limit allows
    AtomicBoolean held = new AtomicBoolean(true);
    Runnable releaseIdentity = () -> {
      if (held.getAndSet(false)) {
        releaseWatchSlot(caller);
      }
    };
    if (!watchSlots.tryAcquire()) {
      releaseIdentity.run();
      throw new LimitExceededException("event watchers of this server", "too many event "
          + "watchers on this server; retry later", SERVER_WATCH_RETRY);
    }
    // from here on every path frees the slots: the watcher when it ends, or this method
    boolean handedOver = false;
    try {
      ServerCallStreamObserver<WatchEventsResponse> stream =
          (ServerCallStreamObserver<WatchEventsResponse>) response;
      Semaphore ready = new Semaphore(0);
      stream.setOnReadyHandler(ready::release);
      stream.setOnCancelHandler(() -> {
        ready.release();
        WatchHub.wake(ready);
      });
      // under the call's context, so that a cancel also cancels the watcher's database read
      // (CallCancelsStatements) instead of holding the slots until that read ends
      watchers.execute(Context.current().wrap(() -> {
        try {
          follow(stream, ready, request, caller, credential);
        } finally {
          watchSlots.release();
          releaseIdentity.run();
        }
      }));
      handedOver = true;
    } finally {
      if (!handedOver) {
        watchSlots.release();
        releaseIdentity.run();
      }
    }
  }

  /**
   * Counts a stream against its identity's limit (the plaintext development principal has
   * none), or refuses it: the identity holds as many as it may, and waiting does not help until
   * it closes one.
   */
  private void holdWatchSlot(Principal caller) {
    if (!caller.authenticated()) {
      return;
    }
    if (!take(watching, caller, watchersPerIdentity)) {
      throw new LimitExceededException("watch streams of " + caller, caller + " already holds "
          + watchersPerIdentity + " WatchEvents streams, the most one identity may hold at "
          + "once; close one (or resume on it) before opening another", null);
    }
    String organization = caller.organization();
    if (organization != null && !take(watchingByOrganization, organization,
        watchersPerOrganization)) {
      give(watching, caller);
      throw new LimitExceededException("watch streams of " + organization, organization
          + "'s identities already hold " + watchersPerOrganization + " WatchEvents streams, "
          + "the most one organisation may hold at once; close one before opening another",
          null);
    }
  }

  private void releaseWatchSlot(Principal caller) {
    if (caller.authenticated()) {
      give(watching, caller);
      if (caller.organization() != null) {
        give(watchingByOrganization, caller.organization());
      }
    }
  }

  /** Counts one more for {@code key} unless it holds {@code limit}; answers whether it did. */
  private static <K> boolean take(ConcurrentHashMap<K, Integer> held, K key, int limit) {
    boolean[] taken = new boolean[1];
    held.compute(key, (k, n) -> {
      int count = n == null ? 0 : n;
      taken[0] = count < limit;
      return taken[0] ? count + 1 : n;
    });
    return taken[0];
  }

  private static <K> void give(ConcurrentHashMap<K, Integer> held, K key) {
    held.computeIfPresent(key, (k, n) -> n <= 1 ? null : n - 1);
  }

  /** Ends the stream UNAUTHENTICATED when the caller's credential lapsed; answers whether. */
  private static boolean lapsed(ServerCallStreamObserver<WatchEventsResponse> stream,
      Caller.Credential credential) {
    java.util.Optional<String> lapse = credential.lapse();
    if (lapse.isEmpty()) {
      return false;
    }
    stream.onError(Status.UNAUTHENTICATED.withDescription(lapse.get()).asRuntimeException());
    return true;
  }

  /**
   * Sends the log from the requested start on, respecting flow control, until cancelled or
   * closed, or until the caller's credential lapses (checked at every page and wake-up, at
   * least once a second: UNAUTHENTICATED, as its next call would be). The head is looked up
   * here, off the handler thread, and its failure ends the stream like any other.
   */
  private void follow(ServerCallStreamObserver<WatchEventsResponse> stream, Semaphore ready,
      WatchEventsRequest request, Principal caller, Caller.Credential credential) {
    long next = request.getStartLogIndex();
    try {
      if (request.getFromHead() && !stream.isCancelled()) {
        // (a statement started after the cancel would not be cancelled by it)
        next = history.logHead();
      }
      reading:
      while (!stream.isCancelled() && !hub.isClosed()) {
        if (lapsed(stream, credential)) {
          return;
        }
        List<Event> page = history.fromLogIndex(next, WATCH_PAGE);
        // a party follows the units it is a party of, as of now (one query per page)
        for (Event e : history.visible(caller, page)) {
          while (!stream.isReady()) {
            if (stream.isCancelled() || hub.isClosed()) {
              break reading; // a client that stopped reading does not hold up the server's stop
            }
            ready.tryAcquire(100, TimeUnit.MILLISECONDS);
          }
          // before each event: a client that paused mid-page gets nothing after its credential
          // lapsed (the check reads a cache of a second)
          if (lapsed(stream, credential)) {
            return;
          }
          stream.onNext(WatchEventsResponse.newBuilder().setEvent(ProtoMapper.toProto(e)).build());
          next = e.logIndex() + 1;
        }
        if (!page.isEmpty()) {
          next = Math.max(next, page.get(page.size() - 1).logIndex() + 1); // past hidden ones
        }
        if (page.size() < WATCH_PAGE) {
          hub.awaitBeyond(ready, next, WATCH_POLL_MILLIS, stream::isCancelled);
        }
      }
      if (!stream.isCancelled()) {
        stream.onError(Status.UNAVAILABLE.withDescription(
            "the server is shutting down; resume with start_log_index " + next)
            .asRuntimeException());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      if (!stream.isCancelled()) {
        if (!Failures.isStorageUnreachable(e)) { // the health probe logs an outage
          log.warn("event watch failed at log index {}", next, e);
        }
        stream.onError(ErrorMapper.toStatusException(e));
      }
    }
  }

}
