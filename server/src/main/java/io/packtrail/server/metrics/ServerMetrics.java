package io.packtrail.server.metrics;

import com.zaxxer.hikari.HikariPoolMXBean;
import io.grpc.ForwardingServerCall.SimpleForwardingServerCall;
import io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import io.prometheus.metrics.core.datapoints.GaugeDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * What an operator scrapes: process CPU, JVM memory and GC, gRPC calls by method and code with
 * their latency, calls in flight (watch streams among them), the sequencer's batch sizes and
 * commit latency, and the database pool. One registry per server, so tests running several
 * servers in one JVM see each its own figures (the JVM's own metrics are the process's).
 * The metric names are listed in docs/operations.md.
 */
public final class ServerMetrics {
  /** Commit and call latencies: 0.5 ms to 10 s, roughly doubling. */
  private static final double[] LATENCY_BOUNDS = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
      0.05, 0.1, 0.25, 0.5, 1, 2.5, 10};
  /** Batch sizes: powers of two up to the largest batch the sequencer takes. */
  private static final double[] BATCH_BOUNDS = {1, 2, 4, 8, 16, 32, 64, 128, 256, 512};

  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final Counter started;
  private final Counter handled;
  private final Histogram handling;
  private final Gauge inFlight;
  private final Histogram batchSize;
  private final Histogram commitSeconds;
  private final Counter batchesFailed;

  public ServerMetrics() {
    JvmMetrics.builder().register(registry);
    started = Counter.builder().name("grpc_server_started_total")
        .help("gRPC calls started, by service and method")
        .labelNames("grpc_service", "grpc_method", "grpc_type").register(registry);
    handled = Counter.builder().name("grpc_server_handled_total")
        .help("gRPC calls completed, by service, method and status code")
        .labelNames("grpc_service", "grpc_method", "grpc_type", "grpc_code").register(registry);
    handling = Histogram.builder().name("grpc_server_handling_seconds")
        .help("time from a call's start to its status, by service and method")
        .labelNames("grpc_service", "grpc_method", "grpc_type")
        .classicOnly().classicUpperBounds(LATENCY_BOUNDS).register(registry);
    inFlight = Gauge.builder().name("grpc_server_in_flight")
        .help("gRPC calls running now (open WatchEvents streams are the watchers)")
        .labelNames("grpc_service", "grpc_method", "grpc_type").register(registry);
    batchSize = Histogram.builder().name("packtrail_sequencer_batch_size")
        .help("submissions per sequencer batch (one transaction)")
        .classicOnly().classicUpperBounds(BATCH_BOUNDS).register(registry);
    commitSeconds = Histogram.builder().name("packtrail_sequencer_commit_seconds")
        .help("time to check, write and commit one sequencer batch")
        .classicOnly().classicUpperBounds(LATENCY_BOUNDS).register(registry);
    batchesFailed = Counter.builder().name("packtrail_sequencer_failed_batches_total")
        .help("sequencer batches that failed as a whole (retried item by item or failed)")
        .register(registry);
  }

  public PrometheusRegistry registry() {
    return registry;
  }

  /** Pool gauges read from Hikari at scrape time ({@code pool} may be absent until opened). */
  public void databasePool(Supplier<HikariPoolMXBean> pool, int maximumSize) {
    GaugeWithCallback.builder().name("packtrail_db_pool_connections")
        .help("database connections of the pool by state (active, idle, pending: threads "
            + "waiting for one)")
        .labelNames("state").callback(cb -> {
          HikariPoolMXBean p = pool.get();
          if (p != null) {
            cb.call(p.getActiveConnections(), "active");
            cb.call(p.getIdleConnections(), "idle");
            cb.call(p.getThreadsAwaitingConnection(), "pending");
          }
        }).register(registry);
    GaugeWithCallback.builder().name("packtrail_db_pool_max_connections")
        .help("the most connections the pool opens").callback(cb -> cb.call(maximumSize))
        .register(registry);
  }

  /** Called by the sequencer after each batch: its size, how long it took, whether it committed. */
  public void batch(int size, long nanos, boolean committed) {
    batchSize.observe(size);
    commitSeconds.observe(nanos / 1e9);
    if (!committed) {
      batchesFailed.inc();
    }
  }

  /** Serves the registry at {@code http://host:port/metrics} (port 0: any free port). */
  public HTTPServer serve(InetAddress address, int port) throws IOException {
    return HTTPServer.builder().inetAddress(address).port(port).registry(registry)
        .buildAndStart();
  }

  /**
   * A method's data points, looked up once: {@code labelValues} builds a key of the label values
   * and looks it up on every call otherwise (five times per call).
   */
  private final ConcurrentHashMap<String, Points> points = new ConcurrentHashMap<>();

  private Points pointsOf(MethodDescriptor<?, ?> method) {
    Points p = points.get(method.getFullMethodName());
    if (p != null) {
      return p;
    }
    return points.computeIfAbsent(method.getFullMethodName(), k -> {
      String service = method.getServiceName();
      String name = method.getBareMethodName();
      String type = method.getType().name();
      return new Points(started.labelValues(service, name, type),
          inFlight.labelValues(service, name, type), handling.labelValues(service, name, type),
          code -> handled.labelValues(service, name, type, code.name()),
          new AtomicReferenceArray<>(Status.Code.values().length));
    });
  }

  /** One method's series; a status code's counter is made when the first call ends with it. */
  private record Points(CounterDataPoint started, GaugeDataPoint inFlight,
      DistributionDataPoint handling, Function<Status.Code, CounterDataPoint> handledOf,
      AtomicReferenceArray<CounterDataPoint> handledByCode) {
    CounterDataPoint handled(Status.Code code) {
      CounterDataPoint c = handledByCode.get(code.ordinal());
      if (c == null) {
        c = handledOf.apply(code); // labelValues answers the same data point every time
        handledByCode.set(code.ordinal(), c);
      }
      return c;
    }
  }

  /** Counts, times and tracks in flight every call; one concern, nothing else. */
  public ServerInterceptor interceptor() {
    return new ServerInterceptor() {
      @Override
      public <Q, A> ServerCall.Listener<Q> interceptCall(ServerCall<Q, A> call, Metadata headers,
          ServerCallHandler<Q, A> next) {
        Points points = pointsOf(call.getMethodDescriptor());
        long start = System.nanoTime();
        points.started().inc();
        points.inFlight().inc();
        AtomicBoolean done = new AtomicBoolean();
        // once per call: by its status, or as CANCELLED when the client went away first
        java.util.function.Consumer<Status.Code> finish = code -> {
          if (done.compareAndSet(false, true)) {
            points.handled(code).inc();
            points.handling().observe((System.nanoTime() - start) / 1e9);
            points.inFlight().dec();
          }
        };
        ServerCall<Q, A> counted = new SimpleForwardingServerCall<>(call) {
          @Override
          public void close(Status status, Metadata trailers) {
            finish.accept(status.getCode());
            super.close(status, trailers);
          }
        };
        ServerCall.Listener<Q> listener;
        try {
          listener = next.startCall(counted, headers);
        } catch (RuntimeException e) {
          finish.accept(Status.Code.INTERNAL);
          throw e;
        }
        return new SimpleForwardingServerCallListener<>(listener) {
          @Override
          public void onCancel() {
            finish.accept(Status.Code.CANCELLED);
            super.onCancel();
          }
        };
      }
    };
  }
}
