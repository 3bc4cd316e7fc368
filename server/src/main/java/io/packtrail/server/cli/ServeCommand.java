package io.packtrail.server.cli;

import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.packtrail.client.PacktrailClient;
import io.packtrail.server.PacktrailServer;
import io.packtrail.server.metrics.ServerMetrics;
import io.packtrail.server.store.Database;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Runs the gRPC server until interrupted, then stops gracefully. */
@Command(name = "serve", mixinStandardHelpOptions = true,
    description = "Run the Packtrail gRPC server (plaintext until mutual TLS lands).")
final class ServeCommand implements Callable<Integer> {
  @Mixin
  DatabaseOptions database;

  @Option(names = "--port", defaultValue = "${env:PACKTRAIL_PORT:-50051}",
      description = "gRPC port (env PACKTRAIL_PORT, default ${DEFAULT-VALUE})")
  int port;

  @Option(names = "--bind", defaultValue = "127.0.0.1",
      description = "address to listen on (default ${DEFAULT-VALUE}; plaintext stays on "
          + "loopback unless you say otherwise)")
  String bind;

  @Option(names = "--require-labels", defaultValue = "${env:PACKTRAIL_REQUIRE_LABELS:-false}",
      description = "refuse collection, receipt and inspection steps that carry no scanned "
          + "label (env PACKTRAIL_REQUIRE_LABELS)")
  boolean requireLabels;

  @Option(names = "--mass-tolerance-percent",
      defaultValue = "${env:PACKTRAIL_MASS_TOLERANCE_PERCENT:-2}",
      description = "how far a dismantling's children and residue may differ from the parent's "
          + "mass, in percent (env PACKTRAIL_MASS_TOLERANCE_PERCENT, default 2)")
  double massTolerancePercent;

  @Option(names = "--enrollment-code-hours",
      defaultValue = "${env:PACKTRAIL_ENROLLMENT_CODE_HOURS:-24}",
      description = "how long a device enrollment code is good for, in hours "
          + "(env PACKTRAIL_ENROLLMENT_CODE_HOURS, default 24)")
  int enrollmentCodeHours;

  @Option(names = "--log-origin", defaultValue = "${env:PACKTRAIL_LOG_ORIGIN}",
      description = "the verifiable log's origin, the first line of its checkpoints and its "
          + "key name (env PACKTRAIL_LOG_ORIGIN); fixed when the log key is made, default "
          + "packtrail.local/log")
  String logOrigin;

  @Option(names = "--checkpoint-interval",
      defaultValue = "${env:PACKTRAIL_CHECKPOINT_INTERVAL:-5}",
      description = "seconds between signed checkpoints while the log grows "
          + "(env PACKTRAIL_CHECKPOINT_INTERVAL, default 5); 0: this instance does not integrate "
          + "the log in the background, another instance of the deployment does (CreateCheckpoint "
          + "still integrates and signs on demand)")
  double checkpointIntervalSeconds;

  @Option(names = "--max-message-bytes",
      defaultValue = "${env:PACKTRAIL_MAX_MESSAGE_BYTES:-4194304}",
      description = "the largest request message the server reads, in bytes "
          + "(env PACKTRAIL_MAX_MESSAGE_BYTES, default 4 MiB); larger: RESOURCE_EXHAUSTED")
  int maxMessageBytes;

  @Option(names = "--watch-streams-per-identity",
      defaultValue = "${env:PACKTRAIL_WATCH_STREAMS_PER_IDENTITY:-8}",
      description = "WatchEvents streams one certificate may hold open at once "
          + "(env PACKTRAIL_WATCH_STREAMS_PER_IDENTITY, default 8)")
  int watchStreamsPerIdentity;

  @Option(names = "--rate-limit", defaultValue = "${env:PACKTRAIL_RATE_LIMIT:-1000}",
      description = "calls per second one certificate may make after its burst "
          + "(env PACKTRAIL_RATE_LIMIT, default 1000; 0: no limit); beyond: RESOURCE_EXHAUSTED "
          + "with the time to wait (RetryInfo)")
  double rateLimit;

  @Option(names = "--rate-burst", defaultValue = "${env:PACKTRAIL_RATE_BURST:-2000}",
      description = "calls one certificate may make at once before --rate-limit applies "
          + "(env PACKTRAIL_RATE_BURST, default 2000)")
  int rateBurst;

  @picocli.CommandLine.Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--metrics-port", defaultValue = "${env:PACKTRAIL_METRICS_PORT:--1}",
      description = "serve Prometheus metrics at http://<metrics-bind>:PORT/metrics (env "
          + "PACKTRAIL_METRICS_PORT; default off; 0: any free port, printed at start)")
  int metricsPort;

  @Option(names = "--metrics-bind", defaultValue = "${env:PACKTRAIL_METRICS_BIND:-127.0.0.1}",
      description = "address of the metrics endpoint (env PACKTRAIL_METRICS_BIND, default "
          + "${DEFAULT-VALUE}: loopback, for a scraper on the same host or behind a proxy)")
  String metricsBind;

  @Option(names = "--witness-key", paramLabel = "VKEY", split = ",",
      defaultValue = "${env:PACKTRAIL_WITNESS_KEYS}",
      description = "a witness whose cosignatures of the log's checkpoints this server accepts "
          + "(AuditService.AddCosignature) and serves with them: its C2SP verifier key "
          + "(name+hash+base64, signature type 0x04, as 'packtrail-scanner.jar monitor --witness' "
          + "prints it); repeat for several (env PACKTRAIL_WITNESS_KEYS, comma-separated). "
          + "Without any, cosignatures are refused (PERMISSION_DENIED)")
  java.util.List<String> witnessKeys;

  @Option(names = "--demo", description = "fill the database with the Gansu pilot network first")
  boolean demo;

  @Option(names = "--demo-packs", defaultValue = "3000",
      description = "packs the demo creates (default ${DEFAULT-VALUE})")
  int demoPacks;

  @Override
  public Integer call() throws Exception {
    if (metricsPort < -1 || metricsPort > 65535) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(),
          "--metrics-port must be 0 to 65535 (or unset: off), got " + metricsPort);
    }
    var witnesses = witnessKeys(witnessKeys); // refused before the database is opened
    DatabaseOptions.Opened opened = database.open(10);
    ServerMetrics metrics = null;
    HTTPServer metricsEndpoint = null;
    if (metricsPort >= 0) {
      metrics = new ServerMetrics();
      Database db = opened.database();
      metrics.databasePool(db::pool, db.maximumPoolSize());
      metricsEndpoint = metrics.serve(InetAddress.getByName(metricsBind), metricsPort);
    }
    PacktrailServer server = PacktrailServer.start(
        NettyServerBuilder.forAddress(new InetSocketAddress(bind, port)),
        opened.database().jdbi(), PacktrailServer.Settings.defaults()
            .withSealer(database.keySealer())
            .withRequireLabels(requireLabels)
            .withMassTolerancePercent(massTolerancePercent)
            .withEnrollmentCodeValidity(java.time.Duration.ofHours(enrollmentCodeHours))
            .withLog(logOrigin, java.time.Duration.ofMillis(
                Math.round(checkpointIntervalSeconds * 1000)))
            .withLimits(new PacktrailServer.Limits(maxMessageBytes, watchStreamsPerIdentity,
                rateLimit, rateBurst))
            .withWitnessKeys(witnesses), metrics);
    HTTPServer endpoint = metricsEndpoint;
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      System.err.println("Stopping: finishing in-flight requests...");
      server.close();
      if (endpoint != null) {
        endpoint.close();
      }
      try {
        opened.close();
      } catch (Exception e) {
        System.err.println("closing the database: " + e);
      }
      stopped.countDown();
    }, "packtrail-shutdown"));
    System.err.println("Packtrail listening on " + bind + ":" + server.port()
        + " (health and reflection on)");
    if (metricsEndpoint != null) {
      System.err.println("Metrics at http://" + metricsBind + ":" + metricsEndpoint.getPort()
          + "/metrics");
    }
    if (demo) {
      loadDemo("127.0.0.1:" + server.port(), demoPacks, System.err);
    }
    server.awaitTermination();
    stopped.await();
    return 0;
  }

  /** The witness keys as given, each parsed, or the reason one is not a witness key. */
  static java.util.List<io.packtrail.client.log.VerifierKey> witnessKeys(
      java.util.List<String> given) {
    java.util.List<io.packtrail.client.log.VerifierKey> keys = new java.util.ArrayList<>();
    for (String text : given == null ? java.util.List.<String>of() : given) {
      if (text.isBlank()) {
        continue; // an empty PACKTRAIL_WITNESS_KEYS
      }
      io.packtrail.client.log.VerifierKey key;
      try {
        key = io.packtrail.client.log.VerifierKey.parse(text.strip());
      } catch (io.packtrail.client.log.LogVerificationException e) {
        throw new IllegalArgumentException("--witness-key '" + text.strip() + "' is not a "
            + "verifier key: " + e.getMessage());
      }
      if (key.type() != io.packtrail.client.log.VerifierKey.TYPE_COSIGNATURE) {
        throw new IllegalArgumentException("--witness-key " + key.name() + " is a log's key "
            + "(signature type 0x01), not a witness's (0x04, C2SP tlog-cosignature)");
      }
      keys.add(key);
    }
    return keys;
  }

  /**
   * Loads the demo data through the server at {@code target}. The server is already serving,
   * so a failure here is reported and the server keeps running; returns whether it loaded.
   */
  static boolean loadDemo(String target, int packs, PrintStream report) {
    try (PacktrailClient client = PacktrailClient.connect(target)) {
      new DemoData(client, packs).load();
      report.println("Demo data ready. Try: grpcurl -plaintext " + target + " list");
      return true;
    } catch (RuntimeException e) {
      report.println("Loading the demo data failed; the server keeps serving without it: "
          + e.getMessage());
      return false;
    }
  }
}
