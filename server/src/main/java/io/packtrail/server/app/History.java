package io.packtrail.server.app;

import io.packtrail.server.domain.Event;
import io.packtrail.server.domain.NotFoundException;
import io.packtrail.server.domain.ResourceNames;
import io.packtrail.server.store.Storage;
import java.util.List;

/** Reading what was recorded: a unit's events, and the whole log for watchers. */
public final class History {
  private final Storage storage;

  public History(Storage storage) {
    this.storage = storage;
  }

  /**
   * A unit's events after {@code afterSequence}; an unknown unit is NOT_FOUND (looked up only
   * when its first page is empty, so a listing costs one query).
   */
  public List<Event> events(String unitCode, long afterSequence, int limit) {
    List<Event> events = storage.listEvents(unitCode, afterSequence, limit);
    if (events.isEmpty() && afterSequence == 0 && storage.findUnit(unitCode).isEmpty()) {
      throw new NotFoundException(ResourceNames.unit(unitCode), "unit");
    }
    return events;
  }

  /** The log index the next recorded event will get. */
  public long logHead() {
    return storage.logHead();
  }

  /** Events of the whole log from {@code start} on, in log order. */
  public List<Event> fromLogIndex(long start, int limit) {
    return storage.listFromLogIndex(start, limit);
  }

}
