package io.packtrail.server.store;

import io.packtrail.server.domain.Anomaly;
import io.packtrail.server.domain.Event;
import io.packtrail.server.domain.UnitState;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import org.jdbi.v3.core.Handle;

/**
 * One ingest batch as one transaction in two round trips: {@link #begin} sends BEGIN, the lock
 * of the log head and the reads together; {@link #commit} sends the writes (one statement over
 * parallel arrays) and COMMIT together. Every round trip inside the transaction is time the log
 * head stays locked, which bounds the whole deployment's write rate. SQL in
 * resources/io/packtrail/server/store/IngestStore/.
 */
public final class IngestStore {
  /**
   * While a table the batch reads has outgrown its statistics, each batch's statements are
   * planned with the tables' sizes of the moment: a connection that kept the plan it made while
   * the tables were small (a new deployment, a benchmark's fresh database, before autovacuum
   * analyses them) read the whole unit table for every batch once it had grown, a sequential
   * scan for a handful of codes. Otherwise PostgreSQL's cached plans are used: planning every
   * statement of every batch was a fifth of PostgreSQL's CPU per step (docs/decisions.md).
   */
  private static final String READ_PLANNED =
      "BEGIN;\nSET LOCAL plan_cache_mode = force_custom_plan;\n" + sql("read");
  private static final String READ_CACHED = "BEGIN;\nSET LOCAL plan_cache_mode = auto;\n"
      + sql("read");
  private static final String WRITE = sql("write") + ";\nCOMMIT";
  private static final String PURGE = sql("purgeRefusals");
  private static final String OUTGROWN = sql("outgrownStatistics");
  /** The tables whose plans the batch's statements depend on. */
  private static final String[] BATCH_TABLES = {
      "event", "unit", "unit_link", "material_lot", "refusal", "unit_party"};

  private final Rows.EventMapper events = new Rows.EventMapper();
  private final Rows.UnitStateMapper units = new Rows.UnitStateMapper();

  /**
   * What a batch starts from: the next log index (now locked), retried events, unit states with
   * their registered mass and maker, the units among them that have a parent, and the material
   * lots among the asked ids that exist.
   */
  public record Snapshot(long nextIndex, List<Event> recorded, List<UnitState> units,
      Map<String, Double> masses, Map<String, String> makers, Set<String> parented,
      Set<String> existingLots, List<RefusalRow> refusals, Map<String, Set<String>> parties) {}

  /**
   * A refusal remembered under an event id: the digest of the refused request and the refusal
   * as {@link io.packtrail.server.domain.Refusal#encode} wrote it.
   */
  public record RefusalRow(UUID eventId, String unitCode, byte[] digest, String refusal,
      Instant createTime) {}

  /** A lineage edge to insert: {@code from} became (part of) {@code to}. */
  public record LinkRow(String kind, String from, String to, UUID eventId, Instant validFrom) {}

  /** A material lot to insert, with the step that made it. */
  public record LotRow(String id, String product, double massKg, double[] elements,
      String plantSite, String organization, UUID eventId, Instant eventTime,
      Instant createTime) {}

  /** A recycling step's assayed feed, keyed by the step's event id. */
  public record FeedRow(UUID eventId, double[] elements) {}

  /** One input unit of one lot. */
  public record LotInputRow(String lotId, String unitCode) {}

  /** An organisation that becomes a party of a unit (docs/decisions.md, access tiers). */
  public record PartyRow(String organization, String unitCode) {}

  /** What multi-unit steps add besides events and units. */
  public record Lineage(List<LinkRow> links, List<LotRow> lots, List<FeedRow> feeds,
      List<LotInputRow> lotInputs) {
    public static final Lineage NONE = new Lineage(List.of(), List.of(), List.of(), List.of());
  }

  /**
   * Opens the batch transaction, locks the log head and reads what the batch needs, in one round
   * trip: the events already recorded under {@code eventIds}, the units, which of {@code lotIds}
   * exist, and the parties of {@code partyUnits} (the units of corrections). With
   * {@code planAnew} the batch's statements are planned for this call instead of reusing
   * PostgreSQL's cached plans ({@link #outgrownStatistics}). The handle must be in auto-commit
   * mode; end with {@link #commit} or {@link #rollback}.
   */
  public Snapshot begin(Handle handle, UUID[] eventIds, String[] unitCodes, String[] lotIds,
      String[] partyUnits, boolean planAnew) {
    Connection c = handle.getConnection();
    try (PreparedStatement s = c.prepareStatement(planAnew ? READ_PLANNED : READ_CACHED)) {
      s.setArray(1, c.createArrayOf("uuid", eventIds));
      s.setArray(2, c.createArrayOf("text", unitCodes));
      s.setArray(3, c.createArrayOf("text", unitCodes));
      s.setArray(4, c.createArrayOf("text", lotIds));
      s.setArray(5, c.createArrayOf("uuid", eventIds));
      s.setArray(6, c.createArrayOf("text", partyUnits));
      s.execute();
      s.getMoreResults(); // past BEGIN
      s.getMoreResults(); // past SET LOCAL
      long next;
      try (ResultSet rs = s.getResultSet()) {
        if (!rs.next()) {
          throw new IllegalStateException("log_head row is missing");
        }
        next = rs.getLong(1);
      }
      s.getMoreResults();
      List<Event> recorded = new ArrayList<>();
      try (ResultSet rs = s.getResultSet()) {
        while (rs.next()) {
          recorded.add(events.map(rs, null));
        }
      }
      s.getMoreResults();
      List<UnitState> states = new ArrayList<>();
      Map<String, Double> masses = new HashMap<>();
      Map<String, String> makers = new HashMap<>();
      try (ResultSet rs = s.getResultSet()) {
        while (rs.next()) {
          UnitState unit = units.map(rs, null);
          states.add(unit);
          masses.put(unit.code(), rs.getDouble("mass_kg"));
          makers.put(unit.code(), rs.getString("maker"));
        }
      }
      s.getMoreResults();
      Set<String> parented = new HashSet<>();
      try (ResultSet rs = s.getResultSet()) {
        while (rs.next()) {
          parented.add(rs.getString(1));
        }
      }
      s.getMoreResults();
      Set<String> lots = new HashSet<>();
      try (ResultSet rs = s.getResultSet()) {
        while (rs.next()) {
          lots.add(rs.getString(1));
        }
      }
      s.getMoreResults();
      List<RefusalRow> refusals = new ArrayList<>();
      try (ResultSet rs = s.getResultSet()) {
        while (rs.next()) {
          refusals.add(new RefusalRow(rs.getObject(1, UUID.class), null, rs.getBytes(2),
              rs.getString(3), null));
        }
      }
      s.getMoreResults();
      Map<String, Set<String>> parties = new HashMap<>();
      try (ResultSet rs = s.getResultSet()) {
        while (rs.next()) {
          parties.computeIfAbsent(rs.getString(1), k -> new HashSet<>()).add(rs.getString(2));
        }
      }
      return new Snapshot(next, recorded, states, masses, makers, parented, lots, refusals,
          parties);
    } catch (SQLException e) {
      throw new StoreException("reading the batch's units and events failed", e);
    }
  }

  /**
   * Inserts the newly registered units, then appends the events, moves the units and the log
   * head and commits, the last three in one round trip.
   */
  public void commit(Handle handle, Collection<Rows.UnitRow> registered,
      Collection<Rows.EventRow> appended, Collection<Rows.UnitRow> moved, long nextIndex) {
    commit(handle, registered, appended, moved, Lineage.NONE, List.of(), List.of(), List.of(),
        nextIndex);
  }

  /**
   * As above, also inserting the lineage links and material lots of multi-unit steps, the
   * anomalies flagged on the appended events, the refusals to remember and the units' new
   * parties (already parties are left as they are).
   */
  public void commit(Handle handle, Collection<Rows.UnitRow> registered,
      Collection<Rows.EventRow> appended, Collection<Rows.UnitRow> moved, Lineage lineage,
      Collection<Anomaly> anomalies, Collection<RefusalRow> refusals,
      Collection<PartyRow> parties, long nextIndex) {
    if (!registered.isEmpty()) {
      // their events refer to them
      handle.attach(UnitDao.class).insert(registered);
    }
    Connection c = handle.getConnection();
    try (PreparedStatement s = c.prepareStatement(WRITE)) {
      int p = 1;
      p = array(s, p, c, "uuid", appended, Rows.EventRow::eventId);
      p = array(s, p, c, "text", appended, Rows.EventRow::unitCode);
      p = array(s, p, c, "int8", appended, Rows.EventRow::sequence);
      p = array(s, p, c, "int8", appended, Rows.EventRow::logIndex);
      p = array(s, p, c, "text", appended, Rows.EventRow::type);
      p = array(s, p, c, "timestamptz", appended, e -> time(e.eventTime()));
      p = array(s, p, c, "timestamptz", appended, e -> time(e.recordTime()));
      p = array(s, p, c, "text", appended, Rows.EventRow::actorOrganization);
      p = array(s, p, c, "text", appended, Rows.EventRow::actorSite);
      p = array(s, p, c, "bytea", appended, Rows.EventRow::canonical);
      p = array(s, p, c, "bytea", appended, Rows.EventRow::previousHash);
      p = array(s, p, c, "bytea", appended, Rows.EventRow::hash);
      p = array(s, p, c, "bytea", appended, Rows.EventRow::requestDigest);
      p = array(s, p, c, "int8", appended, Rows.EventRow::labelSerial);
      p = array(s, p, c, "text", appended, Rows.EventRow::submitterKind);
      p = array(s, p, c, "text", appended, Rows.EventRow::submitter);
      p = array(s, p, c, "text", appended, Rows.EventRow::submitterCertificateSerial);

      p = array(s, p, c, "text", moved, Rows.UnitRow::code);
      p = array(s, p, c, "text", moved, Rows.UnitRow::state);
      p = array(s, p, c, "text", moved, Rows.UnitRow::custodian);
      p = array(s, p, c, "text", moved, Rows.UnitRow::custodianSite);
      p = array(s, p, c, "text", moved, Rows.UnitRow::vin);
      p = array(s, p, c, "text", moved, Rows.UnitRow::shipmentDestination);
      p = array(s, p, c, "text", moved, Rows.UnitRow::shipmentWaybill);
      p = array(s, p, c, "float8", moved, Rows.UnitRow::sohCertifiedEnergyPct);
      p = array(s, p, c, "float8", moved, Rows.UnitRow::sohCapacityFadePct);
      p = array(s, p, c, "float8", moved, Rows.UnitRow::sohRemainingCapacityAh);
      p = array(s, p, c, "float8", moved, Rows.UnitRow::sohRemainingEnergyKwh);
      p = array(s, p, c, "float8", moved, Rows.UnitRow::sohPowerFadePct);
      p = array(s, p, c, "float8", moved, Rows.UnitRow::sohResistanceIncreasePct);
      p = array(s, p, c, "int8", moved, Rows.UnitRow::sohFullCycles);
      p = array(s, p, c, "text", moved, Rows.UnitRow::grade);
      p = array(s, p, c, "int8", moved, Rows.UnitRow::eventCount);
      p = array(s, p, c, "bytea", moved, Rows.UnitRow::headHash);
      p = array(s, p, c, "timestamptz", moved, u -> time(u.updateTime()));
      p = array(s, p, c, "timestamptz", moved, u -> time(u.lastEventTime()));
      p = array(s, p, c, "text", moved, Rows.UnitRow::euStatus);
      p = array(s, p, c, "text", lineage.links(), LinkRow::kind);
      p = array(s, p, c, "text", lineage.links(), LinkRow::from);
      p = array(s, p, c, "text", lineage.links(), LinkRow::to);
      p = array(s, p, c, "uuid", lineage.links(), LinkRow::eventId);
      p = array(s, p, c, "timestamptz", lineage.links(), l -> time(l.validFrom()));

      p = array(s, p, c, "text", lineage.lots(), LotRow::id);
      p = array(s, p, c, "text", lineage.lots(), LotRow::product);
      p = array(s, p, c, "float8", lineage.lots(), LotRow::massKg);
      for (int e = 0; e < 6; e++) {
        int element = e;
        p = array(s, p, c, "float8", lineage.lots(), l -> l.elements()[element]);
      }
      p = array(s, p, c, "text", lineage.lots(), LotRow::plantSite);
      p = array(s, p, c, "text", lineage.lots(), LotRow::organization);
      p = array(s, p, c, "uuid", lineage.lots(), LotRow::eventId);
      p = array(s, p, c, "timestamptz", lineage.lots(), l -> time(l.eventTime()));
      p = array(s, p, c, "timestamptz", lineage.lots(), l -> time(l.createTime()));

      p = array(s, p, c, "uuid", lineage.feeds(), FeedRow::eventId);
      for (int e = 0; e < 6; e++) {
        int element = e;
        p = array(s, p, c, "float8", lineage.feeds(), f -> f.elements()[element]);
      }
      p = array(s, p, c, "text", lineage.lotInputs(), LotInputRow::lotId);
      p = array(s, p, c, "text", lineage.lotInputs(), LotInputRow::unitCode);
      p = array(s, p, c, "text", anomalies, Anomaly::unitCode);
      p = array(s, p, c, "text", anomalies, Anomaly::kind);
      p = array(s, p, c, "text", anomalies, Anomaly::description);
      p = array(s, p, c, "text", anomalies, a -> String.join(" ", a.events()));
      p = array(s, p, c, "timestamptz", anomalies, a -> time(a.createTime()));
      p = array(s, p, c, "uuid", refusals, RefusalRow::eventId);
      p = array(s, p, c, "text", refusals, RefusalRow::unitCode);
      p = array(s, p, c, "bytea", refusals, RefusalRow::digest);
      p = array(s, p, c, "text", refusals, RefusalRow::refusal);
      p = array(s, p, c, "timestamptz", refusals, r -> time(r.createTime()));
      p = array(s, p, c, "text", parties, PartyRow::organization);
      p = array(s, p, c, "text", parties, PartyRow::unitCode);
      s.setLong(p, nextIndex);
      s.execute();
    } catch (SQLException e) {
      if (ConnectionFailures.isConnectionFailure(e)) {
        // COMMIT travels in this round trip: it may have been applied before the connection broke
        throw new CommitOutcomeUnknownException("the connection broke while committing", e);
      }
      throw new StoreException("appending the batch failed", e);
    }
  }

  /**
   * Forgets the refusals remembered before {@code before}, outside any batch; returns how many.
   */
  public int purgeRefusals(Handle handle, Instant before) {
    try (PreparedStatement s = handle.getConnection().prepareStatement(PURGE)) {
      s.setTimestamp(1, Timestamp.from(before));
      return s.executeUpdate();
    } catch (SQLException e) {
      throw new StoreException("forgetting old refusals failed", e);
    }
  }

  /**
   * The batch's tables that have outgrown their statistics (never analysed and past a few pages,
   * or more than twice as large as at their last analysis), by name; none when the plans
   * PostgreSQL caches can be trusted.
   */
  public List<String> outgrownStatistics(Handle handle) {
    return handle.createQuery(OUTGROWN).bindArray(0, String.class, (Object[]) BATCH_TABLES)
        .mapTo(String.class).list();
  }

  /** Ends the batch transaction without writing. */
  public void rollback(Handle handle) {
    try (java.sql.Statement s = handle.getConnection().createStatement()) {
      s.execute("ROLLBACK");
    } catch (SQLException e) {
      throw new StoreException("rolling back the batch failed", e);
    }
  }

  /**
   * A time for a timestamptz array element, as ISO-8601 in UTC ({@link Instant#toString}): the
   * same instant {@code Timestamp.from} gave, without its local-time formatting through a
   * calendar for every element of every batch (a large share of the sequencer's allocation).
   */
  private static String time(Instant instant) {
    return instant == null ? null : instant.toString();
  }

  private static <T> int array(PreparedStatement s, int index, Connection c, String type,
      Collection<T> rows, Function<T, Object> column) throws SQLException {
    // arrays typed as their SQL type travel in PostgreSQL's binary format (pgjdbc encodes
    // byte[][], String[], Long[] and Double[] so), not as text literals that the driver
    // escapes element by element and the server parses back; time and uuid stay text
    Object[] values = switch (type) {
      case "bytea" -> new byte[rows.size()][];
      case "text" -> new String[rows.size()];
      case "int8" -> new Long[rows.size()];
      case "float8" -> new Double[rows.size()];
      default -> new Object[rows.size()];
    };
    int i = 0;
    for (T row : rows) {
      values[i++] = column.apply(row);
    }
    s.setArray(index, c.createArrayOf(type, values));
    return index + 1;
  }

  private static String sql(String name) {
    String path = "/io/packtrail/server/store/IngestStore/" + name + ".sql";
    try (InputStream in = IngestStore.class.getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalStateException("missing " + path);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
