package io.packtrail.server.store;

import io.packtrail.server.domain.Actor;
import io.packtrail.server.domain.Chemistry;
import io.packtrail.server.domain.EuStatus;
import io.packtrail.server.domain.Event;
import io.packtrail.server.domain.EventChain;
import io.packtrail.server.domain.Grade;
import io.packtrail.server.domain.LifecycleState;
import io.packtrail.server.domain.Organization;
import io.packtrail.server.domain.OrganizationRole;
import io.packtrail.server.domain.Site;
import io.packtrail.server.domain.SiteKind;
import io.packtrail.server.domain.StateOfHealth;
import io.packtrail.server.domain.Unit;
import io.packtrail.server.domain.UnitLevel;
import io.packtrail.server.domain.UnitState;
import java.sql.Array;
import java.sql.Date;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.EnumSet;
import java.util.Set;
import java.util.UUID;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.statement.StatementContext;

/** Rows <-> domain records. Columns are named as in V1__custody_core.sql. */
public final class Rows {
  private Rows() {}

  static String[] names(Set<? extends Enum<?>> values) {
    return values.stream().map(Enum::name).sorted().toArray(String[]::new);
  }

  private static Instant instant(ResultSet rs, String column) throws SQLException {
    Timestamp t = rs.getTimestamp(column);
    return t == null ? null : t.toInstant();
  }

  private static Double nullableDouble(ResultSet rs, String column) throws SQLException {
    double d = rs.getDouble(column);
    return rs.wasNull() ? null : d;
  }

  private static Long nullableLong(ResultSet rs, String column) throws SQLException {
    long l = rs.getLong(column);
    return rs.wasNull() ? null : l;
  }

  private static <E extends Enum<E>> E enumOrNull(Class<E> type, String text) {
    return text == null ? null : Enum.valueOf(type, text);
  }

  private static Set<OrganizationRole> roles(Array array) throws SQLException {
    Set<OrganizationRole> roles = EnumSet.noneOf(OrganizationRole.class);
    for (Object role : (Object[]) array.getArray()) {
      roles.add(OrganizationRole.valueOf((String) role));
    }
    return roles;
  }

  public static final class OrganizationMapper implements RowMapper<Organization> {
    @Override
    public Organization map(ResultSet rs, StatementContext ctx) throws SQLException {
      return new Organization(rs.getString("id"), rs.getString("display_name"),
          roles(rs.getArray("roles")), rs.getString("region_code"),
          rs.getString("manufacturer_code"), instant(rs, "create_time"),
          rs.getString("unified_social_credit_code"), rs.getString("eu_operator_id"));
    }
  }

  public static final class SiteMapper implements RowMapper<Site> {
    @Override
    public Site map(ResultSet rs, StatementContext ctx) throws SQLException {
      return new Site(rs.getString("organization_id"), rs.getString("id"),
          rs.getString("display_name"), SiteKind.valueOf(rs.getString("kind")),
          rs.getString("region_code"), rs.getString("address"), rs.getDouble("latitude"),
          rs.getDouble("longitude"), instant(rs, "create_time"),
          nullableDouble(rs, "annual_capacity_tonnes"));
    }
  }

  public static final class ActorMapper implements RowMapper<Actor> {
    @Override
    public Actor map(ResultSet rs, StatementContext ctx) throws SQLException {
      return new Actor(rs.getString("organization"), rs.getString("site"),
          roles(rs.getArray("roles")), SiteKind.valueOf(rs.getString("site_kind")));
    }
  }

  public static final class UnitStateMapper implements RowMapper<UnitState> {
    @Override
    public UnitState map(ResultSet rs, StatementContext ctx) throws SQLException {
      StateOfHealth soh = new StateOfHealth(
          nullableDouble(rs, "soh_certified_energy_pct"),
          nullableDouble(rs, "soh_capacity_fade_pct"),
          nullableDouble(rs, "soh_remaining_capacity_ah"),
          nullableDouble(rs, "soh_remaining_energy_kwh"),
          nullableDouble(rs, "soh_power_fade_pct"),
          nullableDouble(rs, "soh_resistance_increase_pct"),
          nullableLong(rs, "soh_full_cycles"));
      return new UnitState(rs.getString("code"),
          UnitLevel.valueOf(rs.getString("level")),
          Chemistry.valueOf(rs.getString("chemistry")),
          LifecycleState.valueOf(rs.getString("state")),
          rs.getString("custodian"), rs.getString("custodian_site"), rs.getString("vin"),
          rs.getString("shipment_destination"), rs.getString("shipment_waybill"),
          soh.equals(StateOfHealth.NONE) ? null : soh,
          enumOrNull(Grade.class, rs.getString("grade")),
          rs.getLong("event_count"), rs.getBytes("head_hash"), rs.getDouble("rated_energy_kwh"),
          rs.getDouble("rated_capacity_ah"), instant(rs, "last_event_time"),
          EuStatus.valueOf(rs.getString("eu_status")));
    }
  }

  public static final class UnitMapper implements RowMapper<Unit> {
    private final UnitStateMapper states = new UnitStateMapper();

    @Override
    public Unit map(ResultSet rs, StatementContext ctx) throws SQLException {
      Date produced = rs.getDate("production_date");
      return new Unit(states.map(rs, ctx), rs.getDouble("rated_energy_kwh"),
          rs.getDouble("rated_capacity_ah"), rs.getDouble("nominal_voltage_v"),
          rs.getDouble("mass_kg"), rs.getString("maker"),
          produced == null ? null : produced.toLocalDate(),
          rs.getBoolean("repurposed_code_variant"), instant(rs, "create_time"),
          instant(rs, "update_time"));
    }
  }

  public static final class EventMapper implements RowMapper<Event> {
    @Override
    public Event map(ResultSet rs, StatementContext ctx) throws SQLException {
      return EventChain.fromCanonical(rs.getBytes("canonical"), rs.getBytes("previous_hash"),
          rs.getBytes("hash"), rs.getBytes("request_digest"));
    }
  }

  public static final class AnomalyMapper implements RowMapper<io.packtrail.server.domain.Anomaly> {
    @Override
    public io.packtrail.server.domain.Anomaly map(ResultSet rs, StatementContext ctx)
        throws SQLException {
      return new io.packtrail.server.domain.Anomaly(rs.getString("unit_code"),
          rs.getString("kind"), rs.getString("description"),
          java.util.List.of((String[]) rs.getArray("events").getArray()),
          instant(rs, "create_time"));
    }
  }

  /** A unit row to insert or update, flattened for binding. */
  public record UnitRow(String code, String level, String chemistry, double ratedEnergyKwh,
      double ratedCapacityAh, double nominalVoltageV, double massKg, String maker,
      LocalDate productionDate, boolean repurposedCodeVariant, String state, String custodian,
      String custodianSite, String vin, String shipmentDestination, String shipmentWaybill,
      Double sohCertifiedEnergyPct, Double sohCapacityFadePct, Double sohRemainingCapacityAh,
      Double sohRemainingEnergyKwh, Double sohPowerFadePct, Double sohResistanceIncreasePct,
      Long sohFullCycles, String grade, long eventCount, byte[] headHash, Instant createTime,
      Instant updateTime, Instant lastEventTime, String euStatus) {

    /** A new unit, as registered. */
    public static UnitRow of(Unit unit) {
      return row(unit.current(), unit, unit.createTime(), unit.updateTime());
    }

    /** An existing unit's new state (the update touches only state columns). */
    public static UnitRow moved(UnitState state, Instant updateTime) {
      return row(state, null, null, updateTime);
    }

    private static UnitRow row(UnitState s, Unit unit, Instant createTime, Instant updateTime) {
      StateOfHealth h = s.stateOfHealth() == null ? StateOfHealth.NONE : s.stateOfHealth();
      return new UnitRow(s.code(), s.level().name(), s.chemistry().name(),
          unit == null ? 0 : unit.ratedEnergyKwh(), unit == null ? 0 : unit.ratedCapacityAh(),
          unit == null ? 0 : unit.nominalVoltageV(), unit == null ? 0 : unit.massKg(),
          unit == null ? null : unit.maker(), unit == null ? null : unit.productionDate(),
          unit != null && unit.repurposedCodeVariant(), s.state().name(), s.custodian(),
          s.custodianSite(), s.vin(), s.shipmentDestination(), s.shipmentWaybill(),
          h.stateOfCertifiedEnergyPercent(), h.capacityFadePercent(), h.remainingCapacityAh(),
          h.remainingEnergyKwh(), h.powerFadePercent(), h.internalResistanceIncreasePercent(),
          h.numberOfFullCycles(), s.grade() == null ? null : s.grade().name(), s.eventCount(),
          s.headHash(), createTime, updateTime, s.lastEventTime(),
          (s.euStatus() == null ? EuStatus.ORIGINAL : s.euStatus()).name());
    }
  }

  /** An event row to insert. */
  public record EventRow(UUID eventId, String unitCode, long sequence, long logIndex, String type,
      Instant eventTime, Instant recordTime, String actorOrganization, String actorSite,
      byte[] canonical, byte[] previousHash, byte[] hash, byte[] requestDigest,
      Long labelSerial, String submitterKind, String submitter,
      String submitterCertificateSerial) {

    public static EventRow of(Event e) {
      return of(e, e.submitter());
    }

    /**
     * As {@link #of(Event)} with who submitted it given (what its canonical bytes say, as
     * {@link io.packtrail.server.domain.EventChain} wrote them), so a freshly sealed event is not
     * decoded again to find it.
     */
    public static EventRow of(Event e, io.packtrail.server.domain.Principal submitter) {
      return of(e, submitter == null ? null : new Event.Submitter(submitter.kind().name(),
          submitter.name(), submitter.certificateSerial()));
    }

    private static EventRow of(Event e, Event.Submitter by) {
      return new EventRow(e.eventId(), e.unitCode(), e.sequence(), e.logIndex(), e.type().key(),
          e.eventTime(), e.recordTime(), e.actorOrganization(), e.actorSite(), e.canonicalBytes(),
          e.previousHash(), e.hash(), e.requestDigest(), e.labelSerial(),
          by == null ? null : by.kind(), by == null ? null : by.name(),
          by == null ? null : by.certificateSerial());
    }
  }
}
