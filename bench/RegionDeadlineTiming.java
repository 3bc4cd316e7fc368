// Times the region summary of the reporting deadlines (Compliance.region: the overview's late and
// overdue section) on a database: a single-file program run with the server jar on the class
// path. Arguments: JDBC URL, region code, first and end day (UTC), reporting start (a China
// date, or none), runs. docs/benchmarks.md, "The deadline summary counted in SQL".
import io.packtrail.server.app.Compliance;
import io.packtrail.server.domain.*;
import io.packtrail.server.store.*;
import java.time.*;

public class RegionDeadlineTiming {
  public static void main(String[] a) throws Exception {
    Database db = Database.open(a[0], "postgres", "", 4);
    Storage st = new JdbiStorage(db.jdbi());
    Instant s = LocalDate.parse(a[2]).atStartOfDay().toInstant(ZoneOffset.UTC);
    Instant e = LocalDate.parse(a[3]).atStartOfDay().toInstant(ZoneOffset.UTC);
    Instant rs = a[4].equals("none") ? null : LocalDate.parse(a[4]).atStartOfDay().toInstant(ReportingDeadlines.CHINA);
    Compliance c = new Compliance(st, new ReportingDeadlines(WorkingCalendar.chinaDefault(), rs), Clock.systemUTC());
    for (int i = 0; i < Integer.parseInt(a[5]); i++) {
      long t0 = System.nanoTime();
      var r = c.region(a[1], s, e);
      long t1 = System.nanoTime();
      System.out.printf("run %d: region %.1f ms (late %d, overdue open %d, recorded late %d, %d orgs)%n",
          i, (t1 - t0) / 1e6, r.late(), r.overdueOpen(), r.overdueFulfilledLate(), r.organizations().size());
      if (i == 0) System.out.println(r.organizations());
    }
  }
}
