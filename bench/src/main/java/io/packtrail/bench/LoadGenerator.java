package io.packtrail.bench;

import io.grpc.ManagedChannel;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthGrpc;
import io.packtrail.client.EventIds;
import io.packtrail.client.PacktrailClient;
import io.packtrail.client.tls.NettyLeakDetection;
import io.packtrail.v1.Chemistry;
import io.packtrail.v1.Collection;
import io.packtrail.v1.Grade;
import io.packtrail.v1.Inspection;
import io.packtrail.v1.Organization;
import io.packtrail.v1.OrganizationRole;
import io.packtrail.v1.Receipt;
import io.packtrail.v1.RecordEventRequest;
import io.packtrail.v1.RegisterUnitRequest;
import io.packtrail.v1.Registration;
import io.packtrail.v1.Removal;
import io.packtrail.v1.RemovalReason;
import io.packtrail.v1.Sale;
import io.packtrail.v1.Shipment;
import io.packtrail.v1.Site;
import io.packtrail.v1.SiteKind;
import io.packtrail.v1.StateOfHealth;
import io.packtrail.v1.UnitLevel;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Drives a running Packtrail server the way recyclers' systems do: N concurrent clients (each
 * with its own connection, through the SDK) recording durable steps for many units, one call in
 * flight per client. In the same run it measures a bare gRPC round trip (the health check) with
 * the same clients, and prints both and their ratio; or, with --compare-plaintext, durable steps
 * over mutual TLS against plaintext. TLS material comes from the flags or the environment
 * (PACKTRAIL_CA_CERT, PACKTRAIL_CLIENT_CERT, PACKTRAIL_CLIENT_KEY), as for the SDK.
 */
@Command(name = "packtrail-bench", mixinStandardHelpOptions = true,
    description = "Load generator for a running Packtrail server.")
public final class LoadGenerator implements Callable<Integer> {
  @picocli.CommandLine.Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--target", defaultValue = "127.0.0.1:50051", description = "server address")
  String target;

  @Option(names = "--clients", defaultValue = "32", description = "concurrent clients")
  int clients;

  @Option(names = "--units-per-client", defaultValue = "200",
      description = "units each client moves through their lives")
  int unitsPerClient;

  @Option(names = "--duration", defaultValue = "60", description = "measured seconds per phase")
  int durationSeconds;

  @Option(names = "--warmup", defaultValue = "10", description = "unmeasured seconds first")
  int warmupSeconds;

  @Option(names = "--bare-duration", defaultValue = "20",
      description = "measured seconds of the bare round-trip phase")
  int bareSeconds;

  @Option(names = "--ca-cert", paramLabel = "FILE",
      description = "the deployment CA's certificate (env PACKTRAIL_CA_CERT)")
  java.nio.file.Path caCert;

  @Option(names = "--cert", paramLabel = "FILE",
      description = "the client certificate to call with (env PACKTRAIL_CLIENT_CERT)")
  java.nio.file.Path cert;

  @Option(names = "--key", paramLabel = "FILE",
      description = "its private key (env PACKTRAIL_CLIENT_KEY)")
  java.nio.file.Path key;

  @Option(names = "--plaintext", arity = "0..1", fallbackValue = "true",
      defaultValue = "${env:PACKTRAIL_PLAINTEXT:-false}",
      description = "--target serves plaintext (serve --plaintext; env PACKTRAIL_PLAINTEXT)")
  boolean plaintext;

  @Option(names = "--compare-plaintext", paramLabel = "HOST:PORT",
      description = "a plaintext server on the same database (serve --plaintext): measure "
          + "durable steps over mutual TLS (--target) and plaintext in alternating phases of "
          + "--duration seconds and print the cost of TLS")
  String comparePlaintext;

  @Option(names = "--compare-metrics", paramLabel = "URI",
      description = "with --compare-plaintext and --metrics: the plaintext server's Prometheus "
          + "endpoint, so each phase reports the CPU per call of the server it ran against")
  URI compareMetrics;

  @Option(names = "--rounds", defaultValue = "3",
      description = "with --compare-plaintext: phases per transport (default ${DEFAULT-VALUE}), "
          + "alternating which goes first")
  int rounds;

  @Option(names = "--metrics",
      description = "the server's Prometheus endpoint (serve --metrics-port), e.g. "
          + "http://127.0.0.1:9464/metrics: each phase then reports server CPU per call")
  URI metrics;

  @Option(names = "--bare-paced",
      description = "a third phase: the bare round trips paced at the durable steps' measured "
          + "rate, so that the server's CPU per call compares a step's work with a round trip's "
          + "at the same call rate (at a faster rate each call shares more of the transport's "
          + "wake-ups and system calls, and costs less)")
  boolean barePaced;

  private ServerCpu serverCpu;

  private static final String MAKER = "organizations/bench-maker";
  private static final String FACTORY = MAKER + "/sites/factory";
  private static final String DEALER = "organizations/bench-dealer";
  private static final String STATION = DEALER + "/sites/station";
  private static final String PLANT = "organizations/bench-recycler/sites/plant";

  public static void main(String[] args) {
    // its CPU shares the machine with the server's: it should spend none on a debugging aid
    NettyLeakDetection.offUnlessSet();
    System.exit(new CommandLine(new LoadGenerator()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    long laneCount = comparePlaintext == null ? clients : 2L * clients;
    if (clients < 1 || unitsPerClient < 1 || laneCount * unitsPerClient > MAX_UNITS) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(),
          "--clients and --units-per-client must be at least 1, and name at most " + MAX_UNITS
          + " units in all (" + laneCount + " lanes of " + unitsPerClient + ")");
    }
    serverCpu = metrics == null ? null : new ServerCpu(metrics);
    List<PacktrailClient> sdk = new ArrayList<>();
    List<ManagedChannel> bare = new ArrayList<>();
    for (int i = 0; i < clients; i++) {
      sdk.add(builder(target, plaintext).build());
      bare.add(builder(target, plaintext).buildChannel());
    }
    List<PacktrailClient> plain = new ArrayList<>();
    if (comparePlaintext != null) {
      for (int i = 0; i < clients; i++) {
        plain.add(builder(comparePlaintext, true).build());
      }
    }
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    try {
      setUp(sdk.get(0));
      String run = Long.toString(System.currentTimeMillis(), 36).toUpperCase();
      List<Lane> lanes = new ArrayList<>();
      System.out.printf("Registering %d units for %d clients...%n", clients * unitsPerClient,
          clients);
      for (int c = 0; c < clients; c++) {
        lanes.add(new Lane(sdk.get(c), register(sdk.get(c), run, c, unitsPerClient)));
      }
      if (comparePlaintext != null) {
        List<Lane> plainLanes = new ArrayList<>();
        System.out.printf("Registering %d more units for the plaintext clients...%n",
            clients * unitsPerClient);
        for (int c = 0; c < clients; c++) {
          plainLanes.add(new Lane(plain.get(c),
              register(plain.get(c), run, clients + c, unitsPerClient)));
        }
        long errors = compare(pool, lanes, plainLanes);
        return errors == 0 ? 0 : 1;
      }

      Result steps = measure("durable steps (RecordEvent)", pool, lanes.stream()
          .<BooleanSupplier>map(l -> l::recordNext).toList(), durationSeconds, 0);
      List<BooleanSupplier> checks = bare.stream().<BooleanSupplier>map(ch -> {
        var stub = HealthGrpc.newBlockingStub(ch);
        return () -> {
          stub.withDeadlineAfter(10, TimeUnit.SECONDS)
              .check(HealthCheckRequest.getDefaultInstance());
          return true;
        };
      }).toList();
      Result roundTrips = measure("bare round trip (Health/Check)", pool, checks, bareSeconds, 0);
      // (no steps went through: nothing to pace at)
      Result paced = !barePaced || !(steps.rate > 0) ? null
          : measure("round trip at the step rate", pool, checks, bareSeconds, steps.rate);

      System.out.println();
      System.out.printf("%-32s %10s %9s %9s %9s %13s%n", "phase (" + clients + " clients)",
          "calls/s", "p50 ms", "p99 ms", "p999 ms", "server us/call");
      steps.print();
      roundTrips.print();
      System.out.printf("%-32s %10.2f %9.2f %9.2f %9.2f %13s%n", "ratio steps / round trip",
          steps.rate / roundTrips.rate, steps.ms(50) / roundTrips.ms(50),
          steps.ms(99) / roundTrips.ms(99), steps.ms(99.9) / roundTrips.ms(99.9),
          orDash("%.2f", steps.cpuMicrosPerCall / roundTrips.cpuMicrosPerCall));
      if (paced != null) {
        paced.print();
        System.out.printf("%-32s %10s %9s %9s %9s %13s%n", "server CPU per step / paced",
            "", "", "", "", orDash("%.2f", steps.cpuMicrosPerCall / paced.cpuMicrosPerCall));
      }
      long errors = lanes.stream().mapToLong(l -> l.errors).sum();
      System.out.printf("refused or failed steps: %d%n", errors);
      return errors == 0 ? 0 : 1;
    } finally {
      pool.shutdownNow();
      sdk.forEach(PacktrailClient::close);
      plain.forEach(PacktrailClient::close);
      bare.forEach(ManagedChannel::shutdownNow);
    }
  }

  /** A client of {@code to}: plaintext, or mutual TLS from the flags and the environment. */
  private PacktrailClient.Builder builder(String to, boolean plain) {
    PacktrailClient.Builder b = PacktrailClient.builder(to);
    if (plain) {
      return b.plaintext();
    }
    if (caCert != null) {
      b.trustedCa(caCert);
    }
    if (cert != null) {
      b.clientCertificate(cert, key);
    }
    return b.fromEnvironment(name -> PacktrailClient.Builder.PLAINTEXT_ENV.equals(name) ? null
        : System.getenv(name));
  }

  /**
   * Durable steps over mutual TLS and over plaintext in alternating phases (TLS first in odd
   * rounds, plaintext first in even ones), so drift of a shared machine falls on both; prints
   * each phase and the totals. Returns the refused or failed steps.
   */
  private long compare(ExecutorService pool, List<Lane> tls, List<Lane> plain)
      throws Exception {
    List<Result> tlsPhases = new ArrayList<>();
    List<Result> plainPhases = new ArrayList<>();
    ServerCpu tlsCpu = serverCpu;
    ServerCpu plainCpu = compareMetrics == null ? null : new ServerCpu(compareMetrics);
    for (int r = 1; r <= rounds; r++) {
      for (boolean tlsNow : r % 2 == 1 ? new boolean[] {true, false}
          : new boolean[] {false, true}) {
        List<Lane> lanes = tlsNow ? tls : plain;
        // measure() reads the CPU of the server this phase runs against
        serverCpu = tlsNow ? tlsCpu : plainCpu;
        Result phase = measure((tlsNow ? "mutual TLS" : "plaintext") + " steps, round " + r,
            pool, lanes.stream().<BooleanSupplier>map(l -> l::recordNext).toList(),
            durationSeconds, 0);
        (tlsNow ? tlsPhases : plainPhases).add(phase);
      }
    }
    System.out.println();
    serverCpu = tlsCpu;
    System.out.printf("%-32s %10s %9s %9s %9s %13s%n", "phase (" + clients + " clients)",
        "calls/s", "p50 ms", "p99 ms", "p999 ms", "server us/call");
    for (int i = 0; i < rounds; i++) {
      tlsPhases.get(i).print();
      plainPhases.get(i).print();
    }
    Result allTls = total("mutual TLS, all rounds", tlsPhases);
    Result allPlain = total("plaintext, all rounds", plainPhases);
    allTls.print();
    allPlain.print();
    System.out.printf("mutual TLS costs %.1f %% of the plaintext rate (p50 %+.2f ms, p99 %+.2f "
        + "ms; server CPU per call %s)%n", 100 * (1 - allTls.rate / allPlain.rate),
        allTls.ms(50) - allPlain.ms(50), allTls.ms(99) - allPlain.ms(99),
        orDash("%+.0f %%", 100 * (allTls.cpuMicrosPerCall / allPlain.cpuMicrosPerCall - 1)));
    long errors = tls.stream().mapToLong(l -> l.errors).sum()
        + plain.stream().mapToLong(l -> l.errors).sum();
    System.out.printf("refused or failed steps: %d%n", errors);
    return errors;
  }

  private Result total(String name, List<Result> phases) {
    Histogram all = new Histogram(3);
    phases.forEach(p -> all.add(p.histogram));
    // CPU per call over all phases: each phase's weighted by its calls
    double cpu = phases.stream().mapToDouble(p -> p.cpuMicrosPerCall
        * p.histogram.getTotalCount()).sum() / all.getTotalCount();
    return new Result(name, all.getTotalCount() / (double) (phases.size() * durationSeconds),
        all, cpu);
  }

  /** A phase's figures; {@code cpuMicrosPerCall} is NaN without --metrics. */
  record Result(String name, double rate, Histogram histogram,
      double cpuMicrosPerCall) {
    double ms(double percentile) {
      return histogram.getValueAtPercentile(percentile) / 1_000_000.0;
    }

    void print() {
      System.out.printf("%-32s %10.0f %9.2f %9.2f %9.2f %13s%n", name, rate, ms(50), ms(99),
          ms(99.9), orDash("%.0f", cpuMicrosPerCall));
    }
  }

  /**
   * {@code value} in {@code format}, or "-" when it is unknown: NaN without --metrics, infinite
   * when a phase's server CPU (a divisor) was zero.
   */
  static String orDash(String format, double value) {
    return Double.isFinite(value) ? String.format(format, value) : "-";
  }

  /**
   * Runs every action in a loop on its own thread: warm-up, then the measured window; with a
   * {@code pacedRate} above 0 the actions together start that many calls a second, evenly
   * spread (a client that falls behind goes on at once, without catching up in a burst).
   */
  Result measure(String name, ExecutorService pool, List<BooleanSupplier> actions, int seconds,
      double pacedRate) throws Exception {
    return measure(name, pool, actions, seconds, pacedRate, null);
  }

  /** Told when a phase's measured window opens (after its warm-up) and when it has closed. */
  interface Window {
    void opened() throws Exception;

    void closed() throws Exception;
  }

  /** As above; {@code window}, when not null, is told when the measured window opens, closes. */
  Result measure(String name, ExecutorService pool, List<BooleanSupplier> actions, int seconds,
      double pacedRate, Window window) throws Exception {
    Recorder recorder = new Recorder(3);
    AtomicLong calls = new AtomicLong();
    // a refused or failed call is no call served: it is counted apart, not in the rate or the
    // latencies (a fast refusal would flatter both); the CPU per call is per served call, the
    // refusals' CPU included
    AtomicLong failed = new AtomicLong();
    long warmupEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(warmupSeconds);
    long end = warmupEnd + TimeUnit.SECONDS.toNanos(seconds);
    CountDownLatch started = new CountDownLatch(actions.size());
    List<Future<?>> running = new ArrayList<>();
    System.out.printf("%s: %d s warm-up, %d s measured%s...%n", name, warmupSeconds, seconds,
        pacedRate > 0 ? String.format(java.util.Locale.ROOT, ", paced at %.0f calls/s", pacedRate) : "");
    Pacing pacing = pacedRate > 0 ? new Pacing(pacedRate, actions.size()) : null;
    long start = System.nanoTime();
    for (int a = 0; a < actions.size(); a++) {
      BooleanSupplier action = actions.get(a);
      int client = a;
      running.add(pool.submit(() -> {
        started.countDown();
        long now;
        long slot = pacing == null ? 0 : pacing.first(start, client, actions.size());
        while ((now = System.nanoTime()) < end) {
          if (pacing != null) {
            if (slot > now) {
              LockSupport.parkNanos(slot - now);
              now = System.nanoTime();
              if (now >= end) {
                break;
              }
            }
            slot = pacing.next(slot, now);
          }
          boolean served = action.getAsBoolean();
          long after = System.nanoTime();
          if (now >= warmupEnd) {
            if (served) {
              recorder.recordValue(after - now);
              calls.incrementAndGet();
            } else {
              failed.incrementAndGet();
            }
          }
        }
      }));
    }
    started.await();
    Thread.sleep(TimeUnit.SECONDS.toMillis(warmupSeconds));
    recorder.reset();
    if (window != null) {
      window.opened();
    }
    double cpuBefore = serverCpu == null ? Double.NaN : serverCpu.seconds();
    for (Future<?> f : running) {
      f.get();
    }
    double cpuAfter = serverCpu == null ? Double.NaN : serverCpu.seconds();
    if (window != null) {
      window.closed();
    }
    Histogram h = recorder.getIntervalHistogram();
    if (failed.get() > 0) {
      System.out.printf("  %s: %d calls refused or failed in the measured window, left out of "
          + "its figures%n", name, failed.get());
    }
    return new Result(name, h.getTotalCount() / (double) seconds, h, serverCpu == null
        ? Double.NaN : ServerCpu.microsPerCall(cpuBefore, cpuAfter, h.getTotalCount()));
  }

  /** One client's units, each moved one step per call; graded units are re-inspected. */
  static final class Lane {
    private final PacktrailClient client;
    private final List<String> codes;
    private final int[] stage;
    private int next;
    long errors;

    Lane(PacktrailClient client, List<String> codes) {
      this.client = client;
      this.codes = codes;
      this.stage = new int[codes.size()];
    }

    /** Records the next step of one of the lane's units; false when it was refused or failed. */
    boolean recordNext() {
      int i = next;
      next = (next + 1) % codes.size();
      String code = codes.get(i);
      RecordEventRequest.Builder r = RecordEventRequest.newBuilder()
          .setEventId(EventIds.newEventId().toString())
          .setUnit("units/" + code)
          .setEventTime(PacktrailClient.timestamp(Instant.now()));
      String waybill = "WB" + code.substring(17);
      switch (stage[i]) {
        case 0 -> r.setActorSite(STATION).setSale(Sale.newBuilder()
            .setVin("1M8GDM9AXKP042788").setDealer(DEALER));
        case 1 -> r.setActorSite(STATION).setRemoval(Removal.newBuilder()
            .setReason(RemovalReason.REMOVAL_REASON_TRADE_IN));
        case 2 -> r.setActorSite(STATION).setCollection(Collection.getDefaultInstance());
        case 3 -> r.setActorSite(STATION).setShipment(Shipment.newBuilder()
            .setDestinationSite(PLANT).setWaybill(waybill));
        case 4 -> r.setActorSite(PLANT).setReceipt(Receipt.newBuilder().setWaybill(waybill));
        default -> r.setActorSite(PLANT).setInspection(Inspection.newBuilder()
            .setGrade(Grade.GRADE_B)
            .setTestStandard("GB/T 34015-2017").setTester("Bench laboratory")
            .setTestDate(java.time.LocalDate.now(java.time.ZoneOffset.UTC).toString())
            .setStateOfHealth(StateOfHealth.newBuilder().setStateOfCertifiedEnergyPercent(77)));
      }
      try {
        client.recordEvent(r.build());
        stage[i] = Math.min(stage[i] + 1, 5);
        return true;
      } catch (RuntimeException e) {
        errors++;
        if (errors <= 3) {
          System.err.println("step refused: " + e.getMessage());
        }
        return false;
      }
    }
  }

  /** The most units a run can name: the seven digits of a code's serial number. */
  static final int MAX_UNITS = 10_000_000;

  /**
   * The code of unit {@code unit} of client lane {@code lane} in run {@code run}: the run in the
   * trace part, so that runs against the same database do not meet; the lane's units numbered
   * on from the lanes before it, so that no two lanes share one (lane * units per client + unit
   * below {@link #MAX_UNITS}).
   */
  static String unitCode(String run, int lane, int unit, int unitsPerClient) {
    long serial = (long) lane * unitsPerClient + unit;
    if (serial >= MAX_UNITS) {
      throw new IllegalArgumentException("unit " + serial + " is past the " + MAX_UNITS
          + " a run can name");
    }
    String trace = String.format(java.util.Locale.ROOT, "%-7s", run).replace(' ', '0').substring(0, 7);
    return String.format(java.util.Locale.ROOT, "BNCPBA1%sRA5%07d", trace, serial);
  }

  /** Registers lane {@code lane}'s units of run {@code run} through {@code client}. */
  static List<String> register(PacktrailClient client, String run, int lane,
      int unitsPerClient) {
    List<String> codes = new ArrayList<>();
    List<RegisterUnitRequest> batch = new ArrayList<>();
    for (int u = 0; u < unitsPerClient; u++) {
      String code = unitCode(run, lane, u, unitsPerClient);
      codes.add(code);
      batch.add(RegisterUnitRequest.newBuilder()
          .setCode(code)
          .setActorSite(FACTORY)
          .setRegistration(Registration.newBuilder().setLevel(UnitLevel.UNIT_LEVEL_PACK)
              .setChemistry(Chemistry.CHEMISTRY_LFP).setRatedEnergyKwh(50).setRatedCapacityAh(150)
              .setNominalVoltageV(350).setMassKg(350).setMaker(MAKER))
          .build());
      if (batch.size() == 500 || u == unitsPerClient - 1) {
        var response = client.registerUnits(batch);
        response.getResultsList().stream().filter(r -> r.hasError()).findFirst()
            .ifPresent(r -> {
              throw new IllegalStateException("registration refused: " + r.getError());
            });
        batch.clear();
      }
    }
    return codes;
  }

  /** The bench's organisations and sites: a maker, a dealer with a station, a recycler. */
  static void setUp(PacktrailClient client) {
    // the maker owns the BNC manufacturer code its pack codes begin with
    client.createOrganization("bench-maker", Organization.newBuilder()
        .setDisplayName("Bench bench-maker").setRegionCode("620100").setManufacturerCode("BNC")
        .addRoles(OrganizationRole.ORGANIZATION_ROLE_BATTERY_MAKER).build());
    organization(client, "bench-dealer", OrganizationRole.ORGANIZATION_ROLE_DEALER,
        OrganizationRole.ORGANIZATION_ROLE_COLLECTION_OUTLET);
    organization(client, "bench-recycler", OrganizationRole.ORGANIZATION_ROLE_RECYCLER);
    site(client, MAKER, "factory");
    site(client, DEALER, "station");
    site(client, "organizations/bench-recycler", "plant");
  }

  private static void organization(PacktrailClient client, String id, OrganizationRole... roles) {
    Organization.Builder b = Organization.newBuilder().setDisplayName("Bench " + id)
        .setRegionCode("620100");
    for (OrganizationRole r : roles) {
      b.addRoles(r);
    }
    client.createOrganization(id, b.build());
  }

  private static void site(PacktrailClient client, String parent, String id) {
    client.createSite(parent, id, Site.newBuilder().setDisplayName("Bench " + id)
        .setKind(SiteKind.SITE_KIND_WAREHOUSE).setRegionCode("620100").build());
  }

}
