package io.packtrail.server.testing;

import com.google.protobuf.Timestamp;
import io.packtrail.client.PacktrailClient;
import io.packtrail.server.domain.Vin;
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
