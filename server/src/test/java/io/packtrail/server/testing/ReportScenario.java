package io.packtrail.server.testing;

import io.packtrail.client.PacktrailClient;
import io.packtrail.v1.Inspection;
import io.packtrail.v1.MaterialProduct;
import io.packtrail.v1.Organization;
import io.packtrail.v1.OrganizationRole;
import io.packtrail.v1.Receipt;
import io.packtrail.v1.RecordEventRequest;
import io.packtrail.v1.RegisterUnitRequest;
import io.packtrail.v1.RemovalReason;
import io.packtrail.v1.Removal;
import io.packtrail.v1.Shipment;
import io.packtrail.v1.Site;
import io.packtrail.v1.SiteKind;
import io.packtrail.v1.StateOfHealth;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * A pack's whole life for reports and exports, dated over 2025 and 2026 so charts have a time
 * axis: made by a maker whose organisation and factory have hostile display names (markup that
 * must never run), sold, removed with a hostile note, collected, shipped to the dismantler,
 * graded, the grading corrected and graded again, dismantled into two modules; one module shipped
 * to the cascade firm, graded and assembled into a storage pack that is commissioned and
 * inspected three times; the other recycled into two material lots.
 */
public record ReportScenario(String pack, String moduleA, String moduleB, String storage,
    List<String> lots) {

  /** The hostile display names and note: each must show as text, never as markup. */
  public static final String EVIL_ORG = "Evil <script>document.title='pwned'</script> & \"Sons\"";
  public static final String EVIL_SITE = "Factory <img src=x onerror=\"document.title='pwned'\">";
  public static final String EVIL_NOTE = "</td><script>document.title='pwned'</script>=1+1";
  public static final String EVIL_MAKER = "organizations/evil-maker";
  public static final String EVIL_FACTORY = EVIL_MAKER + "/sites/factory";
  /** About 700 days before now: the life ends some 30 days ago (no step may be in the future). */
  public static final Instant START = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.DAYS)
      .minus(Duration.ofDays(700)).plusSeconds(8 * 3600);

  public static ReportScenario create(PacktrailClient client) {
    Fixtures.network(client);
    client.createOrganization("evil-maker", Organization.newBuilder().setDisplayName(EVIL_ORG)
        .setRegionCode("620300").setManufacturerCode("EVL")
        .addRoles(OrganizationRole.ORGANIZATION_ROLE_BATTERY_MAKER).build());
    client.createSite(EVIL_MAKER, "factory", Site.newBuilder().setDisplayName(EVIL_SITE)
        .setKind(SiteKind.SITE_KIND_FACTORY).setRegionCode("620300").build());
    Clock t = new Clock();
    String pack = Fixtures.newPackCode().replace("TMK", "EVL");
    RegisterUnitRequest registration = Fixtures.registration(pack);
    client.registerUnit(registration.toBuilder().setActorSite(EVIL_FACTORY)
        .setEventTime(t.next(0)).setRegistration(registration.getRegistration().toBuilder()
            .setMaker(EVIL_MAKER)).build());
    client.recordEvent(at(Fixtures.sale(pack), t.next(20)));
    client.recordEvent(at(Fixtures.step(pack, Fixtures.STATION).setRemoval(Removal.newBuilder()
        .setReason(RemovalReason.REMOVAL_REASON_RETIREMENT).setNote(EVIL_NOTE)).build(),
        t.next(300)));
    client.recordEvent(at(Fixtures.collection(pack), t.next(2)));
    shipReceive(client, pack, Fixtures.STATION, Fixtures.LINE, t);
    client.recordEvent(at(grading(pack, Fixtures.LINE, io.packtrail.v1.Grade.GRADE_C, 74.0),
        t.next(1)));
    long graded = client.listEvents(pack).size();
    client.recordEvent(at(Fixtures.correction(pack, Fixtures.LINE, graded), t.next(1)));
    client.recordEvent(at(grading(pack, Fixtures.LINE, io.packtrail.v1.Grade.GRADE_B, 81.5),
        t.next(1)));
    String moduleA = Fixtures.newCode('M');
    String moduleB = Fixtures.newCode('M');
    client.recordStep(at(Fixtures.dismantling(pack, Fixtures.LINE, 20,
        Fixtures.child(moduleA, 180), Fixtures.child(moduleB, 180)), t.next(10)));

    shipReceive(client, moduleA, Fixtures.LINE, Fixtures.CASCADE_PLANT, t);
    client.recordEvent(at(grading(moduleA, Fixtures.CASCADE_PLANT,
        io.packtrail.v1.Grade.GRADE_A, 88.0), t.next(1)));
    String storage = Fixtures.newSecondLifePackCode();
    client.recordStep(at(Fixtures.assembly(storage, 185, moduleA), t.next(14)));
    client.recordEvent(at(Fixtures.commissioning(storage), t.next(7)));
    for (double soh : new double[] {96.0, 93.5, 91.0}) {
      client.recordEvent(at(Fixtures.secondLifeInspection(storage, soh), t.next(90)));
    }

    List<String> lots = List.of("rpt-" + moduleB.toLowerCase() + "-li",
        "rpt-" + moduleB.toLowerCase() + "-cu");
    client.recordStep(at(Fixtures.recycling(moduleB, Fixtures.LINE,
        Fixtures.elements(2.0, 0, 0, 0, 9.0, 12.0), List.of(
            Fixtures.lot(lots.get(0), MaterialProduct.MATERIAL_PRODUCT_LI2CO3, 10.0,
                Fixtures.elements(1.85, 0, 0, 0, 0, 0)),
            Fixtures.lot(lots.get(1), MaterialProduct.MATERIAL_PRODUCT_COPPER, 8.9,
                Fixtures.elements(0, 0, 0, 0, 8.9, 0)))), t.next(20)));
    return new ReportScenario(pack, moduleA, moduleB, storage, lots);
  }

  private static void shipReceive(PacktrailClient client, String code, String from, String to,
      Clock t) {
    String waybill = "WB-" + code.substring(code.length() - 7);
    client.recordEvent(at(Fixtures.step(code, from).setShipment(Shipment.newBuilder()
        .setDestinationSite(to).setWaybill(waybill)).build(), t.next(3)));
    client.recordEvent(at(Fixtures.step(code, to).setReceipt(Receipt.newBuilder()
        .setWaybill(waybill)).build(), t.next(2)));
  }

  private static RecordEventRequest grading(String code, String site, io.packtrail.v1.Grade g,
      double soce) {
    return Fixtures.step(code, site).setInspection(Inspection.newBuilder().setGrade(g)
        .setTestStandard("GB/T 34015-2017").setTester("Lab 2").setTestDate("2025-01-01")
        .setStateOfHealth(StateOfHealth.newBuilder().setStateOfCertifiedEnergyPercent(soce)))
        .build();
  }

  private static RecordEventRequest at(RecordEventRequest r, com.google.protobuf.Timestamp t) {
    return r.toBuilder().setEventTime(t).build();
  }

  /** Event times moving forward by whole days from {@link #START}. */
  private static final class Clock {
    private Instant now = START;

    com.google.protobuf.Timestamp next(int days) {
      now = now.plus(Duration.ofDays(days)).plusSeconds(600);
      return Fixtures.time(now);
    }
  }
}
