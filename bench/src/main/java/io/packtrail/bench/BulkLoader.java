package io.packtrail.bench;

import io.packtrail.server.domain.Actor;
import io.packtrail.server.domain.BatteryCode;
import io.packtrail.server.domain.Chemistry;
import io.packtrail.server.domain.ElementMasses;
import io.packtrail.server.domain.EventChain;
import io.packtrail.server.domain.Grade;
import io.packtrail.server.domain.Lifecycle;
import io.packtrail.server.domain.MaterialProduct;
import io.packtrail.server.domain.OrganizationRole;
import io.packtrail.server.domain.ProductionDateCode;
import io.packtrail.server.domain.RemovalReason;
import io.packtrail.server.domain.ResourceNames;
import io.packtrail.server.domain.SiteKind;
import io.packtrail.server.domain.StateOfHealth;
import io.packtrail.server.domain.Step;
import io.packtrail.server.domain.Submission;
import io.packtrail.server.domain.Unit;
import io.packtrail.server.domain.UnitLevel;
import io.packtrail.server.domain.UnitState;
import io.packtrail.server.domain.Violations;
import io.packtrail.server.domain.Vin;
import io.packtrail.server.ingest.Sequencer;
import io.packtrail.server.store.IngestStore;
import io.packtrail.server.store.Rows;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Fills a database that holds the Gansu demo network (`packtrail-server demo --packs 0`) with a
 * million units and about ten million events of valid custody histories, without the API: every
 * step is checked by the server's own life-cycle table ({@link Lifecycle}), sealed by its own
 * {@link EventChain} (canonical bytes, hash chain, log index) and its rows built by the same
 * {@link Rows} and {@link Sequencer} helpers the sequencer uses; the rows go to PostgreSQL with
 * COPY. The result is what the sequencer would have written had the steps been recorded one by
 * one in event-time order: chains verify, log indexes continue the demo's registry entries
 * without a gap, units, parties, material lots and feeds agree with the events.
 *
 * <p>The mix, per unit (seeded, so two runs write the same data): a pack made at one of the two
 * Gansu makers (35 % NCM at Jinchang, 65 % LFP at Lanzhou), registered at a time spread over the
 * first eight months of the year from 2025-11-01, sold by one of the three trade-in stations
 * (Lanzhou half of them, Jiayuguan and Baiyin a quarter each), then, as far as its dice and the
 * year allow: removed, collected, scrapped (a few), shipped to the Jinchang testing platform,
 * received and graded (once to three times); then by its state of health: low, recycled at the
 * hydrometallurgical plant in steps of 20 packs (with their lots and assayed feed); middling, sent
 * to the Hexi microgrid's storage yard; high, sent to the Lanzhou New Area microgrid,
 * commissioned there and inspected every five to nine days until the end of the year. The steps of all units
 * are sealed in event-time order, so log order follows time as it would in a live deployment.
 */
@Command(name = "bulk-loader", mixinStandardHelpOptions = true,
    description = "Generates a million units with about ten million valid events (run "
        + "`packtrail-server migrate` and `packtrail-server demo --packs 0` on the database "
        + "first).")
public final class BulkLoader implements Callable<Integer> {
  @Option(names = "--db-url", required = true,
      description = "JDBC URL of a migrated database holding the demo network and no units")
  String url;

  @Option(names = "--db-user", defaultValue = "postgres")
  String user;

  @Option(names = "--db-password", defaultValue = "")
  String password;

  @Option(names = "--units", defaultValue = "1000000", description = "units to generate")
  int units;

  @Option(names = "--seed", defaultValue = "620000")
  long seed;

  @Option(names = "--second-life-interval-days", defaultValue = "5",
      description = "the shortest interval between the inspections of a unit in second-life "
          + "service, in days; each unit's interval is this plus 0 to 4 days")
  int interval;

  @Option(names = "--plan-only", description = "count the steps the plan makes, write nothing")
  boolean planOnly;

  static final Instant T0 = Instant.parse("2025-11-01T00:00:00Z");
  static final int YEAR = 365 * 86_400;
  static final int DAY = 86_400;

  static final String LZ_FACTORY = "organizations/lanzhou-power-battery/sites/anning-factory";
  static final String JC_FACTORY = "organizations/jinchuan-ternary-cells/sites/jinchang-factory";
  static final String[] STATIONS = {
      "organizations/lanzhou-demo-station/sites/chengguan",
      "organizations/jiayuguan-trade-in/sites/xiongguan",
      "organizations/baiyin-trade-in/sites/pingchuan"};
  static final String TESTING = "organizations/jinchang-recycling/sites/testing-platform";
  static final String HYDROMET = "organizations/jinchang-recycling/sites/hydromet-plant";
  static final String HEXI = "organizations/hexi-microgrid/sites/storage-yard";
  static final String MICROGRID = "organizations/lanzhou-cascade-energy/sites/xinqu-microgrid";
  static final int RECYCLING_GROUP = 20;

  // the kinds of planned step (a byte each in a unit's plan)
  static final byte REG = 0;
  static final byte SALE = 1;
  static final byte REMOVAL = 2;
  static final byte COLLECTION = 3;
  static final byte SCRAP = 4;
  static final byte SHIP_TESTING = 5;
  static final byte RECEIPT_TESTING = 6;
  static final byte INSPECT_TESTING = 7;
  static final byte SHIP_HEXI = 8;
  static final byte RECEIPT_HEXI = 9;
  static final byte INSPECT_HEXI = 10;
  static final byte SHIP_MICROGRID = 11;
  static final byte RECEIPT_MICROGRID = 12;
  static final byte INSPECT_MICROGRID = 13;
  static final byte COMMISSION = 14;
  static final byte SECOND_LIFE_INSPECTION = 15;
  static final byte RECYCLE = 16;

  /** A unit's plan: its kinds of step in order; its maker, station and state of health. */
  record Plan(byte[] kinds, boolean ternary, byte station, byte soh) {}

  private Plan[] plans;
  private long[] keys;
  private UnitState[] states;
  private Step.Registration[] registrations;
  private Instant[] created;
  private Instant[] updated;
  private String[][] parties;
  private final Map<String, Actor> actors = new HashMap<>();

  public static void main(String[] args) {
    System.exit(new CommandLine(new BulkLoader()).execute(args));
  }

  /** The code of unit {@code u}: the demo makers' code format, trace "BULK000", serial u + 1. */
  static String code(int u, boolean ternary, LocalDate made) {
    return (ternary ? "JCTPET7" : "LZBPBL5") + "BULK000"
        + ProductionDateCode.encode(made).orElseThrow() + String.format(java.util.Locale.ROOT, "%07d", u + 1);
  }

  @Override
  public Integer call() throws Exception {
    if (units <= 0 || units >= 9_999_999) {
      throw new CommandLine.ParameterException(new CommandLine(this),
          "--units must be between 1 and 9,999,998 (the serial has seven digits)");
    }
    long begin = System.nanoTime();
    plan();
    System.out.printf("planned %,d units, %,d steps in %.1f s%n", units, keys.length,
        (System.nanoTime() - begin) / 1e9);
    if (planOnly) {
      return 0;
    }
    try (Connection c = DriverManager.getConnection(url, user, password)) {
      c.setAutoCommit(false);
      long firstIndex = readNetwork(c);
      try (Statement s = c.createStatement()) {
        // the event rows come before their units (whose final state is known at the end); the
        // foreign-key triggers are off for this transaction only, and checked by the queries at
        // the end instead
        s.execute("SET LOCAL session_replication_role = replica");
        s.execute("SET LOCAL synchronous_commit = off");
      }
      long t = System.nanoTime();
      Sealer sealer = new Sealer(c.unwrap(PGConnection.class), firstIndex);
      long next = sealer.run();
      System.out.printf("%-44s %8.1f s  (%,d events, log indexes %,d..%,d)%n",
          "sealed and copied the events", (System.nanoTime() - t) / 1e9, next - firstIndex,
          firstIndex, next - 1);
      t = System.nanoTime();
      writeUnits(c.unwrap(PGConnection.class));
      System.out.printf("%-44s %8.1f s%n", "copied units and parties", (System.nanoTime() - t) / 1e9);
      try (Statement s = c.createStatement()) {
        s.executeUpdate("UPDATE log_head SET next_index = " + next + " WHERE id = 1");
      }
      c.commit();
      c.setAutoCommit(true);
      try (Statement s = c.createStatement()) {
        t = System.nanoTime();
        s.execute("VACUUM ANALYZE");
        System.out.printf("%-44s %8.1f s%n", "vacuum and analyze", (System.nanoTime() - t) / 1e9);
        check(s, next);
      }
    }
    System.out.printf("loaded in %.1f s%n", (System.nanoTime() - begin) / 1e9);
    return 0;
  }

  // ---- the plan ----

  private void plan() {
    plans = new Plan[units];
    long[] k = new long[units * 12];
    int n = 0;
    int[] times = new int[128];
    for (int u = 0; u < units; u++) {
      SplittableRandom r = new SplittableRandom(seed * 1_000_003L + u);
      boolean ternary = r.nextInt(100) < 35;
      int stationRoll = r.nextInt(4);
      byte station = (byte) (stationRoll < 2 ? 0 : stationRoll - 1);
      byte soh = (byte) (55 + r.nextInt(41));
      byte[] kinds = new byte[128];
      int count = 0;
      int time = r.nextInt(240 * DAY);
      kinds[count] = REG;
      times[count++] = time;
      int roll = r.nextInt(100);
      int stage = roll < 6 ? 0 : roll < 16 ? 1 : roll < 22 ? 2 : roll < 27 ? 3 : roll < 30 ? 4
          : roll < 33 ? 5 : 6;
      List<Byte> path = new ArrayList<>();
      List<int[]> gaps = new ArrayList<>(); // min and max days before each step
      if (stage >= 1) {
        path.add(SALE);
        gaps.add(new int[] {1, 45});
      }
      if (stage >= 2) {
        path.add(REMOVAL);
        gaps.add(new int[] {10, 90});
      }
      if (stage >= 3) {
        path.add(COLLECTION);
        gaps.add(new int[] {0, 3});
      }
      if (stage == 4) {
        path.add(SCRAP);
        gaps.add(new int[] {1, 30});
      }
      if (stage >= 5) {
        path.add(SHIP_TESTING);
        gaps.add(new int[] {2, 20});
      }
      if (stage >= 6) {
        path.add(RECEIPT_TESTING);
        gaps.add(new int[] {1, 4});
        int inspections = 1 + r.nextInt(3);
        for (int i = 0; i < inspections; i++) {
          path.add(INSPECT_TESTING);
          gaps.add(i == 0 ? new int[] {1, 10} : new int[] {5, 30});
        }
        if (soh < 65) {
          if (r.nextInt(10) < 8) {
            path.add(RECYCLE);
            gaps.add(new int[] {3, 30});
          }
        } else if (soh >= 80) {
          if (r.nextInt(10) < 8) {
            path.add(SHIP_MICROGRID);
            gaps.add(new int[] {2, 15});
            path.add(RECEIPT_MICROGRID);
            gaps.add(new int[] {1, 3});
            path.add(INSPECT_MICROGRID);
            gaps.add(new int[] {1, 7});
            path.add(COMMISSION);
            gaps.add(new int[] {1, 14});
            int days = interval + r.nextInt(5);
            for (int i = 0; i < 100; i++) {
              path.add(SECOND_LIFE_INSPECTION);
              gaps.add(new int[] {days, days});
            }
          }
        } else if (r.nextInt(10) < 6) {
          path.add(SHIP_HEXI);
          gaps.add(new int[] {2, 20});
          path.add(RECEIPT_HEXI);
          gaps.add(new int[] {1, 3});
          path.add(INSPECT_HEXI);
          gaps.add(new int[] {1, 10});
        }
      }
      for (int i = 0; i < path.size() && count < 120; i++) {
        int[] g = gaps.get(i);
        time += g[0] * DAY + r.nextInt((g[1] - g[0] + 1) * DAY);
        if (time >= YEAR - DAY) {
          break; // the year is over: the unit stays where it is
        }
        kinds[count] = path.get(i);
        times[count++] = time;
      }
      plans[u] = new Plan(Arrays.copyOf(kinds, count), ternary, station, soh);
      if (n + count > k.length) {
        k = Arrays.copyOf(k, k.length + k.length / 2 + count);
      }
      for (int i = 0; i < count; i++) {
        // time (25 bits) | unit (31 bits) | index of the step in the unit's plan (7 bits)
        k[n++] = ((long) times[i] << 38) | ((long) u << 7) | i;
      }
    }
    keys = Arrays.copyOf(k, n);
    Arrays.parallelSort(keys);
  }

  // ---- the network ----

  /** Reads the demo network's actors and the log head; refuses a database that has units. */
  private long readNetwork(Connection c) throws Exception {
    Map<String, Set<OrganizationRole>> roles = new HashMap<>();
    try (Statement s = c.createStatement()) {
      try (ResultSet rs = s.executeQuery("SELECT count(*) FROM unit")) {
        rs.next();
        if (rs.getLong(1) > 0) {
          throw new IllegalStateException("the database already holds " + rs.getLong(1)
              + " units; the bulk loader fills a database with the demo network and no units");
        }
      }
      try (ResultSet rs = s.executeQuery("SELECT name, roles FROM organization")) {
        while (rs.next()) {
          Set<OrganizationRole> set = EnumSet.noneOf(OrganizationRole.class);
          for (Object role : (Object[]) rs.getArray(2).getArray()) {
            set.add(OrganizationRole.valueOf((String) role));
          }
          roles.put(rs.getString(1), set);
        }
      }
      try (ResultSet rs = s.executeQuery("SELECT name, organization_id, kind FROM site")) {
        while (rs.next()) {
          String org = "organizations/" + rs.getString(2);
          actors.put(rs.getString(1), new Actor(org, rs.getString(1), roles.get(org),
              SiteKind.valueOf(rs.getString(3))));
        }
      }
      List<String> needed = new ArrayList<>(List.of(LZ_FACTORY, JC_FACTORY, TESTING, HYDROMET,
          HEXI, MICROGRID));
      needed.addAll(List.of(STATIONS));
      for (String site : needed) {
        if (!actors.containsKey(site)) {
          throw new IllegalStateException("site " + site + " is missing: load the demo network "
              + "first (packtrail-server demo --packs 0)");
        }
      }
      try (ResultSet rs = s.executeQuery("SELECT next_index FROM log_head FOR UPDATE")) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  // ---- sealing ----

  /** Seals every planned step in time order and copies the events as it goes. */
  private final class Sealer {
    private final CopyWriter events;
    private long nextIndex;
    private final List<Integer> bin = new ArrayList<>();
    private int recyclings;

    Sealer(PGConnection pg, long firstIndex) throws Exception {
      this.nextIndex = firstIndex;
      states = new UnitState[units];
      registrations = new Step.Registration[units];
      created = new Instant[units];
      updated = new Instant[units];
      parties = new String[units][];
      events = new CopyWriter(pg, "COPY event (event_id, unit_code, sequence, log_index, type, "
          + "event_time, record_time, actor_organization, actor_site, canonical, previous_hash, "
          + "hash, request_digest, label_serial, submitter_kind, submitter, "
          + "submitter_certificate_serial) FROM STDIN");
    }

    long run() throws Exception {
      List<IngestStore.LotRow> lotRows = new ArrayList<>();
      List<IngestStore.FeedRow> feedRows = new ArrayList<>();
      List<IngestStore.LotInputRow> inputRows = new ArrayList<>();
      long report = System.nanoTime();
      for (int i = 0; i < keys.length; i++) {
        long key = keys[i];
        int time = (int) (key >>> 38);
        int u = (int) ((key >>> 7) & 0x7FFF_FFFF);
        int index = (int) (key & 0x7F);
        byte kind = plans[u].kinds()[index];
        if (kind == RECYCLE) {
          bin.add(u);
          if (bin.size() == RECYCLING_GROUP) {
            recycle(time, lotRows, feedRows, inputRows);
          }
        } else {
          single(u, index, kind, time);
        }
        if ((i & 0xFFFFF) == 0 && i > 0) {
          double s = (System.nanoTime() - report) / 1e9;
          System.out.printf("  %,d of %,d steps (%.0f/s)%n", i, keys.length, i / s);
        }
      }
      if (!bin.isEmpty()) {
        recycle(YEAR - DAY, lotRows, feedRows, inputRows);
      }
      events.close();
      // the lots, feeds and lot inputs of the recyclings, after the events
      CopyWriter w = new CopyWriter(events.pg, "COPY material_lot (id, product, mass_kg, li_kg, "
          + "ni_kg, co_kg, mn_kg, cu_kg, al_kg, plant_site, organization, event_id, event_time, "
          + "create_time) FROM STDIN");
      for (IngestStore.LotRow l : lotRows) {
        double[] e = l.elements();
        w.row(l.id(), l.product(), l.massKg(), e[0], e[1], e[2], e[3], e[4], e[5],
            l.plantSite(), l.organization(), l.eventId(), l.eventTime(), l.createTime());
      }
      w.close();
      w = new CopyWriter(events.pg, "COPY recycling_feed (event_id, li_kg, ni_kg, co_kg, mn_kg, "
          + "cu_kg, al_kg) FROM STDIN");
      for (IngestStore.FeedRow f : feedRows) {
        double[] e = f.elements();
        w.row(f.eventId(), e[0], e[1], e[2], e[3], e[4], e[5]);
      }
      w.close();
      w = new CopyWriter(events.pg, "COPY material_lot_input (lot_id, unit_code) FROM STDIN");
      for (IngestStore.LotInputRow r : inputRows) {
        w.row(r.lotId(), r.unitCode());
      }
      w.close();
      System.out.printf("  %,d recycling steps, %,d lots%n", recyclings, lotRows.size());
      return nextIndex;
    }

    private void single(int u, int index, byte kind, int time) throws Exception {
      Plan p = plans[u];
      SplittableRandom r = new SplittableRandom((seed * 1_000_003L + u) * 131 + index);
      Instant at = T0.plusSeconds(time);
      String station = STATIONS[p.station()];
      String stationOrg = ResourceNames.organizationOfSite(station);
      String site;
      Step step;
      UnitState before = states[u];
      switch (kind) {
        case REG -> {
          LocalDate made = LocalDate.of(2025, 1, 1).plusDays(r.nextInt(300));
          if (made.getDayOfMonth() == 31) {
            made = made.minusDays(1); // the date table has no character for day 31
          }
          String code = code(u, p.ternary(), made);
          BatteryCode.parse("code", code);
          double kwh = p.ternary() ? 60 + r.nextInt(40) : 40 + r.nextInt(30);
          Step.Registration reg = new Step.Registration(UnitLevel.PACK,
              p.ternary() ? Chemistry.NCM : Chemistry.LFP, kwh, p.ternary() ? 150 : 200,
              p.ternary() ? 400 : 350, kwh * (p.ternary() ? 6.2 : 7.5),
              p.ternary() ? "organizations/jinchuan-ternary-cells"
                  : "organizations/lanzhou-power-battery");
          registrations[u] = reg;
          before = UnitState.unregistered(code);
          site = p.ternary() ? JC_FACTORY : LZ_FACTORY;
          step = reg;
        }
        case SALE -> {
          StringBuilder v = new StringBuilder("LGS");
          for (int i = 0; i < 5; i++) {
            v.append("0123456789ABCDEFGHJKLMNPRSTUVWXYZ".charAt(r.nextInt(33)));
          }
          v.append('0').append("SP").append(String.format(java.util.Locale.ROOT, "%06d", u % 1_000_000));
          v.setCharAt(8, Vin.checkDigit(v.toString()));
          site = station;
          step = new Step.Sale(v.toString(), stationOrg);
        }
        case REMOVAL -> {
          site = station;
          step = new Step.Removal(r.nextInt(3) == 0 ? RemovalReason.RETIREMENT
              : RemovalReason.TRADE_IN, null);
        }
        case COLLECTION -> {
          site = station;
          step = new Step.Collection("old-for-new trade-in");
        }
        case SCRAP -> {
          site = station;
          step = new Step.Scrapping("casing burnt; not fit to transport", null);
        }
        case SHIP_TESTING -> {
          site = station;
          step = new Step.Shipment(TESTING, waybill("GS", u));
        }
        case RECEIPT_TESTING -> {
          site = TESTING;
          step = new Step.Receipt(waybill("GS", u));
        }
        case SHIP_HEXI, SHIP_MICROGRID -> {
          site = TESTING;
          step = new Step.Shipment(kind == SHIP_HEXI ? HEXI : MICROGRID, waybill("GT", u));
        }
        case RECEIPT_HEXI, RECEIPT_MICROGRID -> {
          site = kind == RECEIPT_HEXI ? HEXI : MICROGRID;
          step = new Step.Receipt(waybill("GT", u));
        }
        case INSPECT_TESTING, INSPECT_HEXI, INSPECT_MICROGRID -> {
          site = kind == INSPECT_TESTING ? TESTING : kind == INSPECT_HEXI ? HEXI : MICROGRID;
          double soh = p.soh() + r.nextInt(10) / 10.0;
          Grade grade = soh >= 80 ? Grade.A : soh >= 70 ? Grade.B : soh >= 60 ? Grade.C : Grade.D;
          double kwh = registrations[u].ratedEnergyKwh();
          step = new Step.Inspection(new StateOfHealth(soh, 100 - soh, null, kwh * soh / 100,
              null, null, 400L + r.nextInt(2000)), grade, null, "GB/T 34015-2017",
              kind == INSPECT_TESTING ? "Jinchang testing line" : "site acceptance test",
              LocalDateTime.ofInstant(at, ZoneOffset.UTC).toLocalDate());
        }
        case COMMISSION -> {
          site = MICROGRID;
          step = new Step.Commissioning("microgrid storage for 6 MW PV",
              registrations[u].ratedEnergyKwh() * p.soh() / 100, null);
        }
        case SECOND_LIFE_INSPECTION -> {
          site = MICROGRID;
          double soh = Math.max(40, p.soh() - index * 0.05);
          step = new Step.SecondLifeInspection(soh, registrations[u].ratedEnergyKwh() * soh / 100,
              null);
        }
        default -> throw new IllegalStateException("kind " + kind);
      }
      Actor actor = actors.get(site);
      Submission s = new Submission(uuid(r), before.code(), at, site, step);
      Violations v = new Violations();
      step.validate("step", v);
      v.throwIfAny();
      if (Lifecycle.timeOrder(before, at) != null) {
        throw new IllegalStateException("out of order: " + s);
      }
      UnitState after = Lifecycle.apply(before, step, actor, at);
      EventChain.Sealed sealed = EventChain.seal(s, actor, before, after, nextIndex++,
          at.plusMillis(1500 + r.nextInt(2000)), s.digest());
      if (kind == REG) {
        created[u] = sealed.event().recordTime();
      }
      done(u, sealed, kind == REG ? registrations[u] : null);
    }

    /** One recycling step of the packs in the bin, at the hydrometallurgical plant. */
    private void recycle(int time, List<IngestStore.LotRow> lotRows,
        List<IngestStore.FeedRow> feedRows, List<IngestStore.LotInputRow> inputRows)
        throws Exception {
      int n = recyclings++;
      SplittableRandom r = new SplittableRandom(seed * 7_919L + n);
      Instant at = T0.plusSeconds(time);
      double[] feed = new double[6];
      List<String> others = new ArrayList<>();
      Map<String, UnitState> known = new HashMap<>();
      Map<String, Integer> unitOf = new HashMap<>();
      for (int u : bin) {
        Step.Registration reg = registrations[u];
        double kg = reg.massKg();
        // assayed element content, kg per kg of pack
        double[] share = reg.chemistry() == Chemistry.NCM
            ? new double[] {0.015, 0.09, 0.025, 0.025, 0.08, 0.07}
            : new double[] {0.011, 0, 0, 0, 0.08, 0.07};
        for (int i = 0; i < 6; i++) {
          feed[i] += kg * share[i];
        }
        known.put(states[u].code(), states[u]);
        unitOf.put(states[u].code(), u);
        if (u != bin.get(0)) {
          others.add(states[u].code());
        }
      }
      String id = "bulk-recycling-" + n;
      double li = feed[0] * (0.80 + r.nextInt(12) / 100.0);
      double ni = feed[1] * (0.94 + r.nextInt(5) / 100.0);
      double co = feed[2] * (0.94 + r.nextInt(5) / 100.0);
      double cu = feed[4] * 0.97;
      List<Step.LotOutput> outputs = new ArrayList<>();
      outputs.add(new Step.LotOutput(id + "-li", MaterialProduct.LI2CO3, li / 0.1879,
          new ElementMasses(li, 0, 0, 0, 0, 0)));
      if (ni > 0) {
        outputs.add(new Step.LotOutput(id + "-ni", MaterialProduct.NISO4, ni / 0.379,
            new ElementMasses(0, ni, 0, 0, 0, 0)));
        outputs.add(new Step.LotOutput(id + "-co", MaterialProduct.COSO4, co / 0.38,
            new ElementMasses(0, 0, co, 0, 0, 0)));
      }
      outputs.add(new Step.LotOutput(id + "-cu", MaterialProduct.COPPER, cu,
          new ElementMasses(0, 0, 0, 0, cu, 0)));
      Step.Recycling step = new Step.Recycling(outputs,
          new ElementMasses(feed[0], feed[1], feed[2], feed[3], feed[4], feed[5]), others,
          null);
      Violations v = new Violations();
      step.validate("step", v);
      v.throwIfAny();
      String primary = states[bin.get(0)].code();
      Actor actor = actors.get(HYDROMET);
      Submission s = new Submission(uuid(r), primary, at, HYDROMET, step);
      byte[] digest = s.digest();
      List<Lifecycle.Planned> plan = Lifecycle.plan(primary, step, actor, at,
          new Lifecycle.Known() {
            public UnitState unit(String code) {
              return known.get(code);
            }

            public double massKg(String code) {
              return registrations[unitOf.get(code)].massKg();
            }

            public String maker(String code) {
              return registrations[unitOf.get(code)].maker();
            }

            public boolean hasParent(String code) {
              return false;
            }

            public boolean lotExists(String lot) {
              return false;
            }
          }, Lifecycle.DEFAULT_MASS_TOLERANCE);
      Instant recorded = at.plusMillis(1500 + r.nextInt(2000));
      for (Lifecycle.Planned planned : plan) {
        EventChain.Sealed sealed = EventChain.sealPart(s, actor, planned, nextIndex++, recorded,
            digest);
        done(unitOf.get(planned.code()), sealed, null);
      }
      List<IngestStore.LinkRow> links = new ArrayList<>();
      Sequencer.lineage(s, actor, recorded, plan, links, lotRows, feedRows, inputRows);
      bin.clear();
    }

    /** Keeps the unit's new state and parties, and copies its event. */
    private void done(int u, EventChain.Sealed sealed, Step.Registration registers)
        throws Exception {
      states[u] = sealed.unit();
      updated[u] = sealed.event().recordTime();
      Set<IngestStore.PartyRow> rows = new LinkedHashSet<>();
      Sequencer.parties(sealed.event(), sealed.unit(), registers, rows);
      String[] known = parties[u] == null ? new String[0] : parties[u];
      for (IngestStore.PartyRow row : rows) {
        if (!Arrays.asList(known).contains(row.organization())) {
          known = Arrays.copyOf(known, known.length + 1);
          known[known.length - 1] = row.organization();
        }
      }
      parties[u] = known;
      Rows.EventRow e = Rows.EventRow.of(sealed.event());
      events.row(e.eventId(), e.unitCode(), e.sequence(), e.logIndex(), e.type(), e.eventTime(),
          e.recordTime(), e.actorOrganization(), e.actorSite(), e.canonical(), e.previousHash(),
          e.hash(), e.requestDigest(), e.labelSerial(), e.submitterKind(), e.submitter(),
          e.submitterCertificateSerial());
    }
  }

  private static String waybill(String prefix, int u) {
    return prefix + String.format(java.util.Locale.ROOT, "%08d", u + 1);
  }

  /** A random (version 4) UUID from the step's own seeded random. */
  private static UUID uuid(SplittableRandom r) {
    long hi = (r.nextLong() & ~0xF000L) | 0x4000L;
    long lo = (r.nextLong() & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L;
    return new UUID(hi, lo);
  }

  // ---- units ----

  private void writeUnits(PGConnection pg) throws Exception {
    CopyWriter w = new CopyWriter(pg, "COPY unit (code, level, chemistry, rated_energy_kwh, "
        + "rated_capacity_ah, nominal_voltage_v, mass_kg, maker, production_date, "
        + "repurposed_code_variant, state, custodian, custodian_site, vin, shipment_destination, "
        + "shipment_waybill, soh_certified_energy_pct, soh_capacity_fade_pct, "
        + "soh_remaining_capacity_ah, soh_remaining_energy_kwh, soh_power_fade_pct, "
        + "soh_resistance_increase_pct, soh_full_cycles, grade, event_count, head_hash, "
        + "create_time, update_time, last_event_time, eu_status) FROM STDIN");
    for (int u = 0; u < units; u++) {
      UnitState s = states[u];
      Step.Registration reg = registrations[u];
      BatteryCode code = BatteryCode.parse("code", s.code());
      Rows.UnitRow row = Rows.UnitRow.of(new Unit(s, reg.ratedEnergyKwh(), reg.ratedCapacityAh(),
          reg.nominalVoltageV(), reg.massKg(), reg.maker(),
          code.productionDate().orElse(null), code.repurposedVariant(), created[u],
          updated[u]));
      w.row(row.code(), row.level(), row.chemistry(), row.ratedEnergyKwh(),
          row.ratedCapacityAh(), row.nominalVoltageV(), row.massKg(), row.maker(),
          row.productionDate(), row.repurposedCodeVariant(), row.state(), row.custodian(),
          row.custodianSite(), row.vin(), row.shipmentDestination(), row.shipmentWaybill(),
          row.sohCertifiedEnergyPct(), row.sohCapacityFadePct(), row.sohRemainingCapacityAh(),
          row.sohRemainingEnergyKwh(), row.sohPowerFadePct(), row.sohResistanceIncreasePct(),
          row.sohFullCycles(), row.grade(), row.eventCount(), row.headHash(), row.createTime(),
          row.updateTime(), row.lastEventTime(), row.euStatus());
    }
    w.close();
    CopyWriter p = new CopyWriter(pg, "COPY unit_party (organization, unit_code) FROM STDIN");
    for (int u = 0; u < units; u++) {
      for (String org : parties[u]) {
        p.row(org, states[u].code());
      }
    }
    p.close();
  }

  // ---- checks ----

  private void check(Statement s, long next) throws Exception {
    String[][] checks = {
        {"events without their unit (0)",
            "SELECT count(*) FROM event e WHERE NOT EXISTS (SELECT 1 FROM unit u "
                + "WHERE u.code = e.unit_code)"},
        {"units whose event count is not their last sequence (0)",
            "SELECT count(*) FROM unit u WHERE u.event_count <> (SELECT max(sequence) "
                + "FROM event e WHERE e.unit_code = u.code)"},
        {"log entries (events + registry entries) = next log index",
            "SELECT (SELECT count(*) FROM event) + (SELECT count(*) FROM registry_entry)"},
        {"distinct log indexes",
            "SELECT count(*) FROM (SELECT log_index FROM event UNION SELECT log_index "
                + "FROM registry_entry) AS i"},
        {"largest log index + 1",
            "SELECT greatest((SELECT max(log_index) FROM event), "
                + "(SELECT max(log_index) FROM registry_entry)) + 1"}};
    for (String[] c : checks) {
      try (ResultSet rs = s.executeQuery(c[1])) {
        rs.next();
        System.out.printf("check: %-58s %,d%n", c[0], rs.getLong(1));
      }
    }
    System.out.printf("check: %-58s %,d%n", "log head (next index)", next);
    try (ResultSet rs = s.executeQuery("SELECT state, count(*) FROM unit GROUP BY state "
        + "ORDER BY 2 DESC")) {
      StringBuilder b = new StringBuilder("units by state:");
      while (rs.next()) {
        b.append(String.format(java.util.Locale.ROOT, " %s %,d;", rs.getString(1), rs.getLong(2)));
      }
      System.out.println(b);
    }
  }

  // ---- COPY ----

  /** Rows in COPY's text format, sent in 1 MB chunks. */
  static final class CopyWriter {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ISO_INSTANT;
    final PGConnection pg;
    private final CopyIn in;
    private final StringBuilder b = new StringBuilder(1 << 21);

    CopyWriter(PGConnection pg, String sql) throws Exception {
      this.pg = pg;
      this.in = pg.getCopyAPI().copyIn(sql);
    }

    void row(Object... values) throws Exception {
      for (int i = 0; i < values.length; i++) {
        if (i > 0) {
          b.append('\t');
        }
        Object v = values[i];
        if (v == null) {
          b.append("\\N");
        } else if (v instanceof byte[] bytes) {
          b.append("\\\\x").append(HexFormat.of().formatHex(bytes));
        } else if (v instanceof Instant t) {
          b.append(TIME.format(t));
        } else if (v instanceof String text) {
          escape(text);
        } else {
          b.append(v);
        }
      }
      b.append('\n');
      if (b.length() > (1 << 20)) {
        flush();
      }
    }

    private void escape(String text) {
      for (int i = 0; i < text.length(); i++) {
        char ch = text.charAt(i);
        switch (ch) {
          case '\\' -> b.append("\\\\");
          case '\t' -> b.append("\\t");
          case '\n' -> b.append("\\n");
          case '\r' -> b.append("\\r");
          default -> b.append(ch);
        }
      }
    }

    private void flush() throws Exception {
      byte[] bytes = b.toString().getBytes(StandardCharsets.UTF_8);
      in.writeToCopy(bytes, 0, bytes.length);
      b.setLength(0);
    }

    long close() throws Exception {
      flush();
      return in.endCopy();
    }
  }
}
