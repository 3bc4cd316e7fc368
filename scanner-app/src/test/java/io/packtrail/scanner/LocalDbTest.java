package io.packtrail.scanner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.packtrail.v1.Collection;
import io.packtrail.v1.RecordEventRequest;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The scanner's local database keeps an outbox written by the previous scanner version. */
class LocalDbTest {
  @TempDir
  Path home;

  /** scanner.db as version 1 wrote it, holding {@code step}. */
  void writeSchemaOne(RecordEventRequest step) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + home.resolve(LocalDb.FILE));
        Statement s = c.createStatement()) {
      s.execute("""
          CREATE TABLE steps (id INTEGER PRIMARY KEY AUTOINCREMENT, position INTEGER NOT NULL,
            event_id TEXT NOT NULL UNIQUE, unit TEXT NOT NULL, step TEXT NOT NULL,
            request BLOB NOT NULL, scanned_at INTEGER NOT NULL, status TEXT NOT NULL,
            error_code TEXT, error_message TEXT, event_name TEXT, replaced_by INTEGER,
            attempts INTEGER NOT NULL DEFAULT 0, updated_at INTEGER NOT NULL)""");
      s.execute("CREATE TABLE units (code TEXT PRIMARY KEY, unit BLOB NOT NULL, "
          + "fetched_at INTEGER NOT NULL)");
      s.execute("CREATE TABLE events (code TEXT NOT NULL, sequence INTEGER NOT NULL, "
          + "event BLOB NOT NULL, PRIMARY KEY (code, sequence))");
      try (PreparedStatement p = c.prepareStatement("INSERT INTO steps (position, event_id, "
          + "unit, step, request, scanned_at, status, updated_at) VALUES (1, ?, 'CODE', "
          + "'collect', ?, 0, 'PENDING', 0)")) {
        p.setString(1, step.getEventId());
        p.setBytes(2, step.toByteArray());
        p.executeUpdate();
      }
      s.execute("PRAGMA user_version = 1");
    }
  }

  @Test
  void processesOpeningAnOldOutboxAtOnceUpgradeItOnce() throws Exception {
    writeSchemaOne(RecordEventRequest.newBuilder()
        .setEventId("7b1f2a4e-3c5d-4e6f-8a9b-0c1d2e3f4a5b").setUnit("units/CODE").build());
    // each opener reads version 1 first; the one that upgrades second must find it done, not
    // fail adding a column that is there (as two scanner processes started together did)
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(6);
    try {
      java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
      List<java.util.concurrent.Future<Long>> opened = new java.util.ArrayList<>();
      for (int i = 0; i < 6; i++) {
        opened.add(pool.submit(() -> {
          start.await();
          try (LocalDb db = LocalDb.open(home)) {
            return new Outbox(db, StepSigner.NONE).count(Outbox.Status.PENDING);
          }
        }));
      }
      start.countDown();
      for (var f : opened) {
        assertEquals(1, f.get());
      }
    } finally {
      pool.shutdownNow();
    }
    try (LocalDb db = LocalDb.open(home)) {
      WatchedPhotos.Photo photo = new WatchedPhotos.Photo("/inbox/IMG_1.png", 10, 20);
      WatchedPhotos photos = new WatchedPhotos(db);
      assertFalse(photos.wasRead(photo));
      photos.markRead(photo);
      assertTrue(photos.wasRead(photo));
      assertFalse(photos.wasRead(new WatchedPhotos.Photo("/inbox/IMG_1.png", 11, 20)),
          "a file written again under the same name is a new photo");
    }
  }

  @Test
  void anOutboxOfSchemaOneIsUpgradedInPlaceAndKeepsItsSteps() throws Exception {
    RecordEventRequest step = RecordEventRequest.newBuilder()
        .setEventId("7b1f2a4e-3c5d-4e6f-8a9b-0c1d2e3f4a5b").setUnit("units/CODE")
        .setCollection(Collection.getDefaultInstance()).build();
    writeSchemaOne(step);
    try (LocalDb db = LocalDb.open(home)) {
      Outbox outbox = new Outbox(db, StepSigner.NONE);
      Outbox.Entry kept = outbox.find(1).orElseThrow();
      assertEquals(step, kept.request());
      assertNull(kept.refusal());
      outbox.markRefused(1, "FAILED_PRECONDITION", "retired", Refusals.DEVICE_RETIRED);
      assertEquals(Refusals.DEVICE_RETIRED, outbox.find(1).orElseThrow().refusal());
      assertEquals(0, new DeviceKeys(db).cached("organizations/o/sites/s/devices/d").stream()
          .count());
    }
    try (LocalDb again = LocalDb.open(home)) {
      assertEquals(1, new Outbox(again, StepSigner.NONE).count(Outbox.Status.REFUSED));
    }
  }

  /**
   * An Error halfway through a transaction (an OutOfMemoryError) rolls it back: before, the
   * return to auto-commit committed the half done (a correction saved without its original
   * marked replaced, a step without its photo's mark).
   */
  @Test
  void anErrorHalfwayThroughATransactionLeavesNothingOfIt() throws Exception {
    try (LocalDb db = LocalDb.open(home)) {
      db.inTransaction(c -> {
        c.createStatement().execute("CREATE TABLE IF NOT EXISTS probe (v TEXT)");
        return null;
      });
      try {
        db.inTransaction(c -> {
          c.createStatement().execute("INSERT INTO probe VALUES ('half')");
          throw new OutOfMemoryError("a test's, halfway");
        });
      } catch (OutOfMemoryError expected) {
        // the caller sees it
      }
      assertEquals(0, (int) db.read(c -> {
        try (var rs = c.createStatement().executeQuery("SELECT count(*) FROM probe")) {
          rs.next();
          return rs.getInt(1);
        }
      }), "nothing of the failed transaction");
    }
  }

  /**
   * Two watches of one folder saw the same photo before either saved its step: the second save
   * finds it read and saves nothing (before, the photo's step was saved twice, under two event
   * ids: a double step in the unit's chain).
   */
  @Test
  void aPhotoSavedByAnotherProcessMeanwhileIsNotSavedTwice() throws Exception {
    Path photo = home.resolve("label.png");
    java.nio.file.Files.write(photo, new byte[] {1, 2, 3});
    WatchedPhotos.Photo read = WatchedPhotos.Photo.of(photo);
    RecordEventRequest first = RecordEventRequest.newBuilder().setEventId(
        java.util.UUID.randomUUID().toString()).setUnit("units/CODE").build();
    RecordEventRequest second = first.toBuilder().setEventId(
        java.util.UUID.randomUUID().toString()).build();
    try (LocalDb one = LocalDb.open(home); LocalDb other = LocalDb.open(home)) {
      assertFalse(new WatchedPhotos(one).wasRead(read));
      assertFalse(new WatchedPhotos(other).wasRead(read), "both saw it unread");
      new Outbox(one, StepSigner.NONE).save("collect", first,
          c -> WatchedPhotos.markRead(c, read));
      Outbox outbox = new Outbox(other, StepSigner.NONE);
      org.junit.jupiter.api.Assertions.assertThrows(WatchedPhotos.AlreadyRead.class,
          () -> outbox.save("collect", second, c -> WatchedPhotos.markRead(c, read)));
      assertEquals(1, outbox.count(Outbox.Status.PENDING), "one step for the photo");
    }
  }
}
