package io.packtrail.server.ingest;

import io.packtrail.server.domain.DomainException;
import io.packtrail.server.domain.Step;
import io.packtrail.server.domain.Submission;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The units of one call whose step was not recorded (the queue was full, its batch failed, the
 * database would not store it), with that step's place in the call. A step placed after it that
 * touches one of those units is not recorded either: judged without the earlier one, it would go
 * into the chain ahead of a step that belongs before it, or be refused, and that refusal
 * remembered, for a state the earlier step would have changed. The client resends both, in their
 * order. A step that was judged and refused holds nothing: what follows it is judged as the unit
 * stands (a refusal the server does not remember, such as a denial, may pass when resent, and
 * then its resend comes after what followed it, as the client ordered by resending).
 */
public final class HeldUnits {
  /** For a call of one step: nothing comes after it. */
  public static final HeldUnits NONE = new HeldUnits(null, 0);

  /** The first unrecorded step of a unit in the call: its place and its id. */
  private record Held(int place, UUID eventId) {}

  /** Unit code to the call's first step of it that was not recorded; null: holds nothing. */
  private final Map<String, Held> held;
  private final int place;

  private HeldUnits(Map<String, Held> held, int place) {
    this.held = held;
    this.place = place;
  }

  /** For a call of several steps; each step takes its place with {@link #at}. */
  public static HeldUnits forCall() {
    return new HeldUnits(new ConcurrentHashMap<>(), 0);
  }

  /** The step at {@code place} of this call (0 first): held only by steps placed before it. */
  public HeldUnits at(int place) {
    return held == null ? this : new HeldUnits(held, place);
  }

  /**
   * Notes the units of {@code s}, this step, when {@code failure} is not a judgement of it;
   * nothing for a success (null) or a refusal.
   */
  public void notRecorded(Submission s, Throwable failure) {
    if (held == null || failure == null) {
      return;
    }
    Throwable cause = failure instanceof CompletionException && failure.getCause() != null
        ? failure.getCause() : failure;
    if (cause instanceof DomainException) {
      return;
    }
    Held mine = new Held(place, s.eventId());
    for (Step.Touch t : Step.touches(s.unitCode(), s.step())) {
      held.merge(t.code(), mine, HeldUnits::earlier);
    }
  }

  private static Held earlier(Held a, Held b) {
    return a.place() <= b.place() ? a : b;
  }

  /** The refusal to record {@code s}, this step, ahead of an earlier unrecorded one; or null. */
  public IngestUnavailableException holding(Submission s) {
    if (held == null || held.isEmpty()) {
      return null;
    }
    for (Step.Touch t : Step.touches(s.unitCode(), s.step())) {
      IngestUnavailableException h = heldFor(t.code());
      if (h != null) {
        return h;
      }
    }
    return null;
  }

  private IngestUnavailableException heldFor(String code) {
    Held earlier = held.get(code);
    return earlier == null || earlier.place() >= place ? null : new IngestUnavailableException(
        "not recorded: step " + earlier.eventId() + " of unit " + code + ", earlier in this "
            + "call, was not recorded, and this step must not go before it; resend both, in "
            + "their order, with the same ids");
  }
}
