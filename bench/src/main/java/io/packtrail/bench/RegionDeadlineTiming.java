package io.packtrail.bench;

import io.packtrail.server.app.Compliance;
import io.packtrail.server.domain.ReportingDeadlines;
import io.packtrail.server.domain.WorkingCalendar;
import io.packtrail.server.store.Database;
import io.packtrail.server.store.JdbiStorage;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;

/**
 * Times the region summary of the reporting deadlines (Compliance.region: the overview's late and
 * overdue section) on a database, in process, without gRPC. Run with the server jar first on the
 * class path (as the bulk loader). docs/benchmarks.md, "The deadline summary counted in SQL".
 */
public final class RegionDeadlineTiming {
  private RegionDeadlineTiming() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 6) {
      System.err.println("usage: RegionDeadlineTiming JDBC_URL REGION FIRST_DAY END_DAY "
          + "REPORTING_START|none RUNS   (days as 2026-11-01, UTC; the reporting start a China "
          + "date)");
      System.exit(2);
    }
    Instant first = LocalDate.parse(args[2]).atStartOfDay().toInstant(ZoneOffset.UTC);
    Instant end = LocalDate.parse(args[3]).atStartOfDay().toInstant(ZoneOffset.UTC);
    Instant reportingStart = args[4].equals("none") ? null
        : LocalDate.parse(args[4]).atStartOfDay().toInstant(ReportingDeadlines.CHINA);
    int runs = Integer.parseInt(args[5]);
    try (Database db = Database.open(args[0], "postgres", "", 4)) {
      Compliance compliance = new Compliance(new JdbiStorage(db.jdbi()),
          new ReportingDeadlines(WorkingCalendar.chinaDefault(), reportingStart),
          Clock.systemUTC());
      for (int i = 0; i < runs; i++) {
        long start = System.nanoTime();
        var region = compliance.region(args[1], first, end);
        long took = System.nanoTime() - start;
        System.out.printf("run %d: region %.1f ms (late %d, overdue open %d, recorded late %d, "
            + "%d orgs)%n", i, took / 1e6, region.late(), region.overdueOpen(),
            region.overdueFulfilledLate(), region.organizations().size());
        if (i == 0) {
          System.out.println(region.organizations());
        }
      }
    }
  }
}
