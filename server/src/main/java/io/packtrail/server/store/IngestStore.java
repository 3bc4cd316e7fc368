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
 * parallel arrays, with only the parts the batch has rows for) and COMMIT together. Every round
 * trip inside the transaction is time the log head stays locked, which bounds the whole
 * deployment's write rate. SQL in resources/io/packtrail/server/store/IngestStore/.
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
  /** The batch's write for each set of parts present (bit i: the i-th part of #commit). */
  private static final String[] WRITES = new String[1 << 9];
  private static final List<Column<Rows.EventRow>> EVENT_COLUMNS = List.of(
      column("uuid", Rows.EventRow::eventId), column("text", Rows.EventRow::unitCode),
      column("int8", Rows.EventRow::sequence), column("int8", Rows.EventRow::logIndex),
      column("text", Rows.EventRow::type),
      column("timestamptz", e -> time(e.eventTime())),
      column("timestamptz", e -> time(e.recordTime())),
      column("text", Rows.EventRow::actorOrganization), column("text", Rows.EventRow::actorSite),
      column("bytea", Rows.EventRow::canonical), column("bytea", Rows.EventRow::previousHash),
      column("bytea", Rows.EventRow::hash), column("bytea", Rows.EventRow::requestDigest),
      column("int8", Rows.EventRow::labelSerial), column("text", Rows.EventRow::submitterKind),
      column("text", Rows.EventRow::submitter),
      column("text", Rows.EventRow::submitterCertificateSerial));
  private static final List<Column<Rows.UnitRow>> UNIT_COLUMNS = List.of(
      column("text", Rows.UnitRow::code), column("text", Rows.UnitRow::state),
      column("text", Rows.UnitRow::custodian), column("text", Rows.UnitRow::custodianSite),
      column("text", Rows.UnitRow::vin), column("text", Rows.UnitRow::shipmentDestination),
      column("text", Rows.UnitRow::shipmentWaybill),
      column("float8", Rows.UnitRow::sohCertifiedEnergyPct),
      column("float8", Rows.UnitRow::sohCapacityFadePct),
      column("float8", Rows.UnitRow::sohRemainingCapacityAh),
      column("float8", Rows.UnitRow::sohRemainingEnergyKwh),
      column("float8", Rows.UnitRow::sohPowerFadePct),
      column("float8", Rows.UnitRow::sohResistanceIncreasePct),
      column("int8", Rows.UnitRow::sohFullCycles), column("text", Rows.UnitRow::grade),
      column("int8", Rows.UnitRow::eventCount), column("bytea", Rows.UnitRow::headHash),
      column("timestamptz", u -> time(u.updateTime())),
      column("timestamptz", u -> time(u.lastEventTime())),
      column("text", Rows.UnitRow::euStatus));
  private static final List<Column<LinkRow>> LINK_COLUMNS = List.of(
      column("text", LinkRow::kind), column("text", LinkRow::from), column("text", LinkRow::to),
      column("uuid", LinkRow::eventId), column("timestamptz", l -> time(l.validFrom())));
  private static final List<Column<LotRow>> LOT_COLUMNS = concat(
      List.of(column("text", LotRow::id), column("text", LotRow::product),
          column("float8", LotRow::massKg)),
      elementColumns(LotRow::elements),
      List.of(column("text", LotRow::plantSite), column("text", LotRow::organization),
          column("uuid", LotRow::eventId), column("timestamptz", l -> time(l.eventTime())),
          column("timestamptz", l -> time(l.createTime()))));
  private static final List<Column<FeedRow>> FEED_COLUMNS = concat(
      List.of(column("uuid", FeedRow::eventId)), elementColumns(FeedRow::elements), List.of());
  private static final List<Column<LotInputRow>> LOT_INPUT_COLUMNS = List.of(
      column("text", LotInputRow::lotId), column("text", LotInputRow::unitCode));
  private static final List<Column<Anomaly>> ANOMALY_COLUMNS = List.of(
      column("text", Anomaly::unitCode), column("text", Anomaly::kind),
      column("text", Anomaly::description), column("text", a -> String.join(" ", a.events())),
      column("timestamptz", a -> time(a.createTime())));
  private static final List<Column<RefusalRow>> REFUSAL_COLUMNS = List.of(
      column("uuid", RefusalRow::eventId), column("text", RefusalRow::unitCode),
      column("bytea", RefusalRow::digest), column("text", RefusalRow::refusal),
      column("timestamptz", r -> time(r.createTime())));
  private static final List<Column<PartyRow>> PARTY_COLUMNS = List.of(
      column("text", PartyRow::organization), column("text", PartyRow::unitCode));
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
    // in the order of the statement's CTEs and of its parameters
    List<Part<?>> parts = List.of(new Part<>("appendEvents", appended, EVENT_COLUMNS),
        new Part<>("moveUnits", moved, UNIT_COLUMNS),
        new Part<>("addLinks", lineage.links(), LINK_COLUMNS),
        new Part<>("addLots", lineage.lots(), LOT_COLUMNS),
        new Part<>("addFeeds", lineage.feeds(), FEED_COLUMNS),
        new Part<>("addLotInputs", lineage.lotInputs(), LOT_INPUT_COLUMNS),
        new Part<>("flagAnomalies", anomalies, ANOMALY_COLUMNS),
        new Part<>("rememberRefusals", refusals, REFUSAL_COLUMNS),
        new Part<>("addParties", parties, PARTY_COLUMNS));
    Connection c = handle.getConnection();
    try (PreparedStatement s = c.prepareStatement(write(parts))) {
      Parameters p = new Parameters(s, c);
      for (Part<?> part : parts) {
        part.bind(p);
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
   * The batch's write statement and COMMIT for the parts that have rows: each part a
   * data-modifying CTE of the statement that moves the log head. A part without rows is left
   * out, not sent with empty arrays: PostgreSQL would still set up and run its plan. The parts
   * come in a fixed order, so a text is made once for each set of parts present (at most 2^9).
   */
  private static String write(List<Part<?>> parts) {
    int present = 0;
    for (int i = 0; i < parts.size(); i++) {
      if (parts.get(i).present()) {
        present |= 1 << i;
      }
    }
    String sql = WRITES[present];
    if (sql == null) {
      StringBuilder b = new StringBuilder();
      for (Part<?> part : parts) {
        if (part.present()) {
          b.append(b.length() == 0 ? "WITH " : ",\n").append(part.name()).append(" AS (\n")
              .append(sql(part.name())).append(")");
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

  /** A column of a part's rows: its SQL array type and its value in each row. */
  private record Column<T>(String type, Function<T, Object> value) {}

  private static <T> Column<T> column(String type, Function<T, Object> value) {
    return new Column<>(type, value);
  }

  /** The six element masses (Li, Ni, Co, Mn, Cu, Al) of a lot or a feed, a column each. */
  private static <T> List<Column<T>> elementColumns(Function<T, double[]> elements) {
    List<Column<T>> columns = new ArrayList<>();
    for (int e = 0; e < 6; e++) {
      int element = e;
      columns.add(column("float8", row -> elements.apply(row)[element]));
    }
    return columns;
  }

  @SafeVarargs
  private static <T> List<Column<T>> concat(List<Column<T>>... lists) {
    List<Column<T>> all = new ArrayList<>();
    for (List<Column<T>> l : lists) {
      all.addAll(l);
    }
    return List.copyOf(all);
  }

  /** One part of the batch's write: its SQL file's name, its rows and their columns. */
  private record Part<T>(String name, Collection<T> rows, List<Column<T>> columns) {
    boolean present() {
      return !rows.isEmpty();
    }

    void bind(Parameters p) throws SQLException {
      if (present()) {
        for (Column<T> column : columns) {
          p.array(column.type(), rows, column.value());
        }
      }
    }
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
