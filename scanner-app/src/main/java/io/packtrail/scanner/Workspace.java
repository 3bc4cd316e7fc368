package io.packtrail.scanner;

import java.io.IOException;
import java.sql.SQLException;

/** The local state of one command run: database, outbox, cache and delivery. */
final class Workspace implements AutoCloseable {
  final ScannerCli cli;
  final LocalDb db;
  final Outbox outbox;
  final UnitCache cache;
  final DeviceKeys deviceKeys;
  final WatchedPhotos photos;

  private Workspace(ScannerCli cli, LocalDb db) {
    this.cli = cli;
    this.db = db;
    this.outbox = new Outbox(db, StepSigner.forDevice(cli.home()));
    this.cache = new UnitCache(db);
    this.deviceKeys = new DeviceKeys(db);
    this.photos = new WatchedPhotos(db);
  }

  static Workspace open(ScannerCli cli) throws IOException, SQLException {
    return new Workspace(cli, LocalDb.open(cli.home()));
  }

  Delivery delivery(int batchSize) {
    return new Delivery(outbox, cache, batchSize);
  }

  /** The recording site; a setup error naming how to set it when there is none. */
  String requireSite() {
    String site = cli.site();
    if (site == null) {
      throw new IllegalArgumentException("no site set for this device: run 'packtrail-scanner "
          + "config --save-site organizations/ORG/sites/SITE' once (or give --site, or set "
          + "PACKTRAIL_SITE)");
    }
    return site;
  }

  /**
   * Checks that this device can sign steps at {@code site}: enrolled there, its key readable.
   * A setup error saying what to do when not.
   */
  void requireDevice(String site) {
    var signer = StepSigner.load(cli.home());
    String enrolledAt = DeviceIdentity.site(signer.device());
    if (!enrolledAt.equals(site)) {
      throw new IllegalArgumentException("this device is enrolled at " + enrolledAt + " (as "
          + signer.device() + "), but records at " + site + ": the server refuses a device's "
          + "steps at another site. Record at " + enrolledAt + " (--site), or enroll this "
          + "device at " + site + " ('packtrail-scanner enroll --code CODE --device-id NEW-ID "
          + "--force' with a code of that site)");
    }
  }

  @Override
  public void close() throws SQLException {
    db.close();
  }
}
