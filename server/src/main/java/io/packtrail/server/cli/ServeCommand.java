package io.packtrail.server.cli;

import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.packtrail.server.PacktrailServer;
import io.packtrail.server.metrics.ServerMetrics;
import io.packtrail.server.pki.DeploymentCa;
import io.packtrail.server.pki.IssuedCertificates;
import io.packtrail.server.pki.PkiFiles;
import io.packtrail.server.security.CallerResolver;
import io.packtrail.server.security.CertificateCallerResolver;
import io.packtrail.server.security.KeySealer;
import io.packtrail.server.security.ServerTls;
import io.packtrail.server.store.Database;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.time.Clock;
import org.jdbi.v3.core.Jdbi;
import java.net.InetSocketAddress;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import io.packtrail.server.domain.AnomalyRules;

/** Runs the gRPC server until interrupted, then stops gracefully. */
@Command(name = "serve", mixinStandardHelpOptions = true,
    description = {"Run the Packtrail gRPC server: mutual TLS, client certificates required "
        + "(the deployment CA and this server's certificate from 'pki init', in <home>/pki).",
        "--demo makes the CA and the demo's certificates on first start and prints where they "
            + "are; --plaintext (loopback only) is for development."})
final class ServeCommand implements Callable<Integer> {
  @Mixin
  DatabaseOptions database;

  @Option(names = "--port", defaultValue = "${env:PACKTRAIL_PORT:-50051}",
      description = "gRPC port (env PACKTRAIL_PORT, default ${DEFAULT-VALUE})")
  int port;

  @Option(names = "--bind", defaultValue = "${env:PACKTRAIL_BIND:-127.0.0.1}",
      description = "address to listen on (env PACKTRAIL_BIND, default 127.0.0.1); give the "
          + "server certificate this host's name ('pki init --server-name')")
  String bind;

  @Option(names = "--plaintext", arity = "0..1", fallbackValue = "true",
      defaultValue = "${env:PACKTRAIL_PLAINTEXT:-false}",
      description = "serve without TLS, every caller the local development principal (env "
          + "PACKTRAIL_PLAINTEXT); refused unless --bind is a loopback address")
  boolean plaintext;

  @Option(names = "--require-labels", arity = "0..1", fallbackValue = "true",
      defaultValue = "${env:PACKTRAIL_REQUIRE_LABELS:-false}",
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

  @Option(names = "--anomaly-scan-interval",
      defaultValue = "${env:PACKTRAIL_ANOMALY_SCAN_INTERVAL:-300}",
      description = "seconds between anomaly scans (env PACKTRAIL_ANOMALY_SCAN_INTERVAL, "
          + "default 300); 0: this instance does not scan (another instance does)")
  double anomalyScanIntervalSeconds;

  @Option(names = "--shipment-not-received-days",
      defaultValue = "${env:PACKTRAIL_SHIPMENT_NOT_RECEIVED_DAYS:-14}",
      description = "days after which a shipment not received is an anomaly "
          + "(env PACKTRAIL_SHIPMENT_NOT_RECEIVED_DAYS, default 14)")
  double shipmentNotReceivedDays;

  @Option(names = "--removal-not-collected-days",
      defaultValue = "${env:PACKTRAIL_REMOVAL_NOT_COLLECTED_DAYS:-30}",
      description = "days after which a unit removed from its vehicle and not collected is an "
          + "anomaly (env PACKTRAIL_REMOVAL_NOT_COLLECTED_DAYS, default 30)")
  double removalNotCollectedDays;

  @Option(names = "--vanished-days", defaultValue = "${env:PACKTRAIL_VANISHED_DAYS:-90}",
      description = "days without a step after which a unit neither in use nor finished has "
          + "vanished (env PACKTRAIL_VANISHED_DAYS, default 90)")
  double vanishedDays;

  @Option(names = "--anomaly-dismantling-tolerance-percent",
      defaultValue = "${env:PACKTRAIL_ANOMALY_DISMANTLING_TOLERANCE_PERCENT:-1}",
      description = "how far a dismantling's children and residue may differ from the parent's "
          + "mass before it is an anomaly, in percent (default 1; beyond "
          + "--mass-tolerance-percent the step is refused)")
  double anomalyDismantlingTolerancePercent;

  @Option(names = "--anomaly-recycling-loss-percent",
      defaultValue = "${env:PACKTRAIL_ANOMALY_RECYCLING_LOSS_PERCENT:-10}",
      description = "how much of the element mass fed to a recycling may be missing from its "
          + "lots before it is an anomaly, in percent (default 10)")
  double anomalyRecyclingLossPercent;

  @Option(names = "--working-calendar", paramLabel = "FILE",
      defaultValue = "${env:PACKTRAIL_WORKING_CALENDAR}",
      description = "the holidays and adjusted workdays reporting deadlines count working days "
          + "by (docs/formats.md section 18; env PACKTRAIL_WORKING_CALENDAR); default: China's "
          + "2026 calendar, built in")
  java.nio.file.Path workingCalendar;

  @Option(names = "--reporting-start", paramLabel = "YYYY-MM-DD",
      defaultValue = "${env:PACKTRAIL_REPORTING_START}",
      description = "steps dated before this day (China Standard Time) are imported history and "
          + "not judged late or overdue (env PACKTRAIL_REPORTING_START); default: every step is "
          + "judged, with --demo the demo's " + DemoData.REPORTING_START_DAY)
  String reportingStart;

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
    anomalyScanInterval(); // so are the anomaly scan's settings
    anomalyRules();
    var deadlines = deadlines(workingCalendar, reportingStart == null && demo
        ? DemoData.REPORTING_START_DAY : reportingStart);
    InetSocketAddress address = new InetSocketAddress(bind, port);
    if (plaintext) {
      requireLoopback(address);
    }
    // every other setting is checked here too, before the database is opened and migrated (and
    // the embedded one started): a typo must not leave that work half done behind an error
    database.check();
    PacktrailServer.Settings settings = settings(witnesses, deadlines);
    // the key-encryption key last: without one configured, it is made in the home directory
    settings = settings.withSealer(database.keySealer());
    DatabaseOptions.Opened opened = database.open(10);
    try {
      return serve(opened, address, settings);
    } catch (Exception | Error e) {
      opened.close();
      throw e;
    }
  }

  private PacktrailServer.Settings settings(
      java.util.List<io.packtrail.client.log.VerifierKey> witnesses,
      io.packtrail.server.domain.ReportingDeadlines deadlines) {
    return PacktrailServer.Settings.defaults()
        .withRequireLabels(requireLabels)
        .withMassTolerancePercent(massTolerancePercent)
        .withEnrollmentCodeValidity(java.time.Duration.ofHours(enrollmentCodeHours))
        .withLog(logOrigin, java.time.Duration.ofMillis(
            Math.round(checkpointIntervalSeconds * 1000)))
        .withLimits(new PacktrailServer.Limits(maxMessageBytes, watchStreamsPerIdentity,
            rateLimit, rateBurst))
        .withWitnessKeys(witnesses)
        .withAnomalyScan(anomalyScanInterval(), anomalyRules())
        .withDeadlines(deadlines);
  }

  private int serve(DatabaseOptions.Opened opened, InetSocketAddress address,
      PacktrailServer.Settings settings) throws Exception {
    Clock clock = Clock.systemUTC();
    Jdbi jdbi = opened.database().jdbi();
    KeySealer sealer = settings.sealer();
    NettyServerBuilder builder = NettyServerBuilder.forAddress(address);
    PkiFiles files = PkiFiles.in(database.home());
    java.util.List<String> startWarnings = new java.util.ArrayList<>();
    String security;
    if (plaintext) {
      settings = settings.withCallerResolver(CallerResolver.PLAINTEXT);
      security = "in PLAINTEXT (development: every caller is the local principal)";
    } else {
      if (demo) {
        // a renewal near expiry keeps the names the certificate has (loopback for a new one)
        PkiFiles.Init init = files.init(jdbi, sealer, files.serverNamesOrLoopback(), false,
            clock);
        if (init.caCreated() || init.server() != null) {
          System.err.println(PkiReport.init(files, init));
        }
      }
      DeploymentCa ca = DeploymentCa.load(jdbi, sealer, clock).orElseThrow(() ->
          new IllegalStateException("this deployment has no CA yet: run 'packtrail-server pki "
              + "init' first (or 'serve --demo'; or 'serve --plaintext' for development on "
              + "loopback)"));
      PkiFiles.ServerMaterial server = files.server(ca, clock);
      startWarnings.addAll(PkiFiles.expiryWarnings(ca, server, clock.instant()));
      builder.sslContext(ServerTls.context(ca.certificate(), server.certificate(),
          server.key()));
      IssuedCertificates issued = new IssuedCertificates(jdbi, clock);
      settings = settings.withCallerResolver(new CertificateCallerResolver(ca.certificate(),
          issued, clock));
      security = "with mutual TLS (CA " + files.caCertificate() + ")";
      if (demo) {
        System.err.println(DemoCertificates.issue(ca, issued, files, clock, bind + ":" + port));
      }
    }
    ServerMetrics metrics = null;
    HTTPServer metricsEndpoint = null;
    if (metricsPort >= 0) {
      metrics = new ServerMetrics();
      Database db = opened.database();
      metrics.databasePool(db::pool, db.maximumPoolSize());
      try {
        metricsEndpoint = metrics.serve(InetAddress.getByName(metricsBind), metricsPort);
      } catch (java.net.BindException e) {
        throw new IllegalStateException("--metrics-port " + metricsPort + " on " + metricsBind
            + " cannot be served (" + e.getMessage() + "): another process listens there; "
            + "choose another port, or leave --metrics-port unset to serve no metrics", e);
      }
    }
    PacktrailServer server = PacktrailServer.start(builder, jdbi, settings, metrics);
    HTTPServer endpoint = metricsEndpoint;
    CountDownLatch stopped = new CountDownLatch(1);
    if (opened.embedded() != null) {
      // at SIGTERM the embedded PostgreSQL waits for the drain below (its calls, then the
      // sequencer's last commit) before it stops
      opened.embedded().holdOnStop(PacktrailServer.CALLS_DRAIN_LIMIT.plusSeconds(30));
    }
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
    System.err.println("Packtrail listening on " + bind + ":" + server.port() + " " + security
        + " (health and reflection on)");
    HeapLimit.advice().ifPresent(System.err::println);
    for (String risk : opened.database().durability().risks()) {
      System.err.println("WARNING: " + risk + ".");
    }
    for (String warning : startWarnings) {
      System.err.println("WARNING: " + warning + ".");
    }
    if (metricsEndpoint != null) {
      System.err.println("Metrics at http://" + metricsBind + ":" + metricsEndpoint.getPort()
          + "/metrics");
    }
    if (demo && loadDemo(jdbi, sealer, demoPacks, logOrigin, System.err)) {
      // the demo's anomalies at once, not at the next scan
      System.err.println("Anomaly scan: " + server.scanAnomaliesNow() + " anomalies found.");
    }
    server.awaitTermination();
    stopped.await();
    return 0;
  }

  /** The anomaly scan's interval as given (refused when out of range). */
  java.time.Duration anomalyScanInterval() {
    if (!Double.isFinite(anomalyScanIntervalSeconds) || anomalyScanIntervalSeconds < 0) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(),
          "--anomaly-scan-interval must be 0 (off) or more seconds, got "
              + anomalyScanIntervalSeconds);
    }
    return java.time.Duration.ofMillis(Math.round(anomalyScanIntervalSeconds * 1000));
  }

  /** The anomaly scan's thresholds as given (refused when out of range). */
  AnomalyRules anomalyRules() {
    try {
      return new AnomalyRules(days(shipmentNotReceivedDays), days(removalNotCollectedDays),
          days(vanishedDays), anomalyDismantlingTolerancePercent, anomalyRecyclingLossPercent);
    } catch (IllegalArgumentException e) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
  }

  private static java.time.Duration days(double days) {
    if (!Double.isFinite(days) || days <= 0 || days > 36_500) {
      throw new IllegalArgumentException("a number of days must be above 0 and at most 36500, "
          + "got " + days);
    }
    return java.time.Duration.ofSeconds(Math.round(days * 86_400));
  }

  /**
   * The deadline checks' calendar (the file, or the built-in one when null) and reporting start
   * (a day, from 00:00 China Standard Time; null: none), or the reason they are refused.
   */
  static io.packtrail.server.domain.ReportingDeadlines deadlines(java.nio.file.Path calendar,
      String reportingStart) {
    io.packtrail.server.domain.WorkingCalendar c;
    if (calendar == null || calendar.toString().isBlank()) {
      c = io.packtrail.server.domain.WorkingCalendar.chinaDefault();
    } else {
      try {
        c = io.packtrail.server.domain.WorkingCalendar.parse(
            java.nio.file.Files.readString(calendar), calendar.toString());
      } catch (java.io.IOException e) {
        throw new IllegalArgumentException("--working-calendar " + calendar
            + " cannot be read: " + e);
      }
    }
    java.time.Instant start = null;
    if (reportingStart != null && !reportingStart.isBlank()) {
      try {
        start = java.time.LocalDate.parse(reportingStart.strip()).atStartOfDay()
            .toInstant(io.packtrail.server.domain.ReportingDeadlines.CHINA);
      } catch (java.time.format.DateTimeParseException e) {
        throw new IllegalArgumentException("--reporting-start must be a day YYYY-MM-DD, got '"
            + reportingStart.strip() + "'");
      }
    }
    return new io.packtrail.server.domain.ReportingDeadlines(c, start);
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

  /** Plaintext has no authentication: only this machine may reach it. */
  static void requireLoopback(InetSocketAddress address) {
    if (address.isUnresolved() || !address.getAddress().isLoopbackAddress()) {
      throw new IllegalArgumentException("--plaintext serves without authentication and is "
          + "allowed only on a loopback address (127.0.0.1, ::1, localhost); --bind "
          + address.getHostString() + " is not one. Serve with mutual TLS ('pki init', then "
          + "serve without --plaintext), or bind to 127.0.0.1");
    }
  }

  /**
   * Loads the demo data through the API of an in-process server on the same database (so the
   * loader needs no certificate; the Netty server serves meanwhile). A failure is reported and
   * the server keeps running; returns whether it loaded.
   */
  static boolean loadDemo(Jdbi jdbi, KeySealer sealer, int packs, String logOrigin,
      PrintStream report) {
    try {
      DemoData.loadInProcess(jdbi, sealer, packs, false, logOrigin);
      report.println("Demo data ready.");
      return true;
    } catch (RuntimeException | IOException e) {
      report.println("Loading the demo data failed; the server keeps serving without it: "
          + e.getMessage());
      return false;
    }
  }
}
