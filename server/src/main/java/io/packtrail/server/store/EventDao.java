package io.packtrail.server.store;

import io.packtrail.server.domain.Event;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.sqlobject.config.RegisterRowMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.locator.UseClasspathSqlLocator;
import org.jdbi.v3.sqlobject.statement.SqlQuery;

/** The append-only events; SQL in resources/io/packtrail/server/store/EventDao/. */
@UseClasspathSqlLocator
@RegisterRowMapper(Rows.EventMapper.class)
public interface EventDao {

  /** The event recorded under a client-chosen id, if any. */
  @SqlQuery("findById")
  Optional<Event> findById(@Bind("id") UUID id);

  /** A unit's events with sequence above {@code afterSequence}, in order. */
  @SqlQuery("listForUnit")
  List<Event> listForUnit(@Bind("code") String code, @Bind("afterSequence") long afterSequence,
      @Bind("limit") int limit);

  /** The events an export's filter keeps, in log order (EventQuery; nulls do not filter). */
  @SqlQuery("query")
  List<Event> query(@Bind("units") String[] units, @Bind("organizations") String[] organizations,
      @Bind("sites") String[] sites, @Bind("types") String[] types,
      @Bind("regions") String[] regions, @Bind("startInclusive") java.time.Instant startInclusive,
      @Bind("startExclusive") java.time.Instant startExclusive,
      @Bind("endInclusive") java.time.Instant endInclusive,
      @Bind("endExclusive") java.time.Instant endExclusive,
      @Bind("afterLogIndex") long afterLogIndex, @Bind("limit") int limit);

  /** As {@link #query}, of the units the organisation {@code party} is a party of. */
  @SqlQuery("queryParty")
  List<Event> queryParty(@Bind("units") String[] units,
      @Bind("organizations") String[] organizations, @Bind("sites") String[] sites,
      @Bind("types") String[] types, @Bind("regions") String[] regions,
      @Bind("startInclusive") java.time.Instant startInclusive,
      @Bind("startExclusive") java.time.Instant startExclusive,
      @Bind("endInclusive") java.time.Instant endInclusive,
      @Bind("endExclusive") java.time.Instant endExclusive, @Bind("party") String party,
      @Bind("afterLogIndex") long afterLogIndex, @Bind("limit") int limit);

  /** Events of the whole log from a log index on, in log order. */
  @SqlQuery("listFromLogIndex")
  List<Event> listFromLogIndex(@Bind("start") long start, @Bind("limit") int limit);
}
