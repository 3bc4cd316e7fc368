package io.packtrail.scanner;

import com.google.protobuf.InvalidProtocolBufferException;
import io.packtrail.v1.Device;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;

/** The devices (public keys) this device learned from the server, for an offline trace. */
final class DeviceKeys {
  private final LocalDb db;

  DeviceKeys(LocalDb db) {
    this.db = db;
  }

  void put(Device device) throws SQLException {
    db.inTransaction(c -> {
      try (PreparedStatement p = c.prepareStatement(
          "INSERT OR REPLACE INTO devices (name, device, fetched_at) VALUES (?, ?, ?)")) {
        p.setString(1, device.getName());
        p.setBytes(2, device.toByteArray());
        p.setLong(3, System.currentTimeMillis());
        p.executeUpdate();
      }
      return null;
    });
  }

  Optional<Device> cached(String name) throws SQLException {
    return db.read(c -> {
      try (PreparedStatement p = c.prepareStatement("SELECT device FROM devices WHERE name = ?")) {
        p.setString(1, name);
        try (ResultSet rs = p.executeQuery()) {
          return rs.next() ? Optional.of(Device.parseFrom(rs.getBytes(1))) : Optional.empty();
        }
      } catch (InvalidProtocolBufferException e) {
        throw new SQLException("cached device " + name + " is unreadable", e);
      }
    });
  }
}
