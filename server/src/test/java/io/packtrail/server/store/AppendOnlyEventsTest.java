package io.packtrail.server.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.packtrail.server.testing.Fixtures;
import io.packtrail.server.testing.ServerHarness;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The database itself refuses to change or remove an event, whoever asks. */
class AppendOnlyEventsTest {
  @RegisterExtension
  static final ServerHarness harness = ServerHarness.inProcess();
  static String code;

  @BeforeAll
  static void oneEvent() {
    Fixtures.network(harness.client());
    code = Fixtures.newPackCode();
    harness.client().registerUnit(Fixtures.registration(code));
  }

  void refused(String sql) {
    var e = assertThrows(UnableToExecuteStatementException.class,
        () -> harness.jdbi().useHandle(h -> h.execute(sql, code)));
    assertTrue(e.getMessage().contains("append-only"), e.getMessage());
  }

  @Test
  void updateDeleteAndTruncateAreRefused() {
    refused("UPDATE event SET actor_site = 'organizations/x/sites/y' WHERE unit_code = ?");
    refused("DELETE FROM event WHERE unit_code = ?");
    var e = assertThrows(UnableToExecuteStatementException.class,
        () -> harness.jdbi().useHandle(h -> h.execute("TRUNCATE event CASCADE")));
    assertTrue(e.getMessage().contains("append-only"), e.getMessage());
    int count = harness.jdbi().withHandle(h -> h.createQuery(
        "SELECT count(*) FROM event WHERE unit_code = :c").bind("c", code)
        .mapTo(Integer.class).one());
    assertEquals(1, count);
  }
}
