package io.packtrail.server.store;

import io.packtrail.server.domain.DeadlineItems;
import io.packtrail.server.domain.DeadlineTables;
import io.packtrail.server.domain.OrganizationRole;
import io.packtrail.server.domain.StepType;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.statement.StatementContext;
import org.jdbi.v3.sqlobject.config.RegisterRowMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.customizer.BindMethods;
import org.jdbi.v3.sqlobject.locator.UseClasspathSqlLocator;
import org.jdbi.v3.sqlobject.statement.SqlQuery;

/**
 * The candidates of the reporting-deadline checks (docs/deadlines.md): a calendar-day bound in
 * SQL narrows them, {@code ReportingDeadlines} judges them exactly with the working calendar.
 */
@UseClasspathSqlLocator
public interface ComplianceDao {
  @SqlQuery("lateCandidates")
  @RegisterRowMapper(StepMapper.class)
  List<DeadlineItems.StepRecord> lateCandidates(@Bind("types") String[] types,
      @Bind("prefix") String prefix, @Bind("organization") String organization,
      @Bind("startTime") Instant start, @Bind("endTime") Instant end,
      @Bind("reportingStart") Instant reportingStart, @Bind("minDays") int minDays,
      @Bind("after") long after, @Bind("ids") long[] ids, @Bind("limit") int limit);

  @SqlQuery("expectingCandidates")
  @RegisterRowMapper(ExpectingMapper.class)
  List<DeadlineItems.ExpectingStep> expectingCandidates(@Bind("prefix") String prefix,
      @Bind("organization") String organization, @Bind("startTime") Instant start,
      @Bind("endTime") Instant end, @Bind("reportingStart") Instant reportingStart,
      @Bind("asOf") Instant asOf, @Bind("openOnly") boolean openOnly,
      @Bind("minDays") int minDays, @Bind("after") long after, @Bind("ids") long[] ids,
      @Bind("limit") int limit);

  /** Every organisation's name and roles. */
  @SqlQuery("organizationRoles")
  @RegisterRowMapper(RolesMapper.class)
  List<Map.Entry<String, Set<OrganizationRole>>> organizationRoles();

  /** The first and last event time of the period (both null when it has no event). */
  @SqlQuery("eventTimeBounds")
  @RegisterRowMapper(BoundsMapper.class)
  Bounds eventTimeBounds(@Bind("startTime") Instant start, @Bind("endTime") Instant end,
      @Bind("reportingStart") Instant reportingStart);

  /**
   * A summary statement's rows: per organisation two counts (late and 0, or overdue open and
   * recorded late), then the first log indexes (organisation null).
   */
  record CountRow(String organization, long first, long second, Long logIndex) {}

  @SqlQuery("lateCounts")
  @RegisterRowMapper(CountMapper.class)
  List<CountRow> lateCounts(@BindMethods DeadlineTables t, @Bind("prefix") String prefix,
      @Bind("organization") String organization, @Bind("startTime") Instant start,
      @Bind("endTime") Instant end, @Bind("reportingStart") Instant reportingStart,
      @Bind("first") int first);

  @SqlQuery("overdueCounts")
  @RegisterRowMapper(CountMapper.class)
  List<CountRow> overdueCounts(@BindMethods DeadlineTables t, @Bind("prefix") String prefix,
      @Bind("organization") String organization, @Bind("startTime") Instant start,
      @Bind("endTime") Instant end, @Bind("reportingStart") Instant reportingStart,
      @Bind("asOf") Instant asOf, @Bind("first") int first);

  final class RolesMapper implements RowMapper<Map.Entry<String, Set<OrganizationRole>>> {
    @Override
    public Map.Entry<String, Set<OrganizationRole>> map(ResultSet rs, StatementContext ctx)
        throws SQLException {
      return Map.entry(rs.getString("name"), roles(rs.getArray("roles")));
    }
  }

  /** The first and last event time of a period. */
  record Bounds(Instant first, Instant last) {}

  final class BoundsMapper implements RowMapper<Bounds> {
    @Override
    public Bounds map(ResultSet rs, StatementContext ctx) throws SQLException {
      return new Bounds(instant(rs, "first_time"), instant(rs, "last_time"));
    }
  }

  final class CountMapper implements RowMapper<CountRow> {
    @Override
    public CountRow map(ResultSet rs, StatementContext ctx) throws SQLException {
      long index = rs.getLong("log_index");
      Long logIndex = rs.wasNull() ? null : index;
      return new CountRow(rs.getString("organization"), rs.getLong(2), rs.getLong(3), logIndex);
    }
  }

  private static Set<OrganizationRole> roles(Array array) throws SQLException {
    Set<OrganizationRole> roles = EnumSet.noneOf(OrganizationRole.class);
    for (Object role : (Object[]) array.getArray()) {
      roles.add(OrganizationRole.valueOf((String) role));
    }
    return roles;
  }

  private static Instant instant(ResultSet rs, String column) throws SQLException {
    Timestamp t = rs.getTimestamp(column);
    return t == null ? null : t.toInstant();
  }

  private static DeadlineItems.StepRecord step(ResultSet rs) throws SQLException {
    return new DeadlineItems.StepRecord(rs.getLong("log_index"), rs.getString("unit_code"),
        rs.getLong("sequence"), StepType.fromKey(rs.getString("type")),
        instant(rs, "event_time"), instant(rs, "record_time"), rs.getString("organization"),
        roles(rs.getArray("roles")), rs.getString("site"), rs.getString("region_code"));
  }

  final class StepMapper implements RowMapper<DeadlineItems.StepRecord> {
    @Override
    public DeadlineItems.StepRecord map(ResultSet rs, StatementContext ctx) throws SQLException {
      return step(rs);
    }
  }

  final class ExpectingMapper implements RowMapper<DeadlineItems.ExpectingStep> {
    @Override
    public DeadlineItems.ExpectingStep map(ResultSet rs, StatementContext ctx)
        throws SQLException {
      long next = rs.getLong("next_sequence");
      boolean none = rs.wasNull();
      return new DeadlineItems.ExpectingStep(step(rs), rs.getString("party_organization"),
          roles(rs.getArray("party_roles")), rs.getString("party_site"),
          rs.getString("party_region_code"), none ? null : next,
          none ? null : StepType.fromKey(rs.getString("next_type")),
          instant(rs, "next_record_time"));
    }
  }
}
