package io.packtrail.scanner;

import com.google.protobuf.InvalidProtocolBufferException;
import io.packtrail.v1.Event;
import io.packtrail.v1.Unit;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What this device last learned from the server about units and their events, to show a unit
 * and trace it while offline.
 */
final class UnitCache {
  /** A cached unit and when it was fetched. */
  record Cached(Unit unit, Instant fetchedAt) {}

  private final LocalDb db;

  UnitCache(LocalDb db) {
    this.db = db;
  }

  void put(Unit unit, List<Event> events) throws SQLException {
    db.inTransaction(c -> {
      try (PreparedStatement p = c.prepareStatement(
          "INSERT OR REPLACE INTO units (code, unit, fetched_at) VALUES (?, ?, ?)")) {
        p.setString(1, unit.getCode());
        p.setBytes(2, unit.toByteArray());
        p.setLong(3, System.currentTimeMillis());
        p.executeUpdate();
      }
      putEvents(c, events);
      return null;
    });
  }

  /** Events the server answered (e.g. to a sync), kept for the offline trace. */
  void putEvents(List<Event> events) throws SQLException {
    db.inTransaction(c -> {
      putEvents(c, events);
      return null;
    });
  }

  private static void putEvents(java.sql.Connection c, List<Event> events) throws SQLException {
    try (PreparedStatement p = c.prepareStatement(
        "INSERT OR REPLACE INTO events (code, sequence, event) VALUES (?, ?, ?)")) {
      for (Event e : events) {
        p.setString(1, Outbox.unitCode(e.getUnit()));
        p.setLong(2, e.getSequence());
        p.setBytes(3, e.toByteArray());
        p.addBatch();
      }
      p.executeBatch();
    }
  }

  Optional<Cached> unit(String code) throws SQLException {
    return db.read(c -> {
      try (PreparedStatement p = c.prepareStatement(
          "SELECT unit, fetched_at FROM units WHERE code = ?")) {
        p.setString(1, code);
        try (ResultSet rs = p.executeQuery()) {
          if (!rs.next()) {
            return Optional.empty();
          }
          return Optional.of(new Cached(Unit.parseFrom(rs.getBytes(1)),
              Instant.ofEpochMilli(rs.getLong(2))));
        }
      } catch (InvalidProtocolBufferException e) {
        throw new SQLException("cached unit " + code + " is unreadable", e);
      }
    });
  }

  /** The cached events of a unit, in sequence order (may have gaps). */
  List<Event> events(String code) throws SQLException {
    return db.read(c -> {
      try (PreparedStatement p = c.prepareStatement(
          "SELECT event FROM events WHERE code = ? ORDER BY sequence")) {
        p.setString(1, code);
        List<Event> events = new ArrayList<>();
        try (ResultSet rs = p.executeQuery()) {
          while (rs.next()) {
            events.add(Event.parseFrom(rs.getBytes(1)));
          }
        }
        return events;
      } catch (InvalidProtocolBufferException e) {
        throw new SQLException("cached events of " + code + " are unreadable", e);
      }
    });
  }
}
