package io.packtrail.server.store;

import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/**
 * The deployment-wide log head. Ingest batches lock and move it in {@link IngestStore}, registry
 * writes through {@link RegistryLog}; the lock orders both across server instances.
 */
public interface LogHeadDao {
  /** The log size as last committed, without locking. */
  @SqlQuery("SELECT next_index FROM log_head WHERE id = 1")
  long currentNextIndex();

  /** The next log index, locking the head until the transaction ends. */
  @SqlQuery("SELECT next_index FROM log_head WHERE id = 1 FOR UPDATE")
  long lockNextIndex();

  /** Moves the (locked) head. */
  @SqlUpdate("UPDATE log_head SET next_index = :next WHERE id = 1")
  int setNextIndex(@Bind("next") long next);
}
