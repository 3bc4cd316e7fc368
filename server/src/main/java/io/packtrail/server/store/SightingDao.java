package io.packtrail.server.store;

import io.packtrail.server.domain.ResourceNames;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.statement.StatementContext;
import org.jdbi.v3.sqlobject.config.RegisterRowMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.locator.UseClasspathSqlLocator;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/** Where a label serial was scanned, and the anomalies flagged on units; SQL in SightingDao/. */
@UseClasspathSqlLocator
@RegisterRowMapper(SightingDao.SightingMapper.class)
public interface SightingDao {

  /** One scan of a label: the event, its site's coordinates and time. */
  record Sighting(UUID eventId, String eventName, String unitCode, String site, double latitude,
      double longitude, Instant eventTime) {}

  @SqlQuery("sightings")
  List<Sighting> sightings(@Bind("serial") long serial);

  /** A scan of a label, with the step whose label it is ({@code sightingsOfWindow}). */
  record WindowSighting(UUID scannedEventId, long serial, Sighting sighting) {}

  /**
   * The scans of the labels scanned by steps with log_index in (after, upto], by step in log
   * order, each step's scans in time order.
   */
  @SqlQuery("sightingsOfWindow")
  @RegisterRowMapper(WindowSightingMapper.class)
  List<WindowSighting> sightingsOfWindow(@Bind("after") long after, @Bind("upto") long upto);

  /** Raises the flag unless it is raised already; answers 1 when it was raised now. */
  @SqlUpdate("flag")
  int flag(@Bind("unitCode") String unitCode, @Bind("kind") String kind,
      @Bind("description") String description, @Bind("events") String[] events,
      @Bind("now") Instant now);

  final class SightingMapper implements RowMapper<Sighting> {
    @Override
    public Sighting map(ResultSet rs, StatementContext ctx) throws SQLException {
      String code = rs.getString("unit_code");
      return new Sighting(rs.getObject("event_id", UUID.class),
          ResourceNames.event(code, rs.getLong("sequence")), code,
          rs.getString("actor_site"), rs.getDouble("latitude"), rs.getDouble("longitude"),
          rs.getTimestamp("event_time").toInstant());
    }
  }

  final class WindowSightingMapper implements RowMapper<WindowSighting> {
    private final SightingMapper sightings = new SightingMapper();

    @Override
    public WindowSighting map(ResultSet rs, StatementContext ctx) throws SQLException {
      return new WindowSighting(rs.getObject("scanned_event_id", UUID.class),
          rs.getLong("label_serial"), sightings.map(rs, ctx));
    }
  }
}
