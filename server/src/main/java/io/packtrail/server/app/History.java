package io.packtrail.server.app;

import io.packtrail.server.domain.Authorization;
import io.packtrail.server.domain.Event;
import io.packtrail.server.domain.Principal;
import io.packtrail.server.domain.NotFoundException;
import io.packtrail.server.domain.ResourceNames;
import io.packtrail.server.store.Storage;
import java.util.Collection;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/** Reading what was recorded: a unit's events, and the whole log for watchers. */
public final class History {
  private final Storage storage;
  private final Parties parties;

  public History(Storage storage, Parties parties) {
    this.storage = storage;
    this.parties = parties;
  }

  /**
   * A unit's events after {@code afterSequence}, for its parties and authorities (denied alike
   * for an unknown unit and another's); for those, an unknown unit is NOT_FOUND (looked up only
   * when its first page is empty, so a listing costs one query).
   */
  public List<Event> events(Principal reader, String unitCode, long afterSequence, int limit) {
    parties.requireUnit(reader, unitCode);
    return events(unitCode, afterSequence, limit);
  }

  private List<Event> events(String unitCode, long afterSequence, int limit) {
    List<Event> events = storage.listEvents(unitCode, afterSequence, limit);
    if (events.isEmpty() && afterSequence == 0 && storage.findUnit(unitCode).isEmpty()) {
      throw new NotFoundException(ResourceNames.unit(unitCode), "unit");
    }
    return events;
  }

  /**
   * The events a query keeps that {@code reader} may see (those of units its organisation is a
   * party of; all, for an authority), in log order after {@code afterLogIndex}: one query,
   * visibility applied in it, so a page is never short of events the caller may see.
   */
  public List<Event> query(Principal reader, io.packtrail.server.domain.EventQuery query,
      long afterLogIndex, int limit) {
    return storage.queryEvents(query, parties.listingParty(reader), afterLogIndex, limit);
  }

  /** The event of a unit by sequence, for a reader that was shown another event of the unit. */
  public java.util.Optional<Event> event(String unitCode, long sequence) {
    return storage.listEvents(unitCode, sequence - 1, 1).stream().findFirst();
  }

  /** The log index the next recorded event will get. */
  public long logHead() {
    return storage.logHead();
  }

  /** Events of the whole log from {@code start} on, in log order. */
  public List<Event> fromLogIndex(long start, int limit) {
    return storage.listFromLogIndex(start, limit);
  }

  /**
   * Of some events, the ones {@code reader} may see: those of units it is a party of (all, for
   * an authority). Watchers and log listings filter with it, one query per page.
   */
  public Predicate<String> seesUnits(Principal reader, Collection<String> unitCodes) {
    return parties.seesUnits(reader, unitCodes);
  }

  /** As {@link #seesUnits}, of events. */
  public List<Event> visible(Principal reader, List<Event> events) {
    if (Authorization.unscoped(reader) || events.isEmpty()) {
      return events;
    }
    Predicate<String> sees = seesUnits(reader,
        events.stream().map(Event::unitCode).collect(Collectors.toSet()));
    return events.stream().filter(e -> sees.test(e.unitCode())).toList();
  }

}
