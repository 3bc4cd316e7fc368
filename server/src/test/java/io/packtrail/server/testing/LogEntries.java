package io.packtrail.server.testing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.packtrail.client.log.Merkle;
import io.packtrail.server.domain.LogEntry;
import io.packtrail.server.domain.RegistryEntry;
import io.packtrail.server.store.LogDao;
import io.packtrail.server.store.LogHeadDao;
import io.packtrail.server.store.RegistryEntryDao;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.jdbi.v3.core.Jdbi;

/** The log as a verifier sees it: events and registry entries in one index sequence. */
public final class LogEntries {
  private LogEntries() {}

  /**
   * Asserts that the log indexes of events and registry entries together are 0 .. n-1, each
   * exactly once, and that the log head is n; returns n.
   */
  public static long assertGapFree(Jdbi jdbi) {
    List<Long> indexes = jdbi.withHandle(h -> h.createQuery("""
        SELECT log_index FROM event UNION ALL SELECT log_index FROM registry_entry
        ORDER BY 1""").mapTo(Long.class).list());
    for (int i = 0; i < indexes.size(); i++) {
      assertEquals(i, indexes.get(i), "log indexes over events and registry entries are "
          + "0..n-1, each once");
    }
    assertEquals(indexes.size(), head(jdbi), "the log head is the log's size");
    return indexes.size();
  }

  public static long head(Jdbi jdbi) {
    return jdbi.withExtension(LogHeadDao.class, LogHeadDao::currentNextIndex);
  }

  /** Registry entries from a log index on, in log order. */
  public static List<RegistryEntry> from(Jdbi jdbi, long start) {
    return jdbi.withExtension(RegistryEntryDao.class, d -> d.listFromLogIndex(start, 100_000));
  }

  /**
   * The tree as stored equals the tree of every committed entry, each once, in index order,
   * integrated up to the log head (call it after a checkpoint); includes {@link #assertGapFree}.
   */
  public static void assertWholeTree(Jdbi jdbi) {
    long head = assertGapFree(jdbi);
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
