package io.packtrail.bench;

import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.packtrail.client.PacktrailClient;
import io.packtrail.client.tls.NettyLeakDetection;
import io.packtrail.server.PacktrailServer;
import io.packtrail.server.domain.AnomalyRules;
import io.packtrail.server.domain.Principal;
import io.packtrail.server.metrics.ServerMetrics;
import io.packtrail.server.security.Caller;
import io.packtrail.server.store.Database;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * How many durable steps one sequencer sustains when nothing but its own work bounds it: the
 * server and its clients in one process over gRPC's in-process transport (no network, no TLS,
 * nothing to parse off a socket), on the PostgreSQL of {@code --db-url}. The steps are the load
 * generator's, recorded under an operator's certificate as over mutual TLS, with the log on. On a
 * machine with cores to spare this is the rate a deployment with the server on its own cores
 * would reach: every step passes through one batch at a time, one PostgreSQL backend.
 */
@Command(name = "writer-ceiling", mixinStandardHelpOptions = true,
    description = "Durable steps/s of one sequencer, the server and clients in one process.")
public final class WriterCeiling implements Callable<Integer> {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Option(names = "--db-url", required = true,
      description = "JDBC URL of a new database (migrated here; each run makes its own log "
          + "key, so a database of an earlier run is refused)")
  String dbUrl;

  @Option(names = "--db-user", defaultValue = "postgres", description = "its user")
  String dbUser;

  @Option(names = "--db-password", defaultValue = "", description = "its user's password")
  String dbPassword;

  @Option(names = "--clients", defaultValue = "32",
      description = "in-process clients, one call in flight each (default ${DEFAULT-VALUE})")
  int clients;

  @Option(names = "--units-per-client", defaultValue = "200",
      description = "units each client moves (default ${DEFAULT-VALUE})")
  int unitsPerClient;

  @Option(names = "--warmup", defaultValue = "120",
      description = "seconds of steps before the tables are analyzed and the measured phase "
          + "begins, 20 s later (default ${DEFAULT-VALUE}; 0: neither warm-up nor settling)")
  int warmupSeconds;

  /** Seconds between the ANALYZE and the measured window: the sequencer's plans follow. */
  static final int SETTLE_SECONDS = 20;

  @Option(names = "--duration", defaultValue = "30", description = "measured seconds")
  int durationSeconds;

  /** The certificate serial the steps are recorded under (an operator's, as the bench's). */
  static final String SERIAL = "7e57c311";

  public static void main(String[] args) {
    NettyLeakDetection.offUnlessSet();
    System.exit(new CommandLine(new WriterCeiling()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    if (clients < 1 || unitsPerClient < 1
        || (long) clients * unitsPerClient > LoadGenerator.MAX_UNITS) {
      throw new CommandLine.ParameterException(spec.commandLine(),
          "--clients and --units-per-client must be at least 1 and name at most "
          + LoadGenerator.MAX_UNITS + " units");
    }
    Caller operator = new Caller(new Principal(Principal.Kind.OPERATOR, null, null, null,
        SERIAL));
    PacktrailServer.Settings settings = PacktrailServer.Settings.defaults()
        .withCallerResolver((transport, headers) -> operator)
        .withLimits(new PacktrailServer.Limits(
            PacktrailServer.Limits.DEFAULT_MAX_MESSAGE_BYTES, 8, 0, 1))
        .withAnomalyScan(Duration.ZERO, AnomalyRules.defaults());
    String name = InProcessServerBuilder.generateName();
    ServerMetrics metrics = new ServerMetrics();
    Database opened;
    try {
      opened = Database.open(dbUrl, dbUser, dbPassword, 10);
      opened.migrate();
    } catch (RuntimeException e) {
      spec.commandLine().getErr().println("cannot open and migrate " + dbUrl + ": "
          + e.getMessage());
      return 3;
    }
    try (Database db = opened) {
      if (db.jdbi().withHandle(h -> h.createQuery("SELECT EXISTS (SELECT 1 FROM log_key)")
          .mapTo(Boolean.class).one())) {
        throw new CommandLine.ParameterException(spec.commandLine(), "--db-url: " + dbUrl
            + " holds the log key of an earlier run, which this run cannot open; give a new "
            + "database");
      }
      try (PacktrailServer server = PacktrailServer.start(InProcessServerBuilder.forName(name),
          db.jdbi(), settings, metrics)) {
        List<PacktrailClient> sdk = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
          for (int i = 0; i < clients; i++) {
            sdk.add(PacktrailClient.over(InProcessChannelBuilder.forName(name).build(),
                Duration.ofSeconds(30)));
          }
          return drive(db, metrics, sdk, pool);
        } finally {
          pool.shutdownNow();
          sdk.forEach(PacktrailClient::close);
        }
      }
    }
  }

  /** Sets up, registers, warms up, analyzes, settles and measures; prints the report. */
  private int drive(Database db, ServerMetrics metrics, List<PacktrailClient> sdk,
      ExecutorService pool) throws Exception {
    LoadGenerator.setUp(sdk.get(0));
    String run = Long.toString(System.currentTimeMillis(), 36).toUpperCase();
    List<LoadGenerator.Lane> lanes = new ArrayList<>();
    PrintWriter out = spec.commandLine().getOut();
    out.printf("Registering %d units for %d clients...%n", clients * unitsPerClient, clients)
        .flush();
    for (int c = 0; c < clients; c++) {
      lanes.add(new LoadGenerator.Lane(sdk.get(c),
          LoadGenerator.register(sdk.get(c), run, c, unitsPerClient)));
    }
    List<java.util.function.BooleanSupplier> recordNext = lanes.stream()
        .<java.util.function.BooleanSupplier>map(l -> l::recordNext).toList();
    LoadGenerator driver = new LoadGenerator();
    if (warmupSeconds > 0) {
      driver.measure("warm-up (not measured)", pool, recordNext, warmupSeconds, 0);
    }
    // the statistics a deployment's autovacuum keeps: without them the sequencer plans each
    // batch anew (docs/operations.md), which is not what a deployment measures
    db.jdbi().useHandle(h -> h.execute("ANALYZE"));
    // settling: the sequencer looks at the statistics every 10 s
    driver.warmupSeconds = warmupSeconds > 0 ? SETTLE_SECONDS : 0;
    Snapshot[] window = new Snapshot[2];
    LoadGenerator.Result steps = driver.measure("durable steps, in process", pool, recordNext,
        durationSeconds, 0, new LoadGenerator.Window() {
          @Override
          public void opened() throws IOException {
            window[0] = Snapshot.take(metrics);
          }

          @Override
          public void closed() throws IOException {
            window[1] = Snapshot.take(metrics);
          }
        });
    long errors = lanes.stream().mapToLong(l -> l.errors).sum();
    out.println();
    out.print(report(steps, window[0], window[1], clients));
    out.printf("refused or failed steps: %d%n", errors).flush();
    return errors == 0 ? 0 : 1;
  }

  /** The figures of the measured window, as printed. */
  static String report(LoadGenerator.Result steps, Snapshot before, Snapshot after,
      int clients) {
    long calls = steps.histogram().getTotalCount();
    double seconds = (after.nanos - before.nanos) / 1e9;
    double batches = after.batches - before.batches;
    StringBuilder out = new StringBuilder();
    out.append(String.format(java.util.Locale.ROOT, "%d clients: %.0f steps/s, p50 %.2f ms, p99 %.2f ms%n", clients,
        steps.rate(), steps.ms(50), steps.ms(99)));
    out.append(String.format(java.util.Locale.ROOT, "sequencer: %.0f batches/s of %.1f steps, %.2f ms each; in a batch "
        + "%.0f %% of the time%n", batches / seconds,
        (after.batchedSteps - before.batchedSteps) / batches,
        1e3 * (after.batchSeconds - before.batchSeconds) / batches,
        100 * (after.batchSeconds - before.batchSeconds) / seconds));
    out.append(String.format(java.util.Locale.ROOT, "CPU per step: this process (server and clients) %.0f us, "
        + "PostgreSQL %.0f us, the machine %.0f us; cores busy %.2f of %d%n",
        perCall(after.processSeconds - before.processSeconds, calls),
        perCall(after.postgresSeconds - before.postgresSeconds, calls),
        perCall(after.machineBusySeconds - before.machineBusySeconds, calls),
        (after.machineBusySeconds - before.machineBusySeconds) / seconds,
        Runtime.getRuntime().availableProcessors()));
    return out.toString();
  }

  /** Microseconds of CPU per call: {@code cpuSeconds} over the window, for its calls. */
  private static double perCall(double cpuSeconds, long calls) {
    return calls > 0 ? cpuSeconds * 1e6 / calls : Double.NaN;
  }

  /**
   * What the window is measured by, read at one moment: the sequencer's batch metrics, this
   * process's CPU, and (on Linux) PostgreSQL's and the whole machine's from /proc; NaN where
   * they cannot be read.
   */
  record Snapshot(long nanos, double batches, double batchedSteps, double batchSeconds,
      double processSeconds, double postgresSeconds, double machineBusySeconds) {

    static Snapshot take(ServerMetrics metrics) throws IOException {
      ByteArrayOutputStream text = new ByteArrayOutputStream();
      new PrometheusTextFormatWriter(false).write(text, metrics.registry().scrape());
      String exposition = text.toString(StandardCharsets.UTF_8);
      return new Snapshot(System.nanoTime(),
          ServerCpu.sample(exposition, "packtrail_sequencer_commit_seconds_count"),
          ServerCpu.sample(exposition, "packtrail_sequencer_batch_size_sum"),
          ServerCpu.sample(exposition, "packtrail_sequencer_commit_seconds_sum"),
          ServerCpu.seconds(exposition), // the process's: server and clients share it
          ProcCpu.postgresSeconds(), ProcCpu.machineBusySeconds());
    }
  }

  /** CPU seconds from Linux's /proc (clock ticks of 1/100 s); NaN elsewhere. */
  static final class ProcCpu {
    private static final double TICK = 0.01;

    private ProcCpu() {}

    /** Busy CPU seconds of the whole machine: every state but idle and I/O wait. */
    static double machineBusySeconds() {
      try {
        return busyTicks(Files.readAllLines(Path.of("/proc/stat")).get(0)) * TICK;
      } catch (IOException | RuntimeException e) {
        return Double.NaN;
      }
    }

    /** The busy ticks of /proc/stat's first line ("cpu user nice system idle iowait ..."). */
    static long busyTicks(String cpuLine) {
      String[] f = cpuLine.trim().split("\\s+");
      long busy = 0;
      for (int i = 1; i < f.length && i <= 8; i++) {
        if (i != 4 && i != 5) {
          busy += Long.parseLong(f[i]);
        }
      }
      return busy;
    }

    /** User and system CPU seconds of every process named "postgres" now running. */
    static double postgresSeconds() {
      try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
        return procs.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit))
            .mapToLong(p -> {
              try {
                return postgresTicks(Files.readString(p.resolve("stat")));
              } catch (IOException | RuntimeException gone) {
                return 0; // ended since the listing
              }
            }).sum() * TICK;
      } catch (IOException | RuntimeException e) {
        return Double.NaN;
      }
    }

    /**
     * utime + stime of one /proc/PID/stat line when its command is "postgres", else 0; the
     * command sits in parentheses and may hold spaces, so fields are counted after the last ")".
     */
    static long postgresTicks(String stat) {
      int open = stat.indexOf('(');
      int close = stat.lastIndexOf(')');
      if (open < 0 || close < open || !stat.substring(open + 1, close).equals("postgres")) {
        return 0;
      }
      String[] f = stat.substring(close + 2).trim().split("\\s+");
      // after the command: state(0) ppid pgrp session tty_nr tpgid flags minflt cminflt majflt
      // cmajflt utime(11) stime(12)
      return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }
  }
}
