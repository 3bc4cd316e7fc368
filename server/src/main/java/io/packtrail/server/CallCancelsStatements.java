package io.packtrail.server;

import io.grpc.Context;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import org.jdbi.v3.core.statement.StatementContext;
import org.jdbi.v3.core.statement.StatementCustomizer;

/**
 * Cancels a running SQL statement when the gRPC call it serves is cancelled or passes its
 * deadline, so a caller who gave up does not leave a long read (a province's overview, an
 * export) running on in PostgreSQL. Reads run on the call's thread and see its
 * {@link Context}; the sequencer's and the background workers' statements run under the root
 * context, which is never cancelled, and are left alone.
 */
final class CallCancelsStatements implements StatementCustomizer {

  @Override
  public void beforeExecution(PreparedStatement statement, StatementContext ctx) {
    Context call = Context.current();
    if (call == Context.ROOT) {
      return;
    }
    Context.CancellationListener cancel = cancelled -> {
      try {
        statement.cancel();
      } catch (SQLException e) {
        // the statement has finished or its connection is gone: nothing left to stop
      }
    };
    call.addListener(cancel, Runnable::run);
    ctx.addCleanable(() -> call.removeListener(cancel));
  }
}
