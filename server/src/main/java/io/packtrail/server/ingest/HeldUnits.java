package io.packtrail.server.ingest;

import io.packtrail.server.domain.DomainException;
import io.packtrail.server.domain.Step;
import io.packtrail.server.domain.Submission;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The units of one call whose earlier step was not recorded (the queue was full, its batch
 * failed, the database would not store it). A later step of such a unit in the same call is not
 * recorded either: judged without the earlier one, it would go into the chain ahead of a step
 * that belongs before it, or be refused for good for a state the earlier step would have made.
 * The client resends both, in their order. A step that was judged and refused holds nothing:
 * its refusal is final, and the steps after it are judged as the unit stands.
 */
public final class HeldUnits {
  /** For a call of one step: nothing comes after it. */
  public static final HeldUnits NONE = new HeldUnits(false);

  private final boolean holding;
  /** Unit code to the id of the call's first step of it that was not recorded. */
  private final Map<String, UUID> held = new ConcurrentHashMap<>();

  private HeldUnits(boolean holding) {
    this.holding = holding;
  }

  /** For a call of several steps, one instance for all of them. */
  public static HeldUnits forCall() {
    return new HeldUnits(true);
  }

  /**
   * Notes the units of {@code s} when {@code failure} is not a judgement of it (a refusal is
   * final and holds nothing); nothing for a success (null).
   */
  public void notRecorded(Submission s, Throwable failure) {
    if (!holding || failure == null) {
      return;
    }
    Throwable cause = failure instanceof CompletionException && failure.getCause() != null
        ? failure.getCause() : failure;
    if (cause instanceof DomainException) {
      return;
    }
    held.putIfAbsent(s.unitCode(), s.eventId());
    for (Step.Touch t : Step.others(s.step())) {
      held.putIfAbsent(t.code(), s.eventId());
    }
  }

  /** The refusal to record {@code s} ahead of its call's unrecorded step, or null. */
  IngestUnavailableException holding(Submission s) {
    if (!holding || held.isEmpty()) {
      return null;
    }
    IngestUnavailableException h = heldFor(s.unitCode());
    for (Step.Touch t : Step.others(s.step())) {
      if (h != null) {
        break;
      }
      h = heldFor(t.code());
    }
    return h;
  }

  private IngestUnavailableException heldFor(String code) {
    UUID earlier = held.get(code);
    return earlier == null ? null : new IngestUnavailableException("not recorded: step "
        + earlier + " of unit " + code + ", earlier in this call, was not recorded, and this "
        + "step must not go before it; resend both, in their order, with the same ids");
  }
}
