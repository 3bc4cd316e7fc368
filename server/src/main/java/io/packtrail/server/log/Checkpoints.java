package io.packtrail.server.log;

import io.packtrail.client.log.Checkpoint;
import io.packtrail.client.log.LogVerificationException;
import io.packtrail.client.log.Merkle;
import io.packtrail.server.domain.LogCheckpoint;
import io.packtrail.server.store.LogDao;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/**
 * Signs and stores checkpoints of the integrated tree. Every checkpoint is kept; the table's
 * primary key is the tree size, so the log never holds two roots for one size (several
 * instances signing the same size store one: Ed25519 signatures are deterministic, so theirs
 * are the same note anyway). Before signing, the new root is checked to extend the latest
 * checkpoint (a consistency proof from the stored tiles, verified with the SDK), so damaged
 * tiles stop the signing instead of forking the log.
 */
public final class Checkpoints {
  private final Jdbi jdbi;
  private final LogKey key;
  private final Clock clock;

  public Checkpoints(Jdbi jdbi, LogKey key, Clock clock) {
    this.jdbi = jdbi;
    this.key = key;
    this.clock = clock;
  }

  /** The transaction-scoped advisory lock every checkpoint signing takes first. */
  static final long SIGNING_LOCK = 0x7061636b74726c31L; // "packtrl1"

  /** Signs the integrated tree unless its size has a checkpoint; answers the stored one. */
  public LogCheckpoint signCurrent() {
    if (!jdbi.withExtension(LogDao.class, LogDao::unsigned)) {
      return jdbi.withExtension(LogDao.class, dao -> dao.checkpoint(dao.progress().treeSize()))
          .orElseGet(this::signCurrent); // (the tree grew in between)
    }
    // READ COMMITTED whatever the database's default: each read after the lock must see the
    // commit of the signer it waited for
    return jdbi.inTransaction(org.jdbi.v3.core.transaction.TransactionIsolationLevel.READ_COMMITTED,
        h -> {
      // one signer at a time, across instances: without it, a signer that read the tree at
      // 100 and the latest checkpoint before another signer's 200 was committed signed 100
      // after 200 had been handed out, and checkpoints seemed to shrink. Every read below
      // comes after the lock, so it sees the other signer's commit
      h.execute("SELECT pg_advisory_xact_lock(?)", SIGNING_LOCK);
      LogDao dao = h.attach(LogDao.class);
      LogDao.Progress tree = dao.progress();
      Optional<LogCheckpoint> stored = dao.checkpoint(tree.treeSize());
      if (stored.isPresent()) {
        return stored.get();
      }
      Optional<LogCheckpoint> latest = dao.latestCheckpoint();
      if (latest.isPresent()) {
        LogCheckpoint last = latest.get();
        if (last.treeSize() > tree.treeSize()) {
          return last; // this transaction saw an older integration; the newer one is signed
        }
        if (last.treeSize() > 0) {
          var ranges = TreeShape.consistency(last.treeSize(), tree.treeSize());
          Tiles tiles = TileReader.UNCACHED.read(dao, Tiles.tilesFor(ranges));
          try {
            Merkle.verifyConsistency(last.treeSize(), tree.treeSize(), last.rootHash(),
                tree.rootHash(), tiles.ranges(ranges));
          } catch (LogVerificationException e) {
            throw new IllegalStateException("refusing to sign tree size " + tree.treeSize()
                + ": it does not extend the checkpoint of size " + last.treeSize() + " ("
                + e.getMessage() + "); the stored tiles are damaged", e);
          }
        }
      }
      byte[] body = new Checkpoint(key.origin(), tree.treeSize(), tree.rootHash()).body();
      dao.insertCheckpoint(tree.treeSize(), tree.rootHash(), key.sign(body),
          clock.instant().truncatedTo(ChronoUnit.MICROS));
      return dao.checkpoint(tree.treeSize()).orElseThrow();
    });
  }

  /** The latest checkpoint's size, or -1 before the first. */
  public long latestSize() {
    return jdbi.withExtension(LogDao.class, LogDao::latestCheckpoint)
        .map(LogCheckpoint::treeSize).orElse(-1L);
  }
}
