package io.packtrail.server.store;

import io.packtrail.server.domain.AnomalyRecord;
import io.packtrail.server.domain.Event;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.statement.StatementContext;
import org.jdbi.v3.sqlobject.config.RegisterRowMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.customizer.BindMethods;
import org.jdbi.v3.sqlobject.locator.UseClasspathSqlLocator;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/**
 * Anomalies, their acknowledgements and the scan's progress; the scan's candidate queries. SQL
 * in AnomalyDao/.
 */
@UseClasspathSqlLocator
@RegisterRowMapper(AnomalyDao.AnomalyMapper.class)
@RegisterRowMapper(AnomalyDao.AcknowledgementMapper.class)
public interface AnomalyDao {

  /**
   * A unit idle since its evidence event: the time of its last step, the event (its sequence,
   * type, time, actor and the region of its site), the unit's custodian and shipment
   * destination (with its region).
   */
  record IdleUnit(String code, Instant lastEventTime, long sequence, String type,
      Instant eventTime, String actorOrganization, String siteRegion, String custodian,
      String destination, String destinationRegion) {}

  /** A dismantling's parent event or a recycling's primary event, with the masses around it. */
  record StepRow(Event event, double unitMassKg, double childrenMassKg, String siteRegion) {}

  /** A flag raised at ingest, with the actors and regions of its events. */
  record Flag(long id, String unitCode, String kind, String description, List<String> events,
      List<String> organizations, List<String> regionCodes, Instant occurTime) {}

  /** Units whose last step is in [from, cutoff), after the key, without the anomaly yet. */
  @SqlQuery("idleCrossing")
  @RegisterRowMapper(IdleUnitMapper.class)
  List<IdleUnit> idleCrossing(@Bind("states") String[] states, @Bind("types") String[] types,
      @Bind("from") Instant from, @Bind("cutoff") Instant cutoff,
      @Bind("afterTime") Instant afterTime, @Bind("afterCode") String afterCode,
      @Bind("kind") String kind, @Bind("limit") int limit);

  /** Units with a step in the log window, idle before the cutoff, without the anomaly yet. */
  @SqlQuery("idleTouched")
  @RegisterRowMapper(IdleUnitMapper.class)
  List<IdleUnit> idleTouched(@Bind("states") String[] states, @Bind("types") String[] types,
      @Bind("cutoff") Instant cutoff, @Bind("after") long after, @Bind("upto") long upto,
      @Bind("kind") String kind);

  /** Resolves the open time-rule anomalies whose unit has moved on; how many. */
  @SqlUpdate("resolve")
  int resolve();

  @SqlQuery("maxLogIndex")
  long maxLogIndex();

  @SqlQuery("steps")
  @RegisterRowMapper(StepRowMapper.class)
  List<StepRow> steps(@Bind("after") long after, @Bind("upto") long upto);

  @SqlQuery("flags")
  @RegisterRowMapper(FlagMapper.class)
  List<Flag> flags(@Bind("after") long after, @Bind("limit") int limit);

  /** The highest flag id above {@code after} created before {@code settled}, or {@code after}. */
  @SqlQuery("settledFlag")
  long settledFlag(@Bind("after") long after, @Bind("settled") Instant settled);

  @SqlQuery("lockProgress")
  long lockProgress(@Bind("source") String source);

  @SqlUpdate("setProgress")
  void setProgress(@Bind("source") String source, @Bind("position") long position);

  /** Keeps new findings; one already kept (same id) is left as it is. */
  @SqlUpdate("insert")
  int insert(@Bind("id") String id, @Bind("kind") String kind,
      @Bind("description") String description, @Bind("unitCode") String unitCode,
      @Bind("events") String[] events, @Bind("evidenceSequence") Long evidenceSequence,
      @Bind("organizations") String[] organizations, @Bind("regionCodes") String[] regionCodes,
      @Bind("occurTime") Instant occurTime, @Bind("createTime") Instant createTime);

  @SqlQuery("find")
  Optional<AnomalyRecord> find(@Bind("id") String id);

  @SqlQuery("organizations")
  Optional<String[]> organizations(@Bind("id") String id);

  @SqlQuery("list")
  List<AnomalyRecord> list(@Bind("afterSeq") long afterSeq, @Bind("kind") String kind,
      @Bind("organization") String organization, @Bind("unitCode") String unitCode,
      @Bind("prefix") String regionPrefix, @Bind("state") String state,
      @Bind("startTime") Instant start, @Bind("endTime") Instant end, @Bind("limit") int limit);

  @SqlQuery("seq")
  Optional<Long> seq(@Bind("id") String id, @Bind("organization") String organization);

  @SqlQuery("acknowledgements")
  List<AnomalyRecord.Acknowledgement> acknowledgements(@Bind("ids") String[] ids);

  @SqlQuery("acknowledgement")
  Optional<AnomalyRecord.Acknowledgement> acknowledgement(@Bind("requestId") UUID requestId);

  /** Adds the acknowledgement unless its request id is taken; whether it was added. */
  @SqlUpdate("acknowledge")
  int acknowledge(@BindMethods AnomalyRecord.Acknowledgement ack);

  /** Open anomalies (neither acknowledged nor resolved) of a region by kind, occurred before. */
  @SqlQuery("openByKind")
  @RegisterRowMapper(KindCountMapper.class)
  List<KindCount> openByKind(@Bind("prefix") String prefix, @Bind("endTime") Instant end);

  /** As {@link #openByKind}, by organisation involved (its name in {@code kind}). */
  @SqlQuery("openByOrganization")
  @RegisterRowMapper(KindCountMapper.class)
  List<KindCount> openByOrganization(@Bind("prefix") String prefix, @Bind("endTime") Instant end);

  record KindCount(String kind, long count) {}

  private static Instant instant(ResultSet rs, String column) throws SQLException {
    Timestamp t = rs.getTimestamp(column);
    return t == null ? null : t.toInstant();
  }

  private static List<String> strings(ResultSet rs, String column) throws SQLException {
    java.sql.Array a = rs.getArray(column);
    return a == null ? List.of() : java.util.Arrays.stream((Object[]) a.getArray())
        .filter(java.util.Objects::nonNull).map(Object::toString).toList();
  }

  final class AnomalyMapper implements RowMapper<AnomalyRecord> {
    @Override
    public AnomalyRecord map(ResultSet rs, StatementContext ctx) throws SQLException {
      return new AnomalyRecord(rs.getString("id"), rs.getString("kind"),
          rs.getString("description"), rs.getString("unit_code"), strings(rs, "events"),
          strings(rs, "organizations"), strings(rs, "region_codes"),
          instant(rs, "occur_time"), instant(rs, "create_time"), instant(rs, "resolve_time"),
          rs.getString("resolving_event"), List.of());
    }
  }

  final class AcknowledgementMapper implements RowMapper<AnomalyRecord.Acknowledgement> {
    @Override
    public AnomalyRecord.Acknowledgement map(ResultSet rs, StatementContext ctx)
        throws SQLException {
      return new AnomalyRecord.Acknowledgement(rs.getObject("request_id", UUID.class),
          rs.getString("anomaly_id"), rs.getString("principal_kind"),
          rs.getString("principal"), rs.getString("organization"), rs.getString("note"),
          instant(rs, "create_time"));
    }
  }

  final class IdleUnitMapper implements RowMapper<IdleUnit> {
    @Override
    public IdleUnit map(ResultSet rs, StatementContext ctx) throws SQLException {
      return new IdleUnit(rs.getString("code"), instant(rs, "last_event_time"),
          rs.getLong("sequence"), rs.getString("type"),
          instant(rs, "event_time"), rs.getString("actor_organization"),
          rs.getString("site_region"), rs.getString("custodian"),
          rs.getString("shipment_destination"), rs.getString("destination_region"));
    }
  }

  final class StepRowMapper implements RowMapper<StepRow> {
    private final Rows.EventMapper events = new Rows.EventMapper();

    @Override
    public StepRow map(ResultSet rs, StatementContext ctx) throws SQLException {
      return new StepRow(events.map(rs, ctx), rs.getDouble("unit_mass_kg"),
          rs.getDouble("children_mass_kg"), rs.getString("site_region"));
    }
  }

  final class FlagMapper implements RowMapper<Flag> {
    @Override
    public Flag map(ResultSet rs, StatementContext ctx) throws SQLException {
      return new Flag(rs.getLong("id"), rs.getString("unit_code"), rs.getString("kind"),
          rs.getString("description"), strings(rs, "events"), strings(rs, "organizations"),
          strings(rs, "region_codes"), instant(rs, "occur_time"));
    }
  }

  final class KindCountMapper implements RowMapper<KindCount> {
    @Override
    public KindCount map(ResultSet rs, StatementContext ctx) throws SQLException {
      return new KindCount(rs.getString("kind"), rs.getLong("count"));
    }
  }
}
