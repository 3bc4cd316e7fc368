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
 * parallel arrays, with only the parts the batch has rows for) and COMMIT together. Every round trip inside the transaction is time the log
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
      "BEGIN;\nSET LOCAL plan_cache_mode = force_custom_plan;\n";
  private static final String READ_CACHED = "BEGIN;\nSET LOCAL plan_cache_mode = auto;\n";
  /**
   * The batch's read, by whether it plans anew (bit 0), reads lots (bit 1) and reads parties
   * (bit 2); the lots and parties are read only for a batch that has some to read.
   */
  private static final String[] READS = new String[8];
  /**
   * The parts of the batch's write, by the name of their SQL file, in the order of
   * {@link #commit}'s parameters.
   */
  private static final String[] WRITE_PARTS = {"appendEvents", "moveUnits", "addLinks",
      "addLots", "addFeeds", "addLotInputs", "flagAnomalies", "rememberRefusals", "addParties"};
  private static final String[] WRITES = new String[1 << WRITE_PARTS.length];
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
    boolean readLots = lotIds.length > 0;
    boolean readParties = partyUnits.length > 0;
    try (PreparedStatement s = c.prepareStatement(read(planAnew, readLots, readParties))) {
      s.setArray(1, c.createArrayOf("uuid", eventIds));
      s.setArray(2, c.createArrayOf("text", unitCodes));
      s.setArray(3, c.createArrayOf("text", unitCodes));
      s.setArray(4, c.createArrayOf("uuid", eventIds));
      int p = 5;
      if (readLots) {
        s.setArray(p++, c.createArrayOf("text", lotIds));
      }
      if (readParties) {
        s.setArray(p, c.createArrayOf("text", partyUnits));
      }
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
      List<RefusalRow> refusals = new ArrayList<>();
      try (ResultSet rs = s.getResultSet()) {
        while (rs.next()) {
          refusals.add(new RefusalRow(rs.getObject(1, UUID.class), null, rs.getBytes(2),
              rs.getString(3), null));
        }
      }
      Set<String> lots = new HashSet<>();
      if (readLots) {
        s.getMoreResults();
        try (ResultSet rs = s.getResultSet()) {
          while (rs.next()) {
            lots.add(rs.getString(1));
          }
        }
      }
      Map<String, Set<String>> parties = new HashMap<>();
      if (readParties) {
        s.getMoreResults();
        try (ResultSet rs = s.getResultSet()) {
          while (rs.next()) {
            parties.computeIfAbsent(rs.getString(1), k -> new HashSet<>()).add(rs.getString(2));
          }
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
    List<Collection<?>> rows = List.of(appended, moved, lineage.links(), lineage.lots(),
        lineage.feeds(), lineage.lotInputs(), anomalies, refusals, parties);
    int present = 0;
    for (int i = 0; i < rows.size(); i++) {
      if (!rows.get(i).isEmpty()) {
        present |= 1 << i;
      }
    }
    Connection c = handle.getConnection();
    try (PreparedStatement s = c.prepareStatement(write(present))) {
      Parameters p = new Parameters(s, c);
      if (!appended.isEmpty()) {
        p.array("uuid", appended, Rows.EventRow::eventId);
        p.array("text", appended, Rows.EventRow::unitCode);
        p.array("int8", appended, Rows.EventRow::sequence);
        p.array("int8", appended, Rows.EventRow::logIndex);
        p.array("text", appended, Rows.EventRow::type);
        p.array("timestamptz", appended, e -> time(e.eventTime()));
        p.array("timestamptz", appended, e -> time(e.recordTime()));
        p.array("text", appended, Rows.EventRow::actorOrganization);
        p.array("text", appended, Rows.EventRow::actorSite);
        p.array("bytea", appended, Rows.EventRow::canonical);
        p.array("bytea", appended, Rows.EventRow::previousHash);
        p.array("bytea", appended, Rows.EventRow::hash);
        p.array("bytea", appended, Rows.EventRow::requestDigest);
        p.array("int8", appended, Rows.EventRow::labelSerial);
        p.array("text", appended, Rows.EventRow::submitterKind);
        p.array("text", appended, Rows.EventRow::submitter);
        p.array("text", appended, Rows.EventRow::submitterCertificateSerial);
      }
      if (!moved.isEmpty()) {
        p.array("text", moved, Rows.UnitRow::code);
        p.array("text", moved, Rows.UnitRow::state);
        p.array("text", moved, Rows.UnitRow::custodian);
        p.array("text", moved, Rows.UnitRow::custodianSite);
        p.array("text", moved, Rows.UnitRow::vin);
        p.array("text", moved, Rows.UnitRow::shipmentDestination);
        p.array("text", moved, Rows.UnitRow::shipmentWaybill);
        p.array("float8", moved, Rows.UnitRow::sohCertifiedEnergyPct);
        p.array("float8", moved, Rows.UnitRow::sohCapacityFadePct);
        p.array("float8", moved, Rows.UnitRow::sohRemainingCapacityAh);
        p.array("float8", moved, Rows.UnitRow::sohRemainingEnergyKwh);
        p.array("float8", moved, Rows.UnitRow::sohPowerFadePct);
        p.array("float8", moved, Rows.UnitRow::sohResistanceIncreasePct);
        p.array("int8", moved, Rows.UnitRow::sohFullCycles);
        p.array("text", moved, Rows.UnitRow::grade);
        p.array("int8", moved, Rows.UnitRow::eventCount);
        p.array("bytea", moved, Rows.UnitRow::headHash);
        p.array("timestamptz", moved, u -> time(u.updateTime()));
        p.array("timestamptz", moved, u -> time(u.lastEventTime()));
        p.array("text", moved, Rows.UnitRow::euStatus);
      }
      if (!lineage.links().isEmpty()) {
        p.array("text", lineage.links(), LinkRow::kind);
        p.array("text", lineage.links(), LinkRow::from);
        p.array("text", lineage.links(), LinkRow::to);
        p.array("uuid", lineage.links(), LinkRow::eventId);
        p.array("timestamptz", lineage.links(), l -> time(l.validFrom()));
      }
      if (!lineage.lots().isEmpty()) {
        p.array("text", lineage.lots(), LotRow::id);
        p.array("text", lineage.lots(), LotRow::product);
        p.array("float8", lineage.lots(), LotRow::massKg);
        for (int e = 0; e < 6; e++) {
          int element = e;
          p.array("float8", lineage.lots(), l -> l.elements()[element]);
        }
        p.array("text", lineage.lots(), LotRow::plantSite);
        p.array("text", lineage.lots(), LotRow::organization);
        p.array("uuid", lineage.lots(), LotRow::eventId);
        p.array("timestamptz", lineage.lots(), l -> time(l.eventTime()));
        p.array("timestamptz", lineage.lots(), l -> time(l.createTime()));
      }
      if (!lineage.feeds().isEmpty()) {
        p.array("uuid", lineage.feeds(), FeedRow::eventId);
        for (int e = 0; e < 6; e++) {
          int element = e;
          p.array("float8", lineage.feeds(), f -> f.elements()[element]);
        }
      }
      if (!lineage.lotInputs().isEmpty()) {
        p.array("text", lineage.lotInputs(), LotInputRow::lotId);
        p.array("text", lineage.lotInputs(), LotInputRow::unitCode);
      }
      if (!anomalies.isEmpty()) {
        p.array("text", anomalies, Anomaly::unitCode);
        p.array("text", anomalies, Anomaly::kind);
        p.array("text", anomalies, Anomaly::description);
        p.array("text", anomalies, a -> String.join(" ", a.events()));
        p.array("timestamptz", anomalies, a -> time(a.createTime()));
      }
      if (!refusals.isEmpty()) {
        p.array("uuid", refusals, RefusalRow::eventId);
        p.array("text", refusals, RefusalRow::unitCode);
        p.array("bytea", refusals, RefusalRow::digest);
        p.array("text", refusals, RefusalRow::refusal);
        p.array("timestamptz", refusals, r -> time(r.createTime()));
      }
      if (!parties.isEmpty()) {
        p.array("text", parties, PartyRow::organization);
        p.array("text", parties, PartyRow::unitCode);
      }
      s.setLong(p.next, nextIndex);
      s.execute();
    } catch (SQLException e) {
      if (ConnectionFailures.isConnectionFailure(e)) {
        // COMMIT travels in this round trip: it may have been applied before the connection broke
        throw new CommitOutcomeUnknownException("the connection broke while committing", e);
      }
      throw new StoreException("appending the batch failed", e);
    }
  }

  /** The batch's read (READS), made once for each of its eight forms. */
  private static String read(boolean planAnew, boolean readLots, boolean readParties) {
    int form = (planAnew ? 1 : 0) | (readLots ? 2 : 0) | (readParties ? 4 : 0);
    String sql = READS[form];
    if (sql == null) {
      sql = (planAnew ? READ_PLANNED : READ_CACHED) + sql("read")
          + (readLots ? ";\n" + sql("readLots") : "")
          + (readParties ? ";\n" + sql("readParties") : "");
      READS[form] = sql;
    }
    return sql;
  }

  /**
   * The batch's write statement and COMMIT for the parts the batch has rows for ({@code present},
   * bit i for {@link #WRITE_PARTS}[i]): each part a data-modifying CTE of the statement that moves
   * the log head. A part without rows is left out, not sent with empty arrays: PostgreSQL would
   * still set up and run its plan. At most 2^9 texts, each made once.
   */
  private static String write(int present) {
    String sql = WRITES[present];
    if (sql == null) {
      StringBuilder b = new StringBuilder();
      for (int i = 0; i < WRITE_PARTS.length; i++) {
        if ((present & 1 << i) != 0) {
          b.append(b.length() == 0 ? "WITH " : ",\n").append(WRITE_PARTS[i]).append(" AS (\n")
              .append(sql(WRITE_PARTS[i])).append(")");
        }
      }
      sql = b.append(b.length() == 0 ? "" : "\n").append(sql("moveLogHead")).append(";\nCOMMIT")
          .toString();
      WRITES[present] = sql;
    }
    return sql;
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

  /** Binds a statement's parameters in order. */
  private static final class Parameters {
    private final PreparedStatement statement;
    private final Connection connection;
    int next = 1;

    Parameters(PreparedStatement statement, Connection connection) {
      this.statement = statement;
      this.connection = connection;
    }

    <T> void array(String type, Collection<T> rows, Function<T, Object> column)
        throws SQLException {
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
      statement.setArray(next++, connection.createArrayOf(type, values));
    }
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
