package io.packtrail.server.ingest;

import io.packtrail.server.domain.Actor;
import io.packtrail.server.domain.Anomaly;
import io.packtrail.server.domain.Authorization;
import io.packtrail.server.domain.StepType;
import io.packtrail.server.domain.AlreadyExistsException;
import io.packtrail.server.domain.BatteryCode;
import io.packtrail.server.domain.DomainException;
import io.packtrail.server.domain.Event;
import io.packtrail.server.domain.EventChain;
import io.packtrail.server.domain.Lifecycle;
import io.packtrail.server.domain.NotFoundException;
import io.packtrail.server.domain.Refusal;
import io.packtrail.server.domain.ResourceNames;
import io.packtrail.server.domain.Step;
import io.packtrail.server.domain.Submission;
import io.packtrail.server.domain.Unit;
import io.packtrail.server.domain.UnitState;
import io.packtrail.server.store.CommitOutcomeUnknownException;
import io.packtrail.server.store.ConnectionFailures;
import io.packtrail.server.store.IngestStore;
import io.packtrail.server.store.Rows;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ingest sequencer: callers queue checked submissions; one thread takes them in batches and
 * in one transaction per batch checks each against its unit's current state, numbers it, chains
 * its hash, inserts it and updates the unit. Each caller's future completes only after the
 * commit. A batch that fails as a whole is retried item by item, so only the offending items
 * fail; but when the database cannot be reached the whole batch fails at once (retrying each
 * item would only wait for the connection timeout again). Submissions whose callers gave up
 * before their batch started are dropped unrecorded.
 */
public final class Sequencer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Sequencer.class);

  private final Jdbi jdbi;
  private final IngestStore store = new IngestStore();
  private final Clock clock;
  private final int maxBatch;
  private final BlockingQueue<Pending> queue;
  private final Thread thread;
  private final List<Consumer<List<Event>>> committedListeners = new CopyOnWriteArrayList<>();
  private final List<BatchObserver> batchObservers = new CopyOnWriteArrayList<>();
  private volatile boolean accepting = true;
  /**
   * Whether each batch is planned anew (choosePlanning); null until the first look at the
   * tables' statistics, and planned anew until then. Set by the sequencer's thread only.
   */
  private volatile Boolean planAnew;
  private volatile double massTolerance = Lifecycle.DEFAULT_MASS_TOLERANCE;
  private final int writeTimeoutMillis;

  /**
   * How long a batch's connection may stay silent before the batch gives up on it: a batch
   * takes milliseconds, but a connection that went half-open (PostgreSQL's host frozen or cut
   * off mid-batch, no reset ever arriving) would otherwise hold the one thread that records
   * steps until the kernel gives up on the socket, a quarter of an hour later or never (an
   * acknowledged request waits for its answer without end). Long enough for
   * a lock wait behind another instance's batch or a slow WAL flush.
   */
  public static final Duration DEFAULT_WRITE_TIMEOUT = Duration.ofSeconds(30);

  /** How long a refusal is remembered under its event id (docs/formats.md section 5). */
  public static final Duration REFUSAL_RETENTION = Duration.ofDays(30);
  /** How often the sequencer forgets refusals older than {@link #REFUSAL_RETENTION}. */
  private static final Duration PURGE_EVERY = Duration.ofHours(1);
  /** How often the batch's tables are compared with their statistics (choosePlanning). */
  private static final Duration PLAN_CHECK_EVERY = Duration.ofSeconds(10);

  /**
   * A queued submission and how its caller is answered: {@code flags} are flagged on its event
   * when it is recorded; {@code refusal} is set when a check before the sequencer refused it
   * (then it is only remembered, or answered as a retry), {@code unremembered} when it refused
   * it for a reason that is not remembered (then it is only answered, or answered as a retry).
   */
  record Pending(Submission submission, Actor actor, byte[] digest, List<Anomaly.Flag> flags,
      DomainException refusal, DomainException unremembered, BooleanSupplier stillWanted,
      HeldUnits held, CompletableFuture<List<Event>> result) {}

  public Sequencer(Jdbi jdbi, Clock clock, int maxBatch, int queueCapacity) {
    this(jdbi, clock, maxBatch, new ArrayBlockingQueue<>(queueCapacity));
  }

  /** With the dismantling mass-balance tolerance (a fraction: 0.02 is 2 %). */
  public Sequencer(Jdbi jdbi, Clock clock, int maxBatch, int queueCapacity,
      double massTolerance) {
    this(jdbi, clock, maxBatch, new ArrayBlockingQueue<>(queueCapacity));
    this.massTolerance = massTolerance;
  }

  /** With a queue of the caller's (tests use one that interleaves with {@link #close}). */
  Sequencer(Jdbi jdbi, Clock clock, int maxBatch, BlockingQueue<Pending> queue) {
    this(jdbi, clock, maxBatch, queue, DEFAULT_WRITE_TIMEOUT);
  }

  /** With the time a batch's connection may stay silent (tests shorten it). */
  Sequencer(Jdbi jdbi, Clock clock, int maxBatch, BlockingQueue<Pending> queue,
      Duration writeTimeout) {
    if (writeTimeout.isNegative() || writeTimeout.isZero()
        || writeTimeout.toMillis() > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("the write timeout must be positive and under 24 "
          + "days, got " + writeTimeout);
    }
    this.jdbi = jdbi;
    this.clock = clock;
    this.maxBatch = maxBatch;
    this.queue = queue;
    this.writeTimeoutMillis = (int) writeTimeout.toMillis();
    this.thread = new Thread(this::run, "packtrail-sequencer");
    this.thread.setDaemon(true);
    this.thread.start();
  }

  /**
   * Called after each commit with the events it made durable, in log order (never with retried
   * ones); event watchers and label sightings follow the log this way.
   */
  public void onCommitted(Consumer<List<Event>> listener) {
    committedListeners.add(listener);
  }

  /** Observes each batch: its size, the time to check, write and commit it, whether it did. */
  @FunctionalInterface
  public interface BatchObserver {
    void batch(int size, long nanos, boolean committed);
  }

  /** Adds an observer of every batch (metrics); it must be quick and must not throw. */
  public void onBatch(BatchObserver observer) {
    batchObservers.add(observer);
  }

  private void batchObserved(int size, long nanos, boolean committed) {
    for (BatchObserver o : batchObservers) {
      o.batch(size, nanos, committed);
    }
  }

  /**
   * Queues a submission recorded at the actor's site. The future completes with the committed
   * event (or the original one, for a retry), or fails with a {@link DomainException}, or with
   * {@link IngestUnavailableException} when the server is overloaded, stopping, or cannot reach
   * the database.
   */
  public CompletableFuture<Event> submit(Submission submission, Actor actor) {
    return submit(submission, actor, () -> true);
  }

  /**
   * As {@link #submit(Submission, Actor)}; {@code stillWanted} turns false when the caller gave
   * up (cancelled, deadline passed): a submission not yet in a batch by then is not recorded.
   */
  public CompletableFuture<Event> submit(Submission submission, Actor actor,
      BooleanSupplier stillWanted) {
    CompletableFuture<Event> primary = new CompletableFuture<>();
    record(submission, actor, stillWanted).whenComplete((events, error) -> {
      if (error != null) {
        primary.completeExceptionally(error);
      } else {
        primary.complete(events.get(0));
      }
    });
    return primary;
  }

  /**
   * As {@link #submit(Submission, Actor, BooleanSupplier)}, answering every event of the step:
   * the primary unit's first, then the other touched units' in the order the step names them
   * (one event for a single-unit step). A step touching several units commits all its events or
   * none.
   */
  public CompletableFuture<List<Event>> record(Submission submission, Actor actor,
      BooleanSupplier stillWanted) {
    return record(submission, actor, List.of(), stillWanted);
  }

  /** As {@link #record(Submission, Actor, BooleanSupplier)}, flagging its event with {@code flags}. */
  public CompletableFuture<List<Event>> record(Submission submission, Actor actor,
      List<Anomaly.Flag> flags, BooleanSupplier stillWanted) {
    return record(submission, actor, flags, stillWanted, HeldUnits.NONE);
  }

  /**
   * As {@link #record(Submission, Actor, List, BooleanSupplier)}, for one step of a call of
   * several: not recorded when {@code held} holds one of its units, and holding them when it is
   * not recorded.
   */
  public CompletableFuture<List<Event>> record(Submission submission, Actor actor,
      List<Anomaly.Flag> flags, BooleanSupplier stillWanted, HeldUnits held) {
    return queue(new Pending(submission, actor, submission.digest(), List.copyOf(flags), null,
        null, stillWanted, held, new CompletableFuture<>()));
  }

  /**
   * A submission that a check before the sequencer refused ({@code refusal}, without a batch
   * prefix): under the log head lock, a retry of a recorded step is answered with its events
   * (or ALREADY_EXISTS for other content), a re-send of a refused one with the remembered
   * refusal; otherwise the refusal fails the future, and is remembered when {@code remember}
   * (a refusal of who sent the request rather than of what it says is not). {@code actor} may be
   * null.
   */
  public CompletableFuture<List<Event>> refuse(Submission submission, Actor actor,
      DomainException refusal, boolean remember, BooleanSupplier stillWanted) {
    return refuse(submission, actor, refusal, remember, stillWanted, HeldUnits.NONE);
  }

  /** As {@link #refuse(Submission, Actor, DomainException, boolean, BooleanSupplier)}, in a call. */
  public CompletableFuture<List<Event>> refuse(Submission submission, Actor actor,
      DomainException refusal, boolean remember, BooleanSupplier stillWanted, HeldUnits held) {
    return queue(new Pending(submission, actor, submission.digest(), List.of(),
        remember ? refusal : null, remember ? null : refusal, stillWanted, held,
        new CompletableFuture<>()));
  }

  private CompletableFuture<List<Event>> queue(Pending pending) {
    CompletableFuture<List<Event>> result = pending.result();
    // registered before anything can complete it, so that every way the step ends unrecorded
    // (here, or in a batch, on the sequencer's thread before it takes the next) holds its units
    // for the call's later steps; a call of one step has none, and no callback to pay for
    if (pending.held() != HeldUnits.NONE) {
      result.whenComplete((events, failure) ->
          pending.held().notRecorded(pending.submission(), failure));
    }
    IngestUnavailableException held = pending.held().holding(pending.submission());
    if (held != null) {
      result.completeExceptionally(held);
    } else if (!accepting) {
      result.completeExceptionally(new IngestUnavailableException("the server is shutting down"));
    } else if (!queue.offer(pending)) {
      result.completeExceptionally(new IngestUnavailableException(
          "the ingest queue is full (" + queue.size() + " waiting); retry with backoff"));
    } else if (!accepting && queue.remove(pending)) {
      // close() ran between the check and the offer and the thread may be gone: whoever takes
      // the pending out of the queue completes it, and here that is us
      result.completeExceptionally(new IngestUnavailableException("the server is shutting down"));
    }
    return result;
  }

  private void run() {
    List<Pending> batch = new ArrayList<>(maxBatch);
    Instant nextPurge = clock.instant();
    long nextPlanCheck = System.nanoTime();
    while (accepting || !queue.isEmpty()) {
      try {
        if (!clock.instant().isBefore(nextPurge)) {
          nextPurge = clock.instant().plus(PURGE_EVERY);
          purgeRefusals();
        }
        if (System.nanoTime() - nextPlanCheck >= 0) {
          nextPlanCheck = System.nanoTime() + PLAN_CHECK_EVERY.toNanos();
          choosePlanning();
        }
        Pending first = queue.poll(100, TimeUnit.MILLISECONDS);
        if (first == null) {
          continue;
        }
        batch.add(first);
        queue.drainTo(batch, maxBatch - 1);
        dropUnwanted(batch);
        if (!batch.isEmpty()) {
          process(batch);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      } catch (RuntimeException | Error e) {
        // an Error (OutOfMemoryError in a huge batch, a StackOverflowError) must not end the
        // one thread that records steps, leaving its calls unanswered and later ones queued for
        // ever: the batch fails (the process() path rolled back what it began), the next goes on
        log.error("sequencer batch failed unexpectedly", e);
        batch.forEach(p -> p.result().completeExceptionally(e));
      } finally {
        batch.clear();
      }
    }
    Pending left;
    while ((left = queue.poll()) != null) {
      left.result().completeExceptionally(
          new IngestUnavailableException("the server stopped before the step was recorded"));
    }
  }

  /**
   * A handle whose connection gives up after the write timeout of silence: everything the one
   * thread that records steps sends to the database goes through one (the pool restores the
   * connection's own timeout when the handle closes).
   */
  private Handle open() {
    Handle handle = jdbi.open();
    try {
      handle.getConnection().setNetworkTimeout(Runnable::run, writeTimeoutMillis);
      return handle;
    } catch (java.sql.SQLException | RuntimeException e) {
      handle.close();
      throw e instanceof java.sql.SQLException sql ? new io.packtrail.server.store.StoreException(
          "bounding the sequencer's connection failed", sql) : (RuntimeException) e;
    }
  }

  /** Null until the first look at the statistics, then whether batches are planned anew. */
  Boolean planningEachBatch() {
    return planAnew;
  }

  /**
   * Plans each batch anew while one of its tables has outgrown its statistics, and lets
   * PostgreSQL reuse its plans otherwise (IngestStore). A failed look keeps the current choice.
   */
  private void choosePlanning() {
    try (Handle handle = open()) {
      List<String> outgrown = store.outgrownStatistics(handle);
      boolean plan = !outgrown.isEmpty();
      // the first look is logged only when it finds planning needed, later ones at each switch
      if (plan && !Boolean.TRUE.equals(planAnew)) {
        log.info("planning each batch anew: {} outgrew their statistics", outgrown);
      } else if (!plan && Boolean.TRUE.equals(planAnew)) {
        log.info("batches use PostgreSQL's cached plans: their tables' statistics are current");
      }
      planAnew = plan;
    } catch (RuntimeException e) {
      log.debug("looking at the tables' statistics failed: {}", e.toString());
    }
  }

  /** Forgets refusals older than the retention; a failure is logged and tried again later. */
  private void purgeRefusals() {
    try (Handle handle = open()) {
      int n = store.purgeRefusals(handle, clock.instant().minus(REFUSAL_RETENTION));
      if (n > 0) {
        log.info("forgot {} refusals older than {} days", n, REFUSAL_RETENTION.toDays());
      }
    } catch (RuntimeException e) {
      log.warn("forgetting old refusals failed: {}", e.toString());
    }
  }

  /** Fails, unrecorded, the submissions whose callers have given up; no database work for them. */
  private static void dropUnwanted(List<Pending> batch) {
    batch.removeIf(p -> {
      if (p.stillWanted().getAsBoolean()) {
        return false;
      }
      p.result().completeExceptionally(new IngestUnavailableException("the call was cancelled "
          + "or its deadline passed before the step reached the database; it was not recorded"));
      return true;
    });
  }

  private void process(List<Pending> batch) {
    // a step queued before an earlier step of its call and unit failed (in the batch before, or
    // just now, item by item) is not judged without it
    batch.removeIf(p -> {
      IngestUnavailableException held = p.held().holding(p.submission());
      if (held != null) {
        p.result().completeExceptionally(held);
      }
      return held != null;
    });
    if (batch.isEmpty()) {
      return;
    }
    List<Outcome> outcomes;
    long start = System.nanoTime();
    try {
      try (Handle handle = open()) {
        outcomes = apply(handle, batch);
      }
      batchObserved(batch.size(), System.nanoTime() - start, true);
    } catch (CommitOutcomeUnknownException e) {
      batchObserved(batch.size(), System.nanoTime() - start, false);
      log.warn("the connection broke while committing a batch of {}", batch.size(), e);
      failAll(batch, "the database connection broke while the step was being committed: "
          + "the outcome is unknown; retry with the same id");
      return;
    } catch (RuntimeException e) {
      batchObserved(batch.size(), System.nanoTime() - start, false);
      if (ConnectionFailures.isConnectionFailure(e)) {
        log.warn("database unreachable; failing a batch of {}: {}", batch.size(), e.toString());
        failAll(batch, "the database is unreachable; the step was not recorded; "
            + "retry with the same id later");
      } else if (batch.size() > 1) {
        log.warn("batch of {} failed ({}); retrying item by item", batch.size(), e.toString());
        for (Pending p : batch) {
          process(new ArrayList<>(List.of(p)));
        }
      } else {
        batch.get(0).result().completeExceptionally(notStored(batch.get(0), e));
      }
      return;
    }
    List<Event> appended = new ArrayList<>();
    for (Outcome o : outcomes) {
      if (o.error() != null) {
        o.pending().result().completeExceptionally(o.error());
      } else {
        o.pending().result().complete(o.events());
        if (o.fresh()) {
          appended.addAll(o.events());
        }
      }
    }
    if (!appended.isEmpty()) {
      for (Consumer<List<Event>> listener : committedListeners) {
        listener.accept(appended);
      }
    }
  }

  /**
   * The answer to one step the database would not store (the batch's item-by-item retry left it
   * alone): UNAVAILABLE when PostgreSQL's reason is of the moment (a deadlock, a full disk, a
   * timeout), so the client's retry may pass; INTERNAL otherwise, a fault of the server, so that
   * neither the client nor a test takes it for an outage. Either way it was not recorded.
   */
  private static RuntimeException notStored(Pending p, RuntimeException failure) {
    String sqlState = ConnectionFailures.sqlState(failure);
    String reason = sqlState == null ? "a server fault" : "SQLSTATE " + sqlState;
    if (ConnectionFailures.isPassing(failure)) {
      log.warn("recording {} failed for a passing reason ({}): {}", p.submission().eventId(),
          reason, failure.getCause() != null ? failure.getCause().getMessage() : failure);
      return new IngestUnavailableException("the database could not store the step just now ("
          + reason + "); it was not recorded; retry with the same id");
    }
    log.error("recording {} failed", p.submission().eventId(), failure);
    return new StepNotStoredException("the database refused to store the step (" + reason
        + "); it was not recorded. This is a fault of the server, logged with its cause; a "
        + "retry with the same id is safe but may fail the same way", sqlState);
  }

  private static void failAll(List<Pending> batch, String message) {
    IngestUnavailableException failure = new IngestUnavailableException(message);
    batch.forEach(p -> p.result().completeExceptionally(failure));
  }

  /** An item's result; {@code fresh} when this batch appended the event (not a retry). */
  private record Outcome(Pending pending, List<Event> events, DomainException error,
      boolean fresh) {}

  private List<Outcome> apply(Handle handle, List<Pending> batch) {
    Set<UUID> eventIds = new LinkedHashSet<>();
    Set<String> codes = new LinkedHashSet<>();
    Set<String> lots = new LinkedHashSet<>();
    Set<String> corrected = new LinkedHashSet<>();
    for (Pending p : batch) {
      Submission s = p.submission();
      eventIds.add(s.eventId());
      if (s.step().type() == StepType.CORRECTION && s.submitter() != null) {
        corrected.add(s.unitCode());
      }
      codes.add(s.unitCode());
      for (Step.Touch t : Step.others(s.step())) {
        eventIds.add(EventChain.derivedEventId(s.eventId(), t.code()));
        codes.add(t.code());
      }
      if (s.step() instanceof Step.Recycling r) {
        r.lots().forEach(lot -> lots.add(lot.id()));
      }
    }
    try {
      // begin inside the try: its one round trip opens the transaction (BEGIN) before the reads
      // that may fail (a lock timeout, a cancel), and a connection left in a failed transaction
      // would go back to the pool and fail every later batch with 25P02
      IngestStore.Snapshot snapshot = store.begin(handle, eventIds.toArray(UUID[]::new),
          codes.toArray(String[]::new), lots.toArray(String[]::new),
          corrected.toArray(String[]::new), !Boolean.FALSE.equals(planAnew));
      return sequence(handle, batch, snapshot);
    } catch (RuntimeException | Error e) {
      try {
        store.rollback(handle);
      } catch (RuntimeException rollbackFailed) {
        e.addSuppressed(rollbackFailed);
      }
      throw e;
    }
  }

  /** Checks, numbers and chains each submission, then commits the batch's writes. */
  private List<Outcome> sequence(Handle handle, List<Pending> batch,
      IngestStore.Snapshot snapshot) {
    long nextIndex = snapshot.nextIndex();
    Map<UUID, Event> recorded = new HashMap<>();
    for (Event e : snapshot.recorded()) {
      recorded.put(e.eventId(), e);
    }
    Map<UUID, IngestStore.RefusalRow> refused = new HashMap<>();
    for (IngestStore.RefusalRow r : snapshot.refusals()) {
      refused.put(r.eventId(), r);
    }
    List<IngestStore.RefusalRow> refusals = new ArrayList<>();
    List<Anomaly> anomalies = new ArrayList<>();
    Map<String, UnitState> states = new HashMap<>();
    for (UnitState s : snapshot.units()) {
      states.put(s.code(), s);
    }

    Map<String, Double> masses = new HashMap<>(snapshot.masses());
    Map<String, String> makers = new HashMap<>(snapshot.makers());
    Set<String> parented = new HashSet<>(snapshot.parented());
    Set<String> lots = new HashSet<>(snapshot.existingLots());
    Lifecycle.Known known = new Lifecycle.Known() {
      public UnitState unit(String code) {
        return states.get(code);
      }

      public double massKg(String code) {
        return masses.get(code);
      }

      public String maker(String code) {
        return makers.get(code);
      }

      public boolean hasParent(String code) {
        return parented.contains(code);
      }

      public boolean lotExists(String id) {
        return lots.contains(id);
      }
    };
    List<IngestStore.LinkRow> links = new ArrayList<>();
    List<IngestStore.LotRow> lotRows = new ArrayList<>();
    List<IngestStore.FeedRow> feeds = new ArrayList<>();
    List<IngestStore.LotInputRow> lotInputs = new ArrayList<>();

    // whole microseconds, as PostgreSQL stores times (and as the events' record times are
    // sealed): a unit's update time, a link's or a lot's time is then its event's record time,
    // not that instant rounded by PostgreSQL to the next microsecond
    Instant now = clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MICROS);
    Map<String, Step.Registration> registered = new LinkedHashMap<>();
    Set<String> moved = new LinkedHashSet<>();
    List<Event> sealed = new ArrayList<>();
    List<Rows.EventRow> rows = new ArrayList<>();
    Set<IngestStore.PartyRow> partyRows = new LinkedHashSet<>();
    List<Outcome> outcomes = new ArrayList<>(batch.size());
    for (Pending p : batch) {
      Submission s = p.submission();
      Event prior = recorded.get(s.eventId());
      if (prior != null) {
        try {
          List<Event> events = new ArrayList<>();
          events.add(prior.answerRetry(p.digest(),
              p.actor() == null ? null : p.actor().organization(), s.unitCode()));
          for (Step.Touch t : Step.others(s.step())) {
            events.add(recorded.get(EventChain.derivedEventId(s.eventId(), t.code())));
          }
          outcomes.add(new Outcome(p, events, null, false));
        } catch (AlreadyExistsException e) {
          outcomes.add(new Outcome(p, null, e, false));
        }
        continue;
      }
      IngestStore.RefusalRow earlier = refused.get(s.eventId());
      if (earlier != null) {
        // refused before: the same request gets the same refusal, other content is a reused id
        outcomes.add(new Outcome(p, null, java.util.Arrays.equals(earlier.digest(), p.digest())
            ? Refusal.decode(earlier.refusal())
            : new AlreadyExistsException(ResourceNames.unit(s.unitCode()), "event_id "
                + s.eventId() + " was already used for a different step, which was refused; "
                + "choose a new event_id for a new step"), false));
        continue;
      }
      if (p.refusal() != null) {
        outcomes.add(new Outcome(p, null, remember(p, p.refusal(), now, refused, refusals),
            false));
        continue;
      }
      if (p.unremembered() != null) {
        outcomes.add(new Outcome(p, null, p.unremembered(), false));
        continue;
      }
      try {
        checkScope(s, states, snapshot.parties(), partyRows);
      } catch (Authorization.Denied denied) {
        // about who sent the request, not what it says: answered, not remembered
        outcomes.add(new Outcome(p, null, denied, false));
        continue;
      }
      if (Step.touchesSeveral(s.step().type())) {
        AlreadyExistsException taken = derivedIdTaken(s, recorded,
            p.actor() == null ? null : p.actor().organization());
        if (taken != null) {
          outcomes.add(new Outcome(p, null, taken, false));
          continue;
        }
        try {
          List<Lifecycle.Planned> plan = Lifecycle.plan(s.unitCode(), s.step(), p.actor(),
              s.eventTime(), known, massTolerance);
          List<Event> events = new ArrayList<>();
          for (Lifecycle.Planned planned : plan) {
            EventChain.Sealed result =
                EventChain.sealPart(s, p.actor(), planned, nextIndex, now, p.digest());
            flag(p, planned.code(), planned.before(), result.event(), now, anomalies);
            nextIndex++;
            states.put(planned.code(), result.unit());
            if (planned.registers() != null) {
              registered.put(planned.code(), planned.registers());
              masses.put(planned.code(), planned.registers().massKg());
              makers.put(planned.code(), planned.registers().maker());
            } else {
              moved.add(planned.code());
            }
            events.add(result.event());
            sealed.add(result.event());
            rows.add(Rows.EventRow.of(result.event(), s.submitter()));
            recorded.put(result.event().eventId(), result.event());
            newParties(result.event(), planned.before(), result.unit(), planned.registers(),
                planned.registers() != null ? null : makers.get(planned.code()), partyRows);
          }
          lineage(s, p.actor(), now, plan, links, lotRows, feeds, lotInputs);
          links.forEach(l -> parented.add(l.to()));
          lotRows.forEach(l -> lots.add(l.id()));
          outcomes.add(new Outcome(p, events, null, true));
        } catch (DomainException e) {
          outcomes.add(new Outcome(p, null, remember(p, e, now, refused, refusals), false));
        }
        continue;
      }
      try {
        boolean registration = s.step() instanceof Step.Registration;
        UnitState before = states.get(s.unitCode());
        if (before == null) {
          if (!registration) {
            throw new NotFoundException(ResourceNames.unit(s.unitCode()), "unit");
          }
          before = UnitState.unregistered(s.unitCode());
        }
        UnitState after = Lifecycle.apply(before, s.step(), p.actor(), s.eventTime());
        EventChain.Sealed result =
            EventChain.seal(s, p.actor(), before, after, nextIndex, now, p.digest());
        flag(p, s.unitCode(), before, result.event(), now, anomalies);
        nextIndex++;
        states.put(s.unitCode(), result.unit());
        if (registration) {
          Step.Registration r = (Step.Registration) s.step();
          registered.put(s.unitCode(), r);
          // as for units a multi-unit step registers: a later step of this batch may weigh it
          masses.put(s.unitCode(), r.massKg());
          makers.put(s.unitCode(), r.maker());
        } else {
          moved.add(s.unitCode());
        }
        sealed.add(result.event());
        rows.add(Rows.EventRow.of(result.event(), s.submitter()));
        recorded.put(s.eventId(), result.event());
        newParties(result.event(), before, result.unit(),
            registration ? (Step.Registration) s.step() : null,
            registration ? null : makers.get(s.unitCode()), partyRows);
        outcomes.add(new Outcome(p, List.of(result.event()), null, true));
      } catch (DomainException e) {
        outcomes.add(new Outcome(p, null, remember(p, e, now, refused, refusals), false));
      }
    }
    if (sealed.isEmpty() && refusals.isEmpty()) {
      store.rollback(handle);
      return outcomes;
    }

    List<Rows.UnitRow> inserts = new ArrayList<>();
    registered.forEach((code, r) -> {
      BatteryCode parsed = BatteryCode.parse("code", code);
      inserts.add(Rows.UnitRow.of(new Unit(states.get(code), r.ratedEnergyKwh(),
          r.ratedCapacityAh(), r.nominalVoltageV(), r.massKg(), r.maker(),
          parsed.productionDate().orElse(null), parsed.repurposedVariant(), now, now)));
      moved.remove(code); // inserted with its state after the batch
    });
    List<Rows.UnitRow> updates = new ArrayList<>();
    for (String code : moved) {
      updates.add(Rows.UnitRow.moved(states.get(code), now));
    }
    store.commit(handle, inserts, rows, updates,
        new IngestStore.Lineage(links, lotRows, feeds, lotInputs), anomalies, refusals,
        partyRows, nextIndex);
    return outcomes;
  }

  /**
   * A multi-unit step's other events take ids derived from its own (docs/formats.md section 9):
   * when one of them is stored already under another step, the step's id is as good as used,
   * and answered so (its insert would fail on the key, over and over, as a server fault).
   */
  private static AlreadyExistsException derivedIdTaken(Submission s, Map<UUID, Event> recorded,
      String organization) {
    for (Step.Touch t : Step.others(s.step())) {
      UUID derived = EventChain.derivedEventId(s.eventId(), t.code());
      Event holder = recorded.get(derived);
      if (holder != null) {
        return new AlreadyExistsException(ResourceNames.unit(s.unitCode()), "event_id "
            + s.eventId() + " derives the id " + derived + " of its event of "
            + ResourceNames.unit(t.code()) + ", which " + (holder.shownTo(organization)
                ? holder.name() : "another event") + " holds already; choose a new event_id");
      }
    }
    return null;
  }

  /**
   * The authorization table's unit scope ({@link Authorization.Scope#UNIT_CUSTODY}) for every
   * unit the step touches, judged on the states read under the lock, before the life-cycle
   * table: a unit the caller may not record on is denied the same way whether it exists or not.
   */
  private static void checkScope(Submission s, Map<String, UnitState> states,
      Map<String, Set<String>> parties, Set<IngestStore.PartyRow> batchParties) {
    if (s.submitter() == null) {
      return; // plaintext development mode
    }
    for (Step.Touch t : Step.touches(s.unitCode(), s.step())) {
      Set<String> known = Set.of();
      if (s.step().type() == StepType.CORRECTION) {
        known = new HashSet<>(parties.getOrDefault(t.code(), Set.of()));
        for (IngestStore.PartyRow r : batchParties) { // and the parties this batch made so far
          if (r.unitCode().equals(t.code())) {
            known.add(r.organization());
          }
        }
      }
      Authorization.checkUnit(s.submitter(), s.step().type(), t.code(), states.get(t.code()),
          Lifecycle.custodianOnly(s.step().type(), t.part()), known);
    }
  }

  /**
   * The parties an event makes ({@link #parties}) that its unit may not have yet, added to
   * {@code rows}. Left out are the organisations the unit's state before the event already made
   * parties, each by the event (or the registration, or the migration of existing units) that
   * made it so: its custodian, the organisation it was shipped to, and its maker
   * ({@code maker}, null when the event registers the unit). Most steps are recorded by the
   * custodian; a row for it would cost PostgreSQL an index probe only to find it there.
   */
  private static void newParties(Event event, UnitState before, UnitState after,
      Step.Registration registers, String maker, Set<IngestStore.PartyRow> rows) {
    Set<IngestStore.PartyRow> made = new LinkedHashSet<>(4);
    parties(event, after, registers, made);
    for (IngestStore.PartyRow row : made) {
      String organization = row.organization();
      boolean already = organization.equals(maker)
          || before != null && (organization.equals(before.custodian())
              || before.shipmentDestination() != null && organization.equals(
                  ResourceNames.organizationOfSite(before.shipmentDestination())));
      if (!already) {
        rows.add(row);
      }
    }
  }

  /**
   * The organisations an event makes parties of its unit: the acting organisation, the unit's
   * custodian after it (a sale's dealer), the organisation it is shipped to, and its maker when
   * the event registers it.
   */
  public static void parties(Event event, UnitState after, Step.Registration registers,
      Set<IngestStore.PartyRow> rows) {
    String code = event.unitCode();
    rows.add(new IngestStore.PartyRow(event.actorOrganization(), code));
    if (after.custodian() != null) {
      rows.add(new IngestStore.PartyRow(after.custodian(), code));
    }
    if (after.shipmentDestination() != null) {
      rows.add(new IngestStore.PartyRow(
          ResourceNames.organizationOfSite(after.shipmentDestination()), code));
    }
    if (registers != null) {
      rows.add(new IngestStore.PartyRow(registers.maker(), code));
    }
  }

  /**
   * Remembers a refusal under the submission's event id (written with the batch), so that the
   * same request sent again is refused the same way even when the world has changed since.
   */
  private static DomainException remember(Pending p, DomainException refusal, Instant now,
      Map<UUID, IngestStore.RefusalRow> refused, List<IngestStore.RefusalRow> refusals) {
    Submission s = p.submission();
    IngestStore.RefusalRow row = new IngestStore.RefusalRow(s.eventId(), s.unitCode(),
        p.digest(), Refusal.encode(refusal), now);
    refused.put(s.eventId(), row);
    refusals.add(row);
    return refusal;
  }

  /**
   * The anomalies of a freshly sealed event of {@code code}: its time before the unit's previous
   * step ({@link Lifecycle#timeOrder}), and on the primary unit the flags of the checks before
   * the sequencer (a label revoked after the scan).
   */
  private static void flag(Pending p, String code, UnitState before, Event event, Instant now,
      List<Anomaly> anomalies) {
    Anomaly.Flag late = Lifecycle.timeOrder(before, p.submission().eventTime());
    if (late != null) {
      anomalies.add(new Anomaly(code, late.kind(), late.description(),
          List.of(ResourceNames.event(code, before.eventCount()), event.name()), now));
    }
    if (code.equals(p.submission().unitCode())) {
      for (Anomaly.Flag f : p.flags()) {
        anomalies.add(new Anomaly(code, f.kind(), f.description(), List.of(event.name()), now));
      }
    }
  }

  /**
   * The lineage edges and material lots a committed multi-unit step adds. Public, like
   * {@link #parties}, for the benchmarks' bulk loader, which writes the same rows without a
   * server.
   */
  public static void lineage(Submission s, Actor actor, Instant now,
      List<Lifecycle.Planned> plan, List<IngestStore.LinkRow> links,
      List<IngestStore.LotRow> lots, List<IngestStore.FeedRow> feeds,
      List<IngestStore.LotInputRow> lotInputs) {
    String primary = s.unitCode();
    List<Lifecycle.Planned> others = plan.subList(1, plan.size());
    switch (s.step().type()) {
      case TRADE_IN -> others.forEach(o -> links.add(
          new IngestStore.LinkRow("REPLACED_BY", primary, o.code(), s.eventId(), s.eventTime())));
      case DISMANTLING -> others.forEach(o -> links.add(new IngestStore.LinkRow(
          "DISMANTLED_INTO", primary, o.code(), s.eventId(), s.eventTime())));
      case ASSEMBLY -> others.forEach(o -> links.add(new IngestStore.LinkRow(
          "ASSEMBLED_INTO", o.code(), primary, s.eventId(), s.eventTime())));
      case RECYCLING -> {
        Step.Recycling r = (Step.Recycling) s.step();
        for (Step.LotOutput lot : r.lots()) {
          lots.add(new IngestStore.LotRow(lot.id(), lot.product().name(), lot.massKg(),
              lot.elements().values(), actor.site(), actor.organization(), s.eventId(),
              s.eventTime(), now));
          plan.forEach(input -> lotInputs.add(
              new IngestStore.LotInputRow(lot.id(), input.code())));
        }
        feeds.add(new IngestStore.FeedRow(s.eventId(), r.feed().values()));
      }
      case REGISTRATION, SALE, REMOVAL, COLLECTION, SHIPMENT, RECEIPT, INSPECTION, COMMISSIONING,
          SECOND_LIFE_INSPECTION, DECOMMISSIONING, SCRAPPING, CORRECTION -> { }
    }
  }

  /** Stops taking submissions, finishes every queued one, then returns. */
  @Override
  public void close() {
    accepting = false;
    try {
      thread.join(TimeUnit.SECONDS.toMillis(30));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
