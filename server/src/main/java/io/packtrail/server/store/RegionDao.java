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

/** The figures of a region: its sites are those whose region code begins with a prefix. */
@UseClasspathSqlLocator
public interface RegionDao {
  @SqlQuery("stepCounts")
  @RegisterConstructorMapper(RegionalOverview.StepCounts.class)
  RegionalOverview.StepCounts stepCounts(@Bind("prefix") String prefix,
      @Bind("startTime") Instant start, @Bind("endTime") Instant end);

  /** Collected, received and recycled mass per city code (cities with a site in the region). */
  @SqlQuery("cityTonnage")
  @RegisterConstructorMapper(CityMass.class)
  List<CityMass> cityTonnage(@Bind("prefix") String prefix, @Bind("startTime") Instant start,
      @Bind("endTime") Instant end);

  record CityMass(String city, double collectedKg, double receivedKg, double recycledKg) {}

  /** The region's dismantling lines and recycling plants, by name. */
  @SqlQuery("plants")
  @RegisterRowMapper(Rows.SiteMapper.class)
  List<Site> plants(@Bind("prefix") String prefix);
}
