package io.packtrail.server.store;

import io.packtrail.server.domain.Site;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.sqlobject.config.RegisterRowMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.customizer.BindMethods;
import org.jdbi.v3.sqlobject.locator.UseClasspathSqlLocator;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/** Sites; SQL in resources/io/packtrail/server/store/SiteDao/. */
@UseClasspathSqlLocator
@RegisterRowMapper(Rows.SiteMapper.class)
public interface SiteDao {

  default boolean insertIfAbsent(Site site) {
    return insert(site, site.kind().name()) == 1;
  }

  @SqlUpdate("insert")
  int insert(@BindMethods("s") Site site, @Bind("kind") String kind);

  @SqlQuery("find")
  Optional<Site> find(@Bind("name") String name);

  /** The site with its organisation's roles, as the lifecycle rules see a recording site. */
  @SqlQuery("findActor")
  @RegisterRowMapper(Rows.ActorMapper.class)
  Optional<io.packtrail.server.domain.Actor> findActor(@Bind("name") String name);

  /** Sites of one organisation, or of all when organizationId is null, ordered by name. */
  @SqlQuery("list")
  List<Site> list(@Bind("organizationId") String organizationId, @Bind("afterName") String afterName,
      @Bind("limit") int limit);
}
