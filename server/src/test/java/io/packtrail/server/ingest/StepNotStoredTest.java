package io.packtrail.server.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.rpc.ErrorInfo;
import io.grpc.Status;
import io.packtrail.server.domain.Actor;
import io.packtrail.server.domain.Event;
import io.packtrail.server.domain.OrganizationRole;
import io.packtrail.server.domain.Step;
import io.packtrail.server.domain.Submission;
import io.packtrail.server.testing.Fixtures;
import io.packtrail.server.testing.ServerHarness;
import io.packtrail.server.testing.Statuses;
import io.packtrail.v1.BatchRecordEventsRequest;
import io.packtrail.v1.BatchRecordEventsResponse;
import io.packtrail.v1.RecordEventRequest;
import io.packtrail.v1.RemovalReason;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A step the database refuses to store fails alone: the rest of its batch is recorded, and its
 * caller is told whether the refusal was of the moment (UNAVAILABLE: retry) or a fault of the
 * server (INTERNAL), never the one for the other. A trigger of this test's database plays the
 * refusal, with the SQLState it is given, for the units it names.
 */
class StepNotStoredTest {
  @RegisterExtension
  static final ServerHarness harness = ServerHarness.inProcess();

  private static final Actor STATION = new Actor(Fixtures.DEALER, Fixtures.STATION,
      Set.of(OrganizationRole.DEALER, OrganizationRole.COLLECTION_OUTLET));

  @BeforeAll
  static void setUp() {
    Fixtures.network(harness.client());
    harness.jdbi().useHandle(h -> h.execute("""
        CREATE TABLE poisoned (unit_code text PRIMARY KEY, sql_state text NOT NULL);
        CREATE FUNCTION refuse_poisoned() RETURNS trigger LANGUAGE plpgsql AS $$
        DECLARE state text;
        BEGIN
          SELECT sql_state INTO state FROM poisoned
              WHERE unit_code IN (NEW.unit_code, NEW.event_id::text);
          IF state IS NOT NULL THEN
            RAISE EXCEPTION 'a step of % refused by the test', NEW.unit_code USING ERRCODE = state;
          END IF;
          RETURN NEW;
        END $$;
        CREATE TRIGGER refuse_poisoned BEFORE INSERT ON event
            FOR EACH ROW EXECUTE FUNCTION refuse_poisoned();
        """));
  }

  /** Refuses every event of unit {@code code}, or the one event whose id is {@code code}. */
  static void poison(String code, String sqlState) {
    harness.jdbi().useHandle(h -> h.execute(
        "INSERT INTO poisoned (unit_code, sql_state) VALUES (?, ?)", code, sqlState));
  }

  static void cure(String code) {
    harness.jdbi().useHandle(h -> h.execute("DELETE FROM poisoned WHERE unit_code = ?", code));
  }

  @Test
  void aRefusedStepFailsAloneAndTheRestOfItsBatchIsRecorded() throws Exception {
    List<String> codes = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      codes.add(Fixtures.registeredPack(harness.client()));
    }
    poison(codes.get(1), "23514"); // check_violation: what a schema constraint would say
    poison(codes.get(2), "40P01"); // deadlock_detected: of the moment
    HeldQueue gate = new HeldQueue();
    // a sequencer of its own on the harness's database, so that its queue can be held
    Sequencer sequencer = new Sequencer(harness.jdbi(), Clock.systemUTC(), 16, gate);
    List<String> batches = new CopyOnWriteArrayList<>();
    sequencer.onBatch((size, nanos, committed) -> batches.add(size + (committed ? "+" : "-")));
    List<CompletableFuture<Event>> results = new ArrayList<>();
    try {
      for (String code : codes) {
        results.add(sequencer.submit(new Submission(UUID.randomUUID(), code, Instant.now(),
            Fixtures.STATION, new Step.Sale(Fixtures.SALE_VIN, Fixtures.DEALER)), STATION));
      }
    } finally {
      gate.release();
    }
    try {
      for (int i : new int[] {0, 3}) {
        assertEquals(2, results.get(i).get(10, TimeUnit.SECONDS).sequence(),
            "the others of the batch are recorded");
      }
      ExecutionException fault = assertThrows(ExecutionException.class,
          () -> results.get(1).get(10, TimeUnit.SECONDS));
      StepNotStoredException notStored =
          assertInstanceOf(StepNotStoredException.class, fault.getCause());
      assertEquals("23514", notStored.sqlState());
      ExecutionException passing = assertThrows(ExecutionException.class,
          () -> results.get(2).get(10, TimeUnit.SECONDS));
      assertInstanceOf(IngestUnavailableException.class, passing.getCause());
      assertTrue(passing.getCause().getMessage().contains("SQLSTATE 40P01"),
          passing.getCause().getMessage());
    } finally {
      sequencer.close();
      cure(codes.get(1));
      cure(codes.get(2));
    }
    assertEquals(List.of("4-", "1+", "1-", "1-", "1+"), batches,
        "one batch of four failed, then each item alone");
    for (int i = 0; i < codes.size(); i++) {
      assertEquals(i == 1 || i == 2 ? 1 : 2,
          harness.client().getUnit(codes.get(i)).getEventCount(), codes.get(i));
    }
  }

  /**
   * A batch whose first round trip fails after it opened its transaction (here the log head's
   * lock waits past a lock_timeout, as behind another instance's batch) is rolled back: before,
   * its pooled connection went back in a failed transaction, and every later batch of this
   * sequencer (the pool hands the same connection back) failed INTERNAL 25P02.
   */
  @Test
  void aBatchThatFailsOpeningItsTransactionLeavesNoFailedTransactionBehind() throws Exception {
    String first = Fixtures.registeredPack(harness.client());
    String second = Fixtures.registeredPack(harness.client());
    // one connection, so the next batch gets the same one back; a lock wait of 300 ms at most
    try (io.packtrail.server.store.Database one = harness.database().openWith(
        "options=-c%20lock_timeout%3D300", 1)) {
      Sequencer sequencer = new Sequencer(one.jdbi(), Clock.systemUTC(), 16, 100);
      try {
        try (org.jdbi.v3.core.Handle other = harness.jdbi().open()) {
          other.begin();
          other.execute("SELECT * FROM log_head FOR UPDATE");
          ExecutionException waited = assertThrows(ExecutionException.class,
              () -> sequencer.submit(new Submission(UUID.randomUUID(), first, Instant.now(),
                  Fixtures.STATION, new Step.Sale(Fixtures.SALE_VIN, Fixtures.DEALER)),
                  STATION).get(10, TimeUnit.SECONDS));
          assertInstanceOf(IngestUnavailableException.class, waited.getCause());
          assertTrue(waited.getCause().getMessage().contains("55P03"),
              waited.getCause().getMessage());
          other.rollback();
        }
        // the same (only) connection serves the next batch
        assertEquals(2, sequencer.submit(new Submission(UUID.randomUUID(), second,
            Instant.now(), Fixtures.STATION, new Step.Sale(Fixtures.SALE_VIN, Fixtures.DEALER)),
            STATION).get(10, TimeUnit.SECONDS).sequence());
      } finally {
        sequencer.close();
      }
    }
  }

  /**
   * An Error in a batch (an OutOfMemoryError, a StackOverflowError; here thrown by the queue as
   * the batch is taken) fails that batch and leaves the sequencer recording: before, it ended
   * the one thread that records steps, and every later step waited unanswered.
   */
  @Test
  void anErrorInOneBatchFailsItAndTheSequencerGoesOn() throws Exception {
    java.util.concurrent.atomic.AtomicBoolean thrown =
        new java.util.concurrent.atomic.AtomicBoolean();
    java.util.concurrent.LinkedBlockingQueue<Sequencer.Pending> queue =
        new java.util.concurrent.LinkedBlockingQueue<>() {
          @Override
          public int drainTo(java.util.Collection<? super Sequencer.Pending> c, int most) {
            if (thrown.compareAndSet(false, true)) {
              throw new OutOfMemoryError("a test's");
            }
            return super.drainTo(c, most);
          }
        };
    Sequencer sequencer = new Sequencer(harness.jdbi(), Clock.systemUTC(), 16, queue);
    try {
      String first = Fixtures.registeredPack(harness.client());
      ExecutionException failed = assertThrows(ExecutionException.class, () -> sequencer.submit(
          new Submission(UUID.randomUUID(), first, Instant.now(), Fixtures.STATION,
              new Step.Sale(Fixtures.SALE_VIN, Fixtures.DEALER)), STATION)
          .get(10, TimeUnit.SECONDS));
      assertInstanceOf(OutOfMemoryError.class, failed.getCause());
      String second = Fixtures.registeredPack(harness.client());
      assertEquals(2, sequencer.submit(new Submission(UUID.randomUUID(), second, Instant.now(),
          Fixtures.STATION, new Step.Sale(Fixtures.SALE_VIN, Fixtures.DEALER)), STATION)
          .get(10, TimeUnit.SECONDS).sequence(), "the next step is recorded");
    } finally {
      sequencer.close();
    }
  }

  /**
   * An Error thrown inside a batch's transaction (after BEGIN, while its steps are checked) is
   * rolled back before the connection goes back to the pool: the log head's lock is free at
   * once, and the same (only) connection serves the next batch.
   */
  @Test
  void anErrorInsideABatchsTransactionRollsItBack() throws Exception {
    java.util.concurrent.atomic.AtomicBoolean armed = new java.util.concurrent.atomic.AtomicBoolean();
    // the batch reads the time once it has begun its transaction (Sequencer.sequence)
    Clock throwing = new Clock() {
      @Override
      public java.time.ZoneId getZone() {
        return java.time.ZoneOffset.UTC;
      }

      @Override
      public Clock withZone(java.time.ZoneId zone) {
        return this;
      }

      @Override
      public Instant instant() {
        if (java.util.Arrays.stream(Thread.currentThread().getStackTrace())
            .anyMatch(f -> f.getMethodName().equals("sequence"))
            && armed.compareAndSet(true, false)) {
          throw new OutOfMemoryError("a test's, inside the batch's transaction");
        }
        return Instant.now();
      }
    };
    String first = Fixtures.registeredPack(harness.client());
    String second = Fixtures.registeredPack(harness.client());
    try (io.packtrail.server.store.Database one = harness.database().openAnother(1)) {
      Sequencer sequencer = new Sequencer(one.jdbi(), throwing, 16, 100);
      try {
        armed.set(true);
        ExecutionException failed = assertThrows(ExecutionException.class, () -> sequencer
            .submit(new Submission(UUID.randomUUID(), first, Instant.now(), Fixtures.STATION,
                new Step.Sale(Fixtures.SALE_VIN, Fixtures.DEALER)), STATION)
            .get(10, TimeUnit.SECONDS));
        assertInstanceOf(OutOfMemoryError.class, failed.getCause());
        // nobody holds the log head: the failed batch's transaction is gone, not left open on
        // the pooled connection
        try (org.jdbi.v3.core.Handle other = harness.jdbi().open()) {
          other.begin();
          other.execute("SELECT * FROM log_head FOR UPDATE NOWAIT");
          other.rollback();
        }
        assertEquals(2, sequencer.submit(new Submission(UUID.randomUUID(), second,
            Instant.now(), Fixtures.STATION, new Step.Sale(Fixtures.SALE_VIN, Fixtures.DEALER)),
            STATION).get(10, TimeUnit.SECONDS).sequence());
        assertEquals(1, harness.client().getUnit(first).getEventCount(), "nothing recorded");
      } finally {
        sequencer.close();
      }
    }
  }

  @Test
  void aBatchItemNotStoredHoldsTheLaterItemsOfItsUnitUntilBothAreResent() {
    String held = Fixtures.registeredPack(harness.client());
    String other = Fixtures.registeredPack(harness.client());
    RecordEventRequest sale = Fixtures.sale(held);
    RecordEventRequest removal = Fixtures.removal(held, RemovalReason.REMOVAL_REASON_RETIREMENT);
    RecordEventRequest otherSale = Fixtures.sale(other);
    BatchRecordEventsRequest batch = BatchRecordEventsRequest.newBuilder()
        .addRequests(sale).addRequests(removal).addRequests(otherSale).build();
    // judged without the sale, the removal would have been refused for good (the pack is not
    // in a vehicle) and that refusal remembered: the resend below would have got it again
    BatchRecordEventsResponse first = firstHeldBySecond(batch, held);
    assertEquals(2, first.getResults(2).getEvent().getSequence(), "another unit's item passes");
    assertEquals(1, harness.client().getUnit(held).getEventCount());

    BatchRecordEventsResponse resent = harness.events().batchRecordEvents(batch);
    assertEquals(2, resent.getResults(0).getEvent().getSequence());
    assertEquals(3, resent.getResults(1).getEvent().getSequence(), "in their order");
    assertEquals(first.getResults(2).getEvent(), resent.getResults(2).getEvent(), "a retry");
  }

  @Test
  void aStepTurnedAwayByAFullQueueHoldsItsUnitsLaterStepsOfTheCallThoughRoomWasMadeMeanwhile()
      throws Exception {
    String unit = Fixtures.registeredPack(harness.client());
    String other = Fixtures.registeredPack(harness.client());
    HeldQueue gate = new HeldQueue(1);
    Sequencer sequencer = new Sequencer(harness.jdbi(), Clock.systemUTC(), 16, gate);
    HeldUnits call = HeldUnits.forCall();
    try {
      CompletableFuture<List<Event>> filler = sequencer.record(new Submission(
          UUID.randomUUID(), other, Instant.now(), Fixtures.STATION,
          new Step.Sale(Fixtures.SALE_VIN, Fixtures.DEALER)), STATION, List.of(), () -> true);
      CompletableFuture<List<Event>> sale = sequencer.record(new Submission(UUID.randomUUID(),
              unit, Instant.now(), Fixtures.STATION,
              new Step.Sale(Fixtures.SALE_VIN, Fixtures.DEALER)), STATION, List.of(),
          () -> true, call.at(0));
      ExecutionException full = assertThrows(ExecutionException.class, sale::get);
      assertTrue(full.getCause().getMessage().contains("queue is full"),
          full.getCause().getMessage());
      gate.clear(); // room again, before the call's next step
      filler.cancel(false);
      CompletableFuture<List<Event>> removal = sequencer.record(new Submission(
              UUID.randomUUID(), unit, Instant.now(), Fixtures.STATION,
              new Step.Removal(io.packtrail.server.domain.RemovalReason.RETIREMENT, "")), STATION,
          List.of(), () -> true, call.at(1));
      ExecutionException held = assertThrows(ExecutionException.class,
          () -> removal.get(10, TimeUnit.SECONDS));
      assertInstanceOf(IngestUnavailableException.class, held.getCause());
      assertTrue(held.getCause().getMessage().contains("earlier in this call"),
          held.getCause().getMessage());
      assertTrue(gate.isEmpty(), "not queued");
    } finally {
      gate.release();
      sequencer.close();
    }
    assertEquals(1, harness.client().getUnit(unit).getEventCount());
  }

  @Test
  void aLaterStepTurnedAwayDoesNotHoldAnEarlierOneOfItsUnit() throws Exception {
    String unit = Fixtures.registeredPack(harness.client());
    HeldQueue gate = new HeldQueue(1);
    Sequencer sequencer = new Sequencer(harness.jdbi(), Clock.systemUTC(), 16, gate);
    HeldUnits call = HeldUnits.forCall();
    try {
      CompletableFuture<List<Event>> sale = sequencer.record(new Submission(UUID.randomUUID(),
              unit, Instant.now(), Fixtures.STATION,
              new Step.Sale(Fixtures.SALE_VIN, Fixtures.DEALER)), STATION, List.of(),
          () -> true, call.at(0));
      CompletableFuture<List<Event>> removal = sequencer.record(new Submission(
              UUID.randomUUID(), unit, Instant.now(), Fixtures.STATION,
              new Step.Removal(io.packtrail.server.domain.RemovalReason.RETIREMENT, "")), STATION,
          List.of(), () -> true, call.at(1));
      ExecutionException full = assertThrows(ExecutionException.class, removal::get);
      assertTrue(full.getCause().getMessage().contains("queue is full"),
          full.getCause().getMessage());
      gate.release();
      assertEquals(2, sale.get(10, TimeUnit.SECONDS).get(0).sequence(), "the earlier is recorded");
    } finally {
      gate.release();
      sequencer.close();
    }
  }

  @Test
  void anItemNotStoredHoldsTheLaterItemsOfEveryUnitItTouches() {
    String pack = Fixtures.gradedPackAt(harness.client(), Fixtures.LINE);
    String module = Fixtures.newCode('M');
    RecordEventRequest dismantling = Fixtures.dismantling(pack, Fixtures.LINE, 20,
        Fixtures.child(module, 360));
    RecordEventRequest grading = Fixtures.inspection(module).toBuilder()
        .setActorSite(Fixtures.LINE).build();
    BatchRecordEventsRequest batch = BatchRecordEventsRequest.newBuilder()
        .addRequests(dismantling).addRequests(grading).build();
    // judged without the dismantling, the module's grading would be NOT_FOUND, remembered
    firstHeldBySecond(batch, module);

    BatchRecordEventsResponse resent = harness.events().batchRecordEvents(batch);
    assertTrue(resent.getResults(0).hasEvent(), resent.toString());
    assertEquals(2, resent.getResults(1).getEvent().getSequence(), "the module's second event");
  }

  /**
   * Sends {@code batch} with its first item refused by the database for a reason of the moment
   * (40P01): that item is UNAVAILABLE, and its second, a later step of {@code unit}, is held
   * back UNAVAILABLE naming the first; answers the batch's response.
   */
  static BatchRecordEventsResponse firstHeldBySecond(BatchRecordEventsRequest batch,
      String unit) {
    String firstId = batch.getRequests(0).getEventId();
    poison(firstId, "40P01");
    BatchRecordEventsResponse answer;
    try {
      answer = harness.events().batchRecordEvents(batch);
    } finally {
      cure(firstId);
    }
    assertEquals(Status.Code.UNAVAILABLE.value(), answer.getResults(0).getError().getCode());
    com.google.rpc.Status heldBack = answer.getResults(1).getError();
    assertEquals(Status.Code.UNAVAILABLE.value(), heldBack.getCode(), heldBack.toString());
    assertTrue(heldBack.getMessage().contains(firstId) && heldBack.getMessage().contains(unit),
        heldBack.getMessage());
    return answer;
  }

  @Test
  void aStepRefusedForWhatItSaysHoldsNothing() {
    String unit = Fixtures.registeredPack(harness.client());
    RecordEventRequest early = Fixtures.removal(unit, RemovalReason.REMOVAL_REASON_RETIREMENT);
    RecordEventRequest sale = Fixtures.sale(unit);
    BatchRecordEventsResponse r = harness.events().batchRecordEvents(
        BatchRecordEventsRequest.newBuilder().addRequests(early).addRequests(sale).build());
    assertEquals(Status.Code.FAILED_PRECONDITION.value(), r.getResults(0).getError().getCode());
    assertEquals(2, r.getResults(1).getEvent().getSequence(), "judged as the unit stands");
  }

  /**
   * A sale of a new pack, refused by the trigger with {@code sqlState}: its status, and then the
   * same request once the trigger lets it, which must pass as the unit's second event.
   */
  static com.google.rpc.Status refusedThenPassed(String sqlState, Status.Code code) {
    String unit = Fixtures.registeredPack(harness.client());
    RecordEventRequest sale = Fixtures.sale(unit);
    poison(unit, sqlState);
    com.google.rpc.Status status;
    try {
      status = Statuses.assertFails(code, () -> harness.client().recordEvent(sale));
    } finally {
      cure(unit);
    }
    // nothing of the failed attempt was kept: neither an event nor a remembered refusal
    assertEquals(2, harness.client().recordEvent(sale).getSequence());
    assertEquals(2, harness.client().getUnit(unit).getEventCount());
    return status;
  }

  @Test
  void aFaultOfTheServerIsInternalNamingTheSqlStateAndTheSameIdPassesOnceItIsMended() {
    com.google.rpc.Status status = refusedThenPassed("23514", Status.Code.INTERNAL);
    assertTrue(status.getMessage().contains("SQLSTATE 23514")
        && status.getMessage().contains("not recorded"), status.getMessage());
    ErrorInfo info = Statuses.unpack(status, ErrorInfo.class);
    assertEquals("STEP_NOT_STORED", info.getReason());
    assertEquals("23514", info.getMetadataOrThrow("sql_state"));
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "53100", // disk_full
      "40001", // serialization_failure
      "55P03", // lock_not_available: a lock_timeout
      "57014"}) // query_canceled: a statement_timeout
  void aRefusalOfTheMomentIsUnavailableAndTheSameIdPassesLater(String sqlState) {
    com.google.rpc.Status status = refusedThenPassed(sqlState, Status.Code.UNAVAILABLE);
    assertTrue(status.getMessage().contains("SQLSTATE " + sqlState)
        && status.getMessage().contains("retry with the same id"), status.getMessage());
  }
}
