package io.packtrail.server.cli;

import io.packtrail.client.PacktrailClient;
import io.packtrail.server.domain.ProductionDateCode;
import io.packtrail.server.domain.ResourceNames;
import io.packtrail.v1.Assembly;
import io.packtrail.v1.Collection;
import io.packtrail.v1.Commissioning;
import io.packtrail.v1.Correction;
import io.packtrail.v1.Decommissioning;
import io.packtrail.v1.DismantledChild;
import io.packtrail.v1.Dismantling;
import io.packtrail.v1.ElementMasses;
import io.packtrail.v1.Grade;
import io.packtrail.v1.Inspection;
import io.packtrail.v1.IssueLabelRequest;
import io.packtrail.v1.LotOutput;
import io.packtrail.v1.MaterialProduct;
import io.packtrail.v1.Receipt;
import io.packtrail.v1.RecordEventRequest;
import io.packtrail.v1.Recycling;
import io.packtrail.v1.RegisterUnitRequest;
import io.packtrail.v1.Registration;
import io.packtrail.v1.Scrapping;
import io.packtrail.v1.SecondLifeInspection;
import io.packtrail.v1.Shipment;
import io.packtrail.v1.StateOfHealth;
import io.packtrail.v1.TradeIn;
import io.packtrail.v1.UnitLevel;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.UnaryOperator;

/**
 * The second half of the demo packs' lives on the Gansu network: trade-ins at the stations
 * (old packs out, new or remanufactured packs in on the same VIN), packs dismantled into modules
 * and some modules into cells at Jinchang, sound LFP modules built into storage packs by a
 * Lanzhou cascade-use firm and run in its solar-storage-charging microgrid (some decommissioned
 * and sent round the loop again), and the rest recycled at Jinchang into material lots whose
 * element masses meet the 2024 recovery targets for most batches and miss them for a few; a few
 * scrappings and one correction.
 *
 * <p>Everything is planned first from the first half's packs (no reads from the server), with
 * its own seeded random source and ids derived from the content, so a second load sends the
 * same requests and changes nothing. A unit's steps follow each other at plausible intervals
 * (hours to days between sites, never faster than a truck); a step that would fall after the
 * end of the demo period is not taken, and the unit stays where it is.
 */
final class DemoLoop {
  static final String CASCADE = "organizations/lanzhou-cascade-energy";
  private static final String ASSEMBLY_PLANT = CASCADE + "/sites/assembly-plant";
  private static final String MICROGRID = CASCADE + "/sites/xinqu-microgrid";
  private static final String JINCHANG = "organizations/jinchang-recycling";
  private static final String TESTING = JINCHANG + "/sites/testing-platform";
  private static final String DISMANTLING = JINCHANG + "/sites/dismantling-line";
  private static final String HYDROMET = JINCHANG + "/sites/hydromet-plant";
  private static final String LANZHOU_STATION =
      "organizations/lanzhou-demo-station/sites/chengguan";
  private static final Instant LATEST = Instant.parse("2026-10-31T00:00:00Z");
  /** Trade-ins end early enough for the old packs to reach the plant within the period. */
  private static final Instant LAST_TRADE_IN = Instant.parse("2026-04-30T00:00:00Z");
  private static final String TRACE_CHARS = "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ";
  private static final int CHUNK = 200;
  /**
   * A step that touches n units is answered with n events that each carry the whole step, so a
   * batch's answer grows with the square of its steps' size: batches are also bounded by the
   * bytes they send, which keeps every answer far below gRPC's 4 MiB message limit.
   */
  private static final int CHUNK_BYTES = 16 * 1024;

  /** What the first half made of one pack. */
  record PackHistory(RegisterUnitRequest registration, int stage, String station, String vin,
      Instant last, int events, double soh) {}

  /** A unit as the plan sees it: its figures, where its chain is, and its state of health. */
  private static final class U {
    final String code;
    final boolean lfp;
    final double massKg;
    final double kwh;
    final double ah;
    final double volts;
    Instant last;
    int events;
    double soh;
    String vin;
    String station;

    U(String code, boolean lfp, double massKg, double kwh, double ah, double volts,
        Instant last, int events) {
      this.code = code;
      this.lfp = lfp;
      this.massKg = massKg;
      this.kwh = kwh;
      this.ah = ah;
      this.volts = volts;
      this.last = last;
      this.events = events;
    }

    String makerCode() {
      return code.substring(0, 3);
    }

    /** Ten characters of the code that, with the serial, set its children apart from others. */
    String lineage() {
      return code.length() == 24 ? code.substring(7, 17)
          : code.substring(10, 17) + code.substring(7, 10);
    }
  }

  /** One request of the plan, sent in plan order. */
  private record Op(RegisterUnitRequest register, String label, RecordEventRequest event) {}

  private final Random random = new Random(620300);
  private final List<Op> ops = new ArrayList<>();
  /** New packs for the trade-ins and their labels: sent before everything else. */
  private final List<Op> newPacks = new ArrayList<>();
  private final List<U> recyclePool = new ArrayList<>();
  /** Dismantlings recorded; one in forty is weighed 1.5 % short (a MASS_UNACCOUNTED anomaly). */
  private int dismantlings;
  private final List<U> cascadePool = new ArrayList<>();
  private int tradeIns;
  private int remanufacturedTradeIns;
  private int packsDismantled;
  private int modules;
  private int modulesIntoCells;
  private int cells;
  private int storagePacks;
  private int commissioned;
  private int decommissioned;
  private int batches;
  private int batchesMissing;
  private int lots;
  private int scrapped;
  private int corrections;
  private int cellModuleCounter;

  DemoLoop(List<PackHistory> packs) {
    plan(packs);
    List<Op> labels = newPacks.stream().map(o -> new Op(null, o.register().getCode(), null))
        .toList();
    ops.addAll(0, labels);
    ops.addAll(0, newPacks);
  }

  // ---- the plan ----

  private void plan(List<PackHistory> packs) {
    List<U> installed = new ArrayList<>();
    List<U> removed = new ArrayList<>();
    List<U> graded = new ArrayList<>();
    for (PackHistory p : packs) {
      Registration r = p.registration().getRegistration();
      U u = new U(p.registration().getCode(), r.getChemistry() == io.packtrail.v1.Chemistry
          .CHEMISTRY_LFP, r.getMassKg(), r.getRatedEnergyKwh(), r.getRatedCapacityAh(),
          r.getNominalVoltageV(), p.last(), p.events());
      u.vin = p.vin();
      u.station = p.station();
      u.soh = p.soh();
      switch (p.stage()) {
        case 1 -> installed.add(u);
        case 2 -> removed.add(u);
        case 6 -> graded.add(u);
        default -> { }
      }
    }
    // one correction: a grading recorded on a miscalibrated bench, then graded again
    if (!graded.isEmpty()) {
      correctGrading(graded.get(0));
    }
    for (int i = 0; i < removed.size(); i += 60) {
      scrap(removed.get(i), removed.get(i).station,
          "thermal event in the vehicle: swollen and leaking cells, not fit for recovery");
    }
    List<U> reserved = new ArrayList<>();
    for (int i = 0; i < installed.size(); i++) {
      if (i % 4 == 0) {
        U traded = tradeIn(installed.get(i));
        if (traded != null) {
          graded.add(traded);
        }
      } else if (i % 4 == 2) {
        reserved.add(installed.get(i));
      }
    }
    for (int i = 0; i < graded.size(); i++) {
      U pack = graded.get(i);
      int slot = i % 10;
      if (slot < 3) {
        dismantlePack(pack);
      } else if (slot < 5) {
        recyclePool.add(pack); // shredded whole
      } else if (slot == 9 && i % 40 == 9) {
        scrap(pack, DISMANTLING,
            "cell venting found at pre-treatment; destroyed under the hazardous-waste permit");
      }
    }
    assemble(reserved);
    recycle();
  }

  private void correctGrading(U pack) {
    Instant t = after(pack.last, 1, 5);
    String corrected = ResourceNames.event(pack.code, pack.events);
    add(event(pack, "correction", TESTING, t, b -> b.setCorrection(Correction.newBuilder()
        .setCorrects(corrected)
        .setReason("graded on a bench whose temperature compensation was off; graded again"))));
    corrections++;
    inspect(pack, "inspection-2", TESTING, Math.max(50, pack.soh - 4), 0.1, 1);
  }

  private void scrap(U u, String site, String reason) {
    Instant t = after(u.last, 2, 30);
    if (fits(t)) {
      add(event(u, "scrapping", site, t, b -> b.setScrapping(Scrapping.newBuilder()
          .setReason(reason))));
      scrapped++;
    }
  }

  /**
   * An installed pack traded in for a new one of its maker at the station that sold it; the old
   * pack then goes to Jinchang's testing platform and is graded. Null when time runs out.
   */
  private U tradeIn(U old) {
    Instant t = after(old.last, 365, 1600);
    if (t.isAfter(LAST_TRADE_IN)) {
      t = after(old.last, 365, 400);
      if (t.isAfter(LAST_TRADE_IN)) {
        return null;
      }
    }
    LocalDate made = t.minusSeconds(86_400L * (10 + random.nextInt(60)))
        .atOffset(ZoneOffset.UTC).toLocalDate();
    if (made.getDayOfMonth() == 31) {
      made = made.minusDays(1); // the date table has no character for day 31
    }
    String code = old.code.substring(0, 7) + chars(7)
        + ProductionDateCode.encode(made).orElseThrow()
        + String.format(java.util.Locale.ROOT, "%07d", 5_000_000 + tradeIns);
    String maker = old.lfp ? "organizations/lanzhou-power-battery"
        : "organizations/jinchuan-ternary-cells";
    String factory = maker + (old.lfp ? "/sites/anning-factory" : "/sites/jinchang-factory");
    Instant registered = made.atTime(9, 0).toInstant(ZoneOffset.UTC);
    newPacks.add(new Op(RegisterUnitRequest.newBuilder()
        .setRequestId(DemoData.id(code, "registration"))
        .setCode(code)
        .setActorSite(factory)
        .setEventTime(PacktrailClient.timestamp(registered))
        .setRegistration(Registration.newBuilder()
            .setLevel(UnitLevel.UNIT_LEVEL_PACK)
            .setChemistry(old.lfp ? io.packtrail.v1.Chemistry.CHEMISTRY_LFP
                : io.packtrail.v1.Chemistry.CHEMISTRY_NCM)
            .setRatedEnergyKwh(old.kwh)
            .setRatedCapacityAh(old.ah)
            .setNominalVoltageV(old.volts)
            .setMassKg(old.massKg)
            .setMaker(maker))
        .build(), null, null));
    U replacement = new U(code, old.lfp, old.massKg, old.kwh, old.ah, old.volts, registered, 1);
    Instant when = t;
    add(event(old, "trade-in", old.station, when, b -> b.setTradeIn(TradeIn.newBuilder()
        .setVin(old.vin).setReplacement(ResourceNames.unit(code))
        .setNote("old-for-new: new pack of the same maker"))));
    touch(replacement, when);
    tradeIns++;
    return shipToTesting(old, old.station, "GS-TI-" + tradeIns) ? old : null;
  }

  /** Collection where the unit is, then by truck to Jinchang's testing platform and graded. */
  private boolean shipToTesting(U u, String site, String waybill) {
    Instant collected = after(u.last, 0.1, 3);
    Instant shipped = after(collected, 2, 20);
    Instant received = after(shipped, 1, 4);
    if (!fits(received)) {
      return false;
    }
    add(event(u, "collection-" + u.events, site, collected, b -> b.setCollection(
        Collection.newBuilder().setNote("old-for-new trade-in"))));
    add(event(u, "shipment-" + u.events, site, shipped, b -> b.setShipment(Shipment.newBuilder()
        .setDestinationSite(TESTING).setWaybill(waybill))));
    add(event(u, "receipt-" + u.events, TESTING, received, b -> b.setReceipt(Receipt.newBuilder()
        .setWaybill(waybill))));
    double soh = 55 + random.nextInt(400) / 10.0;
    return inspect(u, "inspection-" + u.events, TESTING, soh, 1, 14);
  }

  /** An inspection with the readings of a state of health; false when time runs out. */
  private boolean inspect(U u, String kind, String site, double soh, double minDays,
      double maxDays) {
    Instant t = after(u.last, minDays, maxDays);
    if (!fits(t)) {
      return false;
    }
    double capped = Math.min(100, Math.round(soh * 10) / 10.0);
    u.soh = capped;
    Grade grade = capped >= 80 ? Grade.GRADE_A : capped >= 70 ? Grade.GRADE_B
        : capped >= 60 ? Grade.GRADE_C : Grade.GRADE_D;
    add(event(u, kind, site, t, b -> b.setInspection(Inspection.newBuilder()
        .setGrade(grade)
        .setTestStandard("GB/T 34015-2017")
        .setTester(site.startsWith(CASCADE) ? "Lanzhou Cascade incoming test"
            : "Jinchang testing line")
        .setTestDate(t.atOffset(ZoneOffset.UTC).toLocalDate().toString())
        .setStateOfHealth(StateOfHealth.newBuilder()
            .setStateOfCertifiedEnergyPercent(capped)
            .setCapacityFadePercent(Math.round((100 - capped) * 10) / 10.0)
            .setRemainingEnergyKwh(round3(u.kwh * capped / 100))
            .setNumberOfFullCycles(400 + random.nextInt(2000))))));
    return true;
  }

  /** A graded pack into modules at the dismantling line; each module takes its way. */
  private void dismantlePack(U pack) {
    int count = pack.lfp ? 6 + random.nextInt(5) : 8 + random.nextInt(5);
    List<U> children = dismantle(pack, count, 0.78 + random.nextInt(5) / 100.0, "M",
        pack.lfp ? "M1" : "M2", pack.volts / count);
    if (children == null) {
      return;
    }
    packsDismantled++;
    modules += children.size();
    for (U module : children) {
      double soh = pack.soh + (random.nextInt(61) - 30) / 10.0;
      if (!inspect(module, "inspection", DISMANTLING, soh, 0.5, 5)) {
        continue;
      }
      if (module.lfp && module.soh >= 70) {
        toCascade(module);
      } else if (cellModuleCounter++ % 12 == 0) {
        dismantleModule(module);
      } else {
        recyclePool.add(module);
      }
    }
  }

  /** A graded module into cells; the cells go to recycling. */
  private void dismantleModule(U module) {
    double cellVolts = module.lfp ? 3.2 : 3.65;
    int count = Math.max(4, (int) Math.round(module.volts / cellVolts));
    List<U> children = dismantle(module, count, 0.85 + random.nextInt(4) / 100.0, "C",
        module.lfp ? "C1" : "C2", cellVolts);
    if (children != null) {
      modulesIntoCells++;
      cells += children.size();
      recyclePool.addAll(children);
    }
  }

  /**
   * A dismantling of {@code parent} into {@code count} children holding {@code share} of its
   * mass; the residue (casing, wiring, BMS) is weighed with up to 0.8 % error, well within the
   * 2 % tolerance. Null when time runs out.
   */
  private List<U> dismantle(U parent, int count, double share, String level, String spec,
      double childVolts) {
    Instant t = after(parent.last, 3, 30);
    if (!fits(t)) {
      return null;
    }
    String prefix = parent.makerCode() + level + (parent.lfp ? "B" : "E") + spec
        + parent.lineage();
    double each = parent.massKg * share / count;
    // a module's lineage is its pack's, so its cells' serials begin with the module's own
    int serialBase = level.equals("C") ? Integer.parseInt(parent.code.substring(17)) * 1000 : 0;
    Dismantling.Builder d = Dismantling.newBuilder();
    List<U> children = new ArrayList<>();
    double sum = 0;
    for (int i = 0; i < count; i++) {
      double mass = round3(each * (1 + (random.nextInt(11) - 5) / 1000.0));
      sum += mass;
      // in series: each child has the parent's capacity and its share of voltage and energy
      U child = new U(prefix + String.format(java.util.Locale.ROOT, "%07d", serialBase + i + 1), parent.lfp, mass,
          round3(parent.kwh / count), parent.ah, round3(childVolts), t, 0);
      children.add(child);
      d.addChildren(DismantledChild.newBuilder().setCode(child.code).setMassKg(mass)
          .setRatedEnergyKwh(child.kwh).setRatedCapacityAh(child.ah)
          .setNominalVoltageV(child.volts));
    }
    double residue = round3(Math.max(0, parent.massKg - sum
        + parent.massKg * (random.nextInt(17) - 8) / 1000.0));
    if (dismantlings++ % 40 == 17) {
      // a scale off by 1.5 %: within the ingest's tolerance (2 %), beyond the anomaly scan's (1 %)
      residue = round3(parent.massKg - sum - parent.massKg * 0.015);
    }
    d.setResidueKg(residue).setNote(level.equals("M")
        ? "pack opened; casing, wiring, BMS and cooling plates to residue"
        : "module opened; busbars, frame and electrolyte loss to residue");
    add(event(parent, "dismantling", DISMANTLING, t, b -> b.setDismantling(d)));
    for (U child : children) {
      touch(child, t);
    }
    return children;
  }

  /** A sound LFP module by truck to the cascade firm's assembly plant, tested on arrival. */
  private void toCascade(U module) {
    Instant shipped = after(module.last, 1, 10);
    Instant received = after(shipped, 1, 3);
    if (!fits(received)) {
      recyclePool.add(module);
      return;
    }
    String waybill = "JC-LZ-" + module.code.substring(10);
    add(event(module, "shipment", DISMANTLING, shipped, b -> b.setShipment(Shipment.newBuilder()
        .setDestinationSite(ASSEMBLY_PLANT).setWaybill(waybill))));
    add(event(module, "receipt", ASSEMBLY_PLANT, received, b -> b.setReceipt(Receipt.newBuilder()
        .setWaybill(waybill))));
    if (inspect(module, "inspection-2", ASSEMBLY_PLANT,
        module.soh + (random.nextInt(11) - 5) / 10.0, 0.5, 5)) {
      cascadePool.add(module);
    }
  }

  /**
   * Storage packs of 10 to 14 modules from different original packs (every eighth product a
   * remanufactured vehicle pack of 8 modules, traded in at the Lanzhou station).
   */
  private void assemble(List<U> reserved) {
    cascadePool.sort(Comparator.comparing((U u) -> u.last));
    int next = 0;
    int product = 0;
    while (next < cascadePool.size()) {
      boolean vehiclePack = product % 8 == 3 && !reserved.isEmpty();
      int size = vehiclePack ? 8 : 10 + random.nextInt(5);
      int remaining = cascadePool.size() - next;
      if (remaining < size && (remaining < 4 || product > 0)) {
        break; // too few for a pack; they wait at the plant
      }
      List<U> sources = cascadePool.subList(next, next + Math.min(size, remaining));
      next += sources.size();
      Instant t = after(sources.get(sources.size() - 1).last, 1, 10);
      if (!fits(t)) {
        break;
      }
      product++;
      U built = assembly(sources, t, vehiclePack, product);
      if (vehiclePack) {
        remanufacturedTradeIn(built, reserved.remove(0));
      } else {
        deploy(built, product);
      }
    }
  }

  private U assembly(List<U> sources, Instant t, boolean vehiclePack, int product) {
    LocalDate day = t.atOffset(ZoneOffset.UTC).toLocalDate();
    String date = ProductionDateCode.encode(day.getDayOfMonth() == 31 ? day.minusDays(1) : day)
        .orElseThrow();
    String serial = String.format(java.util.Locale.ROOT, "%07d", product);
    // storage packs carry the 19-character repurposed variant, vehicle packs the full code
    String code = vehiclePack ? "LCEPBV1" + chars(7) + date + serial
        : "LCEPBS2" + date + serial + "RP";
    double kwh = 0;
    double volts = 0;
    double mass = 0;
    Assembly.Builder a = Assembly.newBuilder();
    for (U s : sources) {
      kwh += s.kwh * s.soh / 100;
      volts += s.volts;
      mass += s.massKg;
      a.addSources(ResourceNames.unit(s.code));
    }
    kwh = Math.round(kwh * 0.97 * 10) / 10.0;
    volts = round3(volts);
    double ah = Math.round(kwh * 1000 / volts * 10) / 10.0;
    double total = round3(mass * (vehiclePack ? 1.22 : 1.15));
    a.setRatedEnergyKwh(kwh).setRatedCapacityAh(ah).setNominalVoltageV(volts).setMassKg(total);
    U built = new U(code, true, total, kwh, ah, volts, t, 0);
    add(event(built, "assembly", ASSEMBLY_PLANT, t, b -> b.setAssembly(a)));
    for (U s : sources) {
      touch(s, t);
    }
    ops.add(new Op(null, code, null)); // its own label, from the firm's key
    storagePacks += vehiclePack ? 0 : 1;
    return built;
  }

  /** A remanufactured pack replaces an old one on the same VIN at the Lanzhou station. */
  private void remanufacturedTradeIn(U built, U old) {
    Instant t = after(built.last.isAfter(old.last.plusSeconds(86_400L * 365)) ? built.last
        : old.last.plusSeconds(86_400L * 365), 3, 30);
    if (!fits(t)) {
      return;
    }
    add(event(old, "trade-in", LANZHOU_STATION, t, b -> b.setTradeIn(TradeIn.newBuilder()
        .setVin(old.vin).setReplacement(ResourceNames.unit(built.code))
        .setNote("old-for-remanufactured: second-life pack from Lanzhou Cascade Energy"))));
    touch(built, t);
    remanufacturedTradeIns++;
    Instant collected = after(t, 0.1, 3);
    if (fits(collected)) {
      add(event(old, "collection", LANZHOU_STATION, collected, b -> b.setCollection(
          Collection.newBuilder().setNote("old-for-remanufactured trade-in"))));
    }
  }

  /**
   * Commissioned in the microgrid, inspected every quarter; every fourth pack (the second
   * first) is decommissioned after a few quarters and goes round the loop again.
   */
  private void deploy(U pack, int product) {
    Instant t = after(pack.last, 3, 20);
    if (!fits(t)) {
      return;
    }
    add(event(pack, "commissioning", MICROGRID, t, b -> b.setCommissioning(
        Commissioning.newBuilder()
            .setApplication("microgrid storage: 6 MW PV, 2 MWh storage, EV charging")
            .setUsableEnergyKwh(round3(pack.kwh * 0.92)))));
    commissioned++;
    boolean retire = product % 4 == 2;
    int quarters = retire ? 2 + random.nextInt(4) : Integer.MAX_VALUE;
    double soh = 100 - random.nextInt(15) / 10.0;
    for (int q = 1; q <= quarters; q++) {
      Instant at = after(pack.last, 80, 100);
      if (!fits(at)) {
        return;
      }
      soh = Math.round((soh - 0.4 - random.nextInt(12) / 10.0) * 10) / 10.0;
      double now = soh;
      add(event(pack, "second-life-inspection-" + q, MICROGRID, at, b -> b
          .setSecondLifeInspection(SecondLifeInspection.newBuilder()
              .setStateOfHealthPercent(now)
              .setUsableEnergyKwh(round3(pack.kwh * now / 100 * 0.92))
              .setNote("quarterly capacity test"))));
    }
    Instant at = after(pack.last, 5, 40);
    if (!fits(at)) {
      return;
    }
    add(event(pack, "decommissioning", MICROGRID, at, b -> b.setDecommissioning(
        Decommissioning.newBuilder().setNote("cell imbalance alarms; capacity below contract"))));
    decommissioned++;
    if (!shipToTesting(pack, MICROGRID, "LZ-JC-" + pack.code.substring(7, 17))) {
      return;
    }
    int count = 10 + random.nextInt(5);
    List<U> children = dismantle(pack, count, 0.84, "M", "S2", pack.volts / count);
    if (children == null) {
      return;
    }
    packsDismantled++;
    modules += children.size();
    for (int i = 0; i < children.size(); i++) {
      U module = children.get(i);
      if (!inspect(module, "inspection", DISMANTLING, soh - 3 - random.nextInt(60) / 10.0, 0.5,
          5)) {
        continue;
      }
      if (i % 2 == 0) {
        dismantleModule(module);
      } else {
        recyclePool.add(module);
      }
    }
  }

  // ---- recycling ----

  /** Element content by mass of (LFP, NCM) x (pack, module, cell): li ni co mn cu al. */
  private static final double[][] LFP_CONTENT = {
      {0.010, 0, 0, 0, 0.070, 0.140}, {0.013, 0, 0, 0, 0.090, 0.110},
      {0.015, 0, 0, 0, 0.100, 0.080}};
  private static final double[][] NCM_CONTENT = {
      {0.018, 0.075, 0.030, 0.042, 0.070, 0.120}, {0.024, 0.098, 0.039, 0.055, 0.085, 0.100},
      {0.028, 0.115, 0.046, 0.065, 0.090, 0.080}};
  /** Mass share of the element in each product: NiSO4.6H2O, Co3O4, MnSO4.H2O, Li2CO3, Cu, Al. */
  private static final MaterialProduct[] SALTS = {MaterialProduct.MATERIAL_PRODUCT_LI2CO3,
      MaterialProduct.MATERIAL_PRODUCT_NISO4, MaterialProduct.MATERIAL_PRODUCT_CO3O4,
      MaterialProduct.MATERIAL_PRODUCT_MNSO4, MaterialProduct.MATERIAL_PRODUCT_COPPER,
      MaterialProduct.MATERIAL_PRODUCT_ALUMINIUM};
  private static final double[] SHARE = {0.1879, 0.2233, 0.7342, 0.3251, 0.999, 0.997};
  private static final String[] SUFFIX = {"li2co3", "niso4", "co3o4", "mnso4", "cu", "al"};

  /**
   * The units at Jinchang in batches of one chemistry, in the order they became ready, each
   * into lots of salts (or black mass), copper and aluminium.
   */
  private void recycle() {
    for (boolean lfp : new boolean[] {true, false}) {
      List<U> pool = new ArrayList<>(recyclePool.stream().filter(u -> u.lfp == lfp).toList());
      pool.sort(Comparator.comparing((U u) -> u.last));
      int next = 0;
      while (next < pool.size()) {
        double target = 300 + random.nextInt(600);
        List<U> inputs = new ArrayList<>();
        double mass = 0;
        while (next < pool.size() && mass < target && inputs.size() < 200) {
          U u = pool.get(next++);
          inputs.add(u);
          mass += u.massKg;
        }
        Instant t = after(inputs.get(inputs.size() - 1).last, 1, 7);
        if (!fits(t)) {
          break;
        }
        recycling(inputs, lfp, t);
      }
    }
  }

  private void recycling(List<U> inputs, boolean lfp, Instant t) {
    batches++;
    double[] feed = new double[6];
    for (U u : inputs) {
      int level = u.code.charAt(3) == 'P' ? 0 : u.code.charAt(3) == 'M' ? 1 : 2;
      double[] content = (lfp ? LFP_CONTENT : NCM_CONTENT)[level];
      for (int e = 0; e < 6; e++) {
        feed[e] += u.massKg * content[e];
      }
    }
    for (int e = 0; e < 6; e++) {
      feed[e] = round3(feed[e] * (1 + (random.nextInt(81) - 40) / 1000.0)); // assay spread
    }
    // most batches meet the 2024 targets (Li 90 %, others 98 %); one in eight misses one
    boolean misses = batches % 8 == 5;
    int missed = !misses ? -1 : lfp ? (random.nextBoolean() ? 0 : 4)
        : new int[] {0, 1, 2, 3, 4}[random.nextInt(5)];
    if (misses) {
      batchesMissing++;
    }
    double[] recovered = new double[6];
    for (int e = 0; e < 6; e++) {
      double rate = e == missed ? (e == 0 ? 0.80 + random.nextInt(85) / 1000.0
          : 0.93 + random.nextInt(45) / 1000.0)
          : (e == 0 ? 0.905 + random.nextInt(45) / 1000.0 : 0.982 + random.nextInt(14) / 1000.0);
      recovered[e] = Math.floor(feed[e] * rate * 1000) / 1000;
    }
    String batch = "jc-" + (lfp ? "lfp" : "ncm") + "-" + String.format(java.util.Locale.ROOT, "%05d", batches);
    Recycling.Builder r = Recycling.newBuilder()
        .setFeed(elements(feed))
        .setNote(lfp ? "LFP line: shredding, leaching, Li2CO3 precipitation"
            : "NCM line: shredding, leaching, solvent extraction");
    boolean blackMass = batches % 6 == 2;
    if (blackMass) {
      double[] bm = {recovered[0], recovered[1], recovered[2], recovered[3], 0, 0};
      double sum = bm[0] + bm[1] + bm[2] + bm[3];
      r.addLots(LotOutput.newBuilder().setLotId(batch + "-black-mass")
          .setProduct(MaterialProduct.MATERIAL_PRODUCT_BLACK_MASS)
          .setMassKg(ceil3(lfp ? bm[0] / 0.035 : sum / 0.42)).setElementMasses(elements(bm)));
    }
    for (int e = blackMass ? 4 : 0; e < 6; e++) {
      if (recovered[e] <= 0) {
        continue;
      }
      double[] only = new double[6];
      only[e] = recovered[e];
      r.addLots(LotOutput.newBuilder().setLotId(batch + "-" + SUFFIX[e]).setProduct(SALTS[e])
          .setMassKg(ceil3(recovered[e] / SHARE[e])).setElementMasses(elements(only)));
    }
    lots += r.getLotsCount();
    U primary = inputs.get(0);
    for (U u : inputs.subList(1, inputs.size())) {
      r.addOtherInputs(ResourceNames.unit(u.code));
    }
    add(event(primary, "recycling", HYDROMET, t, b -> b.setRecycling(r)));
    for (U u : inputs.subList(1, inputs.size())) {
      touch(u, t);
    }
  }

  private static ElementMasses elements(double[] v) {
    return ElementMasses.newBuilder().setLiKg(v[0]).setNiKg(v[1]).setCoKg(v[2]).setMnKg(v[3])
        .setCuKg(v[4]).setAlKg(v[5]).build();
  }

  // ---- requests ----

  /** A step of {@code u} at {@code t}; moves the unit's chain on. */
  private RecordEventRequest event(U u, String kind, String site, Instant t,
      UnaryOperator<RecordEventRequest.Builder> step) {
    touch(u, t);
    return step.apply(RecordEventRequest.newBuilder()
        .setEventId(DemoData.id(u.code, kind))
        .setUnit(ResourceNames.unit(u.code))
        .setActorSite(site)
        .setEventTime(PacktrailClient.timestamp(t))).build();
  }

  private void add(RecordEventRequest request) {
    ops.add(new Op(null, null, request));
  }

  private static void touch(U u, Instant t) {
    u.events++;
    u.last = t;
  }

  private Instant after(Instant t, double minDays, double maxDays) {
    double days = minDays + random.nextDouble() * (maxDays - minDays);
    return t.plusSeconds(Math.max(3_600, (long) (days * 86_400)));
  }

  private static boolean fits(Instant t) {
    return !t.isAfter(LATEST);
  }

  private String chars(int n) {
    StringBuilder b = new StringBuilder(n);
    for (int i = 0; i < n; i++) {
      b.append(TRACE_CHARS.charAt(random.nextInt(TRACE_CHARS.length())));
    }
    return b.toString();
  }

  private static double round3(double v) {
    return Math.round(v * 1000) / 1000.0;
  }

  private static double ceil3(double v) {
    return Math.ceil(v * 1000) / 1000.0;
  }

  // ---- sending ----

  /**
   * Sends the plan in order, consecutive requests of one kind in batches; collection, receipt
   * and inspection carry the unit's scanned label when it has one. Returns the refused items.
   */
  int send(PacktrailClient client, Map<String, String> labelTexts) {
    int failures = 0;
    int from = 0;
    while (from < ops.size()) {
      Op first = ops.get(from);
      int to = from;
      int bytes = 0;
      while (to < ops.size() && to - from < CHUNK && bytes < CHUNK_BYTES
          && sameKind(first, ops.get(to))) {
        bytes += ops.get(to).event() == null ? 0 : ops.get(to).event().getSerializedSize();
        to++;
      }
      List<Op> chunk = ops.subList(from, to);
      if (first.register() != null) {
        var answer = client.registerUnits(chunk.stream().map(Op::register).toList());
        failures += report(answer.getResultsList().stream()
            .filter(r -> r.hasError()).map(r -> r.getError().getMessage()).toList(), failures);
      } else if (first.label() != null) {
        var issued = client.issueLabels(chunk.stream().map(o -> IssueLabelRequest.newBuilder()
            .setRequestId(DemoData.id(o.label(), "label"))
            .setUnit(ResourceNames.unit(o.label())).build()).toList());
        List<String> errors = new ArrayList<>();
        for (var r : issued.getResultsList()) {
          if (r.hasLabel()) {
            labelTexts.put(ResourceNames.unitCode(r.getLabel().getUnit()),
                r.getLabel().getText());
          } else {
            errors.add(r.getError().getMessage());
          }
        }
        failures += report(errors, failures);
      } else {
        List<RecordEventRequest> steps = new ArrayList<>();
        for (Op o : chunk) {
          RecordEventRequest step = o.event();
          boolean scanned = step.hasCollection() || step.hasReceipt() || step.hasInspection();
          String text = labelTexts.get(ResourceNames.unitCode(step.getUnit()));
          steps.add(scanned && text != null ? step.toBuilder().setLabelText(text).build() : step);
        }
        var recorded = client.recordEvents(steps);
        failures += report(recorded.getResultsList().stream()
            .filter(r -> r.hasError()).map(r -> r.getError().getMessage()).toList(), failures);
      }
      from = to;
    }
    return failures;
  }

  private static boolean sameKind(Op a, Op b) {
    return (a.register() != null) == (b.register() != null)
        && (a.label() != null) == (b.label() != null);
  }

  private static int report(List<String> errors, int before) {
    for (int i = 0; i < errors.size() && before + i < 5; i++) {
      System.err.println("\ndemo step refused: " + errors.get(i));
    }
    return errors.size();
  }

  /** What the second half did, for the load's closing line. */
  String summary() {
    return String.format(java.util.Locale.ROOT, "%d trade-ins (%d for remanufactured packs), %d packs dismantled into "
        + "%d modules, %d modules into %d cells, %d storage packs built (%d commissioned in the "
        + "Lanzhou microgrid, %d decommissioned), %d recycling batches into %d material lots "
        + "(%d batches below the 2024 recovery targets), %d scrapped, %d correction",
        tradeIns + remanufacturedTradeIns, remanufacturedTradeIns, packsDismantled, modules,
        modulesIntoCells, cells, storagePacks, commissioned, decommissioned, batches, lots,
        batchesMissing, scrapped, corrections);
  }
}
