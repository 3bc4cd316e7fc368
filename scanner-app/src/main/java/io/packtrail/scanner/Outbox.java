package io.packtrail.scanner;

import com.google.protobuf.InvalidProtocolBufferException;
import io.packtrail.v1.RecordEventRequest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The durable queue of steps recorded on this device, in the order they were scanned. A step is
 * saved with its event id and event time fixed at scan time (and signed, see {@link StepSigner})
 * before the worker is told "saved"; it is sent later, as often as needed, always with the same
 * bytes, so the server's idempotency on the event id makes delivery exactly once in effect.
 *
 * <p>Life of an entry: PENDING (waits to be sent) -> SENT (the server recorded it), or REFUSED
 * (the server said why; kept until the worker discards it, DISCARDED, or corrects it, CORRECTED,
 * whose replacement takes the refused entry's place in the order).
 */
final class Outbox {
  enum Status { PENDING, SENT, REFUSED, DISCARDED, CORRECTED }

  /** One saved step. */
  record Entry(long id, long position, String eventId, String unitCode, String step,
      RecordEventRequest request, Instant scannedAt, Status status, String errorCode,
      String errorMessage, String eventName, Long replacedBy, int attempts, String refusal) {
    /** Every unit the step touches: its own, then a dismantling's children (and the like). */
    Set<String> units() {
      return touchedUnits(request);
    }
  }

  /**
   * The units a step request touches: the unit it is recorded against, and the other units a
   * step of several names (children, a replacement, sources, other inputs), whose later steps
   * must not go before it either.
   */
  static Set<String> touchedUnits(RecordEventRequest r) {
    Set<String> units = new LinkedHashSet<>();
    units.add(unitCode(r.getUnit()));
    switch (r.getStepCase()) {
      case DISMANTLING -> r.getDismantling().getChildrenList()
          .forEach(c -> units.add(unitCode(c.getCode())));
      case TRADE_IN -> units.add(unitCode(r.getTradeIn().getReplacement()));
      case ASSEMBLY -> r.getAssembly().getSourcesList().forEach(u -> units.add(unitCode(u)));
      case RECYCLING -> r.getRecycling().getOtherInputsList()
          .forEach(u -> units.add(unitCode(u)));
      default -> { }
    }
    return units;
  }

  private final LocalDb db;
  private final StepSigner signer;

  Outbox(LocalDb db, StepSigner signer) {
    this.db = db;
    this.signer = signer;
  }

  /**
   * Signs and saves a step at the end of the queue; returns when it is on disk. The request
   * carries its final event id and event time.
   */
  Entry save(String step, RecordEventRequest request) throws SQLException {
    return save(step, request, c -> null);
  }

  /** As {@link #save(String, RecordEventRequest)}, with {@code also} in the same transaction. */
  Entry save(String step, RecordEventRequest request, LocalDb.SqlWork<?> also)
      throws SQLException {
    RecordEventRequest signed = signer.sign(request);
    return db.inTransaction(c -> {
      Entry saved = insert(c, step, signed, nextPosition(c));
      also.run(c);
      return saved;
    });
  }

  /**
   * Saves {@code replacement} (a new event id) in the place of the refused entry {@code id},
   * which becomes CORRECTED; one transaction.
   */
  Entry saveCorrection(long id, String step, RecordEventRequest replacement) throws SQLException {
    RecordEventRequest signed = signer.sign(replacement);
    return db.inTransaction(c -> {
      Entry original = find(c, id).orElseThrow(() -> new IllegalArgumentException(
          "there is no step #" + id + " in the outbox"));
      if (original.status() != Status.REFUSED) {
        throw new IllegalArgumentException("step #" + id + " is " + words(original.status())
            + "; only a refused step can be corrected");
      }
      Entry saved = insert(c, step, signed, original.position());
      try (PreparedStatement p = c.prepareStatement(
          "UPDATE steps SET status = 'CORRECTED', replaced_by = ?, updated_at = ? WHERE id = ?")) {
        p.setLong(1, saved.id());
        p.setLong(2, System.currentTimeMillis());
        p.setLong(3, id);
        p.executeUpdate();
      }
      return saved;
    });
  }

  /** Discards a refused step: it stays in the outbox's history but is never sent. */
  Entry discard(long id) throws SQLException {
    return db.inTransaction(c -> {
      Entry e = find(c, id).orElseThrow(() -> new IllegalArgumentException(
          "there is no step #" + id + " in the outbox"));
      if (e.status() != Status.REFUSED) {
        throw new IllegalArgumentException("step #" + id + " is " + words(e.status())
            + "; only a refused step can be discarded"
            + (e.status() == Status.PENDING ? " (a waiting step may already have reached the "
                + "server; run 'sync' to learn what the server says)" : ""));
      }
      setStatus(c, id, Status.DISCARDED);
      return find(c, id).orElseThrow();
    });
  }

  /** The server recorded these entries: each id with the name of its event. */
  void markSent(List<Long> ids, List<String> eventNames) throws SQLException {
    db.inTransaction(c -> {
      try (PreparedStatement p = c.prepareStatement("UPDATE steps SET status = 'SENT', "
          + "event_name = ?, error_code = NULL, error_message = NULL, attempts = attempts + 1, "
          + "updated_at = ? WHERE id = ? AND status = 'PENDING'")) {
        for (int i = 0; i < ids.size(); i++) {
          p.setString(1, eventNames.get(i));
          p.setLong(2, System.currentTimeMillis());
          p.setLong(3, ids.get(i));
          p.addBatch();
        }
        p.executeBatch();
      }
      return null;
    });
  }

  /**
   * The server refused the entry: kept with its reason until discarded or corrected.
   * {@code refusal} is the kind of refusal when the scanner has words for it (see
   * {@link Refusals}), else null.
   */
  void markRefused(long id, String code, String message, String refusal) throws SQLException {
    db.inTransaction(c -> {
      try (PreparedStatement p = c.prepareStatement("UPDATE steps SET status = 'REFUSED', "
          + "error_code = ?, error_message = ?, refusal = ?, attempts = attempts + 1, "
          + "updated_at = ? WHERE id = ? AND status = 'PENDING'")) {
        p.setString(1, code);
        p.setString(2, message);
        p.setString(3, refusal);
        p.setLong(4, System.currentTimeMillis());
        p.setLong(5, id);
        p.executeUpdate();
      }
      return null;
    });
  }

  /** A send failed for a passing reason (network, overload): the entries stay PENDING. */
  void markAttempted(List<Long> ids, String code, String message) throws SQLException {
    db.inTransaction(c -> {
      try (PreparedStatement p = c.prepareStatement("UPDATE steps SET attempts = attempts + 1, "
          + "error_code = ?, error_message = ?, updated_at = ? WHERE id = ? "
          + "AND status = 'PENDING'")) {
        for (long id : ids) {
          p.setString(1, code);
          p.setString(2, message);
          p.setLong(3, System.currentTimeMillis());
          p.setLong(4, id);
          p.addBatch();
        }
        p.executeBatch();
      }
      return null;
    });
  }

  /** Waiting entries after (position, id), in order. */
  List<Entry> pendingAfter(long position, long id, int limit) throws SQLException {
    return db.read(c -> query(c, "SELECT * FROM steps WHERE status = 'PENDING' AND "
        + "(position > ? OR (position = ? AND id > ?)) ORDER BY position, id LIMIT ?",
        position, position, id, limit));
  }

  /**
   * Units a refused entry touches: their later steps wait until it is discarded or corrected.
   */
  Set<String> unitsWithRefusals() throws SQLException {
    return db.read(c -> {
      Set<String> units = new LinkedHashSet<>();
      try (PreparedStatement p = c.prepareStatement(
          "SELECT unit, request FROM steps WHERE status = 'REFUSED'");
          ResultSet rs = p.executeQuery()) {
        while (rs.next()) {
          units.add(rs.getString(1));
          try {
            units.addAll(touchedUnits(RecordEventRequest.parseFrom(rs.getBytes(2))));
          } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            throw new SQLException("a stored step of " + rs.getString(1) + " does not parse", e);
          }
        }
      }
      return units;
    });
  }

  List<Entry> withStatus(Status status, int limit) throws SQLException {
    return db.read(c -> query(c, "SELECT * FROM steps WHERE status = ? ORDER BY position, id "
        + "LIMIT ?", status.name(), limit));
  }

  /** The entries of a unit that have not reached the server yet (pending or refused). */
  List<Entry> unsentOf(String unitCode) throws SQLException {
    return db.read(c -> query(c, "SELECT * FROM steps WHERE unit = ? AND status IN "
        + "('PENDING', 'REFUSED') ORDER BY position, id", unitCode));
  }

  List<Entry> all(int limit) throws SQLException {
    return db.read(c -> query(c, "SELECT * FROM steps ORDER BY position, id LIMIT ?", limit));
  }

  long count(Status status) throws SQLException {
    return db.read(c -> {
      try (PreparedStatement p = c.prepareStatement(
          "SELECT COUNT(*) FROM steps WHERE status = ?")) {
        p.setString(1, status.name());
        try (ResultSet rs = p.executeQuery()) {
          rs.next();
          return rs.getLong(1);
        }
      }
    });
  }

  Optional<Entry> find(long id) throws SQLException {
    return db.read(c -> find(c, id));
  }

  /** How a status reads to a worker. */
  static String words(Status status) {
    return switch (status) {
      case PENDING -> "waiting to be sent";
      case SENT -> "recorded by the server";
      case REFUSED -> "refused by the server";
      case DISCARDED -> "discarded";
      case CORRECTED -> "replaced by a correction";
    };
  }

  // ---- rows ----

  private static long nextPosition(Connection c) throws SQLException {
    try (PreparedStatement p = c.prepareStatement("SELECT COALESCE(MAX(position), 0) + 1 "
        + "FROM steps"); ResultSet rs = p.executeQuery()) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static Entry insert(Connection c, String step, RecordEventRequest request,
      long position) throws SQLException {
    long now = System.currentTimeMillis();
    long scannedAt = request.getEventTime().getSeconds() * 1000
        + request.getEventTime().getNanos() / 1_000_000;
    try (PreparedStatement p = c.prepareStatement("INSERT INTO steps (position, event_id, unit, "
        + "step, request, scanned_at, status, updated_at) VALUES (?, ?, ?, ?, ?, ?, 'PENDING', ?)",
        PreparedStatement.RETURN_GENERATED_KEYS)) {
      p.setLong(1, position);
      p.setString(2, request.getEventId());
      p.setString(3, unitCode(request.getUnit()));
      p.setString(4, step);
      p.setBytes(5, request.toByteArray());
      p.setLong(6, scannedAt);
      p.setLong(7, now);
      p.executeUpdate();
      try (ResultSet keys = p.getGeneratedKeys()) {
        keys.next();
        return find(c, keys.getLong(1)).orElseThrow();
      }
    }
  }

  static String unitCode(String unitName) {
    return unitName.startsWith("units/") ? unitName.substring("units/".length()) : unitName;
  }

  private static void setStatus(Connection c, long id, Status status) throws SQLException {
    try (PreparedStatement p = c.prepareStatement(
        "UPDATE steps SET status = ?, updated_at = ? WHERE id = ?")) {
      p.setString(1, status.name());
      p.setLong(2, System.currentTimeMillis());
      p.setLong(3, id);
      p.executeUpdate();
    }
  }

  private static Optional<Entry> find(Connection c, long id) throws SQLException {
    List<Entry> found = query(c, "SELECT * FROM steps WHERE id = ?", id);
    return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
  }

  private static List<Entry> query(Connection c, String sql, Object... args)
      throws SQLException {
    try (PreparedStatement p = c.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) {
        p.setObject(i + 1, args[i]);
      }
      List<Entry> entries = new ArrayList<>();
      try (ResultSet rs = p.executeQuery()) {
        while (rs.next()) {
          entries.add(entry(rs));
        }
      }
      return entries;
    }
  }

  private static Entry entry(ResultSet rs) throws SQLException {
    RecordEventRequest request;
    try {
      request = RecordEventRequest.parseFrom(rs.getBytes("request"));
    } catch (InvalidProtocolBufferException e) {
      throw new SQLException("step #" + rs.getLong("id") + " is unreadable", e);
    }
    long replacedBy = rs.getLong("replaced_by");
    Long replaced = rs.wasNull() ? null : replacedBy;
    return new Entry(rs.getLong("id"), rs.getLong("position"), rs.getString("event_id"),
        rs.getString("unit"), rs.getString("step"), request,
        Instant.ofEpochMilli(rs.getLong("scanned_at")), Status.valueOf(rs.getString("status")),
        rs.getString("error_code"), rs.getString("error_message"), rs.getString("event_name"),
        replaced, rs.getInt("attempts"), rs.getString("refusal"));
  }
}
