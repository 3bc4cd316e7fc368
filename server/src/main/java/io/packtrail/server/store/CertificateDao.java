package io.packtrail.server.store;

import io.packtrail.server.domain.IssuedCertificate;
import io.packtrail.server.domain.PrincipalUri;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.statement.StatementContext;
import org.jdbi.v3.sqlobject.config.RegisterRowMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.locator.UseClasspathSqlLocator;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/**
 * The deployment PKI: its CA (certificate and sealed private key) and every certificate it
 * issued, with revocations. SQL in CertificateDao/.
 */
@UseClasspathSqlLocator
@RegisterRowMapper(CertificateDao.CaMapper.class)
@RegisterRowMapper(CertificateDao.IssuedMapper.class)
public interface CertificateDao {
  /** The CA: its DER certificate and its PKCS#8 private key sealed. */
  record Ca(byte[] certificate, byte[] privateKeySealed) {}

  @SqlQuery("ca")
  Optional<Ca> ca();

  /** Stores the CA unless there is one; returns whether it was stored. */
  @SqlUpdate("insertCa")
  int insertCa(@Bind("certificate") byte[] certificate, @Bind("sealed") byte[] sealed,
      @Bind("now") Instant now);

  /**
   * Records an issued certificate; 0 when it is a device certificate for a device and key that
   * has one already (a retried enrollment).
   */
  @SqlUpdate("insert")
  int insert(@Bind("serial") String serial, @Bind("kind") String kind,
      @Bind("principal") String principal, @Bind("commonName") String commonName,
      @Bind("organization") String organization, @Bind("site") String site,
      @Bind("device") String device, @Bind("publicKeySha256") byte[] publicKeySha256,
      @Bind("notBefore") Instant notBefore, @Bind("notAfter") Instant notAfter,
      @Bind("certificate") byte[] certificate, @Bind("now") Instant now);

  @SqlQuery("find")
  Optional<IssuedCertificate> find(@Bind("serial") String serial);

  /** The certificate a device's enrollment issued for this key. */
  @SqlQuery("findDevice")
  Optional<IssuedCertificate> findDevice(@Bind("device") String device,
      @Bind("publicKeySha256") byte[] publicKeySha256);

  /** Whether the device has a certificate, for any key, revoked or not. */
  @SqlQuery("hasDeviceCertificate")
  boolean hasDeviceCertificate(@Bind("device") String device);

  /** Every issued certificate, oldest first. */
  @SqlQuery("list")
  List<IssuedCertificate> list();

  /** Revokes a certificate not revoked yet; returns whether it did. */
  @SqlUpdate("revoke")
  int revoke(@Bind("serial") String serial, @Bind("now") Instant now,
      @Bind("reason") String reason);

  /** Revokes every unrevoked certificate of a device (it was retired). */
  @SqlUpdate("revokeDevice")
  int revokeDevice(@Bind("device") String device, @Bind("now") Instant now,
      @Bind("reason") String reason);

  final class CaMapper implements RowMapper<Ca> {
    @Override
    public Ca map(ResultSet rs, StatementContext ctx) throws SQLException {
      return new Ca(rs.getBytes("certificate"), rs.getBytes("private_key_sealed"));
    }
  }

  final class IssuedMapper implements RowMapper<IssuedCertificate> {
    @Override
    public IssuedCertificate map(ResultSet rs, StatementContext ctx) throws SQLException {
      String serial = rs.getString("serial");
      String principal = rs.getString("principal");
      Timestamp revoked = rs.getTimestamp("revoke_time");
      return new IssuedCertificate(serial,
          principal == null ? null : PrincipalUri.parse(principal, serial),
          rs.getString("common_name"), rs.getTimestamp("not_before").toInstant(),
          rs.getTimestamp("not_after").toInstant(), rs.getBytes("certificate"),
          rs.getTimestamp("issue_time").toInstant(),
          revoked == null ? null : revoked.toInstant(), rs.getString("revocation_reason"));
    }
  }
}
