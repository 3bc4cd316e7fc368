package io.packtrail.server.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.packtrail.server.domain.RegistryEntry;
import io.packtrail.server.store.LogHeadDao;
import io.packtrail.server.store.RegistryEntryDao;
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
}
