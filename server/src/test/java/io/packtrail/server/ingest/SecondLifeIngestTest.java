package io.packtrail.server.ingest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.packtrail.server.domain.Actor;
import io.packtrail.server.domain.AlreadyExistsException;
import io.packtrail.server.domain.Anomaly;
import io.packtrail.server.domain.Chemistry;
import io.packtrail.server.domain.ElementMasses;
import io.packtrail.server.domain.Event;
import io.packtrail.server.domain.EventChain;
import io.packtrail.server.domain.FailedPreconditionException;
import io.packtrail.server.domain.Grade;
import io.packtrail.server.domain.LifecycleState;
import io.packtrail.server.domain.MaterialProduct;
import io.packtrail.server.domain.Organization;
import io.packtrail.server.domain.OrganizationRole;
import io.packtrail.server.domain.Part;
import io.packtrail.server.domain.RemovalReason;
import io.packtrail.server.domain.Site;
import io.packtrail.server.domain.SiteKind;
import io.packtrail.server.domain.StateOfHealth;
import io.packtrail.server.domain.Step;
import io.packtrail.server.domain.Submission;
import io.packtrail.server.domain.UnitLevel;
import io.packtrail.server.store.EventDao;
import io.packtrail.server.store.OrganizationDao;
import io.packtrail.server.store.SiteDao;
import io.packtrail.server.testing.TestDatabases;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Multi-unit steps through the sequencer on real PostgreSQL: all or none, one winner among
 * racing consumers, retries answered with the same events, every touched chain whole, lineage
 * and lots stored with the events.
 */
class SecondLifeIngestTest {
  static final String VIN = "1M8GDM9AXKP042788";
  static final AtomicInteger SERIAL = new AtomicInteger(1);
  static TestDatabases.Fresh db;
  static Jdbi jdbi;
  static Sequencer sequencer;
  static Actor factory;
  static Actor station;
  static Actor line;
  static Actor cascade;
  static Actor microgrid;

  @BeforeAll
  static void start() {
    db = TestDatabases.create("SecondLifeIngestTest");
    jdbi = db.database().jdbi();
    factory = actor("maker", "factory", SiteKind.FACTORY, OrganizationRole.BATTERY_MAKER);
    station = actor("lanzhou-station", "station", SiteKind.DEALERSHIP, OrganizationRole.DEALER,
        OrganizationRole.COLLECTION_OUTLET);
    line = actor("jinchang", "line", SiteKind.DISMANTLING_LINE, OrganizationRole.DISMANTLER,
        OrganizationRole.RECYCLER);
    cascade = actor("cascade", "plant", SiteKind.CASCADE_PLANT, OrganizationRole.CASCADE_USER);
    microgrid = new Actor(cascade.organization(), "organizations/cascade/sites/microgrid",
        cascade.roles(), SiteKind.MICROGRID_STORAGE);
    site("cascade", "microgrid", SiteKind.MICROGRID_STORAGE);
    sequencer = new Sequencer(jdbi, Clock.systemUTC(), 64, 1000);
  }

  @AfterAll
  static void stop() {
    sequencer.close();
    db.close();
  }

  static Actor actor(String org, String site, SiteKind kind, OrganizationRole... roles) {
    jdbi.useExtension(OrganizationDao.class, dao -> dao.insertIfAbsent(new Organization(org,
        "Org " + org, Set.of(roles), "620100", org.equals("maker") ? "TMK" : null,
        Instant.now(), null, null)));
    site(org, site, kind);
    return new Actor("organizations/" + org, "organizations/" + org + "/sites/" + site,
        Set.of(roles), kind);
  }

  static void site(String org, String site, SiteKind kind) {
    jdbi.useExtension(SiteDao.class, dao -> dao.insertIfAbsent(new Site(org, site, "Site " + site,
        kind, "620100", "", 36.06, 103.83, Instant.now())));
  }

  static String code(char level) {
    return String.format("TMK%cBA1TRACE01RA5%07d", level, SERIAL.getAndIncrement());
  }

  static List<Event> record(String unit, Step step, Actor actor) throws Exception {
    return record(UUID.randomUUID(), unit, step, actor);
  }

  static List<Event> record(UUID id, String unit, Step step, Actor actor) throws Exception {
    return sequencer.record(new Submission(id, unit, Instant.now(), actor.site(), step), actor,
        () -> true).get();
  }

  static Throwable refused(String unit, Step step, Actor actor) {
    ExecutionException e = assertThrows(ExecutionException.class, () -> record(unit, step, actor));
    return e.getCause();
  }

  /** A pack of 380 kg walked to GRADED in the custody of {@code holder}. */
  static String gradedPack(Actor holder) throws Exception {
    String pack = code('P');
    record(pack, new Step.Registration(UnitLevel.PACK, Chemistry.LFP, 50, 150, 350, 380,
        factory.organization()), factory);
    record(pack, new Step.Sale(VIN, station.organization()), station);
    record(pack, new Step.Removal(RemovalReason.RETIREMENT, null), station);
    record(pack, new Step.Collection(null), station);
    record(pack, new Step.Shipment(holder.site(), "WB-" + SERIAL.getAndIncrement()), station);
    record(pack, new Step.Receipt(null), holder);
    record(pack, inspection(), holder);
    return pack;
  }

  static Step inspection() {
    return new Step.Inspection(new StateOfHealth(80.0, 20.0, null, null, null, null, 900L),
        Grade.B, null, "GB/T 34015-2017", "Test lab", LocalDate.parse("2026-03-01"));
  }

  static Step.Child child(String code, double massKg) {
    return new Step.Child(code, massKg, 12, 150, 51.2);
  }

  static void assertChainWhole(String code) {
    List<Event> history = jdbi.withExtension(EventDao.class, d -> d.listForUnit(code, 0, 1000));
    assertEquals(-1, EventChain.firstBreak(history), "chain of " + code);
  }

  static LifecycleState state(String code) {
    return LifecycleState.valueOf(jdbi.withHandle(h -> h.createQuery(
        "SELECT state FROM unit WHERE code = :c").bind("c", code).mapTo(String.class).one()));
  }

  static long count(String sql, Object arg) {
    return jdbi.withHandle(h -> h.createQuery(sql).bind(0, arg).mapTo(Long.class).one());
  }

  @Test
  void theWholeLoopFromPackToLotsKeepsEveryChainAndRecordsTheLineage() throws Exception {
    String pack = gradedPack(line);
    String m1 = code('M');
    String m2 = code('M');
    List<Event> dismantled = record(pack,
        new Step.Dismantling(List.of(child(m1, 180), child(m2, 180)), 20, null), line);
    assertEquals(3, dismantled.size());
    assertEquals(List.of(pack, m1, m2), dismantled.stream().map(Event::unitCode).toList());
    assertEquals(List.of(Part.PARENT, Part.CHILD, Part.CHILD),
        dismantled.stream().map(Event::part).toList());
    UUID stepId = dismantled.get(0).eventId();
    assertTrue(dismantled.stream().allMatch(e -> e.stepId().equals(stepId)));
    assertEquals(EventChain.derivedEventId(stepId, m1), dismantled.get(1).eventId());
    assertEquals(1, dismantled.get(1).sequence(), "a child's life starts with the dismantling");
    for (int i = 1; i < 3; i++) {
      assertEquals(dismantled.get(0).logIndex() + i, dismantled.get(i).logIndex());
    }
    assertEquals(LifecycleState.DISMANTLED, state(pack));
    assertEquals(LifecycleState.RECEIVED, state(m1));
    assertEquals(2, count("SELECT count(*) FROM unit_link WHERE from_code = ? "
        + "AND kind = 'DISMANTLED_INTO'", pack));

    record(m1, inspection(), line);
    record(m2, inspection(), line);
    record(m1, new Step.Shipment(cascade.site(), "WB-M1"), line);
    record(m1, new Step.Receipt(null), cascade);
    record(m1, inspection(), cascade);
    String product = code('P');
    List<Event> assembled = record(product,
        new Step.Assembly(List.of(m1), 12, 150, 51.2, 185), cascade);
    assertEquals(List.of(product, m1), assembled.stream().map(Event::unitCode).toList());
    assertEquals(LifecycleState.REPURPOSED, state(m1));
    record(product, new Step.Commissioning("microgrid storage", 11, null), microgrid);
    record(product, new Step.SecondLifeInspection(92, 10.5, null), microgrid);
    record(product, new Step.Decommissioning(null), microgrid);
    assertEquals(LifecycleState.REMOVED, state(product));
    record(product, new Step.Collection(null), line);

    List<Event> recycled = record(product, new Step.Recycling(List.of(
        new Step.LotOutput("li2co3-0001", MaterialProduct.LI2CO3, 30,
            new ElementMasses(5.6, 0, 0, 0, 0, 0)),
        new Step.LotOutput("al-0001", MaterialProduct.ALUMINIUM, 20,
            new ElementMasses(0, 0, 0, 0, 0, 19.7))),
        new ElementMasses(6, 0, 0, 0, 4, 20), List.of(m2), null), line);
    assertEquals(2, recycled.size());
    assertEquals(LifecycleState.RECYCLED, state(product));
    assertEquals(LifecycleState.RECYCLED, state(m2));
    assertEquals(2, count("SELECT count(*) FROM material_lot_input WHERE lot_id = ?",
        "li2co3-0001"));
    assertEquals(line.site(), jdbi.withHandle(h -> h.createQuery(
        "SELECT plant_site FROM material_lot WHERE id = 'al-0001'").mapTo(String.class).one()));
    assertEquals(1, count("SELECT count(*) FROM recycling_feed WHERE event_id = ?",
        recycled.get(0).eventId()));

    // a correction follows even a terminal state, references the event and edits nothing
    List<Event> corrected = record(m2, new Step.Correction("units/" + m2 + "/events/1",
        "the module weighed 179.2 kg"), line);
    assertEquals(LifecycleState.RECYCLED, corrected.get(0).stateAfter());
    assertInstanceOf(io.packtrail.server.domain.NotFoundException.class, refused(m2,
        new Step.Correction("units/" + m2 + "/events/99", "no such event"), line));
    assertEquals(180.0, ((Step.Dismantling) jdbi.withExtension(EventDao.class,
        d -> d.listForUnit(m2, 0, 1)).get(0).step()).children().get(1).massKg(),
        "the corrected event is unchanged");

    for (String unit : List.of(pack, m1, m2, product)) {
      assertChainWhole(unit);
    }
    io.packtrail.server.testing.LogEntries.assertGapFree(jdbi);
  }

  /**
   * The batch's write is one statement made of the parts the batch has rows for
   * (IngestStore#commit); here one batch has them all: a registration, a dismantling (links), a
   * recycling (lots, their inputs and the feed), a flagged step (an anomaly) and a refused step
   * (a refusal to remember), next to the events, units and parties every step writes.
   */
  @Test
  void oneBatchWithEveryKindOfRowWritesThemAllInOneTransaction() throws Exception {
    String dismantled = gradedPack(line);
    String recycled = gradedPack(line);
    String flagged = gradedPack(line);
    String registered = code('P');
    String m1 = code('M');
    String m2 = code('M');
    List<Sequencer.Pending> batch = List.of(
        pending(registered, new Step.Registration(UnitLevel.PACK, Chemistry.LFP, 50, 150, 350,
            380, factory.organization()), factory, List.of()),
        pending(dismantled, new Step.Dismantling(List.of(child(m1, 180), child(m2, 180)), 20,
            null), line, List.of()),
        pending(recycled, new Step.Recycling(List.of(new Step.LotOutput("one-batch-lot",
            MaterialProduct.BLACK_MASS, 300, new ElementMasses(10, 0, 0, 0, 0, 0))),
            new ElementMasses(20, 0, 0, 0, 0, 0), List.of(), null), line, List.of()),
        pending(flagged, inspection(), line, List.of(new Anomaly.Flag(
            Anomaly.TIME_ORDER, "flagged in a batch of every kind"))),
        pending(flagged, new Step.Receipt(null), line, List.of())); // graded: refused
    // all queued before the sequencer takes its first batch, which waits for the observer
    HeldQueue queue = new HeldQueue(batch);
    List<Integer> sizes = new CopyOnWriteArrayList<>();
    long refusalsBefore = count("SELECT count(*) FROM refusal WHERE unit_code = ?", flagged);
    try (Sequencer one = new Sequencer(jdbi, Clock.systemUTC(), 64, queue)) {
      one.onBatch((size, nanos, committed) -> sizes.add(size));
      queue.release();
      for (int i = 0; i < 4; i++) {
        batch.get(i).result().get();
      }
      assertInstanceOf(FailedPreconditionException.class, assertThrows(ExecutionException.class,
          () -> batch.get(4).result().get()).getCause());
    }
    assertEquals(List.of(5), sizes, "one batch");
    assertEquals(LifecycleState.REGISTERED, state(registered));
    assertEquals(LifecycleState.DISMANTLED, state(dismantled));
    assertEquals(2, count("SELECT count(*) FROM unit_link WHERE from_code = ?", dismantled));
    assertEquals(LifecycleState.RECYCLED, state(recycled));
    assertEquals(1, count("SELECT count(*) FROM material_lot_input WHERE lot_id = ?",
        "one-batch-lot"));
    assertEquals(1, count("SELECT count(*) FROM recycling_feed WHERE event_id = ?",
        batch.get(2).submission().eventId()));
    assertEquals(1, count("SELECT count(*) FROM unit_anomaly WHERE unit_code = ?", flagged));
    assertEquals(refusalsBefore + 1, count("SELECT count(*) FROM refusal WHERE unit_code = ?",
        flagged));
    assertEquals(1, count("SELECT count(*) FROM unit_party WHERE unit_code = ? AND "
        + "organization = 'organizations/maker'", registered));
    for (String unit : List.of(registered, dismantled, recycled, flagged, m1, m2)) {
      assertChainWhole(unit);
    }
    io.packtrail.server.testing.LogEntries.assertGapFree(jdbi);
  }

  /**
   * Most steps are recorded by organisations the unit already has as parties (its custodian, the
   * organisation it was shipped to); the sequencer sends no rows for those, and still every party
   * is there, each once.
   */
  @Test
  void aWalkedPackHasEveryPartyOnce() throws Exception {
    String pack = gradedPack(line);
    record(pack, inspection(), line); // by the custodian again
    List<String> parties = jdbi.withHandle(h -> h.createQuery(
        "SELECT organization FROM unit_party WHERE unit_code = ? ORDER BY organization")
        .bind(0, pack).mapTo(String.class).list());
    assertEquals(List.of(line.organization(), station.organization(), factory.organization())
        .stream().sorted().toList(), parties,
        "the maker, the dealer that collected and shipped it, the line it was shipped to");
  }

  static Sequencer.Pending pending(String unit, Step step, Actor actor,
      List<Anomaly.Flag> flags) {
    Submission s = new Submission(UUID.randomUUID(), unit, Instant.now(), actor.site(), step);
    return new Sequencer.Pending(s, actor, s.digest(), flags, null, null, () -> true, HeldUnits.NONE,
        new CompletableFuture<>());
  }

  @Test
  void aPackRegisteredAndDismantledInOneBatchIsOneTransaction() throws Exception {
    // the dismantling reads the mass and maker of a pack the same batch registered: they were
    // known only for units registered by multi-unit steps, and the batch failed on a null mass
    // and was tried again item by item
    String pack = code('P');
    String module = code('M');
    String waybill = "WB-" + SERIAL.getAndIncrement();
    List<Sequencer.Pending> batch = List.of(
        pending(pack, new Step.Registration(UnitLevel.PACK, Chemistry.LFP, 50, 150, 350, 380,
            factory.organization()), factory, List.of()),
        pending(pack, new Step.Sale(VIN, station.organization()), station, List.of()),
        pending(pack, new Step.Removal(RemovalReason.RETIREMENT, null), station, List.of()),
        pending(pack, new Step.Collection(null), station, List.of()),
        pending(pack, new Step.Shipment(line.site(), waybill), station, List.of()),
        pending(pack, new Step.Receipt(waybill), line, List.of()),
        pending(pack, inspection(), line, List.of()),
        pending(pack, new Step.Dismantling(List.of(child(module, 360)), 20, null), line,
            List.of()));
    HeldQueue queue = new HeldQueue(batch);
    List<String> batches = new CopyOnWriteArrayList<>();
    try (Sequencer one = new Sequencer(jdbi, Clock.systemUTC(), 64, queue)) {
      one.onBatch((size, nanos, committed) -> batches.add(size + (committed ? "+" : "-")));
      queue.release();
      for (Sequencer.Pending p : batch) {
        p.result().get();
      }
    }
    assertEquals(List.of("8+"), batches, "one batch, committed whole");
    assertEquals(LifecycleState.DISMANTLED, state(pack));
    assertEquals(LifecycleState.RECEIVED, state(module));
    assertChainWhole(pack);
    assertChainWhole(module);
  }

  @Test
  void aStepWhoseDerivedIdIsTakenIsAReusedIdNotAServerFault() throws Exception {
    String pack = gradedPack(line);
    String module = code('M');
    UUID dismantling = UUID.randomUUID();
    // another step took the id the dismantling's event of the module would get
    String other = code('P');
    record(EventChain.derivedEventId(dismantling, module), other, new Step.Registration(
        UnitLevel.PACK, Chemistry.LFP, 50, 150, 350, 380, factory.organization()), factory);
    Throwable refused = assertThrows(ExecutionException.class, () -> record(dismantling, pack,
        new Step.Dismantling(List.of(child(module, 360)), 20, null), line)).getCause();
    assertInstanceOf(AlreadyExistsException.class, refused);
    assertTrue(refused.getMessage().contains("choose a new event_id"), refused.getMessage());
    // the holder is another organisation's event: not named to this one
    assertTrue(refused.getMessage().contains("which another event holds already")
        && !refused.getMessage().contains(other), refused.getMessage());
    assertEquals(LifecycleState.GRADED, state(pack), "nothing of it was stored");
  }

  @Test
  void aRefusedMultiUnitStepWritesNothingAndLeavesTheRestOfItsBatchAlone() throws Exception {
    String source = gradedPack(cascade);
    String ungraded = code('P');
    record(ungraded, new Step.Registration(UnitLevel.PACK, Chemistry.LFP, 50, 150, 350, 380,
        factory.organization()), factory);
    String product = code('P');
    String other = gradedPack(cascade);
    long eventsBefore = count("SELECT count(*) FROM event WHERE unit_code <> ?", "");

    // queued back to back: one batch in practice; the bad item fails alone either way
    CompletableFuture<List<Event>> bad = sequencer.record(new Submission(UUID.randomUUID(),
        product, Instant.now(), cascade.site(),
        new Step.Assembly(List.of(source, ungraded), 24, 150, 350, 700)), cascade, () -> true);
    CompletableFuture<List<Event>> good = sequencer.record(new Submission(UUID.randomUUID(),
        other, Instant.now(), cascade.site(), new Step.Scrapping("fire", null)), line,
        () -> true);
    ExecutionException e = assertThrows(ExecutionException.class, bad::get);
    FailedPreconditionException f = assertInstanceOf(FailedPreconditionException.class,
        e.getCause());
    assertTrue(f.violations().stream().anyMatch(v -> v.type().equals("STATE")
        && v.subject().equals("units/" + ungraded)), f.violations().toString());
    assertInstanceOf(FailedPreconditionException.class, assertThrows(ExecutionException.class,
        good::get).getCause(), "the line is not the custodian: refused on its own");

    assertEquals(LifecycleState.GRADED, state(source), "the good source was not consumed");
    assertEquals(0, count("SELECT count(*) FROM unit WHERE code = ?", product));
    assertEquals(0, count("SELECT count(*) FROM unit_link WHERE from_code = ?", source));
    assertEquals(eventsBefore, count("SELECT count(*) FROM event WHERE unit_code <> ?", ""));
    assertChainWhole(source);
  }

  @Test
  void racingConsumersOfOneUnitExactlyOneWins() throws Exception {
    for (int round = 0; round < 5; round++) {
      String shared = gradedPack(line);
      List<CompletableFuture<List<Event>>> racers = new ArrayList<>();
      List<String> owns = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        String own = gradedPack(line);
        owns.add(own);
        Step step = new Step.Recycling(List.of(new Step.LotOutput(
            "race-" + round + "-" + i, MaterialProduct.BLACK_MASS, 300,
            new ElementMasses(10, 0, 0, 0, 0, 0))), new ElementMasses(20, 0, 0, 0, 0, 0),
            List.of(shared), null);
        racers.add(sequencer.record(new Submission(UUID.randomUUID(), own, Instant.now(),
            line.site(), step), line, () -> true));
      }
      int won = 0;
      for (CompletableFuture<List<Event>> r : racers) {
        try {
          r.get();
          won++;
        } catch (ExecutionException e) {
          assertInstanceOf(FailedPreconditionException.class, e.getCause());
        }
      }
      assertEquals(1, won, "one recycling consumes the shared unit");
      assertEquals(1, count("SELECT count(*) FROM material_lot_input WHERE unit_code = ?",
          shared));
      assertEquals(LifecycleState.RECYCLED, state(shared));
      assertEquals(5, owns.stream().filter(c -> state(c) == LifecycleState.GRADED).count(),
          "the losers' own inputs were not consumed");
      assertChainWhole(shared);
    }
  }

  @Test
  void aRetryAnswersTheSameEventsAndADifferentStepUnderTheIdIsRefused() throws Exception {
    String pack = gradedPack(line);
    String m1 = code('M');
    String m2 = code('M');
    UUID id = UUID.randomUUID();
    Submission s = new Submission(id, pack, Instant.now(), line.site(),
        new Step.Dismantling(List.of(child(m1, 180), child(m2, 180)), 20, null));
    List<Event> first = sequencer.record(s, line, () -> true).get();
    List<Event> again = sequencer.record(s, line, () -> true).get();
    assertEquals(first.stream().map(Event::eventId).toList(),
        again.stream().map(Event::eventId).toList());
    for (int i = 0; i < first.size(); i++) {
      assertArrayEquals(first.get(i).hash(), again.get(i).hash());
    }
    assertEquals(id, sequencer.submit(s, line).get().eventId(),
        "submit answers the primary unit's event, which keeps the client's id");
    assertEquals(1, count("SELECT count(*) FROM event WHERE unit_code = ?", m1));

    Submission different = new Submission(id, pack, s.eventTime(), line.site(),
        new Step.Dismantling(List.of(child(m1, 181), child(m2, 180)), 19, null));
    ExecutionException e = assertThrows(ExecutionException.class,
        () -> sequencer.record(different, line, () -> true).get());
    assertInstanceOf(AlreadyExistsException.class, e.getCause());
  }

  @Test
  void aChildNamedByTwoDismantlingsHasOneParent() throws Exception {
    String a = gradedPack(line);
    String b = gradedPack(line);
    String m = code('M');
    String m2 = code('M');
    record(a, new Step.Dismantling(List.of(child(m, 180), child(m2, 180)), 20, null), line);
    Throwable again = refused(b, new Step.Dismantling(List.of(child(m, 180), child(code('M'),
        180)), 20, null), line);
    assertInstanceOf(FailedPreconditionException.class, again);
    assertEquals(LifecycleState.GRADED, state(b));
    assertEquals(1, count("SELECT count(*) FROM unit_link WHERE to_code = ?", m));
  }

  @Test
  void aTradeInSwapsBothUnitsInOneStepAndLinksThem() throws Exception {
    String old = code('P');
    String replacement = code('P');
    for (String unit : List.of(old, replacement)) {
      record(unit, new Step.Registration(UnitLevel.PACK, Chemistry.LFP, 50, 150, 350, 380,
          factory.organization()), factory);
    }
    record(old, new Step.Sale(VIN, station.organization()), station);
    Throwable wrongVehicle = refused(old, new Step.TradeIn("1M8GDM9AXKP042789", replacement,
        null), station);
    assertInstanceOf(FailedPreconditionException.class, wrongVehicle);
    assertEquals(LifecycleState.REGISTERED, state(replacement), "nothing partial");

    List<Event> events = record(old, new Step.TradeIn(VIN, replacement, "old for new"), station);
    assertEquals(List.of(Part.OLD, Part.REPLACEMENT), events.stream().map(Event::part).toList());
    assertEquals(LifecycleState.REMOVED, state(old));
    assertEquals(LifecycleState.INSTALLED, state(replacement));
    assertEquals(VIN, jdbi.withHandle(h -> h.createQuery("SELECT vin FROM unit WHERE code = :c")
        .bind("c", replacement).mapTo(String.class).one()));
    assertEquals(1, count("SELECT count(*) FROM unit_link WHERE kind = 'REPLACED_BY' "
        + "AND from_code = ?", old));
    assertChainWhole(old);
    assertChainWhole(replacement);
  }

  @Test
  void twoAssembliesRacingForOneSourceExactlyOneWins() throws Exception {
    String shared = gradedPack(cascade);
    List<CompletableFuture<List<Event>>> racers = new ArrayList<>();
    List<String> products = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      String product = code('P');
      products.add(product);
      racers.add(sequencer.record(new Submission(UUID.randomUUID(), product, Instant.now(),
          cascade.site(), new Step.Assembly(List.of(shared), 50, 150, 350, 380)), cascade,
          () -> true));
    }
    int won = 0;
    for (CompletableFuture<List<Event>> r : racers) {
      try {
        r.get();
        won++;
      } catch (ExecutionException e) {
        assertInstanceOf(FailedPreconditionException.class, e.getCause());
      }
    }
    assertEquals(1, won);
    assertEquals(1, count("SELECT count(*) FROM unit_link WHERE from_code = ?", shared));
    assertEquals(1, products.stream().filter(p -> count(
        "SELECT count(*) FROM unit WHERE code = ?", p) == 1).count(), "one product registered");
    assertChainWhole(shared);
  }
}
