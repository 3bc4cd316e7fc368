package io.packtrail.scanner;

import io.packtrail.client.EventIds;
import io.packtrail.client.PacktrailClient;
import io.packtrail.v1.Chemistry;
import io.packtrail.v1.Collection;
import io.packtrail.v1.Organization;
import io.packtrail.v1.OrganizationRole;
import io.packtrail.v1.RecordEventRequest;
import io.packtrail.v1.RegisterUnitRequest;
import io.packtrail.v1.Registration;
import io.packtrail.v1.Removal;
import io.packtrail.v1.RemovalReason;
import io.packtrail.v1.Sale;
import io.packtrail.v1.Site;
import io.packtrail.v1.SiteKind;
import io.packtrail.v1.UnitLevel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Benchmark of `sync` (docs/benchmarks.md): registers N packs on a running server and takes them
 * out of their vehicles (set-up, not measured), enrolls the benchmark's scanner as a device of
 * the station (the real `enroll` command), fills a fresh outbox with N collections as a scanner
 * would (one per pack, in scan order, each signed by the device), then times `sync` delivering
 * it in batches. In the same run, for comparison, one device sending {@code --single} further
 * collections one RecordEvent call at a time (signed the same way).
 */
@Command(name = "sync-benchmark", mixinStandardHelpOptions = true,
    description = "Times 'sync' of an outbox of N steps against a running server.")
public final class SyncBenchmark implements Callable<Integer> {
  @Option(names = "--target", defaultValue = "127.0.0.1:50051", description = "server address")
  String target;

  @Option(names = "--steps", defaultValue = "10000", description = "steps in the outbox")
  int steps;

  @Option(names = "--batch-size", defaultValue = "" + Delivery.DEFAULT_BATCH)
  int batchSize;

  @Option(names = "--single", defaultValue = "2000",
      description = "steps sent one call at a time for comparison")
  int single;

  private static final String MAKER = "organizations/bench-scan-maker";
  private static final String DEALER = "organizations/bench-scan-station";
  private static final String STATION = DEALER + "/sites/station";

  public static void main(String[] args) {
    System.exit(new CommandLine(new SyncBenchmark()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    Path home = Files.createTempDirectory("packtrail-sync-bench");
    try (PacktrailClient client = PacktrailClient.connect(target)) {
      setUp(client);
      String run = Long.toString(System.currentTimeMillis(), 36).toUpperCase();
      run = String.format(java.util.Locale.ROOT, "%-7s", run).replace(' ', '0').substring(0, 7);
      System.out.printf("set-up: %d packs registered, sold and removed...%n", steps + single);
      List<String> codes = removedPacks(client, run, steps + single);
      String code = client.createEnrollmentCode(STATION, UUID.randomUUID().toString()).getCode();
      int enrolled = ScannerCli.commandLine().execute("--server", target, "--home",
          home.toString(), "--site", STATION, "enroll", "--code", code, "--device-id",
          "bench-" + run.toLowerCase(Locale.ROOT));
      if (enrolled != ScannerCli.OK) {
        return enrolled;
      }
      StepSigner signer = StepSigner.forDevice(home);

      try (LocalDb db = LocalDb.open(home)) {
        Outbox outbox = new Outbox(db, signer);
        long t0 = System.nanoTime();
        for (int i = 0; i < steps; i++) {
          outbox.save("collect", collection(codes.get(i)));
        }
        double fill = (System.nanoTime() - t0) / 1e9;
        System.out.printf("outbox: %d steps saved in %.1f s (%.0f saves/s, each committed with "
            + "synchronous=FULL)%n", steps, fill, steps / fill);
      }
      long t1 = System.nanoTime();
      int exit = ScannerCli.commandLine().execute("--server", target, "--home", home.toString(),
          "--site", STATION, "sync", "-q", "--batch-size", Integer.toString(batchSize));
      double sync = (System.nanoTime() - t1) / 1e9;
      System.out.printf("sync: %d steps in %.1f s = %.0f steps/s (batches of %d, exit %d)%n",
          steps, sync, steps / sync, batchSize, exit);

      long t2 = System.nanoTime();
      for (int i = steps; i < steps + single; i++) {
        client.recordEvent(signer.sign(collection(codes.get(i))));
      }
      double one = (System.nanoTime() - t2) / 1e9;
      System.out.printf("single calls, one device: %d steps in %.1f s = %.0f steps/s%n", single,
          one, single / one);
      System.out.printf("ratio sync / single calls: %.1f%n", (steps / sync) / (single / one));
      return exit;
    }
  }

  private static RecordEventRequest collection(String code) {
    return RecordEventRequest.newBuilder().setEventId(EventIds.newEventId().toString())
        .setUnit("units/" + code).setActorSite(STATION)
        .setEventTime(PacktrailClient.timestamp(Instant.now()))
        .setCollection(Collection.newBuilder().setNote("bench")).build();
  }

  private static List<String> removedPacks(PacktrailClient client, String run, int n) {
    List<String> codes = new ArrayList<>();
    for (int from = 0; from < n; from += 1000) {
      List<RegisterUnitRequest> reg = new ArrayList<>();
      List<RecordEventRequest> sales = new ArrayList<>();
      List<RecordEventRequest> removals = new ArrayList<>();
      for (int u = from; u < Math.min(n, from + 1000); u++) {
        String code = String.format(java.util.Locale.ROOT, "BSCPBA1%sRA5%07d", run, u);
        codes.add(code);
        reg.add(RegisterUnitRequest.newBuilder().setCode(code).setActorSite(MAKER
            + "/sites/factory").setRegistration(Registration.newBuilder()
            .setLevel(UnitLevel.UNIT_LEVEL_PACK).setChemistry(Chemistry.CHEMISTRY_LFP)
            .setRatedEnergyKwh(50).setRatedCapacityAh(150).setNominalVoltageV(350)
            .setMassKg(350).setMaker(MAKER)).build());
        sales.add(RecordEventRequest.newBuilder().setUnit("units/" + code).setActorSite(STATION)
            .setSale(Sale.newBuilder().setVin("1M8GDM9AXKP042788").setDealer(DEALER)).build());
        removals.add(RecordEventRequest.newBuilder().setUnit("units/" + code)
            .setActorSite(STATION).setRemoval(Removal.newBuilder()
                .setReason(RemovalReason.REMOVAL_REASON_TRADE_IN)).build());
      }
      check(client.registerUnits(reg).getResultsList().stream()
          .filter(r -> r.hasError()).map(r -> r.getError().getMessage()).toList());
      check(client.recordEvents(sales).getResultsList().stream()
          .filter(r -> r.hasError()).map(r -> r.getError().getMessage()).toList());
      check(client.recordEvents(removals).getResultsList().stream()
          .filter(r -> r.hasError()).map(r -> r.getError().getMessage()).toList());
    }
    return codes;
  }

  private static void check(List<String> errors) {
    if (!errors.isEmpty()) {
      throw new IllegalStateException("set-up refused: " + errors.get(0));
    }
  }

  private static void setUp(PacktrailClient client) {
    client.createOrganization("bench-scan-maker", Organization.newBuilder()
        .setDisplayName("Bench scanner maker").setRegionCode("620100").setManufacturerCode("BSC")
        .addRoles(OrganizationRole.ORGANIZATION_ROLE_BATTERY_MAKER).build());
    client.createOrganization("bench-scan-station", Organization.newBuilder()
        .setDisplayName("Bench scanner station").setRegionCode("620100")
        .addRoles(OrganizationRole.ORGANIZATION_ROLE_DEALER)
        .addRoles(OrganizationRole.ORGANIZATION_ROLE_COLLECTION_OUTLET).build());
    client.createSite(MAKER, "factory", Site.newBuilder().setDisplayName("Bench factory")
        .setKind(SiteKind.SITE_KIND_FACTORY).setRegionCode("620100").build());
    client.createSite(DEALER, "station", Site.newBuilder().setDisplayName("Bench station")
        .setKind(SiteKind.SITE_KIND_COLLECTION_OUTLET).setRegionCode("620100").build());
  }
}
