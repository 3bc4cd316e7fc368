package io.packtrail.scanner;

import io.grpc.StatusRuntimeException;
import io.packtrail.client.PacktrailClient;
import io.packtrail.v1.BatchRecordEventsResponse;
import io.packtrail.v1.Event;
import io.packtrail.v1.RecordEventRequest;
import io.packtrail.v1.RecordEventResult;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Sends the outbox to the server in order, in batches (BatchRecordEvents). Every entry is sent
 * with the bytes stored at scan time, so a batch sent again after a crash or a lost answer is
 * answered by the server with the events it already recorded: nothing is recorded twice.
 *
 * <p>Order: entries go in outbox order. A batch holds at most one step of a unit (the next step
 * of a unit is sent only once the server has answered the one before), and a unit with a refused
 * step gets nothing more sent until the worker discards or corrects that step.
 */
final class Delivery {
  static final int DEFAULT_BATCH = 200;

  /**
   * What one delivery did. {@code offline}: the trouble that passes (network, overload) that
   * stopped it; {@code callerRefusal}: the server refused a batch as a whole (the device or its
   * certificate not allowed, a limit) or steps of it for who sent them, which waiting will not
   * mend: every such step stays saved;
   * {@code notStored}: steps the server answered it could not store (a fault of the server:
   * INTERNAL), kept waiting. Each null when none.
   */
  record Report(int sent, int refused, int held, long pending, String offline,
      CallerRefusal callerRefusal, String notStored) {
    boolean reachedServer() {
      return offline == null;
    }
  }

  /**
   * A refusal of who sent the steps rather than of what they say: a batch the server refused as
   * a whole ({@code whole}), or steps of it refused each for the caller (PERMISSION_DENIED,
   * UNAUTHENTICATED); its code and the words for the worker.
   */
  record CallerRefusal(io.grpc.Status.Code code, String words, boolean whole) {
    CallerRefusal(io.grpc.Status.Code code, String words) {
      this(code, words, true);
    }

    /**
     * The exit code it calls for, as the top level maps the same refusal: a certificate the
     * server does not accept is 3 (the steps wait for a new one), any other refusal 1.
     */
    int exitCode() {
      return code == io.grpc.Status.Code.UNAUTHENTICATED ? ScannerCli.SERVER : ScannerCli.REFUSED;
    }

    /** One line: what was refused, and that the steps stay saved. */
    String line(long pending) {
      if (!whole) {
        return "!! the server refused steps for who sent them, not for what they say (" + words
            + "); they stay saved in the outbox with the other " + "waiting steps (" + pending
            + " in all): send them with a certificate of the site they were recorded at, or "
            + "discard them ('outbox discard ID')";
      }
      return "!! the server refused the batch (" + words + "); nothing in it was recorded, and "
          + "its " + pending + " step(s) stay saved in the outbox for a later sync once that is "
          + "mended";
    }
  }

  private final Outbox outbox;
  private final UnitCache cache;
  private final int batchSize;

  Delivery(Outbox outbox, UnitCache cache, int batchSize) {
    this.outbox = outbox;
    this.cache = cache;
    this.batchSize = batchSize;
  }

  /**
   * Delivers everything it can now; {@code say} hears one line per step sent or refused. Stops at
   * the first passing trouble (offline, overloaded): the rest stays pending.
   */
  synchronized Report deliver(PacktrailClient client, Consumer<String> say) throws SQLException {
    int sent = 0;
    int refused = 0;
    Set<Long> held = new HashSet<>();
    // units with a step held in this pass stay held to its end: the pass has read past that
    // step, so if the refusal is discarded or corrected meanwhile, the unit's later steps
    // must not go before it (the next pass starts from the beginning, in order)
    Set<String> heldUnits = new HashSet<>();
    long afterPosition = 0;
    long afterId = 0;
    String offline = null;
    CallerRefusal wholeBatch = null;
    CallerRefusal ofSteps = null;
    String notStored = null;
    while (offline == null && wholeBatch == null) {
      Set<String> blocked = outbox.unitsWithRefusals();
      // a unit refused now, or corrected meanwhile (its correction sits behind this pass's
      // place), stays held to the end of the pass, like one whose waiting step was read
      heldUnits.addAll(blocked);
      List<Outbox.Entry> candidates = outbox.pendingAfter(afterPosition, afterId, batchSize * 2);
      if (candidates.isEmpty()) {
        break;
      }
      List<Outbox.Entry> batch = new ArrayList<>();
      Set<String> inBatch = new HashSet<>();
      for (Outbox.Entry e : candidates) {
        Set<String> units = e.units();
        String waitsFor = firstOf(units, heldUnits);
        if (waitsFor != null) {
          heldUnits.addAll(units);
          if (held.add(e.id())) {
            say.accept("#" + e.id() + " " + e.step() + " " + e.unitCode() + " waits: an earlier "
                + "step of " + (waitsFor.equals(e.unitCode()) ? "this unit" : "unit " + waitsFor)
                + " was refused or is not stored yet (see 'status')");
          }
        } else if (firstOf(units, inBatch) != null || batch.size() == batchSize) {
          break; // the unit's next step waits for the answer to this one
        } else {
          batch.add(e);
          inBatch.addAll(units);
        }
        afterPosition = e.position();
        afterId = e.id();
      }
      if (batch.isEmpty()) {
        continue; // every candidate waits behind a refusal; look further
      }
      List<RecordEventRequest> requests = batch.stream().map(Outbox.Entry::request).toList();
      BatchRecordEventsResponse answer;
      try {
        answer = client.recordEvents(requests);
      } catch (StatusRuntimeException e) {
        List<Long> ids = batch.stream().map(Outbox.Entry::id).toList();
        outbox.markAttempted(ids, e.getStatus().getCode().name(), Words.status(e));
        if (ServerLink.passing(e)) {
          offline = Words.status(e);
        } else {
          // the batch as a whole was refused (not a step): keep every step and say so; the
          // server was reached, so this is no offline wait. A refused handshake is a refused
          // certificate, as UNAUTHENTICATED is: the steps wait for a new one
          wholeBatch = new CallerRefusal(
              io.packtrail.client.tls.TlsFailures.handshakeRefused(e)
                  ? io.grpc.Status.Code.UNAUTHENTICATED : e.getStatus().getCode(),
              Words.status(e));
        }
        break;
      }
      Faults.point(Faults.AFTER_SEND);
      List<Long> sentIds = new ArrayList<>();
      List<String> names = new ArrayList<>();
      List<Event> events = new ArrayList<>();
      for (int i = 0; i < batch.size(); i++) {
        Outbox.Entry e = batch.get(i);
        RecordEventResult r = answer.getResults(i);
        if (r.hasEvent()) {
          sentIds.add(e.id());
          names.add(r.getEvent().getName());
          events.add(r.getEvent());
          events.addAll(r.getOtherEventsList());
        } else if (r.getError().getCode() == io.grpc.Status.Code.INTERNAL.value()) {
          // a fault of the server with this step (it may repeat until the server is mended):
          // it waits, and so do its units' later steps, but other units go on
          outbox.markAttempted(List.of(e.id()), codeName(r.getError().getCode()),
              r.getError().getMessage());
          heldUnits.addAll(e.units());
          notStored = "INTERNAL: " + r.getError().getMessage();
          say.accept("#" + e.id() + " " + e.step() + " " + e.unitCode() + " waits: the server "
              + "could not store it (" + notStored + "); it is sent again on the next sync");
        } else if (Refusals.ofTheCaller(r.getError())) {
          // refused for who sent it (the device moved to another site, another site's
          // certificate), not for what it says, and not remembered by the server: it waits,
          // with its units' later steps, for a sync with a certificate of its site; other
          // units go on
          outbox.markAttempted(List.of(e.id()), codeName(r.getError().getCode()),
              r.getError().getMessage());
          heldUnits.addAll(e.units());
          ofSteps = new CallerRefusal(io.grpc.Status.fromCodeValue(r.getError().getCode())
              .getCode(), codeName(r.getError().getCode()) + ": " + r.getError().getMessage(),
              false);
          say.accept("#" + e.id() + " " + e.step() + " " + e.unitCode() + " waits: the server "
              + "refused it for who sent it, not for what it says (" + ofSteps.words() + ")");
        } else if (ServerLink.passing(io.grpc.Status.fromCodeValue(r.getError().getCode())
            .getCode())) {
          outbox.markAttempted(List.of(e.id()), codeName(r.getError().getCode()),
              r.getError().getMessage());
          offline = codeName(r.getError().getCode()) + ": " + r.getError().getMessage();
        } else {
          String refusal = Refusals.kind(r.getError());
          outbox.markRefused(e.id(), codeName(r.getError().getCode()),
              r.getError().getMessage(), refusal);
          refused++;
          say.accept(Words.refusedStep(e, codeName(r.getError().getCode()),
              r.getError().getMessage(), refusal));
        }
      }
      outbox.markSent(sentIds, names);
      cache.putEvents(events);
      sent += sentIds.size();
      for (int i = 0; i < sentIds.size(); i++) {
        say.accept("#" + sentIds.get(i) + " sent: recorded as " + names.get(i));
      }
    }
    return new Report(sent, refused, held.size(), outbox.count(Outbox.Status.PENDING), offline,
        wholeBatch != null ? wholeBatch : ofSteps, notStored);
  }

  /** The first of {@code units} in {@code among}, or null. */
  private static String firstOf(Set<String> units, Set<String> among) {
    for (String u : units) {
      if (among.contains(u)) {
        return u;
      }
    }
    return null;
  }

  static String codeName(int code) {
    return io.grpc.Status.fromCodeValue(code).getCode().name();
  }
}
