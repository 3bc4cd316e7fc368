package io.packtrail.server.store;

import org.jdbi.v3.sqlobject.statement.SqlQuery;

/**
 * Reads the deployment-wide log head. Writers lock and move it in {@link IngestStore}, which
 * orders ingest batches across server instances.
 */
public interface LogHeadDao {
  /** The log size as last committed, without locking. */
  @SqlQuery("SELECT next_index FROM log_head WHERE id = 1")
  long currentNextIndex();
}
