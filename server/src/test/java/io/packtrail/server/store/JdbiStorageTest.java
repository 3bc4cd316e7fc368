package io.packtrail.server.store;

import io.packtrail.server.domain.Actor;
import io.packtrail.server.domain.Event;
import io.packtrail.server.domain.Submission;
import io.packtrail.server.ingest.Sequencer;
import io.packtrail.server.testing.TestDatabases;
import java.time.Clock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The storage contract on PostgreSQL; steps are recorded through the real sequencer. */
class JdbiStorageTest extends StorageContract {
  private static TestDatabases.Fresh database;
  private static JdbiStorage storage;
  private static Sequencer sequencer;

  @BeforeAll
  static void open() {
    database = TestDatabases.create("storage_contract");
    storage = new JdbiStorage(database.database().jdbi());
    sequencer = new Sequencer(database.database().jdbi(), Clock.systemUTC(), 100, 1000);
  }

  @AfterAll
  static void close() {
    sequencer.close();
    database.close();
  }

  @Override
  protected Storage storage() {
    return storage;
  }

  @Override
  protected Event record(Submission submission, Actor actor) {
    return sequencer.submit(submission, actor).join();
  }
}
