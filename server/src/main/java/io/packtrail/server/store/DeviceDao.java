package io.packtrail.server.store;

import io.packtrail.server.domain.Device;
import io.packtrail.server.domain.EnrollmentCode;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.statement.StatementContext;
import org.jdbi.v3.sqlobject.config.RegisterRowMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.locator.UseClasspathSqlLocator;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/** Devices and their enrollment codes; SQL in resources/.../store/DeviceDao/. */
@UseClasspathSqlLocator
@RegisterRowMapper(DeviceDao.DeviceMapper.class)
@RegisterRowMapper(DeviceDao.CodeMapper.class)
public interface DeviceDao {

  /** Stores the code unless its request id is taken; returns whether it was stored. */
  @SqlUpdate("insertCode")
  int insertCode(@Bind("requestId") UUID requestId, @Bind("site") String site,
      @Bind("codeHash") byte[] codeHash, @Bind("now") Instant now,
      @Bind("expireTime") Instant expireTime);

  @SqlQuery("findCode")
  Optional<EnrollmentCode> findCode(@Bind("requestId") UUID requestId);

  /** The code with this hash, locked until the transaction ends. */
  @SqlQuery("lockCodeByHash")
  Optional<EnrollmentCode> lockCodeByHash(@Bind("codeHash") byte[] codeHash);

  /** Marks the code used by the device, with the TLS key digest it asked for (or null). */
  @SqlUpdate("useCode")
  int useCode(@Bind("requestId") UUID requestId, @Bind("device") String device,
      @Bind("tlsKeySha256") byte[] tlsKeySha256, @Bind("now") Instant now);

  /** Whether the enrollment that used the code asked for this TLS key digest (null: none). */
  @SqlQuery("sameTlsKey")
  boolean sameTlsKey(@Bind("requestId") UUID requestId,
      @Bind("tlsKeySha256") byte[] tlsKeySha256);

  /** Stores the device unless its name or public key is taken; returns whether it was. */
  @SqlUpdate("insertDevice")
  int insertDevice(@Bind("site") String site, @Bind("id") String id,
      @Bind("displayName") String displayName, @Bind("publicKey") byte[] publicKey,
      @Bind("enrollmentCode") UUID enrollmentCode, @Bind("now") Instant now);

  @SqlQuery("find")
  Optional<Device> find(@Bind("name") String name);

  /** As {@link #find}, waiting for a retirement in progress (it holds the row) to end. */
  @SqlQuery("findSettled")
  Optional<Device> findSettled(@Bind("name") String name);

  @SqlQuery("findByKey")
  Optional<Device> findByKey(@Bind("publicKey") byte[] publicKey);

  @SqlQuery("list")
  List<Device> list(@Bind("site") String site, @Bind("afterId") String afterId,
      @Bind("limit") int limit);

  @SqlUpdate("retire")
  int retire(@Bind("name") String name, @Bind("now") Instant now);

  final class DeviceMapper implements RowMapper<Device> {
    @Override
    public Device map(ResultSet rs, StatementContext ctx) throws SQLException {
      java.sql.Timestamp retired = rs.getTimestamp("retire_time");
      return new Device(rs.getString("site"), rs.getString("id"), rs.getString("display_name"),
          rs.getBytes("public_key"), Device.Status.valueOf(rs.getString("status")),
          rs.getObject("enrollment_code", UUID.class), rs.getTimestamp("create_time").toInstant(),
          retired == null ? null : retired.toInstant());
    }
  }

  final class CodeMapper implements RowMapper<EnrollmentCode> {
    @Override
    public EnrollmentCode map(ResultSet rs, StatementContext ctx) throws SQLException {
      java.sql.Timestamp used = rs.getTimestamp("use_time");
      return new EnrollmentCode(rs.getObject("request_id", UUID.class), rs.getString("site"),
          rs.getBytes("code_hash"), rs.getTimestamp("create_time").toInstant(),
          rs.getTimestamp("expire_time").toInstant(), used == null ? null : used.toInstant(),
          rs.getString("used_by"));
    }
  }
}
