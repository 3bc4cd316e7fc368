package io.packtrail.server.store;

import io.packtrail.server.domain.RegistryEntry;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.statement.StatementContext;
import org.jdbi.v3.sqlobject.config.RegisterRowMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.customizer.BindMethods;
import org.jdbi.v3.sqlobject.locator.UseClasspathSqlLocator;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/**
 * The append-only registry entries of the log (table registry_entry); written only through
 * {@link RegistryLog}. SQL in resources/io/packtrail/server/store/RegistryEntryDao/.
 */
@UseClasspathSqlLocator
@RegisterRowMapper(RegistryEntryDao.EntryMapper.class)
public interface RegistryEntryDao {

  @SqlUpdate("insert")
  void insert(@BindMethods("e") RegistryEntry entry, @Bind("type") String type);

  /** Entries from a log index on, in log order. */
  @SqlQuery("listFromLogIndex")
  List<RegistryEntry> listFromLogIndex(@Bind("start") long start, @Bind("limit") int limit);

  /** The entries about one resource (its name), in log order. */
  @SqlQuery("listForSubject")
  List<RegistryEntry> listForSubject(@Bind("subject") String subject);

  // ---- for RegistryBackfill: registry rows and the entries already written ----

  /** Every entry as "{entry_type} {subject}". */
  @SqlQuery("subjects")
  java.util.Set<String> subjects();

  @SqlQuery("allOrganizations")
  @RegisterRowMapper(Rows.OrganizationMapper.class)
  List<io.packtrail.server.domain.Organization> allOrganizations();

  @SqlQuery("allSites")
  @RegisterRowMapper(Rows.SiteMapper.class)
  List<io.packtrail.server.domain.Site> allSites();

  /** Every label key with the time of its status (when it was retired or revoked). */
  @SqlQuery("allKeys")
  @RegisterRowMapper(KeyAtMapper.class)
  List<KeyAt> allKeys();

  @SqlQuery("allDevices")
  @RegisterRowMapper(DeviceDao.DeviceMapper.class)
  List<io.packtrail.server.domain.Device> allDevices();

  /** A label key and the time its status was set. */
  record KeyAt(io.packtrail.server.domain.LabelKeyRecord key, java.time.Instant statusTime) {}

  final class KeyAtMapper implements RowMapper<KeyAt> {
    @Override
    public KeyAt map(ResultSet rs, StatementContext ctx) throws SQLException {
      return new KeyAt(new LabelDao.KeyMapper().map(rs, ctx),
          rs.getTimestamp("status_time").toInstant());
    }
  }

  final class EntryMapper implements RowMapper<RegistryEntry> {
    @Override
    public RegistryEntry map(ResultSet rs, StatementContext ctx) throws SQLException {
      return new RegistryEntry(rs.getLong("log_index"),
          RegistryEntry.Type.valueOf(rs.getString("entry_type").toUpperCase(java.util.Locale.ROOT)),
          rs.getString("subject"), rs.getTimestamp("record_time").toInstant(),
          rs.getBytes("canonical_bytes"));
    }
  }
}
