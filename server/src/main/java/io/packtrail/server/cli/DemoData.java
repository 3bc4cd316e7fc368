package io.packtrail.server.cli;

import io.packtrail.client.PacktrailClient;
import io.packtrail.server.domain.ProductionDateCode;
import io.packtrail.server.domain.ResourceNames;
import io.packtrail.server.domain.Vin;
import io.packtrail.v1.BatchRecordEventsResponse;
import io.packtrail.v1.BatchRegisterUnitsResponse;
import io.packtrail.v1.Chemistry;
import io.packtrail.v1.Collection;
import io.packtrail.v1.Grade;
import io.packtrail.v1.Inspection;
import io.packtrail.v1.IssueLabelRequest;
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
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;

/**
 * The Gansu pilot network of docs/domain.md: battery makers in Lanzhou and Jinchang, trade-in
 * stations in Lanzhou, Jiayuguan and Baiyin, the Jinchang recycling plant with its testing
 * platform, a Hexi corridor microgrid, and packs at realistic points of their lives. Everything
 * goes through the public API with ids derived from the content, so loading twice changes
 * nothing.
 */
final class DemoData {
  private static final String VIN_CHARS = "0123456789ABCDEFGHJKLMNPRSTUVWXYZ";
  private static final String TRACE_CHARS = "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ";
  private static final Instant LATEST = Instant.parse("2026-10-31T00:00:00Z");
  /**
   * The demo network's reporting start (serve --demo's default --reporting-start): its history
   * up to {@link #LATEST} is loaded at once, long after the steps' dates, as a deployment
   * imports what was reported before it went live; only the steps after it are judged.
   */
  static final String REPORTING_START_DAY = "2026-11-01";
  private static final int CHUNK = 150;

  private static final String LZ_MAKER = "organizations/lanzhou-power-battery";
  private static final String JC_MAKER = "organizations/jinchuan-ternary-cells";
  private static final String LZ_FACTORY = LZ_MAKER + "/sites/anning-factory";
  private static final String JC_FACTORY = JC_MAKER + "/sites/jinchang-factory";
  private static final String[] STATIONS = {
      "organizations/lanzhou-demo-station/sites/chengguan",
      "organizations/jiayuguan-trade-in/sites/xiongguan",
      "organizations/baiyin-trade-in/sites/pingchuan"};
  private static final String TESTING = "organizations/jinchang-recycling/sites/testing-platform";

  private final PacktrailClient client;
  private final int packs;
  private final Random random = new Random(620100);
  /** The scanned-label text of every labelled unit, by code. */
  private final java.util.Map<String, String> labelTexts = new java.util.HashMap<>();

  DemoData(PacktrailClient client, int packs) {
    this.client = client;
    this.packs = packs;
  }

  /** The station site whose worker certificate the demo issues (DemoCertificates). */
  static final String DEMO_WORKER_SITE = STATIONS[0];

  /**
   * Loads the demo through the API of an in-process server on {@code jdbi} (the local
   * development principal: no certificate needed). {@code integrate}: that server also keeps
   * the verifiable log (false beside a running server that does).
   */
  static int loadInProcess(org.jdbi.v3.core.Jdbi jdbi,
      io.packtrail.server.security.KeySealer sealer, int packs, boolean integrate,
      String logOrigin) throws java.io.IOException {
    String name = io.grpc.inprocess.InProcessServerBuilder.generateName();
    var settings = io.packtrail.server.PacktrailServer.Settings.defaults().withSealer(sealer);
    // the log's origin as configured: on a new database the loader makes the log key, and a
    // default origin there would refuse every later serve configured with another
    settings = settings.withLog(logOrigin, integrate
        ? io.packtrail.server.log.VerifiableLog.DEFAULT_CHECKPOINT_INTERVAL : Duration.ZERO);
    // the loader's server does not scan for anomalies; the serving one does, once it is loaded
    settings = settings.withAnomalyScan(Duration.ZERO,
        io.packtrail.server.domain.AnomalyRules.defaults());
    try (var server = io.packtrail.server.PacktrailServer.start(
        io.grpc.inprocess.InProcessServerBuilder.forName(name).directExecutor(), jdbi,
        settings)) {
      io.grpc.ManagedChannel channel = io.grpc.inprocess.InProcessChannelBuilder.forName(name)
          .directExecutor().build();
      try (PacktrailClient client = PacktrailClient.over(channel, Duration.ofMinutes(2))) {
        return new DemoData(client, packs).load();
      } finally {
        channel.shutdownNow();
      }
    }
  }

  /** Loads the network and the packs' lives; returns the number of items the server refused. */
  int load() {
    network();
    List<Pack> all = new ArrayList<>();
    for (int i = 0; i < packs; i++) {
      all.add(pack(i));
    }
    Progress progress = new Progress(packs);
    int failures = 0;
    for (int from = 0; from < all.size(); from += CHUNK) {
      List<Pack> chunk = all.subList(from, Math.min(all.size(), from + CHUNK));
      BatchRegisterUnitsResponse registered =
          client.registerUnits(chunk.stream().map(p -> p.registration).toList());
      failures += (int) registered.getResultsList().stream().filter(r -> r.hasError()).count();
      // every pack gets its signed QR label; scan-type steps carry the scanned label text
      var issued = client.issueLabels(chunk.stream().map(p -> IssueLabelRequest.newBuilder()
          .setRequestId(id(p.registration.getCode(), "label"))
          .setUnit(ResourceNames.unit(p.registration.getCode())).build()).toList());
      for (var r : issued.getResultsList()) {
        if (r.hasLabel()) {
          labelTexts.put(ResourceNames.unitCode(r.getLabel().getUnit()),
              r.getLabel().getText());
        } else {
          failures++;
        }
      }
      List<RecordEventRequest> steps = new ArrayList<>();
      for (Pack p : chunk) {
        for (RecordEventRequest step : p.steps) {
          boolean scanned = step.hasCollection() || step.hasReceipt() || step.hasInspection();
          String text = labelTexts.get(p.registration.getCode());
          steps.add(scanned && text != null ? step.toBuilder().setLabelText(text).build() : step);
        }
      }
      BatchRecordEventsResponse recorded = client.recordEvents(steps);
      for (var r : recorded.getResultsList()) {
        if (r.hasError()) {
          failures++;
          if (failures < 5) {
            System.err.println("\ndemo step refused: " + r.getError().getMessage());
          }
        }
      }
      progress.advance(chunk.size());
    }
    progress.done();
    // the second half of the packs' lives: trade-ins, dismantling, cascade use, recycling
    DemoLoop loop = new DemoLoop(all.stream().map(Pack::history).toList());
    failures += loop.send(client, labelTexts);
    if (packs > 0) { // --packs 0 asks for the network alone (the bulk loader starts from it)
      failures += deadlineCases();
    }
    System.err.printf("Demo network loaded: 10 organisations, %d labelled packs; %s%s%n", packs,
        loop.summary(), failures == 0 ? "" : " (" + failures + " items refused)");
    return failures;
  }

  /**
   * Three packs with steps after the demo's reporting start ({@link #REPORTING_START_DAY}), all
   * recorded when the demo loads, so the regional overview shows late and overdue reports: each
   * sold early in November 2026 (a sale is due within 15 working days: late from 24 November);
   * the second and third collected at the Chengguan station and shipped to the cascade-use
   * firm's assembly plant, the second received there on 4 November (a cascade-use firm's receipt
   * is due within 15 working days: late from 26 November, and the receipt the shipment expected
   * came late), the third never received (overdue from 26 November). Loaded later, more of
   * their steps are late (a removal, a collection: 30 working days, from 15 December).
   */
  private int deadlineCases() {
    Instant day = Instant.parse("2026-11-02T02:00:00Z"); // 10:00 in China
    String station = STATIONS[0];
    String stationOrg = ResourceNames.organizationOfSite(station);
    String assembly = DemoLoop.CASCADE + "/sites/assembly-plant";
    List<RegisterUnitRequest> registrations = new ArrayList<>();
    List<RecordEventRequest> steps = new ArrayList<>();
    for (int k = 0; k < 3; k++) {
      String code = "LZBPBL5DEADLN" + (k + 1)
          + ProductionDateCode.encode(LocalDate.of(2026, 9, 15)).orElseThrow()
          + String.format(java.util.Locale.ROOT, "%07d", 9_000_001 + k);
      registrations.add(RegisterUnitRequest.newBuilder().setRequestId(id(code, "registration"))
          .setCode(code).setActorSite(LZ_FACTORY).setEventTime(PacktrailClient.timestamp(day))
          .setRegistration(Registration.newBuilder().setLevel(UnitLevel.UNIT_LEVEL_PACK)
              .setChemistry(Chemistry.CHEMISTRY_LFP).setRatedEnergyKwh(52)
              .setRatedCapacityAh(200).setNominalVoltageV(350).setMassKg(390)
              .setMaker(LZ_MAKER))
          .build());
      Instant t = day.plus(Duration.ofHours(k == 0 ? 24 : 2));
      StringBuilder vin = new StringBuilder("LGSDEADL0RP00000" + (k + 1));
      vin.setCharAt(8, Vin.checkDigit(vin.toString()));
      steps.add(step(code, "sale", station, t).setSale(Sale.newBuilder()
          .setVin(vin.toString()).setDealer(stationOrg)).build());
      if (k == 0) {
        continue;
      }
      steps.add(step(code, "removal", station, t.plus(Duration.ofHours(2))).setRemoval(
          Removal.newBuilder().setReason(RemovalReason.REMOVAL_REASON_RETIREMENT)).build());
      steps.add(step(code, "collection", station, t.plus(Duration.ofHours(4)))
          .setCollection(Collection.newBuilder().setNote("retired pack")).build());
      String waybill = "GSDEADL" + (k + 1);
      steps.add(step(code, "shipment", station, day.plus(Duration.ofDays(k)))
          .setShipment(Shipment.newBuilder().setDestinationSite(assembly).setWaybill(waybill))
          .build());
      if (k == 1) {
        steps.add(step(code, "receipt", assembly, day.plus(Duration.ofDays(2)))
            .setReceipt(Receipt.newBuilder().setWaybill(waybill)).build());
      }
    }
    int failures = (int) client.registerUnits(registrations).getResultsList().stream()
        .filter(r -> r.hasError()).count();
    for (var r : client.recordEvents(steps).getResultsList()) {
      if (r.hasError()) {
        failures++;
        System.err.println("demo step refused: " + r.getError().getMessage());
      }
    }
    return failures;
  }

  private void network() {
    networkOrganisations();
    // the makers sign their packs' labels; fixed request ids keep a second load idempotent
    for (String maker : List.of(LZ_MAKER, JC_MAKER, DemoLoop.CASCADE)) {
      client.createLabelKey(maker, id(maker, "label-key"));
    }
  }

  private void networkOrganisations() {
    org("lanzhou-power-battery", "Lanzhou Power Battery Co.", "620100", "LZB",
        OrganizationRole.ORGANIZATION_ROLE_BATTERY_MAKER);
    site(LZ_MAKER, "anning-factory", "Anning pack factory", SiteKind.SITE_KIND_FACTORY, "620100",
        36.10, 103.72);
    org("jinchuan-ternary-cells", "Jinchuan Ternary Cell Co.", "620300", "JCT",
        OrganizationRole.ORGANIZATION_ROLE_BATTERY_MAKER);
    site(JC_MAKER, "jinchang-factory", "Jinchang cell and pack works", SiteKind.SITE_KIND_FACTORY,
        "620300", 38.52, 102.19);
    org("lanzhou-demo-station", "Lanzhou EV Sales, Service and Trade-in Demonstration Station",
        "620100", null, OrganizationRole.ORGANIZATION_ROLE_DEALER,
        OrganizationRole.ORGANIZATION_ROLE_REPAIRER,
        OrganizationRole.ORGANIZATION_ROLE_COLLECTION_OUTLET);
    site("organizations/lanzhou-demo-station", "chengguan", "Chengguan station",
        SiteKind.SITE_KIND_COLLECTION_OUTLET, "620100", 36.06, 103.83);
    org("jiayuguan-trade-in", "Jiayuguan Trade-in Pilot", "620200", null,
        OrganizationRole.ORGANIZATION_ROLE_DEALER,
        OrganizationRole.ORGANIZATION_ROLE_COLLECTION_OUTLET);
    site("organizations/jiayuguan-trade-in", "xiongguan", "Xiongguan outlet",
        SiteKind.SITE_KIND_COLLECTION_OUTLET, "620200", 39.77, 98.29);
    org("baiyin-trade-in", "Baiyin Trade-in Pilot", "620400", null,
        OrganizationRole.ORGANIZATION_ROLE_DEALER,
        OrganizationRole.ORGANIZATION_ROLE_COLLECTION_OUTLET);
    site("organizations/baiyin-trade-in", "pingchuan", "Pingchuan outlet",
        SiteKind.SITE_KIND_COLLECTION_OUTLET, "620400", 36.73, 104.83);
    org("jinchang-recycling", "Jinchang Lithium Battery Recycling (1,000 t/a)", "620300", null,
        OrganizationRole.ORGANIZATION_ROLE_RECYCLER, OrganizationRole.ORGANIZATION_ROLE_DISMANTLER);
    site("organizations/jinchang-recycling", "testing-platform", "Testing and grading platform",
        SiteKind.SITE_KIND_TESTING_CENTER, "620300", 38.50, 102.17);
    // about 5,000 t of used batteries a year in, 1,000 t of product out
    site("organizations/jinchang-recycling", "dismantling-line", "Dismantling line",
        SiteKind.SITE_KIND_DISMANTLING_LINE, "620300", 38.50, 102.17, 5000);
    site("organizations/jinchang-recycling", "hydromet-plant",
        "Hydrometallurgical recovery (MnSO4, Co3O4)", SiteKind.SITE_KIND_RECYCLING_PLANT,
        "620300", 38.49, 102.16, 5000);
    org("hexi-microgrid", "Hexi Solar-Storage-Charging Microgrid (6 MW / 2 MWh)", "620200", null,
        OrganizationRole.ORGANIZATION_ROLE_CASCADE_USER);
    site("organizations/hexi-microgrid", "storage-yard", "Second-life storage yard",
        SiteKind.SITE_KIND_CASCADE_PLANT, "620200", 39.80, 98.30);
    org("tianshui-ev-motors", "Tianshui EV Motors", "620500", null,
        OrganizationRole.ORGANIZATION_ROLE_VEHICLE_MAKER);
    org("gansu-regulator", "Gansu Provincial Battery Traceability Office", "620100", null,
        OrganizationRole.ORGANIZATION_ROLE_REGULATOR);
    // the cascade-use firm builds storage packs and runs them in its own microgrid
    org("lanzhou-cascade-energy", "Lanzhou Cascade Energy Storage Co.", "620100", "LCE",
        OrganizationRole.ORGANIZATION_ROLE_CASCADE_USER);
    site(DemoLoop.CASCADE, "assembly-plant", "Lanzhou New Area second-life assembly plant",
        SiteKind.SITE_KIND_CASCADE_PLANT, "620100", 36.52, 103.62);
    site(DemoLoop.CASCADE, "xinqu-microgrid",
        "Lanzhou New Area solar-storage-charging microgrid (6 MW PV / 2 MWh)",
        SiteKind.SITE_KIND_MICROGRID_STORAGE, "620100", 36.49, 103.66);
  }

  private void org(String id, String name, String region, String makerCode,
      OrganizationRole... roles) {
    Organization.Builder b = Organization.newBuilder().setDisplayName(name).setRegionCode(region);
    if (makerCode != null) {
      b.setManufacturerCode(makerCode);
    }
    for (OrganizationRole r : roles) {
      b.addRoles(r);
    }
    client.createOrganization(id, b.build());
  }

  private void site(String parent, String id, String name, SiteKind kind, String region,
      double lat, double lon) {
    site(parent, id, name, kind, region, lat, lon, 0);
  }

  private void site(String parent, String id, String name, SiteKind kind, String region,
      double lat, double lon, double annualCapacityTonnes) {
    Site site = Site.newBuilder().setDisplayName(name).setKind(kind).setRegionCode(region)
        .setLatitude(lat).setLongitude(lon).setAnnualCapacityTonnes(annualCapacityTonnes).build();
    try {
      client.createSite(parent, id, site);
    } catch (io.grpc.StatusRuntimeException e) {
      if (e.getStatus().getCode() != io.grpc.Status.Code.ALREADY_EXISTS) {
        throw e;
      }
      // loaded by an older demo without the declared capacity: keep the site as it is
      System.err.println("demo: site " + parent + "/sites/" + id + " exists as loaded before");
    }
  }

  private record Pack(RegisterUnitRequest registration, List<RecordEventRequest> steps,
      DemoLoop.PackHistory history) {}

  /** One pack and the steps that bring it to a life stage drawn from a realistic mix. */
  private Pack pack(int i) {
    boolean ternary = random.nextInt(100) < 35;
    String maker = ternary ? JC_MAKER : LZ_MAKER;
    LocalDate made = LocalDate.of(2019, 1, 1).plusDays(random.nextInt(5 * 365));
    if (made.getDayOfMonth() == 31) {
      made = made.minusDays(1); // the date table has no character for day 31
    }
    String code = (ternary ? "JCT" : "LZB") + "P" + (ternary ? "E" : "B")
        + (ternary ? "T7" : "L5") + chars(TRACE_CHARS, 7)
        + ProductionDateCode.encode(made).orElseThrow()
        + String.format(java.util.Locale.ROOT, "%07d", i + 1);
    Instant t = made.atTime(8, 0).toInstant(ZoneOffset.UTC).plusSeconds(random.nextInt(36_000));
    double kwh = ternary ? 60 + random.nextInt(40) : 40 + random.nextInt(30);
    RegisterUnitRequest registration = RegisterUnitRequest.newBuilder()
        .setRequestId(id(code, "registration"))
        .setCode(code)
        .setActorSite(ternary ? JC_FACTORY : LZ_FACTORY)
        .setEventTime(PacktrailClient.timestamp(t))
        .setRegistration(Registration.newBuilder()
            .setLevel(UnitLevel.UNIT_LEVEL_PACK)
            .setChemistry(ternary ? Chemistry.CHEMISTRY_NCM : Chemistry.CHEMISTRY_LFP)
            .setRatedEnergyKwh(kwh)
            .setRatedCapacityAh(ternary ? 150 : 200)
            .setNominalVoltageV(ternary ? 400 : 350)
            .setMassKg(kwh * (ternary ? 6.2 : 7.5))
            .setMaker(maker))
        .build();

    // how far along its life this pack is: 0 in stock ... 6 graded
    int roll = random.nextInt(100);
    int stage = roll < 15 ? 0 : roll < 55 ? 1 : roll < 63 ? 2 : roll < 73 ? 3 : roll < 80 ? 4
        : roll < 88 ? 5 : 6;
    String station = STATIONS[random.nextInt(STATIONS.length)];
    String stationOrg = ResourceNames.organizationOfSite(station);
    List<RecordEventRequest> steps = new ArrayList<>();
    String vin = null;
    double soh = 0;
    if (stage >= 1) {
      t = later(t, 20, 200);
      vin = vin();
      steps.add(step(code, "sale", station, t).setSale(Sale.newBuilder()
          .setVin(vin).setDealer(stationOrg)).build());
    }
    if (stage >= 2) {
      t = later(t, 300, 1200);
      RemovalReason reason = random.nextInt(3) == 0 ? RemovalReason.REMOVAL_REASON_RETIREMENT
          : RemovalReason.REMOVAL_REASON_TRADE_IN;
      steps.add(step(code, "removal", station, t).setRemoval(Removal.newBuilder()
          .setReason(reason)).build());
    }
    if (stage >= 3) {
      t = later(t, 0, 3);
      steps.add(step(code, "collection", station, t)
          .setCollection(Collection.newBuilder().setNote("old-for-new trade-in")).build());
    }
    String waybill = "GS" + String.format(java.util.Locale.ROOT, "%08d", i + 1);
    if (stage >= 4) {
      t = later(t, 2, 30);
      steps.add(step(code, "shipment", station, t).setShipment(Shipment.newBuilder()
          .setDestinationSite(TESTING).setWaybill(waybill)).build());
    }
    if (stage >= 5) {
      t = later(t, 1, 4);
      steps.add(step(code, "receipt", TESTING, t)
          .setReceipt(Receipt.newBuilder().setWaybill(waybill)).build());
    }
    if (stage >= 6) {
      t = later(t, 1, 14);
      soh = 55 + random.nextInt(400) / 10.0;
      Grade grade = soh >= 80 ? Grade.GRADE_A : soh >= 70 ? Grade.GRADE_B
          : soh >= 60 ? Grade.GRADE_C : Grade.GRADE_D;
      steps.add(step(code, "inspection", TESTING, t).setInspection(Inspection.newBuilder()
          .setGrade(grade)
          .setTestStandard("GB/T 34015-2017")
          .setTester("Jinchang testing line")
          .setTestDate(t.atOffset(java.time.ZoneOffset.UTC).toLocalDate().toString())
          .setStateOfHealth(StateOfHealth.newBuilder()
              .setStateOfCertifiedEnergyPercent(soh)
              .setCapacityFadePercent(100 - soh)
              .setRemainingEnergyKwh(kwh * soh / 100)
              .setNumberOfFullCycles(400 + random.nextInt(2000)))).build());
    }
    return new Pack(registration, steps, new DemoLoop.PackHistory(registration, stage, station,
        vin, t, steps.size() + 1, soh));
  }

  private RecordEventRequest.Builder step(String code, String kind, String site, Instant t) {
    return RecordEventRequest.newBuilder().setEventId(id(code, kind))
        .setUnit(ResourceNames.unit(code)).setActorSite(site).setEventTime(PacktrailClient.timestamp(t));
  }

  /**
   * A later time for the next step. Near the end of the demo period the steps crowd together but
   * stay in order and hours apart, so no journey looks faster than a truck.
   */
  private Instant later(Instant t, int minDays, int maxDays) {
    Instant next = t.plus(Duration.ofDays(minDays + random.nextInt(maxDays - minDays + 1)))
        .plusSeconds(random.nextInt(20_000));
    return next.isAfter(LATEST) ? t.plus(Duration.ofHours(6 + random.nextInt(48))) : next;
  }

  private String vin() {
    StringBuilder v = new StringBuilder("LGS").append(chars(VIN_CHARS, 5)).append('0')
        .append("RP").append(String.format(java.util.Locale.ROOT, "%06d", random.nextInt(1_000_000)));
    v.setCharAt(8, Vin.checkDigit(v.toString()));
    return v.toString();
  }

  private String chars(String alphabet, int n) {
    StringBuilder b = new StringBuilder(n);
    for (int i = 0; i < n; i++) {
      b.append(alphabet.charAt(random.nextInt(alphabet.length())));
    }
    return b.toString();
  }

  static String id(String code, String step) {
    return UUID.nameUUIDFromBytes(("packtrail-demo/" + code + "/" + step)
        .getBytes(StandardCharsets.UTF_8)).toString();
  }

  /** A one-line progress bar on stderr. */
  private static final class Progress {
    private final int total;
    private int done;

    Progress(int total) {
      this.total = total;
    }

    void advance(int n) {
      done += n;
      int width = 40;
      int filled = total == 0 ? width : done * width / total;
      System.err.printf("\rDemo data [%s%s] %3d%% %d/%d packs", "#".repeat(filled),
          " ".repeat(width - filled), total == 0 ? 100 : done * 100 / total, done, total);
    }

    void done() {
      System.err.println();
    }
  }
}
