package io.packtrail.server.store;

import io.packtrail.server.domain.RegionalOverview;
import io.packtrail.server.domain.Site;
import java.time.Instant;
import java.util.List;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.config.RegisterRowMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.locator.UseClasspathSqlLocator;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/** The figures of a region: its sites are those whose region code begins with a prefix. */
@UseClasspathSqlLocator
public interface RegionDao {
  /**
   * Units per counter of the overview and their mass, per city with a site in the region, over
   * [start, end): the whole UTC days [wholeFrom, wholeTo) from region_day_count where integrated,
   * the rest from the events ({@code headEnd}: the end of the partial first day, or {@code end}).
   */
  @SqlQuery("steps")
  @RegisterConstructorMapper(StepRow.class)
  List<StepRow> steps(@Bind("prefix") String prefix, @Bind("startTime") Instant start,
      @Bind("headEnd") Instant headEnd, @Bind("wholeFrom") Instant wholeFrom,
      @Bind("wholeTo") Instant wholeTo, @Bind("endTime") Instant end);

  /** One city's units and mass of one counter (null: a city with no steps in the period). */
  record StepRow(String city, String counter, long units, double massKg) {}

  /**
   * Counts the events among the log entries [fromIndex, toIndex) ahead for the overview (called
   * by the log's integrator in the transaction that integrates them).
   */
  @SqlUpdate("countDays")
  void countDays(@Bind("fromIndex") long fromIndex, @Bind("toIndex") long toIndex);

  /** The region's dismantling lines and recycling plants, by name. */
  @SqlQuery("plants")
  @RegisterRowMapper(Rows.SiteMapper.class)
  List<Site> plants(@Bind("prefix") String prefix);
}
