package io.packtrail.scanner;

import java.io.IOException;
import java.sql.SQLException;

/** The local state of one command run: database, outbox, cache and delivery. */
final class Workspace implements AutoCloseable {
  final ScannerCli cli;
  final LocalDb db;
  final Outbox outbox;
  final UnitCache cache;

  private Workspace(ScannerCli cli, LocalDb db) {
    this.cli = cli;
    this.db = db;
    this.outbox = new Outbox(db, StepSigner.forDevice(cli.home()));
    this.cache = new UnitCache(db);
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

  @Override
  public void close() throws SQLException {
    db.close();
  }
}
