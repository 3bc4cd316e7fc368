package io.packtrail.bench;

import io.packtrail.client.HashChain;
import io.packtrail.client.PacktrailClient;
import io.packtrail.v1.Event;
import io.packtrail.v1.LifecycleState;
import io.packtrail.v1.ListUnitsRequest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Read latency on a large database (the one {@link BulkLoader} fills), one call at a time over
 * gRPC: {@code ListEvents} of a random unit with exactly 50 events, {@code ListUnits} filtered by
 * state and custodian (a random pair of those the database holds, weighted by their number of
 * units, first page of 50), and the regional overview of Gansu (620000) over the loaded year.
 * The sample units and pairs are read from the database first. {@code --verify} first checks the
 * hash chains of that many random units as a client would (ListEvents, then the SDK's
 * {@link HashChain} against the unit's head hash).
 */
@Command(name = "read-benchmark", mixinStandardHelpOptions = true,
    description = "ListEvents, ListUnits and regional overview latency on a large database.")
public final class ReadBenchmark implements Callable<Integer> {
  @Option(names = "--target", defaultValue = "127.0.0.1:50061", description = "server address")
  String target;

  @Option(names = "--db-url", required = true,
      description = "JDBC URL of the server's database (to pick the sample units)")
  String url;

  @Option(names = "--db-user", defaultValue = "postgres")
  String user;

  @Option(names = "--db-password", defaultValue = "")
  String password;

  @Option(names = "--duration", defaultValue = "30", description = "measured seconds per query")
  int durationSeconds;

  @Option(names = "--warmup", defaultValue = "10", description = "unmeasured seconds first")
  int warmupSeconds;

  @Option(names = "--verify", defaultValue = "0",
      description = "random units whose hash chains to verify first")
  int verify;

  @Option(names = "--only", description = "one query only: events, units or overview")
  String only;

  @Option(names = "--metrics", description = "the server's Prometheus endpoint (serve "
      + "--metrics-port), e.g. http://127.0.0.1:9464/metrics: each query then reports the "
      + "server's CPU microseconds and kB allocated per call")
  java.net.URI metrics;

  @Option(names = "--repeat", defaultValue = "1",
      description = "measure each query this many times in a row (each after its warm-up)")
  int repeat;

  public static void main(String[] args) {
    System.exit(new CommandLine(new ReadBenchmark()).execute(args));
  }

  record Pair(String state, String custodian, long units) {}

  @Override
  public Integer call() throws Exception {
    List<String> fifty = new ArrayList<>();
    List<String> any = new ArrayList<>();
    List<Pair> pairs = new ArrayList<>();
    try (Connection c = DriverManager.getConnection(url, user, password);
         Statement s = c.createStatement()) {
      try (ResultSet rs = s.executeQuery(
          "SELECT code FROM unit WHERE event_count = 50 ORDER BY code LIMIT 10000")) {
        while (rs.next()) {
          fifty.add(rs.getString(1));
        }
      }
      try (ResultSet rs = s.executeQuery(
          "SELECT code FROM unit TABLESAMPLE SYSTEM (1) LIMIT 10000")) {
        while (rs.next()) {
          any.add(rs.getString(1));
        }
      }
      try (ResultSet rs = s.executeQuery("SELECT state, custodian, count(*) FROM unit "
          + "WHERE custodian IS NOT NULL GROUP BY 1, 2 ORDER BY 3 DESC")) {
        while (rs.next()) {
          pairs.add(new Pair(rs.getString(1), rs.getString(2), rs.getLong(3)));
        }
      }
    }
    long total = pairs.stream().mapToLong(Pair::units).sum();
    System.out.printf("%,d units with 50 events; %,d (state, custodian) pairs over %,d units%n",
        fifty.size(), pairs.size(), total);
    SplittableRandom random = new SplittableRandom(12);
    try (PacktrailClient client = PacktrailClient.connect(target)) {
      if (verify > 0) {
        int ok = 0;
        long events = 0;
        for (int i = 0; i < verify; i++) {
          String code = any.get(random.nextInt(any.size()));
          List<Event> history = client.listEvents(code);
          HashChain.Result r = HashChain.verify(history, client.getUnit(code).getHeadHash());
          events += history.size();
          if (r.ok()) {
            ok++;
          } else {
            System.out.printf("chain of %s does NOT verify: %s%n", code, r.detail());
          }
        }
        System.out.printf("verified the chains of %,d of %,d random units (%,d events)%n", ok,
            verify, events);
      }
      OneClientLatency latency = new OneClientLatency(warmupSeconds, durationSeconds, metrics);
      latency.printHeader();
      for (int run = 0; run < repeat && !fifty.isEmpty()
          && (only == null || only.equals("events")); run++) {
        latency.measure("ListEvents, unit with 50 events", () -> {
          int n = client.listEvents(fifty.get(random.nextInt(fifty.size()))).size();
          if (n != 50) {
            throw new IllegalStateException(n + " events");
          }
          return n;
        });
      }
      for (int run = 0; run < repeat && (only == null || only.equals("units")); run++) {
        latency.measure("ListUnits, state and custodian, page of 50", () -> {
          long pick = random.nextLong(total);
          Pair p = pairs.get(pairs.size() - 1);
          for (Pair candidate : pairs) {
            pick -= candidate.units();
            if (pick < 0) {
              p = candidate;
              break;
            }
          }
          return client.listUnits(ListUnitsRequest.newBuilder().setPageSize(50)
              .setState(LifecycleState.valueOf("LIFECYCLE_STATE_" + p.state()))
              .setCustodian(p.custodian()).build()).getUnitsCount();
        });
      }
      if (only == null || only.equals("overview")) {
        Instant start = BulkLoader.T0;
        Instant end = start.plusSeconds(BulkLoader.YEAR);
        long t = System.nanoTime();
        try {
          var o = client.getRegionalOverview("620000", start, end);
          System.out.printf("first regional overview (620000, one year): %.0f ms; %s%n",
              (System.nanoTime() - t) / 1e6, o.getSteps().toString().replace('\n', ' '));
        } catch (io.grpc.StatusRuntimeException e) {
          System.err.println(overviewFailed(e.getStatus(), (System.nanoTime() - t) / 1e6));
          return 1;
        }
        for (int run = 0; run < repeat; run++) {
          latency.measure("GetRegionalOverview 620000, one year", () -> client
              .getRegionalOverview("620000", start, end).getCitiesCount());
        }
      }
    }
    return 0;
  }

  /** The one line that reports a failed first overview, with what to do when it was slow. */
  static String overviewFailed(io.grpc.Status status, double millis) {
    // a year of deadlines judged from the first step takes longer than a call may
    boolean slow = status.getCode() == io.grpc.Status.Code.DEADLINE_EXCEEDED;
    return String.format(java.util.Locale.ROOT, "the regional overview failed after %.0f ms: "
        + "%s %s%s", millis, status.getCode(), status.getDescription(), slow
        ? " (serve with --reporting-start to bound its deadline section, or measure with "
            + "--only events or --only units)" : "");
  }
}
