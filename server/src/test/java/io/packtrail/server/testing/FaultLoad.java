package io.packtrail.server.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.packtrail.client.HashChain;
import io.packtrail.client.PacktrailClient;
import io.packtrail.client.log.Merkle;
import io.packtrail.v1.Checkpoint;
import io.packtrail.v1.Event;
import io.packtrail.v1.RecordEventRequest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jdbi.v3.core.Jdbi;

/**
 * Steps recorded while a fault strikes, and what must hold once the deployment is back: lanes,
 * one graded pack each and one call in flight each, record inspections; after a number of
 * acknowledgements (a count, not a time) the fault comes; afterwards every acknowledged step is
 * there unchanged, every chain verifies, each step whose answer the fault took is recorded once
 * when sent again with its id, and the log is the one from before, grown, and whole.
 */
public final class FaultLoad {
  /** The fault, which may take the server or its database away. */
  @FunctionalInterface
  public interface Fault {
    void strike() throws Exception;
  }

  private final List<String> codes = new ArrayList<>();
  private final Map<String, Long> inspectionsBefore = new HashMap<>();
  private final Map<String, Event> acknowledged = new ConcurrentHashMap<>();
  private final Queue<RecordEventRequest> unanswered = new ConcurrentLinkedQueue<>();
  private final Checkpoint before;

  /** The test network and {@code lanes} graded packs through {@code client}, and a checkpoint. */
  public FaultLoad(PacktrailClient client, int lanes) {
    Fixtures.network(client);
    for (int i = 0; i < lanes; i++) {
      String code = Fixtures.gradedPackAt(client, Fixtures.PLANT);
      codes.add(code);
      inspectionsBefore.put("units/" + code, inspections(client.listEvents(code)));
    }
    before = client.createCheckpoint();
  }

  /**
   * Records until {@code acknowledgements} steps are acknowledged, then strikes; returns once
   * every lane has ended, each with the one step in flight when the fault came. Any failure
   * before the fault fails the test.
   */
  public void recordUntil(PacktrailClient client, int acknowledgements, Fault fault)
      throws Exception {
    AtomicBoolean struck = new AtomicBoolean();
    Queue<Throwable> unexpected = new ConcurrentLinkedQueue<>();
    ExecutorService pool = Executors.newFixedThreadPool(codes.size());
    try {
      List<Future<?>> lanes = new ArrayList<>();
      for (String code : codes) {
        lanes.add(pool.submit(() -> {
          while (true) {
            RecordEventRequest step = Fixtures.inspection(code);
            try {
              Event e = client.recordEvent(step);
              acknowledged.put(e.getEventId(), e);
            } catch (StatusRuntimeException e) {
              Status.Code c = e.getStatus().getCode();
              if (struck.get()
                  && (c == Status.Code.UNAVAILABLE || c == Status.Code.DEADLINE_EXCEEDED)) {
                unanswered.add(step); // sent, answer lost: recorded or not, nobody knows
              } else {
                unexpected.add(e);
              }
              return; // this lane ends; the others go on until the fault
            }
          }
        }));
      }
      long waitUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
      while (acknowledged.size() < acknowledgements
          && lanes.stream().noneMatch(Future::isDone) && System.nanoTime() < waitUntil) {
        Thread.sleep(5);
      }
      struck.set(true);
      fault.strike();
      for (Future<?> lane : lanes) {
        lane.get(120, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    assertTrue(unexpected.isEmpty(), () -> "failures other than the fault's: " + unexpected);
    assertTrue(acknowledged.size() >= acknowledgements,
        "acknowledged before the fault: " + acknowledged.size());
    // (each lane ended on a failure, so each left one step whose answer the fault took)
  }

  /**
   * After recovery, through {@code client} and the database {@code jdbi}: the lost answers sent
   * again, then every acknowledged step, chain and count checked, and the log against the
   * checkpoint from before the load. Prints how many lost answers were of committed steps.
   */
  public void assertRecovered(PacktrailClient client, Jdbi jdbi, String name) throws Exception {
    long committed = unanswered.stream().filter(s -> jdbi.withHandle(h -> h.createQuery(
            "SELECT count(*) FROM event WHERE event_id = CAST(:id AS uuid)")
        .bind("id", s.getEventId()).mapTo(Long.class).one()) == 1).count();
    System.out.printf("%s: %d acknowledged; of the %d lost answers %d belonged to steps "
        + "committed before the fault%n", name, acknowledged.size(), unanswered.size(), committed);
    // each lost answer, sent again as it was: answered with the step as recorded, whether the
    // first send reached the database before the fault or not
    for (RecordEventRequest step : unanswered) {
      assertEquals(step.getEventId(), client.recordEvent(step).getEventId());
    }
    Map<String, Long> sentPerUnit = new HashMap<>(inspectionsBefore);
    acknowledged.values().forEach(e -> sentPerUnit.merge(e.getUnit(), 1L, Long::sum));
    unanswered.forEach(s -> sentPerUnit.merge(s.getUnit(), 1L, Long::sum));
    for (String code : codes) {
      List<Event> history = client.listEvents(code);
      HashChain.Result chain = HashChain.verify(history, client.getUnit(code).getHeadHash());
      assertTrue(chain.ok(), code + ": " + chain.detail());
      // the inspections before the load, then each one sent, once
      assertEquals(sentPerUnit.get("units/" + code), inspections(history), code);
      Map<String, Event> byId = new HashMap<>();
      history.forEach(e -> byId.put(e.getEventId(), e));
      for (Event e : acknowledged.values()) {
        if (e.getUnit().equals("units/" + code)) {
          Event stored = byId.get(e.getEventId());
          assertTrue(stored != null, "acknowledged and lost: " + e.getEventId());
          assertEquals(e.getHash(), stored.getHash());
          assertEquals(e.getSequence(), stored.getSequence());
          assertEquals(e.getLogIndex(), stored.getLogIndex());
        }
      }
    }
    // the log from before the fault, grown, never rewritten; and whole in the database
    Checkpoint after = client.createCheckpoint();
    var proof = client.getConsistencyProof(before.getTreeSize(), after.getTreeSize());
    Merkle.verifyConsistency(before.getTreeSize(), after.getTreeSize(),
        before.getRootHash().toByteArray(), after.getRootHash().toByteArray(),
        proof.getHashesList().stream().map(h -> h.toByteArray()).toList());
    LogEntries.assertWholeTree(jdbi);
  }

  private static long inspections(List<Event> history) {
    return history.stream().filter(Event::hasInspection).count();
  }
}
