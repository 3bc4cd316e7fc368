// Times the reporting-deadline queries (docs/benchmarks.md, "Reporting deadlines"): a
// single-file program run with the server jar on the class path, against a demo database.
import io.packtrail.server.app.Compliance;
import io.packtrail.server.domain.*;
import io.packtrail.server.store.*;
import java.time.*;

public class DeadlineTiming {
  public static void main(String[] a) throws Exception {
    Database db = Database.open(a[0], "postgres", "", 4);
    Storage st = new JdbiStorage(db.jdbi());
    Instant s = Instant.parse("2019-01-01T00:00:00Z"), e = Instant.parse("2027-01-01T00:00:00Z");
    for (String start : new String[] {null, "2026-11-01"}) {
      Instant rs = start == null ? null : LocalDate.parse(start).atStartOfDay().toInstant(ReportingDeadlines.CHINA);
      Compliance c = new Compliance(st, new ReportingDeadlines(WorkingCalendar.chinaDefault(), rs), Clock.systemUTC());
      for (int i = 0; i < 6; i++) {
        long t0 = System.nanoTime();
        var r = c.region("620000", s, e);
        long t1 = System.nanoTime();
        var page = c.late(Principal.LOCAL, new Compliance.Filter("620000", null, s, e), -1, 101);
        long t2 = System.nanoTime();
        var over = c.overdue(Principal.LOCAL, new Compliance.Filter("620000", null, s, e), false, -1, 101);
        long t3 = System.nanoTime();
        System.out.printf("reportingStart=%s run %d: region %.1f ms (late %d, overdue open %d, recorded late %d); late page of 100 %.1f ms; overdue page %.1f ms%n",
            start, i, (t1 - t0) / 1e6, r.late(), r.overdueOpen(), r.overdueFulfilledLate(), (t2 - t1) / 1e6, (t3 - t2) / 1e6);
      }
    }
    System.out.println(db.jdbi().withHandle(h -> h.createQuery("SELECT count(*) FROM event").mapTo(Long.class).one()) + " events");
  }
}
