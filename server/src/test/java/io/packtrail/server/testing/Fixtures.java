package io.packtrail.server.testing;

import com.google.protobuf.Timestamp;
import io.packtrail.client.PacktrailClient;
import io.packtrail.server.domain.Vin;
import io.packtrail.v1.Assembly;
import io.packtrail.v1.Chemistry;
import io.packtrail.v1.Commissioning;
import io.packtrail.v1.Correction;
import io.packtrail.v1.Decommissioning;
import io.packtrail.v1.DismantledChild;
import io.packtrail.v1.Dismantling;
import io.packtrail.v1.ElementMasses;
import io.packtrail.v1.LotOutput;
import io.packtrail.v1.MaterialProduct;
import io.packtrail.v1.Recycling;
import io.packtrail.v1.Scrapping;
import io.packtrail.v1.SecondLifeInspection;
import io.packtrail.v1.TradeIn;
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
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

/** A small network (maker, dealer-outlet, recycler) and builders for valid requests. */
public final class Fixtures {
  public static final String MAKER = "organizations/test-maker";
  public static final String FACTORY = MAKER + "/sites/factory";
  public static final String DEALER = "organizations/test-dealer";
  public static final String STATION = DEALER + "/sites/station";
  public static final String RECYCLER = "organizations/test-recycler";
  public static final String PLANT = RECYCLER + "/sites/plant";
  public static final String REGULATOR = "organizations/test-regulator";
  public static final String REGULATOR_OFFICE = REGULATOR + "/sites/office";
  /** A dismantler that also recycles (as the Jinchang plant does). */
  public static final String DISMANTLER = "organizations/test-dismantler";
  public static final String LINE = DISMANTLER + "/sites/line";
  /** A cascade-use firm: assembles second-life packs and runs them at its microgrid. */
  public static final String CASCADE = "organizations/test-cascade";
  public static final String CASCADE_PLANT = CASCADE + "/sites/plant";
  public static final String MICROGRID = CASCADE + "/sites/microgrid";

  private static final AtomicInteger SERIAL = new AtomicInteger(1);

  private Fixtures() {}

  /** Creates the network; safe to call again (creation is idempotent). */
  public static void network(PacktrailClient client) {
    org(client, "test-maker", "TMK", OrganizationRole.ORGANIZATION_ROLE_BATTERY_MAKER);
    site(client, MAKER, "factory", SiteKind.SITE_KIND_FACTORY);
    org(client, "test-dealer", null, OrganizationRole.ORGANIZATION_ROLE_DEALER,
        OrganizationRole.ORGANIZATION_ROLE_COLLECTION_OUTLET);
    site(client, DEALER, "station", SiteKind.SITE_KIND_COLLECTION_OUTLET);
    org(client, "test-recycler", null, OrganizationRole.ORGANIZATION_ROLE_RECYCLER);
    site(client, RECYCLER, "plant", SiteKind.SITE_KIND_RECYCLING_PLANT);
    org(client, "test-regulator", null, OrganizationRole.ORGANIZATION_ROLE_REGULATOR);
    site(client, REGULATOR, "office", SiteKind.SITE_KIND_WAREHOUSE);
    org(client, "test-dismantler", null, OrganizationRole.ORGANIZATION_ROLE_DISMANTLER,
        OrganizationRole.ORGANIZATION_ROLE_RECYCLER);
    site(client, DISMANTLER, "line", SiteKind.SITE_KIND_DISMANTLING_LINE);
    org(client, "test-cascade", "TCS", OrganizationRole.ORGANIZATION_ROLE_CASCADE_USER);
    site(client, CASCADE, "plant", SiteKind.SITE_KIND_CASCADE_PLANT);
    site(client, CASCADE, "microgrid", SiteKind.SITE_KIND_MICROGRID_STORAGE);
  }

  private static void org(PacktrailClient client, String id, String makerCode,
      OrganizationRole... roles) {
    Organization.Builder b = Organization.newBuilder().setDisplayName("Test " + id)
        .setRegionCode("620100");
    if (makerCode != null) {
      b.setManufacturerCode(makerCode);
    }
    for (OrganizationRole r : roles) {
      b.addRoles(r);
    }
    client.createOrganization(id, b.build());
  }

  private static void site(PacktrailClient client, String parent, String id, SiteKind kind) {
    client.createSite(parent, id, Site.newBuilder().setDisplayName("Site " + id).setKind(kind)
        .setRegionCode("620100").build());
  }

  /**
   * Who records at a site: over mutual TLS each organisation records its steps with its own
   * certificate ({@link ServerHarness#parties}); in process or in plaintext one client plays
   * every party.
   */
  @FunctionalInterface
  public interface Parties {
    PacktrailClient at(String site);
  }

  /** Registers a new pack of the test maker, by the maker, and returns its code. */
  public static String registeredPack(Parties parties) {
    return registeredPack(parties.at(FACTORY));
  }

  /** As {@link #gradedPackAt(PacktrailClient, String)}, each step by its own party. */
  public static String gradedPackAt(Parties parties, String site) {
    String code = registeredPack(parties);
    PacktrailClient station = parties.at(STATION);
    station.recordEvent(sale(code));
    station.recordEvent(removal(code, RemovalReason.REMOVAL_REASON_RETIREMENT));
    station.recordEvent(collection(code));
    String waybill = "WB-" + SERIAL.getAndIncrement();
    station.recordEvent(step(code, STATION).setShipment(Shipment.newBuilder()
        .setDestinationSite(site).setWaybill(waybill)).build());
    parties.at(site).recordEvent(step(code, site).setReceipt(Receipt.newBuilder()
        .setWaybill(waybill)).build());
    parties.at(site).recordEvent(step(code, site).setInspection(inspection(code)
        .getInspection()).build());
    return code;
  }

  /** A valid, unused LFP pack code of the test maker. */
  public static String newPackCode() {
    return String.format("TMKPBA1TRACE01RA5%07d", SERIAL.getAndIncrement());
  }

  /** Registers a new pack of the test maker and returns its code. */
  public static String registeredPack(PacktrailClient client) {
    String code = newPackCode();
    client.registerUnit(registration(code));
    return code;
  }

  /** A valid, unused LFP code of the test maker at a level: 'P' pack, 'M' module, 'C' cell. */
  public static String newCode(char level) {
    return String.format("TMK%cBA1TRACE01RA5%07d", level, SERIAL.getAndIncrement());
  }

  /** A valid, unused code of the cascade firm for a second-life pack. */
  public static String newSecondLifePackCode() {
    return String.format("TCSPBA1TRACE01RA5%07d", SERIAL.getAndIncrement());
  }

  /** The vehicle the fixture sale puts a pack in. */
  public static final String SALE_VIN = vin("LGSAB12C2RP12345");

  /**
   * A newly registered pack of 380 kg walked through sale, removal, collection, shipment to
   * {@code site}, receipt and inspection there: GRADED in the custody of that site's firm.
   */
  public static String gradedPackAt(PacktrailClient client, String site) {
    String code = registeredPack(client);
    walkToGraded(client, code, site);
    return code;
  }

  /** Sells, removes, collects and ships {@code code} to {@code site}, received and graded. */
  public static void walkToGraded(PacktrailClient client, String code, String site) {
    client.recordEvent(sale(code));
    client.recordEvent(removal(code, RemovalReason.REMOVAL_REASON_RETIREMENT));
    client.recordEvent(collection(code));
    shipReceiveInspect(client, code, STATION, site);
  }

  /** From {@code from} (custodian's site) to {@code to}, received and graded there. */
  public static void shipReceiveInspect(PacktrailClient client, String code, String from,
      String to) {
    String waybill = "WB-" + SERIAL.getAndIncrement();
    client.recordEvent(step(code, from).setShipment(Shipment.newBuilder()
        .setDestinationSite(to).setWaybill(waybill)).build());
    client.recordEvent(step(code, to).setReceipt(Receipt.newBuilder().setWaybill(waybill))
        .build());
    client.recordEvent(step(code, to).setInspection(inspection(code).getInspection()).build());
  }

  public static String vin(String stem16) {
    StringBuilder v = new StringBuilder(stem16.substring(0, 8)).append('0')
        .append(stem16.substring(8));
    v.setCharAt(8, Vin.checkDigit(v.toString()));
    return v.toString();
  }

  public static Timestamp time(Instant t) {
    return PacktrailClient.timestamp(t);
  }

  public static Timestamp now() {
    return time(Instant.now());
  }

  public static RegisterUnitRequest registration(String code) {
    return RegisterUnitRequest.newBuilder()
        .setRequestId(UUID.randomUUID().toString())
        .setCode(code)
        .setActorSite(FACTORY)
        .setEventTime(now())
        .setRegistration(Registration.newBuilder()
            .setLevel(UnitLevel.UNIT_LEVEL_PACK)
            .setChemistry(Chemistry.CHEMISTRY_LFP)
            .setRatedEnergyKwh(55.5)
            .setRatedCapacityAh(180)
            .setNominalVoltageV(350)
            .setMassKg(380)
            .setMaker(MAKER))
        .build();
  }

  public static RecordEventRequest.Builder step(String code, String site) {
    return RecordEventRequest.newBuilder()
        .setEventId(UUID.randomUUID().toString())
        .setUnit("units/" + code)
        .setActorSite(site)
        .setEventTime(now());
  }

  public static RecordEventRequest sale(String code) {
    return step(code, STATION).setSale(Sale.newBuilder()
        .setVin(vin("LGSAB12C2RP12345")).setDealer(DEALER)).build();
  }

  // ---- the second half of a pack's life ----

  public static RecordEventRequest tradeIn(String oldCode, String vin, String replacement) {
    return step(oldCode, STATION).setTradeIn(TradeIn.newBuilder().setVin(vin)
        .setReplacement("units/" + replacement).setNote("old for new")).build();
  }

  public static DismantledChild child(String code, double massKg) {
    return DismantledChild.newBuilder().setCode(code).setMassKg(massKg)
        .setRatedEnergyKwh(12).setRatedCapacityAh(150).setNominalVoltageV(51.2).build();
  }

  public static RecordEventRequest dismantling(String parent, String site, double residueKg,
      DismantledChild... children) {
    return step(parent, site).setDismantling(Dismantling.newBuilder()
        .addAllChildren(java.util.List.of(children)).setResidueKg(residueKg)
        .setNote("casing, wiring, BMS")).build();
  }

  public static RecordEventRequest assembly(String product, double massKg, String... sources) {
    Assembly.Builder a = Assembly.newBuilder().setRatedEnergyKwh(40).setRatedCapacityAh(150)
        .setNominalVoltageV(268.8).setMassKg(massKg);
    for (String s : sources) {
      a.addSources("units/" + s);
    }
    return step(product, CASCADE_PLANT).setAssembly(a).build();
  }

  public static RecordEventRequest commissioning(String code) {
    return step(code, MICROGRID).setCommissioning(Commissioning.newBuilder()
        .setApplication("microgrid storage for 6 MW PV").setUsableEnergyKwh(34)).build();
  }

  public static RecordEventRequest secondLifeInspection(String code, double sohPercent) {
    return step(code, MICROGRID).setSecondLifeInspection(SecondLifeInspection.newBuilder()
        .setStateOfHealthPercent(sohPercent).setUsableEnergyKwh(30)).build();
  }

  public static RecordEventRequest decommissioning(String code) {
    return step(code, MICROGRID).setDecommissioning(Decommissioning.newBuilder()
        .setNote("end of second life")).build();
  }

  public static ElementMasses elements(double li, double ni, double co, double mn, double cu,
      double al) {
    return ElementMasses.newBuilder().setLiKg(li).setNiKg(ni).setCoKg(co).setMnKg(mn)
        .setCuKg(cu).setAlKg(al).build();
  }

  public static LotOutput lot(String id, MaterialProduct product, double massKg,
      ElementMasses elements) {
    return LotOutput.newBuilder().setLotId(id).setProduct(product).setMassKg(massKg)
        .setElementMasses(elements).build();
  }

  /** Recycling at {@code site}, recorded against {@code primary}, consuming {@code others}. */
  public static RecordEventRequest recycling(String primary, String site, ElementMasses feed,
      java.util.List<LotOutput> lots, String... others) {
    Recycling.Builder r = Recycling.newBuilder().setFeed(feed).addAllLots(lots);
    for (String o : others) {
      r.addOtherInputs("units/" + o);
    }
    return step(primary, site).setRecycling(r).build();
  }

  public static RecordEventRequest scrapping(String code, String site) {
    return step(code, site).setScrapping(Scrapping.newBuilder().setReason("fire damage"))
        .build();
  }

  public static RecordEventRequest correction(String code, String site, long sequence) {
    return step(code, site).setCorrection(Correction.newBuilder()
        .setCorrects("units/" + code + "/events/" + sequence)
        .setReason("the grade was B, not C")).build();
  }

  public static RecordEventRequest removal(String code, RemovalReason reason) {
    return step(code, STATION).setRemoval(Removal.newBuilder().setReason(reason)).build();
  }

  public static RecordEventRequest collection(String code) {
    return step(code, STATION).setCollection(Collection.getDefaultInstance()).build();
  }

  public static RecordEventRequest shipment(String code, String waybill) {
    return step(code, STATION).setShipment(Shipment.newBuilder()
        .setDestinationSite(PLANT).setWaybill(waybill)).build();
  }

  public static RecordEventRequest receipt(String code, String waybill) {
    return step(code, PLANT).setReceipt(Receipt.newBuilder().setWaybill(waybill)).build();
  }

  public static RecordEventRequest inspection(String code) {
    return step(code, PLANT).setInspection(Inspection.newBuilder()
        .setGrade(Grade.GRADE_B)
        .setTestStandard("GB/T 34015-2017")
        .setTester("Test recycler's laboratory")
        .setTestDate(java.time.LocalDate.now(java.time.ZoneOffset.UTC).toString())
        .setStateOfHealth(StateOfHealth.newBuilder()
            .setStateOfCertifiedEnergyPercent(76.5)
            .setCapacityFadePercent(23.5)
            .setNumberOfFullCycles(1450))).build();
  }
}
