package io.packtrail.server.log;

import io.packtrail.client.log.Merkle;
import io.packtrail.server.domain.LogEntry;
import io.packtrail.server.store.LogDao;
import io.packtrail.server.store.RegionDao;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * Follows the committed log and adds its entries to the Merkle tree, in log_index order, in
 * transactions of its own: one batch locks the progress row (so of several server instances
 * one integrates at a time), reads the next entries of both kinds, appends their leaf hashes to
 * the right edge of the tiles, stores the tiles it changed and moves the progress, and commits.
 * A batch that does not commit (crash, stop, lost connection) leaves nothing behind, and the
 * next one starts where the progress row says: no leaf missing, none doubled.
 */
public final class Integrator {
  /** Leaves per transaction unless configured otherwise. */
  public static final int DEFAULT_BATCH = 1000;

  private final Jdbi jdbi;
  private final Clock clock;
  private final int batchSize;

  public Integrator(Jdbi jdbi, Clock clock, int batchSize) {
    if (batchSize < 1) {
      throw new IllegalArgumentException("batch size must be positive");
    }
    this.jdbi = jdbi;
    this.clock = clock;
    this.batchSize = batchSize;
  }

  /** The most entries one batch integrates. */
  public int batchSize() {
    return batchSize;
  }

  /** What a batch did. */
  public record Batch(boolean locked, long treeSize, int added) {}

  /**
   * Integrates at most one batch. With {@code wait} false, returns at once (locked false) when
   * another integrator holds the progress row. With nothing to integrate it opens no
   * transaction (tree size -1: not read).
   */
  public Batch integrateBatch(boolean wait) {
    // one handle and one attached LogDao for the look and the batch: attaching a SqlObject
    // builds an invoker (with its own copy of the configuration) for each of its methods, which
    // cost more than the batch's statements themselves when it was done twice per batch
    return jdbi.withHandle(h -> {
      LogDao dao = h.attach(LogDao.class);
      if (dao.backlog() <= 0) {
        return new Batch(true, -1, 0); // nothing to do: no transaction, no commit
      }
      return h.inTransaction(t -> integrate(t, dao, wait));
    });
  }

  /** One batch, in the transaction of {@code h}, which {@code dao} is attached to. */
  private Batch integrate(Handle h, LogDao dao, boolean wait) {
    // the tree is derived from the durable log and rebuilt the same from it, so its commits
    // need not wait for their own WAL flush (which queues behind and beside the sequencer's):
    // a batch lost with the database is integrated again, and a checkpoint's commit, which is
    // synchronous, flushes every integration it signs before the checkpoint can be given out
    h.execute("SET LOCAL synchronous_commit = off");
    Optional<LogDao.Progress> locked = wait ? Optional.of(dao.lockProgress())
        : dao.tryLockProgress();
    if (locked.isEmpty()) {
      return new Batch(false, -1, 0);
    }
    long size = locked.get().treeSize();
    List<LogEntry> entries = dao.entries(size, Long.MAX_VALUE, batchSize);
    List<byte[]> leaves = new ArrayList<>(entries.size());
    for (LogEntry e : entries) {
      if (e.logIndex() != size + leaves.size()) {
        break; // cannot happen for committed entries (gap-free); never integrate past a gap
      }
      leaves.add(Merkle.leafHash(e.canonicalBytes()));
    }
    if (leaves.isEmpty()) {
      return new Batch(true, size, 0);
    }
    Tiles tiles = TileReader.UNCACHED.read(dao, Tiles.rightEdge(size));
    for (Tiles.Key key : tiles.append(size, leaves)) {
      dao.putTile(key.level(), key.index(), tiles.get(key));
    }
    long newSize = size + leaves.size();
    byte[] root = tiles.range(new TreeShape.Range(0, newSize));
    if (dao.setProgress(size, newSize, root, clock.instant()) != 1) {
      throw new IllegalStateException("the integration progress moved while locked");
    }
    // the regional overview's day counts follow the tree, in the same transaction: every
    // entry counted once, off the ingest path (docs/decisions.md)
    h.attach(RegionDao.class).countDays(size, newSize);
    return new Batch(true, newSize, leaves.size());
  }

  /**
   * Integrates until everything committed when it started is in the tree, waiting for other
   * instances' integrators; returns the tree size reached.
   */
  public long catchUp(long target) {
    while (true) {
      long size = jdbi.withExtension(LogDao.class, LogDao::progress).treeSize();
      if (size >= target || integrateBatch(true).added() == 0) {
        return jdbi.withExtension(LogDao.class, LogDao::progress).treeSize();
      }
    }
  }

}
