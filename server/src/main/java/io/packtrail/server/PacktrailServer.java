package io.packtrail.server;

import com.google.common.util.concurrent.MoreExecutors;
import io.grpc.BindableService;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.Server;
import io.grpc.ServerBuilder;
import io.grpc.ServerCallExecutorSupplier;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import io.packtrail.server.api.ApiServices;
import io.packtrail.server.api.AuthorizationInterceptor;
import io.packtrail.server.api.RateLimitInterceptor;
import io.packtrail.server.api.ExceptionInterceptor;
import io.packtrail.server.api.RequestParsing;
import io.packtrail.server.app.Anomalies;
import io.packtrail.server.app.AnomalyScan;
import io.packtrail.server.app.Devices;
import io.packtrail.server.app.Services;
import io.packtrail.server.ingest.Directory;
import io.packtrail.server.ingest.Sequencer;
import io.packtrail.server.ingest.WatchHub;
import io.packtrail.server.security.CallerInterceptor;
import io.packtrail.server.security.CallerResolver;
import io.packtrail.server.security.RateLimiter;
import java.io.IOException;
import io.packtrail.server.domain.Lifecycle;
import io.packtrail.server.domain.ReportingDeadlines;
import io.packtrail.server.domain.StepType;
import io.packtrail.server.domain.WorkingCalendar;
import io.packtrail.server.ingest.LabelSightings;
import io.packtrail.server.label.CurrentTrustList;
import io.packtrail.server.label.Labels;
import io.packtrail.client.log.VerifierKey;
import io.packtrail.server.log.LogKey;
import io.packtrail.server.log.VerifiableLog;
import io.packtrail.server.metrics.ServerMetrics;
import io.packtrail.server.pki.CertificateAuthority;
import io.packtrail.server.security.KeySealer;
import io.packtrail.server.store.JdbiStorage;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running server: the packtrail.v1 services behind the caller and exception interceptors,
 * plus health and reflection. Takes a {@link ServerBuilder} so tests run it in-process and
 * production on Netty.
 */
public final class PacktrailServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(PacktrailServer.class);

  /** Tunables; the defaults suit a 2-core machine with PostgreSQL beside it. */
  public record Settings(int maxBatch, int queueCapacity, int maxWatchers, int handlerThreads,
      Clock clock, KeySealer sealer, boolean requireLabels, Duration trustListValidity,
      CallerResolver callerResolver, double massTolerancePercent,
      Duration enrollmentCodeValidity, String logOrigin, Duration checkpointInterval,
      Limits limits, List<VerifierKey> witnessKeys, AnomalyScan.Settings anomalyScan,
      ReportingDeadlines deadlines) {
    public Settings {
      witnessKeys = List.copyOf(witnessKeys);
    }

    /**
     * Defaults with a throwaway key-encryption key: label keys made under it cannot be opened
     * after a restart, so a real deployment passes its configured one ({@link #withSealer}).
     * Callers are unauthenticated (plaintext) until mutual TLS supplies a resolver.
     */
    public static Settings defaults() {
      return new Settings(256, 20_000, 256,
          Math.max(4, 2 * Runtime.getRuntime().availableProcessors()), Clock.systemUTC(),
          KeySealer.random(), false, CurrentTrustList.DEFAULT_VALIDITY,
          CallerResolver.PLAINTEXT, Lifecycle.DEFAULT_MASS_TOLERANCE * 100,
          Devices.DEFAULT_CODE_VALIDITY, null, VerifiableLog.DEFAULT_CHECKPOINT_INTERVAL,
          Limits.defaults(), List.of(), AnomalyScan.Settings.defaults(),
          new ReportingDeadlines(WorkingCalendar.chinaDefault(), null));
    }

    public Settings withSealer(KeySealer sealer) {
      return new Settings(maxBatch, queueCapacity, maxWatchers, handlerThreads, clock, sealer,
          requireLabels, trustListValidity, callerResolver, massTolerancePercent,
          enrollmentCodeValidity, logOrigin, checkpointInterval, limits,
          witnessKeys, anomalyScan, deadlines);
    }

    /** Labels become mandatory for the scan-type steps: collection, receipt, inspection. */
    public Settings withRequireLabels(boolean require) {
      return new Settings(maxBatch, queueCapacity, maxWatchers, handlerThreads, clock, sealer,
          require, trustListValidity, callerResolver, massTolerancePercent,
          enrollmentCodeValidity, logOrigin, checkpointInterval, limits,
          witnessKeys, anomalyScan, deadlines);
    }

    public Settings withMaxWatchers(int max) {
      return new Settings(maxBatch, queueCapacity, max, handlerThreads, clock, sealer,
          requireLabels, trustListValidity, callerResolver, massTolerancePercent,
          enrollmentCodeValidity, logOrigin, checkpointInterval, limits,
          witnessKeys, anomalyScan, deadlines);
    }

    /** How a call's identity is established (the mutual-TLS issue plugs in here). */
    public Settings withCallerResolver(CallerResolver resolver) {
      return new Settings(maxBatch, queueCapacity, maxWatchers, handlerThreads, clock, sealer,
          requireLabels, trustListValidity, resolver, massTolerancePercent,
          enrollmentCodeValidity, logOrigin, checkpointInterval, limits,
          witnessKeys, anomalyScan, deadlines);
    }

    /**
     * How far a dismantling's children and residue may differ from the parent's mass, in percent
     * of it (default 2): beyond it the step is refused (MASS_BALANCE).
     */
    public Settings withMassTolerancePercent(double percent) {
      if (!Double.isFinite(percent) || percent < 0 || percent > 100) {
        throw new IllegalArgumentException("the mass tolerance must be 0 to 100 percent, got "
            + percent);
      }
      return new Settings(maxBatch, queueCapacity, maxWatchers, handlerThreads, clock, sealer,
          requireLabels, trustListValidity, callerResolver, percent,
          enrollmentCodeValidity, logOrigin, checkpointInterval, limits,
          witnessKeys, anomalyScan, deadlines);
    }

    /** How long an enrollment code is good for (serve --enrollment-code-hours). */
    public Settings withEnrollmentCodeValidity(Duration validity) {
      if (validity.isNegative() || validity.isZero()) {
        throw new IllegalArgumentException("enrollment codes must be valid for some time, got "
            + validity);
      }
      return new Settings(maxBatch, queueCapacity, maxWatchers, handlerThreads, clock, sealer,
          requireLabels, trustListValidity, callerResolver, massTolerancePercent, validity,
          logOrigin, checkpointInterval, limits,
          witnessKeys, anomalyScan, deadlines);
    }

    /**
     * The verifiable log's origin (null: the stored one, or {@link LogKey#DEFAULT_ORIGIN} for a
     * new log) and how often a checkpoint is signed while the tree grows; zero: this instance
     * does not integrate in the background (another instance of the deployment does).
     */
    public Settings withLog(String origin, Duration interval) {
      if (origin != null) {
        LogKey.checkOrigin(origin);
      }
      if (interval.isNegative()) {
        throw new IllegalArgumentException("the checkpoint interval must not be negative, got "
            + interval);
      }
      return new Settings(maxBatch, queueCapacity, maxWatchers, handlerThreads, clock, sealer,
          requireLabels, trustListValidity, callerResolver, massTolerancePercent,
          enrollmentCodeValidity, origin, interval, limits, witnessKeys, anomalyScan, deadlines);
    }

    /** The server's clock (tests move it: the rate limit refills by it). */
    public Settings withClock(Clock clock) {
      return new Settings(maxBatch, queueCapacity, maxWatchers, handlerThreads, clock, sealer,
          requireLabels, trustListValidity, callerResolver, massTolerancePercent,
          enrollmentCodeValidity, logOrigin, checkpointInterval, limits,
          witnessKeys, anomalyScan, deadlines);
    }

    /** The limits per message and per identity (serve --max-message-bytes, --rate-limit, ...). */
    public Settings withLimits(Limits limits) {
      return new Settings(maxBatch, queueCapacity, maxWatchers, handlerThreads, clock, sealer,
          requireLabels, trustListValidity, callerResolver, massTolerancePercent,
          enrollmentCodeValidity, logOrigin, checkpointInterval, limits,
          witnessKeys, anomalyScan, deadlines);
    }

    /**
     * The witnesses whose cosignatures of the log's checkpoints this server accepts
     * (AddCosignature): their C2SP verifier keys, signature type 0x04 (serve --witness-key).
     */
    public Settings withWitnessKeys(List<VerifierKey> keys) {
      for (VerifierKey k : keys) {
        if (k.type() != VerifierKey.TYPE_COSIGNATURE) {
          throw new IllegalArgumentException("witness key " + k.encode() + " is not a cosigner's "
              + "key (signature type 0x04, C2SP tlog-cosignature)");
        }
      }
      // one public key under two names would let its holder's one cosignature count twice
      new io.packtrail.client.log.WitnessPolicy(keys, 0);
      return new Settings(maxBatch, queueCapacity, maxWatchers, handlerThreads, clock, sealer,
          requireLabels, trustListValidity, callerResolver, massTolerancePercent,
          enrollmentCodeValidity, logOrigin, checkpointInterval, limits, keys, anomalyScan,
          deadlines);
    }

    /**
     * How often the anomaly scan runs (zero: never in the background; tests call it) and its
     * thresholds (serve --anomaly-scan-interval, --shipment-not-received-days, ...).
     */
    public Settings withAnomalyScan(Duration interval, io.packtrail.server.domain.AnomalyRules rules) {
      return withAnomalyScan(new AnomalyScan.Settings(interval, rules));
    }

    /** As {@link #withAnomalyScan(Duration, io.packtrail.server.domain.AnomalyRules)}. */
    public Settings withAnomalyScan(AnomalyScan.Settings scan) {
      return new Settings(maxBatch, queueCapacity, maxWatchers, handlerThreads, clock, sealer,
          requireLabels, trustListValidity, callerResolver, massTolerancePercent,
          enrollmentCodeValidity, logOrigin, checkpointInterval, limits, witnessKeys, scan,
          deadlines);
    }

    /**
     * The working calendar and reporting start of the deadline checks (serve
     * --working-calendar, --reporting-start); default: China's 2026 calendar, every step judged.
     */
    public Settings withDeadlines(ReportingDeadlines deadlines) {
      return new Settings(maxBatch, queueCapacity, maxWatchers, handlerThreads, clock, sealer,
          requireLabels, trustListValidity, callerResolver, massTolerancePercent,
          enrollmentCodeValidity, logOrigin, checkpointInterval, limits, witnessKeys,
          anomalyScan, deadlines);
    }

    Set<StepType> labelRequiredSteps() {
      return requireLabels ? EnumSet.of(StepType.COLLECTION, StepType.RECEIPT,
          StepType.INSPECTION) : EnumSet.noneOf(StepType.class);
    }
  }

  /**
   * Limits that protect the server from one caller: the largest request message, the watch
   * streams one identity may hold open, and its calls per second (a token bucket of
   * {@code callBurst}, refilled at {@code callsPerSecond}; 0 turns it off). Identities are
   * certificates; the plaintext development principal has no per-identity limits. Batch and page
   * sizes are part of the API (at most 1000) and not configurable.
   */
  public record Limits(int maxMessageBytes, int watchStreamsPerIdentity, double callsPerSecond,
      int callBurst) {
    public static final int DEFAULT_MAX_MESSAGE_BYTES = 4 * 1024 * 1024;

    public Limits {
      if (maxMessageBytes < 1024) {
        throw new IllegalArgumentException("the largest request must be at least 1024 bytes, got "
            + maxMessageBytes);
      }
      if (watchStreamsPerIdentity < 1) {
        throw new IllegalArgumentException("an identity must be allowed at least one watch "
            + "stream, got " + watchStreamsPerIdentity);
      }
      if (!Double.isFinite(callsPerSecond) || callsPerSecond < 0 || callBurst < 1) {
        throw new IllegalArgumentException("the rate limit needs 0 (off) or more calls per "
            + "second and a burst of at least 1, got " + callsPerSecond + " and " + callBurst);
      }
    }

    /** 4 MiB requests, 8 watch streams, 1,000 calls per second with bursts of 2,000. */
    public static Limits defaults() {
      return new Limits(DEFAULT_MAX_MESSAGE_BYTES, 8, 1000, 2000);
    }
  }

  private final Server server;
  private final Sequencer sequencer;
  private final WatchHub hub;
  private final ExecutorService watchers;
  private final ExecutorService responders;
  private final ExecutorService handlers;
  private final HealthStatusManager health;
  private final ScheduledExecutorService healthExecutor;
  private final LabelSightings sightings;
  private final VerifiableLog verifiableLog;
  private final AnomalyScan anomalyScan;

  private PacktrailServer(Server server, Sequencer sequencer, WatchHub hub,
      ExecutorService watchers, ExecutorService responders, ExecutorService handlers,
      HealthStatusManager health, ScheduledExecutorService healthExecutor,
      LabelSightings sightings, VerifiableLog verifiableLog, AnomalyScan anomalyScan) {
    this.anomalyScan = anomalyScan;
    this.verifiableLog = verifiableLog;
    this.healthExecutor = healthExecutor;
    this.sightings = sightings;
    this.responders = responders;
    this.handlers = handlers;
    this.server = server;
    this.sequencer = sequencer;
    this.hub = hub;
    this.watchers = watchers;
    this.health = health;
  }

  public static PacktrailServer start(ServerBuilder<?> builder, Jdbi jdbi, Settings settings)
      throws IOException {
    return start(builder, jdbi, settings, null);
  }

  /**
   * Starts the server; with {@code metrics} (null: none), every call and sequencer batch is
   * counted there.
   */
  public static PacktrailServer start(ServerBuilder<?> builder, Jdbi jdbi, Settings settings,
      ServerMetrics metrics) throws IOException {
    // what was started so far, stopped again when a later part fails (the port taken, the
    // database refusing the log's key): code that embeds the server keeps no sequencer, log
    // worker or health probe running on a pool it is about to close
    java.util.Deque<Runnable> started = new java.util.ArrayDeque<>();
    try {
      return start(builder, jdbi, settings, metrics, started);
    } catch (IOException | RuntimeException e) {
      while (!started.isEmpty()) {
        try {
          started.pop().run();
        } catch (RuntimeException stopping) {
          e.addSuppressed(stopping);
        }
      }
      throw e;
    }
  }

  private static PacktrailServer start(ServerBuilder<?> builder, Jdbi jdbi, Settings settings,
      ServerMetrics metrics, java.util.Deque<Runnable> started) throws IOException {
    jdbi.addCustomizer(new CallCancelsStatements());
    Sequencer sequencer = new Sequencer(jdbi, settings.clock(), settings.maxBatch(),
        settings.queueCapacity(), settings.massTolerancePercent() / 100);
    started.push(sequencer::close);
    if (metrics != null) {
      sequencer.onBatch(metrics::batch);
    }
    WatchHub hub = new WatchHub();
    sequencer.onCommitted(hub::committed);
    ExecutorService watchers = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "packtrail-watch");
      t.setDaemon(true);
      return t;
    });
    ExecutorService responders = Executors.newFixedThreadPool(
        Math.max(2, Runtime.getRuntime().availableProcessors()), r -> {
          Thread t = new Thread(r, "packtrail-respond");
          t.setDaemon(true);
          return t;
        });
    // a small fixed pool instead of gRPC's default cached one: on few cores, fewer threads
    // switching in and out leave more of the CPU to PostgreSQL and the sequencer
    ExecutorService handlers = Executors.newFixedThreadPool(settings.handlerThreads(), r -> {
      Thread t = new Thread(r, "packtrail-handler");
      t.setDaemon(true);
      return t;
    });
    // Health answers from its own threads and never touches the database, so it answers even
    // when every handler waits on PostgreSQL. A probe keeps its status current; it runs at most
    // once at a time, so of the two threads one is always free to answer. gRPC picks a call's
    // executor on the default one, so that is the transport thread (direct, never queued behind
    // handlers) and every call is handed to its own executor from there.
    ScheduledExecutorService healthExecutor = Executors.newScheduledThreadPool(2, r -> {
      Thread t = new Thread(r, "packtrail-health");
      t.setDaemon(true);
      return t;
    });
    started.push(healthExecutor::shutdownNow);
    started.push(watchers::shutdownNow);
    started.push(responders::shutdownNow);
    started.push(handlers::shutdownNow);
    builder.executor(MoreExecutors.directExecutor());
    builder.callExecutor(new ServerCallExecutorSupplier() {
      @Override
      public <Q, A> Executor getExecutor(ServerCall<Q, A> call, Metadata headers) {
        return call.getMethodDescriptor().getServiceName().equals(HealthGrpc.SERVICE_NAME)
            ? healthExecutor : handlers;
      }
    });
    HealthStatusManager health = new HealthStatusManager();
    List<String> serviceNames = new ArrayList<>();
    serviceNames.add(HealthStatusManager.SERVICE_NAME_ALL_SERVICES);
    ExceptionInterceptor exceptions = new ExceptionInterceptor();
    CallerInterceptor callers = new CallerInterceptor(settings.callerResolver(),
        io.packtrail.server.api.ErrorMapper::toStatusException);
    AuthorizationInterceptor authorization = new AuthorizationInterceptor();
    RateLimitInterceptor rateLimit = new RateLimitInterceptor(new RateLimiter(
        settings.limits().callsPerSecond(), settings.limits().callBurst(), settings.clock()));
    builder.maxInboundMessageSize(settings.limits().maxMessageBytes());
    Labels labels = Labels.open(jdbi, settings.sealer(), settings.clock(),
        settings.trustListValidity());
    LabelSightings sightings = new LabelSightings(jdbi, settings.clock());
    started.push(sightings::close);
    sequencer.onCommitted(sightings::committed);
    VerifiableLog verifiableLog = VerifiableLog.start(jdbi, settings.sealer(),
        settings.logOrigin(), settings.clock(), settings.checkpointInterval(),
        settings.witnessKeys());
    started.push(verifiableLog::close);
    sequencer.onCommitted(events -> verifiableLog.committed());
    AnomalyScan anomalyScan = new AnomalyScan(jdbi, settings.clock(), settings.anomalyScan());
    Services app = Services.create(new JdbiStorage(jdbi), new Directory(jdbi), sequencer,
        labels.scans(), settings.labelRequiredSteps(), settings.clock(),
        settings.enrollmentCodeValidity(),
        new CertificateAuthority(jdbi, settings.sealer(), settings.clock()),
        new Anomalies(jdbi, settings.clock(), anomalyScan), settings.deadlines());
    for (BindableService service : ApiServices.create(app, hub, watchers,
        settings.maxWatchers(), settings.limits().watchStreamsPerIdentity(), responders, labels,
        verifiableLog.audit(), settings.clock())) {
      // interceptors run last-added first: the caller is known, then its rate limit and the
      // kind check of the authorization table apply, before the handler runs
      ServerServiceDefinition bound = ServerInterceptors.intercept(
          RequestParsing.strict(service.bindService()), exceptions, authorization, rateLimit,
          callers);
      // outermost: the metrics see every call with the status the client gets
      builder.addService(metrics == null ? bound
          : ServerInterceptors.intercept(bound, metrics.interceptor()));
      serviceNames.add(service.bindService().getServiceDescriptor().getName());
    }
    DatabaseProbe probe = new DatabaseProbe(jdbi, health, serviceNames);
    probe.run(); // the first status before the first call
    healthExecutor.scheduleWithFixedDelay(probe, HEALTH_PROBE_INTERVAL.toMillis(),
        HEALTH_PROBE_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
    // health and reflection too learn who calls (a revoked certificate is refused there as well)
    ServerServiceDefinition healthService =
        ServerInterceptors.intercept(health.getHealthService(), callers);
    builder.addService(metrics == null ? healthService
        : ServerInterceptors.intercept(healthService, metrics.interceptor()));
    builder.addService(ServerInterceptors.intercept(ProtoReflectionServiceV1.newInstance(),
        callers));
    Server server = builder.build().start();
    anomalyScan.start();
    return new PacktrailServer(server, sequencer, hub, watchers, responders, handlers, health,
        healthExecutor, sightings, verifiableLog, anomalyScan);
  }

  /** How often health checks that the database answers. */
  static final Duration HEALTH_PROBE_INTERVAL = Duration.ofSeconds(1);

  /**
   * Reports every service NOT_SERVING while the database does not answer and SERVING once it
   * does again, so load balancers route around an instance that cannot do its work.
   */
  private static final class DatabaseProbe implements Runnable {
    private final Jdbi jdbi;
    private final HealthStatusManager health;
    private final List<String> serviceNames;
    private Boolean reachable;

    DatabaseProbe(Jdbi jdbi, HealthStatusManager health, List<String> serviceNames) {
      this.jdbi = jdbi;
      this.health = health;
      this.serviceNames = List.copyOf(serviceNames);
    }

    @Override
    public void run() {
      boolean now;
      try {
        jdbi.useHandle(h -> h.execute("SELECT 1"));
        now = true;
      } catch (RuntimeException e) {
        now = false;
        if (!Boolean.FALSE.equals(reachable)) {
          log.warn("database unreachable; reporting NOT_SERVING: {}", e.toString());
        }
      }
      if (!Boolean.valueOf(now).equals(reachable)) {
        if (now && reachable != null) {
          log.info("database reachable again; reporting SERVING");
        }
        reachable = now;
        ServingStatus status = now ? ServingStatus.SERVING : ServingStatus.NOT_SERVING;
        // after enterTerminalState these calls are ignored: a stopping server stays NOT_SERVING
        serviceNames.forEach(name -> health.setStatus(name, status));
      }
    }
  }

  public int port() {
    return server.getPort();
  }

  /** Runs the anomaly scan now (after the demo data loads); how many anomalies it found. */
  public int scanAnomaliesNow() {
    return anomalyScan.scan().found();
  }

  /** The anomaly scan: {@code scan()} runs it now (tests, and after the demo data loads). */
  public AnomalyScan anomalyScan() {
    return anomalyScan;
  }

  /** The services this server answers, as bound (tests enumerate their methods). */
  public List<ServerServiceDefinition> services() {
    return server.getImmutableServices();
  }

  /** How long {@link #close()} lets in-flight calls finish before it cancels them. */
  public static final java.time.Duration CALLS_DRAIN_LIMIT = java.time.Duration.ofSeconds(30);

  public void awaitTermination() throws InterruptedException {
    server.awaitTermination();
  }

  /**
   * Graceful stop: report NOT_SERVING, refuse new calls, end watch streams (clients resume from
   * their last index), let in-flight calls finish while the sequencer commits what it holds.
   */
  @Override
  public void close() {
    health.enterTerminalState();
    server.shutdown();
    hub.close();
    try {
      if (!server.awaitTermination(CALLS_DRAIN_LIMIT.toSeconds(), TimeUnit.SECONDS)) {
        log.warn("calls still running after {} s; cancelling them",
            CALLS_DRAIN_LIMIT.toSeconds());
        server.shutdownNow();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      server.shutdownNow();
    }
    sequencer.close();
    verifiableLog.close();
    watchers.shutdownNow();
    healthExecutor.shutdownNow();
    responders.shutdown();
    handlers.shutdown();
    sightings.close();
    anomalyScan.close();
  }
}
