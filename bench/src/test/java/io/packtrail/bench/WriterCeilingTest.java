package io.packtrail.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.packtrail.bench.WriterCeiling.ProcCpu;
import io.packtrail.server.testing.TcpProxy;
import io.packtrail.server.testing.TestDatabases;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The writer-ceiling tool: its readings of /proc and the metrics, and a whole short run. */
class WriterCeilingTest {
  /** A run's exit code and what it printed, standard output and error together. */
  record Run(int exit, String output) {}

  private static Run run(String... args) {
    StringWriter printed = new StringWriter();
    int exit = new CommandLine(new WriterCeiling()).setOut(new PrintWriter(printed, true))
        .setErr(new PrintWriter(printed, true)).execute(args);
    return new Run(exit, printed.toString());
  }

  @Test
  void theMachineIsBusyInEveryStateButIdleAndIoWait() {
    // recorded from this project's machine: user nice system idle iowait irq softirq steal ...
    assertEquals(83270 + 19251 + 2188 + 101,
        ProcCpu.busyTicks("cpu  83270 0 19251 107979 1554 0 2188 101 0 0"));
  }

  @Test
  void postgresCpuIsUserPlusSystemOfProcessesNamedPostgres() {
    // a postmaster's line, recorded: utime 2, stime 5 (its children's 20097 and 3567 are not its)
    String postmaster = "2221 (postgres) S 1 2221 2221 0 -1 4194304 4908 227319 0 26 2 5 20097 "
        + "3567 20 0 1 0 3453 222445568 7333 18446744073709551615";
    assertEquals(7, ProcCpu.postgresTicks(postmaster));
    assertEquals(0, ProcCpu.postgresTicks(postmaster.replace("(postgres)", "(java)")));
    // a command may hold spaces and parentheses: the fields are counted after the last ')'
    assertEquals(0, ProcCpu.postgresTicks(
        postmaster.replace("(postgres)", "(postgres) S 1 (x)")));
  }

  @Test
  void theSequencersFiguresAreTheUnlabelledSamples() {
    String exposition = """
        # TYPE packtrail_sequencer_batch_size histogram
        packtrail_sequencer_batch_size_bucket{le="16.0"} 250
        packtrail_sequencer_batch_size_count 300
        packtrail_sequencer_batch_size_sum 4890.0
        """;
    assertEquals(4890.0, ServerCpu.sample(exposition, "packtrail_sequencer_batch_size_sum"));
    assertEquals(300, ServerCpu.sample(exposition, "packtrail_sequencer_batch_size_count"));
    assertThrows(IllegalArgumentException.class,
        () -> ServerCpu.sample(exposition, "packtrail_sequencer_commit_seconds_sum"));
  }

  @Test
  void tooFewClientsAreRefusedBeforeItConnects() {
    Run run = run("--db-url", "jdbc:postgresql://127.0.0.1:1/none", "--clients", "0");
    assertEquals(2, run.exit(), run.output());
    assertTrue(run.output().contains("--clients and --units-per-client must be at least 1"),
        run.output());
  }

  @Test
  void aDatabaseLostDuringTheRunFailsItWithItsFailedStepsCounted() throws Exception {
    try (TestDatabases.Fresh db = TestDatabases.create("WriterCeilingLost");
        TcpProxy proxy = db.proxy()) {
      String viaProxy = db.url().replaceFirst("//[^/]+/", "//" + proxy.hostAndPort() + "/");
      ExecutorService runner = Executors.newSingleThreadExecutor();
      try {
        Future<Run> running = runner.submit(() -> run("--db-url", viaProxy, "--clients", "2",
            "--units-per-client", "3", "--warmup", "0", "--duration", "5"));
        // 6 registrations, then steps of the measured phase: cut once some have been recorded
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (events(db) < 6 + 10) {
          assertTrue(System.nanoTime() < deadline, "no steps recorded");
          assertFalse(running.isDone(), "the run ended before the cut");
          Thread.sleep(20);
        }
        proxy.cut();
        Run run = running.get(120, TimeUnit.SECONDS);
        assertEquals(1, run.exit(), run.output());
        Matcher failed = Pattern.compile("refused or failed steps: (\\d+)")
            .matcher(run.output());
        assertTrue(failed.find(), run.output());
        assertTrue(Long.parseLong(failed.group(1)) > 0, run.output());
      } finally {
        runner.shutdownNow();
      }
    }
  }

  private static long events(TestDatabases.Fresh db) {
    return db.database().jdbi().withHandle(h -> h.createQuery("SELECT count(*) FROM event")
        .mapTo(Long.class).one());
  }

  @Test
  void aDatabaseItCannotReachIsNamedWithoutAStackTrace() {
    // nothing listens on port 1: the pool gives up after its connection timeout (3 s)
    Run run = run("--db-url", "jdbc:postgresql://127.0.0.1:1/none", "--duration", "1");
    assertEquals(3, run.exit(), run.output());
    assertTrue(run.output().startsWith(
        "cannot open and migrate jdbc:postgresql://127.0.0.1:1/none: "), run.output());
    assertFalse(run.output().contains("\tat "), run.output());
  }

  @Test
  void aShortRunRecordsEveryStepAndReportsTheSequencer() {
    try (TestDatabases.Fresh db = TestDatabases.create("WriterCeiling")) {
      String[] args = {"--db-url", db.url(), "--clients", "2", "--units-per-client", "3",
          "--warmup", "0", "--duration", "1"};
      Run first = run(args);
      assertEquals(0, first.exit(), first.output());
      String report = first.output();
      assertTrue(report.contains("2 clients: "), report);
      assertTrue(report.matches("(?s).*sequencer: \\d+ batches/s of [0-9.]+ steps.*"), report);
      assertTrue(report.contains("refused or failed steps: 0"), report);

      // the run sealed its log key with a key-encryption key of its own, gone with it
      Run again = run(args);
      assertEquals(2, again.exit(), again.output());
      assertTrue(again.output().contains("holds the log key of an earlier run"),
          again.output());
    }
  }
}
