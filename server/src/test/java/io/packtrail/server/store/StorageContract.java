package io.packtrail.server.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.packtrail.server.domain.Actor;
import io.packtrail.server.domain.Chemistry;
import io.packtrail.server.domain.ElementMasses;
import io.packtrail.server.domain.Event;
import io.packtrail.server.domain.LifecycleState;
import io.packtrail.server.domain.LineageGraph;
import io.packtrail.server.domain.MaterialLot;
import io.packtrail.server.domain.MaterialProduct;
import io.packtrail.server.domain.NotFoundException;
import io.packtrail.server.domain.Organization;
import io.packtrail.server.domain.OrganizationRole;
import io.packtrail.server.domain.PlantFigures;
import io.packtrail.server.domain.Site;
import io.packtrail.server.domain.SiteKind;
import io.packtrail.server.domain.Step;
import io.packtrail.server.domain.Submission;
import io.packtrail.server.domain.TradeInRecord;
import io.packtrail.server.domain.Unit;
import io.packtrail.server.domain.UnitLevel;
import io.packtrail.server.testing.Fixtures;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * What every {@link Storage} must do, whatever keeps the data: idempotent creation on the
 * client-chosen id, finding by key, listings in key order that continue after a key and filter,
 * and "not there" as an empty answer (or NotFoundException where documented). A new
 * implementation extends this class and supplies {@link #storage()} and {@link #record}.
 * Tests share one store per class, so each makes its own names and filters on them.
 */
public abstract class StorageContract {
  private static final AtomicInteger SERIAL = new AtomicInteger(1);
  private static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.MILLIS);

  /** The storage under test. */
  protected abstract Storage storage();

  /** Records a step through the implementation's own ingest path; returns the event. */
  protected abstract Event record(Submission submission, Actor actor);

  // ---- organisations ----

  @Test
  void createOrganizationIsIdempotentOnTheIdAndKeepsTheFirst() {
    Organization first = organization(uniqueId("org"), region(), OrganizationRole.RECYCLER);
    assertTrue(first.sameContent(storage().createOrganization(first)));
    Organization other = new Organization(first.id(), "Another name", first.roles(),
        first.regionCode(), null, NOW, null, null);
    Organization stored = storage().createOrganization(other);
    assertTrue(stored.sameContent(first), "the first one stays: " + stored);
    assertTrue(storage().findOrganization(first.id()).orElseThrow().sameContent(first));
    assertTrue(storage().findOrganization(uniqueId("absent")).isEmpty());
  }

  @Test
  void organizationsListInIdOrderAfterAKeyAndByFilter() {
    String region = region();
    Organization c = storage().createOrganization(
        organization("c-" + uniqueId("o"), region, OrganizationRole.RECYCLER));
    Organization a = storage().createOrganization(
        organization("a-" + uniqueId("o"), region, OrganizationRole.DEALER));
    Organization b = storage().createOrganization(
        organization("b-" + uniqueId("o"), region, OrganizationRole.RECYCLER));
    assertEquals(List.of(a.id(), b.id(), c.id()),
        ids(storage().listOrganizations(null, region, null, 10)));
    assertEquals(List.of(a.id(), b.id()),
        ids(storage().listOrganizations(null, region, null, 2)));
    assertEquals(List.of(c.id()), ids(storage().listOrganizations(null, region, b.id(), 2)));
    assertEquals(List.of(b.id(), c.id()),
        ids(storage().listOrganizations(OrganizationRole.RECYCLER, region, null, 10)));
    assertEquals(List.of(a.id(), b.id(), c.id()),
        ids(storage().listOrganizations(null, region.substring(0, 5), null, 1000).stream()
            .filter(o -> o.regionCode().equals(region)).toList()),
        "a region prefix matches the codes that start with it");
  }

  // ---- sites ----

  @Test
  void createSiteIsIdempotentOnTheNameAndNeedsItsOrganization() {
    Organization o = storage().createOrganization(
        organization(uniqueId("org"), region(), OrganizationRole.DEALER));
    Site first = site(o.id(), "shop", "Shop");
    assertTrue(first.sameContent(storage().createSite(first)));
    Site stored = storage().createSite(site(o.id(), "shop", "Another shop"));
    assertTrue(stored.sameContent(first), "the first one stays: " + stored);
    assertTrue(storage().findSite(first.name()).orElseThrow().sameContent(first));
    assertTrue(storage().findSite(o.name() + "/sites/absent").isEmpty());
    String orphan = uniqueId("absent");
    NotFoundException e = assertThrows(NotFoundException.class,
        () -> storage().createSite(site(orphan, "shop", "Shop")));
    assertTrue(e.getMessage().contains("organizations/" + orphan), e.getMessage());
    assertTrue(storage().findSite("organizations/" + orphan + "/sites/shop").isEmpty());
  }

  @Test
  void sitesListInNameOrderPerOrganizationOrForAll() {
    Organization o = storage().createOrganization(
        organization(uniqueId("org"), region(), OrganizationRole.DEALER));
    Organization p = storage().createOrganization(
        organization(uniqueId("org"), region(), OrganizationRole.DEALER));
    Site s3 = storage().createSite(site(o.id(), "site-c", "C"));
    Site s1 = storage().createSite(site(o.id(), "site-a", "A"));
    Site s2 = storage().createSite(site(o.id(), "site-b", "B"));
    Site elsewhere = storage().createSite(site(p.id(), "site-a", "A"));
    assertEquals(List.of(s1.name(), s2.name(), s3.name()),
        names(storage().listSites(o.id(), null, 10)));
    assertEquals(List.of(s2.name()), names(storage().listSites(o.id(), s1.name(), 1)));
    assertEquals(List.of(), names(storage().listSites(o.id(), s3.name(), 10)));
    List<String> all = names(storage().listSites(null, null, 1000));
    assertTrue(all.containsAll(List.of(s1.name(), s2.name(), s3.name(), elsewhere.name())));
    assertEquals(all.stream().sorted().toList(), all, "all sites in name order");
  }

  // ---- units and events ----

  @Test
  void unitsAreFoundAndListedInCodeOrderWithFilters() {
    Actor n = network();
    String first = register(n);
    String second = register(n);
    String third = register(n);
    assertEquals(first, storage().findUnit(first).orElseThrow().code());
    assertTrue(storage().findUnit("TMKPBA1TRACE01RA59999999").isEmpty());

    String dealer = storage().createOrganization(
        organization(uniqueId("dealer"), region(), OrganizationRole.DEALER)).name();
    sell(n, second, dealer);
    sell(n, third, dealer);
    assertEquals(List.of(second, third),
        codes(storage().listUnits(null, dealer, null, null, null, 10)));
    assertEquals(List.of(second),
        codes(storage().listUnits(LifecycleState.INSTALLED, dealer, null, null, null, 1)));
    assertEquals(List.of(third),
        codes(storage().listUnits(null, dealer, UnitLevel.PACK, Chemistry.LFP, second, 10)));
    assertEquals(List.of(),
        codes(storage().listUnits(LifecycleState.REGISTERED, dealer, null, null, null, 10)));
    assertEquals(List.of(), codes(storage().listUnits(null, dealer, null, Chemistry.NCM, null,
        10)));
    List<String> all = codes(storage().listUnits(null, null, null, null, null, 1000));
    assertTrue(all.containsAll(List.of(first, second, third)));
    assertEquals(all.stream().sorted().toList(), all, "all units in code order");
    assertEquals(List.of(), storage().anomalies(List.of(first, second)));
    assertEquals(List.of(), storage().anomalies(List.of()));
  }

  @Test
  void theIngestPathRecordsEachUnitsPartiesAndListingsKeepToThem() {
    Actor n = network();
    String sold = register(n);
    String kept = register(n);
    String dealer = storage().createOrganization(
        organization(uniqueId("dealer"), region(), OrganizationRole.DEALER)).name();
    sell(n, sold, dealer); // recorded by the maker, held by the dealer
    assertEquals(Set.of(n.organization(), dealer), storage().parties(sold));
    assertEquals(Set.of(n.organization()), storage().parties(kept));
    assertEquals(Set.of(), storage().parties("TMKPBA1TRACE01RA59999999"));
    assertEquals(Set.of(sold), storage().partyUnits(dealer, List.of(sold, kept)));
    assertEquals(Set.of(), storage().partyUnits(dealer, List.of()));
    assertEquals(List.of(sold), codes(storage().listUnits(null, null, null, null, dealer, null,
        10)));
    List<String> makers = codes(storage().listUnits(null, null, null, null, n.organization(),
        null, 1000));
    assertTrue(makers.containsAll(List.of(sold, kept)));
    assertEquals(makers.stream().sorted().toList(), makers, "in code order");
    List<String> registered = codes(storage().listUnits(LifecycleState.REGISTERED, null, null,
        null, n.organization(), null, 1000));
    assertTrue(registered.contains(kept) && !registered.contains(sold), "with the filters");
    assertEquals(Set.of(), storage().partyLots(dealer, List.of("no-such-lot")));
  }

  @Test
  void eventsListInSequenceOrderAndTheLogFollowsTheHead() {
    Actor n = network();
    // a new organisation is an entry of the log too (docs/formats.md, Registry entries)
    String dealer = storage().createOrganization(
        organization(uniqueId("dealer"), region(), OrganizationRole.DEALER)).name();
    long head = storage().logHead();
    String code = register(n);
    Event sale = sell(n, code, dealer);

    List<Event> events = storage().listEvents(code, 0, 10);
    assertEquals(List.of(1L, 2L), events.stream().map(Event::sequence).toList());
    assertEquals(List.of(1L), storage().listEvents(code, 0, 1).stream()
        .map(Event::sequence).toList());
    assertEquals(List.of(sale.eventId()), storage().listEvents(code, 1, 10).stream()
        .map(Event::eventId).toList());
    assertEquals(List.of(), storage().listEvents("TMKPBA1TRACE01RA59999999", 0, 10));

    assertEquals(sale.logIndex(), storage().findEvent(sale.eventId()).orElseThrow().logIndex());
    assertTrue(storage().findEvent(UUID.randomUUID()).isEmpty());

    assertEquals(head + 2, storage().logHead());
    List<Event> log = storage().listFromLogIndex(head, 10);
    assertEquals(List.of(head, head + 1), log.stream().map(Event::logIndex).toList());
    assertEquals(List.of(events.get(0).eventId(), sale.eventId()),
        log.stream().map(Event::eventId).toList());
    assertEquals(1, storage().listFromLogIndex(head, 1).size());
    assertEquals(List.of(), storage().listFromLogIndex(head + 2, 10));
  }

  @Test
  void queriedEventsFollowTheFilterInLogOrderAndKeepToAParty() {
    Actor n = network();
    String dealer = storage().createOrganization(
        organization(uniqueId("dealer"), region(), OrganizationRole.DEALER)).name();
    long head = storage().logHead();
    String sold = register(n);
    String kept = register(n);
    Event sale = sell(n, sold, dealer);
    io.packtrail.server.domain.EventQuery mine = io.packtrail.server.domain.EventQuery.parse(
        "unit = \"units/" + sold + "\" OR unit = \"units/" + kept + "\"");
    List<Event> all = storage().queryEvents(mine, null, head - 1, 10);
    assertEquals(3, all.size());
    assertEquals(all.stream().map(Event::logIndex).sorted().toList(),
        all.stream().map(Event::logIndex).toList(), "log order");
    assertEquals(List.of(all.get(1).logIndex(), all.get(2).logIndex()), storage()
        .queryEvents(mine, null, all.get(0).logIndex(), 10).stream().map(Event::logIndex)
        .toList(), "after a log index");
    assertEquals(1, storage().queryEvents(mine, null, head - 1, 1).size(), "at most the limit");
    // the dealer is a party of the sold unit only; an organisation of none sees nothing
    assertEquals(List.of(sold, sold), storage().queryEvents(mine, dealer, head - 1, 10).stream()
        .map(Event::unitCode).toList());
    assertEquals(List.of(), storage().queryEvents(mine, "organizations/" + uniqueId("none"),
        head - 1, 10));
    // by type, organisation, site and period
    io.packtrail.server.domain.EventQuery sales = io.packtrail.server.domain.EventQuery.parse(
        "type = \"sale\" AND actor_organization = \"" + sale.actorOrganization()
            + "\" AND actor_site = \"" + sale.actorSite() + "\" AND event_time >= \""
            + sale.eventTime() + "\" AND event_time <= \"" + sale.eventTime() + "\"");
    assertEquals(List.of(sale.eventId()), storage().queryEvents(sales, null, head - 1, 10)
        .stream().map(Event::eventId).toList());
    assertEquals(List.of(), storage().queryEvents(io.packtrail.server.domain.EventQuery.parse(
        "type = \"sale\" AND event_time > \"" + sale.eventTime() + "\""), null, head - 1,
        10));
  }

  // ---- lineage, lots, trade-ins, plant sums ----

  @Test
  void lineageLotsTradeInsAndPlantSumsFollowTheLinks() {
    Actor n = network();
    Organization plantOrg = storage().createOrganization(new Organization(uniqueId("plant"),
        "Plant", EnumSet.of(OrganizationRole.DEALER, OrganizationRole.COLLECTION_OUTLET,
            OrganizationRole.RECYCLER), region(), null, NOW, null, null));
    Site plantSite = storage().createSite(new Site(plantOrg.id(), "plant", "Plant",
        SiteKind.RECYCLING_PLANT, "620300", "", 38.5, 102.2, NOW));
    Actor plant = new Actor(plantOrg.name(), plantSite.name(), plantOrg.roles(),
        SiteKind.RECYCLING_PLANT);
    String vin = Fixtures.vin("LGSAB12C2RP12345");
    String old = register(n);
    String replacement = register(n);
    record(new Submission(UUID.randomUUID(), old, NOW, n.site(), new Step.Sale(vin,
        n.organization())), n);
    Event tradeIn = record(new Submission(UUID.randomUUID(), old, NOW, plant.site(),
        new Step.TradeIn(vin, replacement, null)), plant);
    record(new Submission(UUID.randomUUID(), old, NOW, plant.site(), new Step.Collection(null)),
        plant);
    String lot = uniqueId("lot");
    record(new Submission(UUID.randomUUID(), old, NOW, plant.site(), new Step.Recycling(
        List.of(new Step.LotOutput(lot, MaterialProduct.LI2CO3, 30,
            new ElementMasses(5, 0, 0, 0, 0, 0))), new ElementMasses(6, 0, 0, 0, 0, 0),
        List.of(), null)), plant);

    List<LineageGraph.Hop> down = storage().lineageWalk(old, null, false, true, 0).descendants();
    assertEquals(Set.of(LineageGraph.Ref.unit(replacement), LineageGraph.Ref.lot(lot)),
        down.stream().map(h -> h.edge().to()).collect(java.util.stream.Collectors.toSet()));
    assertTrue(down.stream().allMatch(h -> h.edge().depth() == 1
        && !h.edge().eventName().isEmpty() && h.farEnd().ref().equals(h.edge().to())));
    assertTrue(down.stream().anyMatch(h -> h.farEnd().product() == MaterialProduct.LI2CO3
        && h.farEnd().custodian().equals(plant.organization())), "a lot's details: " + down);
    assertTrue(down.stream().anyMatch(h -> h.farEnd().level() != null
        && h.farEnd().state() != null), "a unit's details: " + down);
    List<LineageGraph.Hop> up = storage().lineageWalk(null, lot, true, false, 0).ancestors();
    assertEquals(List.of(LineageGraph.Ref.unit(old)),
        up.stream().map(h -> h.edge().from()).toList());
    assertEquals(List.of(LineageGraph.Ref.unit(old)),
        up.stream().map(h -> h.farEnd().ref()).toList());
    assertEquals(LifecycleState.RECYCLED, up.get(0).farEnd().state());
    assertEquals(List.of(), storage().lineageWalk(replacement, null, false, true, 0).descendants(),
        "replaced-by is not followed");
    // the root's details come with the walk; an unknown root is walked no further
    assertEquals(LineageGraph.Ref.unit(old),
        storage().lineageWalk(old, null, true, true, 0).root().ref());
    assertEquals(MaterialProduct.LI2CO3,
        storage().lineageWalk(null, lot, true, false, 0).root().product());
    LineageGraph.Walk unknown = storage().lineageWalk("TMKPBA1TRACE01RA59999999", null, true,
        true, 0);
    assertEquals(new LineageGraph.Walk(null, List.of(), List.of()), unknown);

    assertEquals(List.of(old), storage().findMaterialLot(lot).orElseThrow().inputUnits());
    assertTrue(storage().findMaterialLot(uniqueId("absent")).isEmpty());
    assertEquals(Set.of(lot), storage().partyLots(plant.organization(), List.of(lot, "no-such-lot")),
        "the lot's maker");
    assertEquals(Set.of(lot), storage().partyLots(n.organization(), List.of(lot)),
        "a party of its input");
    assertEquals(Set.of(), storage().partyLots("organizations/nobody-of-it", List.of(lot)));
    assertEquals(List.of(old), storage().sourcePacks(lot));
    assertEquals(List.of(lot), storage().listMaterialLots(plant.site(), old,
        MaterialProduct.LI2CO3, NOW, NOW.plusSeconds(1), null, null, 10).stream()
        .map(MaterialLot::id).toList());
    assertEquals(List.of(lot), storage().listMaterialLots(null, old, null, null, null,
        plant.organization(), null, 10).stream().map(MaterialLot::id).toList(), "its maker");
    assertEquals(List.of(), storage().listMaterialLots(null, old, null, null, null,
        "organizations/nobody-of-it", null, 10), "no party of the lot");
    assertEquals(List.of(), storage().listMaterialLots(plant.site(), null,
        MaterialProduct.COPPER, null, null, null, null, 10));
    assertEquals(List.of(), storage().listMaterialLots(plant.site(), null, null, null, null,
        null, lot, 10), "after the last key");

    List<TradeInRecord> trades = storage().listTradeIns(plant.site(), null, null, -1, 10);
    assertEquals(1, trades.size());
    assertEquals(replacement, trades.get(0).replacementUnit());
    assertEquals(tradeIn.logIndex(), trades.get(0).logIndex());
    assertEquals(List.of(), storage().listTradeIns(plant.site(), null, null,
        tradeIn.logIndex(), 10));

    PlantFigures.Sums sums = storage().plantSums(plant.site(), NOW, NOW.plusSeconds(1));
    assertEquals(List.of(new PlantFigures.InputMass(Chemistry.LFP, UnitLevel.PACK, 380)),
        sums.inputs());
    assertEquals(30, sums.lotMassKg());
    assertEquals(6, sums.feed().li());
    assertEquals(0, sums.residueKg());
    assertEquals(null, sums.annualCapacityTonnes());
    assertThrows(NotFoundException.class, () -> storage().plantSums(plant.site() + "x", NOW,
        NOW.plusSeconds(1)));
  }

  // ---- helpers ----

  /**
   * A battery maker that also sells, at its factory; made once per store (its manufacturer code
   * is unique).
   */
  private Actor network() {
    Organization maker = storage().findOrganization("contract-maker").orElseGet(() ->
        storage().createOrganization(new Organization("contract-maker", "Contract maker",
            EnumSet.of(OrganizationRole.BATTERY_MAKER, OrganizationRole.DEALER), "620100",
            "TMK", NOW, null, null)));
    Site factory = storage().createSite(site(maker.id(), "factory", "Factory"));
    return new Actor(maker.name(), factory.name(), maker.roles());
  }

  private String register(Actor maker) {
    String code = String.format("TMKPBA1TRACE01RA5%07d", SERIAL.getAndIncrement());
    record(new Submission(UUID.randomUUID(), code, NOW, maker.site(),
        new Step.Registration(UnitLevel.PACK, Chemistry.LFP, 55.5, 180, 350, 380,
            maker.organization())), maker);
    return code;
  }

  private Event sell(Actor maker, String code, String dealer) {
    return record(new Submission(UUID.randomUUID(), code, NOW, maker.site(),
        new Step.Sale(Fixtures.vin("LGSAB12C2RP12345"), dealer)), maker);
  }

  private static Organization organization(String id, String region, OrganizationRole role) {
    return new Organization(id, "Org " + id, Set.of(role), region, null, NOW, null, null);
  }

  private static Site site(String organizationId, String id, String displayName) {
    return new Site(organizationId, id, displayName, SiteKind.WAREHOUSE, "620100", "", 36.06,
        103.83, NOW);
  }

  private static String uniqueId(String stem) {
    return stem + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  /** A six-digit region code of this test alone, so listings can filter on it. */
  private static String region() {
    return Integer.toString(700_000 + SERIAL.getAndIncrement() * 10);
  }

  private static List<String> ids(List<Organization> organizations) {
    return organizations.stream().map(Organization::id).toList();
  }

  private static List<String> names(List<Site> sites) {
    return sites.stream().map(Site::name).toList();
  }

  private static List<String> codes(List<Unit> units) {
    return units.stream().map(Unit::code).toList();
  }
}
