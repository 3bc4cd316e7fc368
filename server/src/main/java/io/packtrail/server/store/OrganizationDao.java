package io.packtrail.server.store;

import io.packtrail.server.domain.Organization;
import io.packtrail.server.domain.OrganizationRole;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.sqlobject.config.RegisterRowMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.customizer.BindMethods;
import org.jdbi.v3.sqlobject.locator.UseClasspathSqlLocator;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/** Organisations; SQL in resources/io/packtrail/server/store/OrganizationDao/. */
@UseClasspathSqlLocator
@RegisterRowMapper(Rows.OrganizationMapper.class)
public interface OrganizationDao {

  /** Inserts unless the id is taken; returns whether it inserted. */
  default boolean insertIfAbsent(Organization organization) {
    return insert(organization, Rows.names(organization.roles())) == 1;
  }

  @SqlUpdate("insert")
  int insert(@BindMethods("o") Organization organization, @Bind("roles") String[] roles);

  @SqlQuery("find")
  Optional<Organization> find(@Bind("id") String id);

  default List<Organization> list(String afterId, OrganizationRole role, String regionPrefix,
      int limit) {
    return list(afterId, role == null ? null : role.name(), regionPrefix, limit);
  }

  @SqlQuery("list")
  List<Organization> list(@Bind("afterId") String afterId, @Bind("role") String role,
      @Bind("regionPrefix") String regionPrefix, @Bind("limit") int limit);
}
