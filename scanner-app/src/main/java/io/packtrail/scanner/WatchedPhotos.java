package io.packtrail.scanner;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * The photos {@code scan --watch} has read, kept in scanner.db: a restart (after Ctrl-C, a crash
 * or a cron job's {@code --stop-after}) reads only photos it has not read, instead of recording
 * every photo still in the folder again under new event ids.
 */
final class WatchedPhotos {
  /**
   * A photo as it was read: its absolute path, size and last-modified time, so that a file
   * written again under the same name is a new photo.
   */
  record Photo(String path, long size, long modified) {
    static Photo of(Path file) throws IOException {
      return new Photo(file.toAbsolutePath().normalize().toString(), Files.size(file),
          Files.getLastModifiedTime(file).toMillis());
    }
  }

  private final LocalDb db;

  WatchedPhotos(LocalDb db) {
    this.db = db;
  }

  boolean wasRead(Photo photo) throws SQLException {
    return db.inTransaction(c -> read(c, photo));
  }

  private static boolean read(Connection c, Photo photo) throws SQLException {
    try (PreparedStatement p = c.prepareStatement(
        "SELECT 1 FROM photos WHERE path = ? AND size = ? AND modified = ?")) {
      p.setString(1, photo.path());
      p.setLong(2, photo.size());
      p.setLong(3, photo.modified());
      try (ResultSet rs = p.executeQuery()) {
        return rs.next();
      }
    }
  }

  /** Another scanner process on the same home read the photo first and saved its step. */
  static final class AlreadyRead extends RuntimeException {
    AlreadyRead(Photo photo) {
      super("photo " + photo.path() + " was read by another scanner process meanwhile; its "
          + "step is in the outbox once, not twice");
    }
  }

  /**
   * Remembers the photo as read, in the caller's transaction (the one saving its step), which
   * fails with {@link AlreadyRead}, saving nothing, when another process has read it meanwhile:
   * two watches of one folder (an overlapping cron run) both saw it before either saved it. The
   * outbox's write lock orders the two transactions, so the check here is the one that counts.
   */
  static Void markRead(Connection c, Photo photo) throws SQLException {
    if (read(c, photo)) {
      throw new AlreadyRead(photo);
    }
    return remember(c, photo);
  }

  private static Void remember(Connection c, Photo photo) throws SQLException {
    try (PreparedStatement p = c.prepareStatement("INSERT OR REPLACE INTO photos "
        + "(path, size, modified, read_at) VALUES (?, ?, ?, ?)")) {
      p.setString(1, photo.path());
      p.setLong(2, photo.size());
      p.setLong(3, photo.modified());
      p.setLong(4, System.currentTimeMillis());
      p.executeUpdate();
    }
    return null;
  }

  /** Remembers a photo that saved no step (unreadable, a refused label, no step chosen). */
  void markRead(Photo photo) throws SQLException {
    db.inTransaction(c -> remember(c, photo));
  }
}
