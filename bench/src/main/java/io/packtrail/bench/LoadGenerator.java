package io.packtrail.bench;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthGrpc;
import io.packtrail.client.PacktrailClient;
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
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Drives a running Packtrail server the way recyclers' systems do: N concurrent clients (each
 * with its own connection, through the SDK) recording durable steps for many units, one call in
 * flight per client. In the same run it measures a bare gRPC round trip (the health check) with
 * the same clients, and prints both and their ratio.
 */
@Command(name = "packtrail-bench", mixinStandardHelpOptions = true,
    description = "Load generator for a running Packtrail server.")
public final class LoadGenerator implements Callable<Integer> {
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

  @Option(names = "--metrics",
      description = "the server's Prometheus endpoint (serve --metrics-port), e.g. "
          + "http://127.0.0.1:9464/metrics: each phase then reports server CPU per call")
  URI metrics;

  private ServerCpu serverCpu;

  private static final String MAKER = "organizations/bench-maker";
  private static final String FACTORY = MAKER + "/sites/factory";
  private static final String DEALER = "organizations/bench-dealer";
  private static final String STATION = DEALER + "/sites/station";
  private static final String PLANT = "organizations/bench-recycler/sites/plant";

  public static void main(String[] args) {
    System.exit(new CommandLine(new LoadGenerator()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    serverCpu = metrics == null ? null : new ServerCpu(metrics);
    List<PacktrailClient> sdk = new ArrayList<>();
    List<ManagedChannel> bare = new ArrayList<>();
    for (int i = 0; i < clients; i++) {
      sdk.add(PacktrailClient.connect(target));
      bare.add(ManagedChannelBuilder.forTarget(target).usePlaintext().build());
    }
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    try {
      setUp(sdk.get(0));
      String run = Long.toString(System.currentTimeMillis(), 36).toUpperCase();
      List<Lane> lanes = new ArrayList<>();
      System.out.printf("Registering %d units for %d clients...%n", clients * unitsPerClient,
          clients);
      for (int c = 0; c < clients; c++) {
        lanes.add(new Lane(sdk.get(c), register(sdk.get(c), run, c)));
      }

      Result steps = measure("durable steps (RecordEvent)", pool, lanes.stream()
          .<Runnable>map(l -> l::recordNext).toList(), durationSeconds);
      Result roundTrips = measure("bare round trip (Health/Check)", pool, bare.stream()
          .<Runnable>map(ch -> {
            var stub = HealthGrpc.newBlockingStub(ch);
            return () -> stub.withDeadlineAfter(10, TimeUnit.SECONDS)
                .check(HealthCheckRequest.getDefaultInstance());
          }).toList(), bareSeconds);

      System.out.println();
      System.out.printf("%-32s %10s %9s %9s %9s %13s%n", "phase (" + clients + " clients)",
          "calls/s", "p50 ms", "p99 ms", "p999 ms", "server us/call");
      steps.print();
      roundTrips.print();
      System.out.printf("%-32s %10.2f %9.2f %9.2f %9.2f %13.2f%n", "ratio steps / round trip",
          steps.rate / roundTrips.rate, steps.ms(50) / roundTrips.ms(50),
          steps.ms(99) / roundTrips.ms(99), steps.ms(99.9) / roundTrips.ms(99.9),
          steps.cpuMicrosPerCall / roundTrips.cpuMicrosPerCall);
      long errors = lanes.stream().mapToLong(l -> l.errors).sum();
      System.out.printf("refused or failed steps: %d%n", errors);
      return errors == 0 ? 0 : 1;
    } finally {
      pool.shutdownNow();
      sdk.forEach(PacktrailClient::close);
      bare.forEach(ManagedChannel::shutdownNow);
    }
  }

  /** A phase's figures; {@code cpuMicrosPerCall} is NaN without --metrics. */
  private record Result(String name, double rate, Histogram histogram,
      double cpuMicrosPerCall) {
    double ms(double percentile) {
      return histogram.getValueAtPercentile(percentile) / 1_000_000.0;
    }

    void print() {
      System.out.printf("%-32s %10.0f %9.2f %9.2f %9.2f %13.0f%n", name, rate, ms(50), ms(99),
          ms(99.9), cpuMicrosPerCall);
    }
  }

  /** Runs every action in a loop on its own thread: warm-up, then the measured window. */
  private Result measure(String name, ExecutorService pool, List<Runnable> actions, int seconds)
      throws Exception {
    Recorder recorder = new Recorder(3);
    AtomicLong calls = new AtomicLong();
    long warmupEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(warmupSeconds);
    long end = warmupEnd + TimeUnit.SECONDS.toNanos(seconds);
    CountDownLatch started = new CountDownLatch(actions.size());
    List<Future<?>> running = new ArrayList<>();
    System.out.printf("%s: %d s warm-up, %d s measured...%n", name, warmupSeconds, seconds);
    for (Runnable action : actions) {
      running.add(pool.submit(() -> {
        started.countDown();
        long now;
        while ((now = System.nanoTime()) < end) {
          action.run();
          long after = System.nanoTime();
          if (now >= warmupEnd) {
            recorder.recordValue(after - now);
            calls.incrementAndGet();
          }
        }
      }));
    }
    started.await();
    Thread.sleep(TimeUnit.SECONDS.toMillis(warmupSeconds));
    recorder.reset();
    double cpuBefore = serverCpu == null ? Double.NaN : serverCpu.seconds();
    for (Future<?> f : running) {
      f.get();
    }
    double cpuAfter = serverCpu == null ? Double.NaN : serverCpu.seconds();
    Histogram h = recorder.getIntervalHistogram();
    return new Result(name, h.getTotalCount() / (double) seconds, h, serverCpu == null
        ? Double.NaN : ServerCpu.microsPerCall(cpuBefore, cpuAfter, h.getTotalCount()));
  }

  /** One client's units, each moved one step per call; graded units are re-inspected. */
  private static final class Lane {
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

    void recordNext() {
      int i = next;
      next = (next + 1) % codes.size();
      String code = codes.get(i);
      RecordEventRequest.Builder r = RecordEventRequest.newBuilder()
          .setEventId(UUID.randomUUID().toString())
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
      } catch (RuntimeException e) {
        errors++;
        if (errors <= 3) {
          System.err.println("step refused: " + e.getMessage());
        }
      }
    }
  }

  private List<String> register(PacktrailClient client, String run, int lane) {
    List<String> codes = new ArrayList<>();
    List<RegisterUnitRequest> batch = new ArrayList<>();
    for (int u = 0; u < unitsPerClient; u++) {
      String trace = String.format("%-7s", run).replace(' ', '0').substring(0, 7);
      String code = String.format("BNCPBA1%sRA5%02d%05d", trace, lane % 100, u);
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

  private static void setUp(PacktrailClient client) {
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
