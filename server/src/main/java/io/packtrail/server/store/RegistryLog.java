package io.packtrail.server.store;

import io.packtrail.server.domain.RegistryEntry;
import java.util.function.LongFunction;
import org.jdbi.v3.core.Handle;

/**
 * Appends registry entries to the log inside the registry change's own transaction, so a
 * committed change always has its entry and an entry never outlives a rolled-back change.
 *
 * <p>{@link #lock} must be the first statement of the transaction: it locks the log head row,
 * as every ingest batch does first (IngestStore/read.sql), so registry writes and batches take
 * their locks in the same order and cannot deadlock; and until the commit no batch and no other
 * registry write can take an index, so the indexes of events and entries stay one gap-free
 * sequence, committed in order. Checks of the change (does the id exist, is the key active)
 * run after the lock, so concurrent writes of one resource see each other's commits.
 */
public final class RegistryLog {
  private final Handle handle;
  private long next;

  private RegistryLog(Handle handle, long next) {
    this.handle = handle;
    this.next = next;
  }

  /** Locks the log head until the transaction ends; the handle must be in a transaction. */
  public static RegistryLog lock(Handle handle) {
    if (!handle.isInTransaction()) {
      throw new IllegalStateException("a registry entry is written in its change's transaction");
    }
    return new RegistryLog(handle, handle.attach(LogHeadDao.class).lockNextIndex());
  }

  /** Writes the entry built for the next log index and moves the head past it. */
  public RegistryEntry append(LongFunction<RegistryEntry> build) {
    RegistryEntry entry = build.apply(next);
    if (entry.logIndex() != next) {
      throw new IllegalStateException("entry built for log index " + entry.logIndex()
          + ", the head is at " + next);
    }
    handle.attach(RegistryEntryDao.class).insert(entry, entry.type().key());
    next++;
    handle.attach(LogHeadDao.class).setNextIndex(next);
    return entry;
  }
}
