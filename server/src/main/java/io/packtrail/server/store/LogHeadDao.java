package io.packtrail.server.store;

import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/**
 * The deployment-wide log head. Locking it serialises ingest batches across server instances,
 * so log indexes are gap-free and become visible in order.
 */
public interface LogHeadDao {
  @SqlQuery("SELECT next_index FROM log_head WHERE id = 1 FOR UPDATE")
  long lockNextIndex();

  /** The log size as last committed, without locking. */
  @SqlQuery("SELECT next_index FROM log_head WHERE id = 1")
  long currentNextIndex();

  @SqlUpdate("UPDATE log_head SET next_index = :next WHERE id = 1")
  void advance(@Bind("next") long next);
}
