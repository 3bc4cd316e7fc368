package io.packtrail.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Fills a migrated, empty Packtrail database with about a million units for the lineage
 * benchmark, in a few statements that generate the rows inside PostgreSQL (INSERT ... SELECT
 * over generate_series; nothing goes through the API or the sequencer). What it writes:
 *
 * <ul>
 *   <li>{@code families} original NCM packs of 400 kg, each dismantled into 8 modules of 49 kg
 *       (8 dismantled-into links per pack, residue 8 kg);</li>
 *   <li>the modules recycled in groups of 50 families (350 modules a lot, module 0 of each family
 *       kept back) into one MnSO4 lot per group;</li>
 *   <li>one "wide" lot recycled from module 0 of families 0..499: a lot with 500 source
 *       packs;</li>
 *   <li>one "big" pack whose lineage graph has exactly 1,000 nodes: dismantled into 24 modules,
 *       each into 40 cells (960), the cells recycled into 15 lots of 64 cells;</li>
 *   <li>registered packs with no lineage up to {@code units} units in all.</li>
 * </ul>
 *
 * <p>Every edge names the event of its step: one event per step on its primary unit (the parent
 * of a dismantling, the first input of a recycling), with the right id, unit, type, site and
 * time. Those events are placeholders (their canonical bytes and hashes are not real, and the
 * other units of a step have no event of it), so the generated units' chains do not verify:
 * the database is for reading lineage, not for audits. States, custodians, masses, links, lots
 * and lot inputs are consistent with the steps described.
 */
@Command(name = "lineage-loader", mixinStandardHelpOptions = true,
    description = "Generates the lineage benchmark's database (run `packtrail-server migrate` "
        + "on it first).")
public final class LineageLoader implements Callable<Integer> {
  @Option(names = "--db-url", required = true,
      description = "JDBC URL of a migrated, empty database")
  String url;

  @Option(names = "--db-user", defaultValue = "postgres")
  String user;

  @Option(names = "--db-password", defaultValue = "")
  String password;

  @Option(names = "--units", defaultValue = "1000000", description = "units in all")
  int units;

  @Option(names = "--families", defaultValue = "100000",
      description = "packs dismantled into 8 modules each")
  int families;

  /** The big pack; its code number. */
  static final int BIG = 9_000_000;
  static final String PLANT = "organizations/bench-lin-plant/sites/jinchang";
  static final String MAKER = "organizations/bench-lin-maker";

  public static void main(String[] args) {
    System.exit(new CommandLine(new LineageLoader()).execute(args));
  }

  /** The SQL expression of a unit code: level letter and number. */
  static String code(String level, String number) {
    return "'BLM' || " + level + " || 'EA1BENCH01RA5' || lpad((" + number + ")::text, 7, '0')";
  }

  /** The benchmark's big pack and wide lot, for the benchmark to query. */
  static String bigPack() {
    return String.format(java.util.Locale.ROOT, "BLMPEA1BENCH01RA5%07d", BIG);
  }

  static final String WIDE_LOT = "bench-lot-wide";

  @Override
  public Integer call() throws Exception {
    int standalone = units - families * 9 - (1 + 24 + 960);
    if (standalone < 0 || families < 500) {
      throw new CommandLine.ParameterException(new CommandLine(this),
          "--units must hold 9 x --families + 985 units, and --families be at least 500");
    }
    try (Connection c = DriverManager.getConnection(url, user, password);
         Statement s = c.createStatement()) {
      s.execute("SET synchronous_commit = off");
      long begin = System.nanoTime();
      step(s, "organisations and sites", """
          INSERT INTO organization (id, display_name, roles, region_code, manufacturer_code,
                                    create_time)
          VALUES ('bench-lin-maker', 'Bench maker', ARRAY['BATTERY_MAKER'], '620100', 'BLM', now()),
                 ('bench-lin-plant', 'Bench plant', ARRAY['DISMANTLER', 'RECYCLER'], '620300',
                  NULL, now());
          INSERT INTO site (organization_id, id, display_name, kind, region_code, create_time,
                            annual_capacity_tonnes)
          VALUES ('bench-lin-maker', 'factory', 'Factory', 'FACTORY', '620100', now(), NULL),
                 ('bench-lin-plant', 'jinchang', 'Jinchang', 'RECYCLING_PLANT', '620300', now(),
                  5000);
          """);
      // families: pack f is number f; module k of family f is number families + 8f + k
      step(s, "packs of the families", units(code("'P'", "f"), "'PACK'", "400",
          "'DISMANTLED'", "generate_series(0, " + (families - 1) + ") AS f"));
      step(s, "modules of the families", units(code("'M'", families + " + m"), "'MODULE'",
          "49", "CASE WHEN m % 8 = 0 AND m / 8 >= 500 THEN 'RECEIVED' ELSE 'RECYCLED' END",
          "generate_series(0, " + (families * 8 - 1) + ") AS m"));
      step(s, "dismantled-into links", """
          INSERT INTO unit_link (kind, from_code, to_code, event_id, valid_from)
          SELECT 'DISMANTLED_INTO', %s, %s, md5('dis-' || (m / 8))::uuid,
                 timestamptz '2026-01-01' + (m / 8) * interval '1 second'
          FROM generate_series(0, %d) AS m
          """.formatted(code("'P'", "m / 8"), code("'M'", families + " + m"), families * 8 - 1));
      int groups = families / 50;
      step(s, "lots of the families", """
          INSERT INTO material_lot (id, product, mass_kg, li_kg, ni_kg, co_kg, mn_kg, cu_kg,
                                    al_kg, plant_site, organization, event_id, event_time,
                                    create_time)
          SELECT 'bench-lot-' || g, 'MNSO4', 5000, 0, 0, 0, 1600, 0, 0, '%s',
                 'organizations/bench-lin-plant', md5('lot-' || g)::uuid,
                 timestamptz '2026-03-01' + g * interval '1 minute', now()
          FROM generate_series(0, %d) AS g
          """.formatted(PLANT, groups - 1));
      step(s, "inputs of the families' lots", """
          INSERT INTO material_lot_input (lot_id, unit_code)
          SELECT 'bench-lot-' || (m / 400), %s
          FROM generate_series(0, %d) AS m
          WHERE m %% 8 <> 0
          """.formatted(code("'M'", families + " + m"), groups * 400 - 1));
      step(s, "the wide lot: 500 source packs", """
          INSERT INTO material_lot (id, product, mass_kg, li_kg, ni_kg, co_kg, mn_kg, cu_kg,
                                    al_kg, plant_site, organization, event_id, event_time,
                                    create_time)
          VALUES ('%1$s', 'CO3O4', 3000, 0, 0, 2100, 0, 0, 0, '%2$s',
                  'organizations/bench-lin-plant', md5('%1$s')::uuid, '2026-03-15', now());
          INSERT INTO material_lot_input (lot_id, unit_code)
          SELECT '%1$s', %3$s FROM generate_series(0, 499) AS f
          """.formatted(WIDE_LOT, PLANT, code("'M'", families + " + 8 * f")));
      // the big pack: number BIG; its modules BIG + 1 + i; cells BIG + 100 + 40i + j
      step(s, "the big pack, its 24 modules and 960 cells", units("""
          CASE WHEN b = 0 THEN %s WHEN b <= 24 THEN %s ELSE %s END
          """.formatted(code("'P'", BIG + ""), code("'M'", BIG + " + b"),
              code("'C'", BIG + " + 100 + (b - 25)")),
          "CASE WHEN b = 0 THEN 'PACK' WHEN b <= 24 THEN 'MODULE' ELSE 'CELL' END",
          "CASE WHEN b = 0 THEN 400 WHEN b <= 24 THEN 16 ELSE 0.39 END",
          "CASE WHEN b <= 24 THEN 'DISMANTLED' ELSE 'RECYCLED' END",
          "generate_series(0, 984) AS b"));
      step(s, "the big pack's links", """
          INSERT INTO unit_link (kind, from_code, to_code, event_id, valid_from)
          SELECT 'DISMANTLED_INTO', %s, %s, md5('big-dis')::uuid, '2026-02-01'
          FROM generate_series(1, 24) AS i;
          INSERT INTO unit_link (kind, from_code, to_code, event_id, valid_from)
          SELECT 'DISMANTLED_INTO', %s, %s, md5('big-dis-' || (c / 40))::uuid, '2026-02-02'
          FROM generate_series(0, 959) AS c;
          INSERT INTO material_lot (id, product, mass_kg, li_kg, ni_kg, co_kg, mn_kg, cu_kg,
                                    al_kg, plant_site, organization, event_id, event_time,
                                    create_time)
          SELECT 'bench-big-lot-' || l, 'LI2CO3', 20, 3.7, 0, 0, 0, 0, 0, '%s',
                 'organizations/bench-lin-plant', md5('big-lot-' || l)::uuid, '2026-02-03', now()
          FROM generate_series(0, 14) AS l;
          INSERT INTO material_lot_input (lot_id, unit_code)
          SELECT 'bench-big-lot-' || (c / 64), %s FROM generate_series(0, 959) AS c
          """.formatted(code("'P'", BIG + ""), code("'M'", BIG + " + i"),
              code("'M'", BIG + " + 1 + c / 40"), code("'C'", BIG + " + 100 + c"), PLANT,
              code("'C'", BIG + " + 100 + c")));
      step(s, "registered packs without lineage", units(code("'P'", "2000000 + r"),
          "'PACK'", "400", "'REGISTERED'", "generate_series(0, " + (standalone - 1) + ") AS r"));
      step(s, "the steps' events (placeholders, see above)", """
          INSERT INTO event (event_id, unit_code, sequence, log_index, type, event_time,
                             record_time, actor_organization, actor_site, canonical,
                             previous_hash, hash, request_digest)
          SELECT id, unit_code, 1,
                 (SELECT next_index FROM log_head) + row_number() OVER (ORDER BY event_time, id) - 1, type,
                 event_time, now(), 'organizations/bench-lin-plant', '%s', '\\x00'::bytea,
                 decode(repeat('00', 32), 'hex'), sha256(id::text::bytea),
                 decode(repeat('00', 32), 'hex')
          FROM (
              (SELECT DISTINCT ON (l.event_id) l.event_id AS id, l.from_code AS unit_code,
                      'dismantling' AS type, l.valid_from AS event_time
               FROM unit_link l ORDER BY l.event_id, l.from_code)
            UNION ALL
              SELECT m.event_id, (SELECT min(i.unit_code) FROM material_lot_input i
                                  WHERE i.lot_id = m.id), 'recycling', m.event_time
              FROM material_lot m
          ) AS steps;
          -- after the registry entries already in the log, if any (one index sequence)
          UPDATE log_head SET next_index = (SELECT max(log_index) + 1 FROM event) WHERE id = 1;
          """.formatted(PLANT));
      step(s, "vacuum and analyze (visibility map for index-only scans)", "VACUUM ANALYZE");
      System.out.printf("loaded %,d units in %.1f s%n", count(s, "SELECT count(*) FROM unit"),
          (System.nanoTime() - begin) / 1e9);
      System.out.printf("links %,d, lots %,d, lot inputs %,d, events %,d%n",
          count(s, "SELECT count(*) FROM unit_link"), count(s, "SELECT count(*) FROM material_lot"),
          count(s, "SELECT count(*) FROM material_lot_input"),
          count(s, "SELECT count(*) FROM event"));
      System.out.printf("big pack: units/%s; wide lot: materialLots/%s%n", bigPack(), WIDE_LOT);
    }
    return 0;
  }

  /** INSERT ... SELECT of units from a generated series: NCM, custody with the plant. */
  private static String units(String code, String level, String mass,
      String state, String series) {
    return """
        INSERT INTO unit (code, level, chemistry, rated_energy_kwh, rated_capacity_ah,
                          nominal_voltage_v, mass_kg, maker, state, custodian, custodian_site,
                          event_count, head_hash, create_time, update_time, last_event_time)
        SELECT %s, %s, 'NCM', 60, 150, 400, %s, '%s', %s,
               CASE WHEN %s = 'REGISTERED' THEN '%s' ELSE 'organizations/bench-lin-plant' END,
               CASE WHEN %s = 'REGISTERED' THEN '%s/sites/factory' ELSE '%s' END,
               1, decode(repeat('00', 32), 'hex'), now(), now(), now()
        FROM %s
        """.formatted(code, level, mass, MAKER, state, state, MAKER, state, MAKER, PLANT,
        series);
  }

  private static void step(Statement s, String what, String sql) throws Exception {
    long t = System.nanoTime();
    s.execute(sql);
    System.out.printf("%-48s %6.1f s%n", what, (System.nanoTime() - t) / 1e9);
  }

  private static long count(Statement s, String sql) throws Exception {
    try (var rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
