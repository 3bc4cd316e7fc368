package io.packtrail.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Context;
import io.packtrail.server.store.Database;
import io.packtrail.server.testing.TestDatabases;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A caller who gives up takes its statement with it: cancelling the gRPC context a read runs
 * under cancels the statement in PostgreSQL, while statements outside any call run on.
 */
class CallCancelsStatementsTest {
  private static TestDatabases.Fresh db;
  private static Database observer;
  private static Jdbi jdbi;

  @BeforeAll
  static void open() {
    db = TestDatabases.create("CallCancelsStatements");
    observer = db.openAnother(1);
    jdbi = db.database().jdbi();
    jdbi.addCustomizer(new CallCancelsStatements());
  }

  @AfterAll
  static void close() {
    observer.close();
    db.close();
  }

  private static long sleepers() {
    return observer.jdbi().withHandle(h -> h.createQuery("SELECT count(*) FROM pg_stat_activity "
        + "WHERE query LIKE 'SELECT pg_sleep(%' AND state = 'active'").mapTo(Long.class).one());
  }

  @Test
  void aCancelledCallCancelsItsRunningStatement() throws Exception {
    Context.CancellableContext call = Context.current().withCancellation();
    CompletableFuture<String> read = CompletableFuture.supplyAsync(() -> {
      try {
        return call.call(() -> jdbi.withHandle(h -> h.createQuery("SELECT pg_sleep(120)::text")
            .mapTo(String.class).one()));
      } catch (Exception e) {
        throw new java.util.concurrent.CompletionException(e);
      }
    });
    while (sleepers() == 0) {
      assertTrue(!read.isDone(), "the read ended before it was cancelled");
      Thread.sleep(20);
    }
    call.cancel(null);
    // bounded wait for liveness only: without the cancellation the statement sleeps 120 s
    ExecutionException failed = org.junit.jupiter.api.Assertions.assertThrows(
        ExecutionException.class, () -> read.get(60, TimeUnit.SECONDS));
    assertTrue(String.valueOf(failed.getCause().getMessage())
        .contains("canceling statement due to user request"), failed.getCause().toString());
    assertEquals(0, sleepers(), "the statement still runs in PostgreSQL");
  }

  @Test
  void statementsOutsideACallAndOfCallsNotCancelledComplete() throws Exception {
    assertEquals("", jdbi.withHandle(h -> h.createQuery("SELECT pg_sleep(0.05)::text")
        .mapTo(String.class).one()));
    Context.CancellableContext call = Context.current().withCancellation();
    assertEquals("", call.call(() -> jdbi.withHandle(h -> h.createQuery(
        "SELECT pg_sleep(0.05)::text").mapTo(String.class).one())));
    call.cancel(null); // after the statement finished: nothing to cancel, nothing fails
    assertEquals(1, (int) jdbi.withHandle(h -> h.createQuery("SELECT 1").mapTo(Integer.class)
        .one()));
  }
}
