package io.packtrail.server.testing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.packtrail.client.log.Merkle;
import io.packtrail.server.domain.LogEntry;
import io.packtrail.server.store.LogDao;
import io.packtrail.server.store.LogHeadDao;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.jdbi.v3.core.Jdbi;

/** What the verifiable log holds in the database, checked whole. */
public final class StoredLog {
  private StoredLog() {}

  /**
   * The tree as stored equals the tree of every committed entry, each once, in index order
   * (0 to the log head without a gap), integrated up to the head: call it after a checkpoint.
   */
  public static void assertWholeTree(Jdbi jdbi) {
    long head = jdbi.withExtension(LogHeadDao.class, LogHeadDao::currentNextIndex);
    List<LogEntry> entries = jdbi.withExtension(LogDao.class,
        dao -> dao.entries(0, Long.MAX_VALUE, Integer.MAX_VALUE));
    assertEquals(head, entries.size(), "every committed entry read once");
    List<byte[]> leaves = new ArrayList<>();
    for (int i = 0; i < entries.size(); i++) {
      assertEquals(i, entries.get(i).logIndex());
      leaves.add(Merkle.leafHash(entries.get(i).canonicalBytes()));
    }
    LogDao.Progress progress = jdbi.withExtension(LogDao.class, LogDao::progress);
    assertEquals(head, progress.treeSize(), "integrated up to the log head");
    assertArrayEquals(Merkle.root(leaves), progress.rootHash());
    // level 0 of the tiles holds each leaf hash exactly once, in order, and nothing more
    StringBuilder stored = new StringBuilder();
    jdbi.useHandle(h -> h.createQuery("SELECT hashes FROM log_tile WHERE level = 0 ORDER BY idx")
        .mapTo(byte[].class).forEach(t -> stored.append(HexFormat.of().formatHex(t))));
    StringBuilder expected = new StringBuilder();
    leaves.forEach(l -> expected.append(HexFormat.of().formatHex(l)));
    assertEquals(expected.toString(), stored.toString());
  }
}
