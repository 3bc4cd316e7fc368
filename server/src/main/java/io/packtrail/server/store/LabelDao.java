package io.packtrail.server.store;

import io.packtrail.server.domain.LabelKeyRecord;
import io.packtrail.server.domain.LabelRecord;
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

/** Label keys, labels, the root key and the trust list version; SQL in LabelDao/. */
@UseClasspathSqlLocator
@RegisterRowMapper(LabelDao.KeyMapper.class)
@RegisterRowMapper(LabelDao.LabelMapper.class)
public interface LabelDao {

  @SqlUpdate("insertKey")
  void insertKey(@Bind("keyId") byte[] keyId, @Bind("organizationId") String organizationId,
      @Bind("publicKey") byte[] publicKey, @Bind("sealed") byte[] sealed,
      @Bind("notBefore") Instant notBefore, @Bind("notAfter") Instant notAfter,
      @Bind("requestId") UUID requestId, @Bind("now") Instant now);

  /** Retires the organisation's active key, if any; returns how many. */
  @SqlUpdate("retireActiveKey")
  int retireActiveKey(@Bind("organizationId") String organizationId, @Bind("now") Instant now);

  @SqlUpdate("revokeKey")
  int revokeKey(@Bind("keyId") byte[] keyId, @Bind("now") Instant now);

  @SqlQuery("findKey")
  Optional<LabelKeyRecord> findKey(@Bind("keyId") byte[] keyId);

  @SqlQuery("findKeyByRequest")
  Optional<LabelKeyRecord> findKeyByRequest(@Bind("requestId") UUID requestId);

  @SqlQuery("findActiveKey")
  Optional<LabelKeyRecord> findActiveKey(@Bind("organizationId") String organizationId);

  @SqlQuery("listKeys")
  List<LabelKeyRecord> listKeys(@Bind("organizationId") String organizationId);

  @SqlQuery("allKeys")
  List<LabelKeyRecord> allKeys();

  @SqlQuery("nextSerial")
  long nextSerial();

  @SqlUpdate("insertLabel")
  void insertLabel(@Bind("serial") long serial, @Bind("unitCode") String unitCode,
      @Bind("keyId") byte[] keyId, @Bind("issuedAt") Instant issuedAt, @Bind("text") String text,
      @Bind("requestId") UUID requestId, @Bind("now") Instant now);

  @SqlQuery("findLabel")
  Optional<LabelRecord> findLabel(@Bind("serial") long serial);

  @SqlQuery("findActiveLabelOfUnit")
  Optional<LabelRecord> findActiveLabelOfUnit(@Bind("unitCode") String unitCode);

  @SqlQuery("findLabelByRequest")
  Optional<LabelRecord> findLabelByRequest(@Bind("requestId") UUID requestId);

  @SqlUpdate("withdrawLabel")
  int withdrawLabel(@Bind("serial") long serial, @Bind("status") String status,
      @Bind("supersededBy") Long supersededBy, @Bind("now") Instant now);

  /** When the label was revoked or superseded; empty while it is active. */
  @SqlQuery("labelWithdrawnAt")
  Optional<Instant> labelWithdrawnAt(@Bind("serial") long serial);

  /** Labels no longer good (revoked or superseded), for the trust list. */
  @SqlQuery("withdrawnLabels")
  List<LabelRecord> withdrawnLabels();

  @SqlQuery("trustListVersion")
  long trustListVersion();

  @SqlUpdate("bumpTrustListVersion")
  void bumpTrustListVersion();

  @SqlQuery("rootKey")
  @RegisterRowMapper(RootKeyMapper.class)
  Optional<RootKey> rootKey();

  @SqlUpdate("insertRootKey")
  int insertRootKey(@Bind("keyId") byte[] keyId, @Bind("publicKey") byte[] publicKey,
      @Bind("sealed") byte[] sealed, @Bind("now") Instant now);

  /** The deployment's root key, private part sealed. */
  record RootKey(byte[] keyId, byte[] publicKey, byte[] privateKeySealed) {}

  final class RootKeyMapper implements RowMapper<RootKey> {
    @Override
    public RootKey map(ResultSet rs, StatementContext ctx) throws SQLException {
      return new RootKey(rs.getBytes("key_id"), rs.getBytes("public_key"),
          rs.getBytes("private_key_sealed"));
    }
  }

  final class KeyMapper implements RowMapper<LabelKeyRecord> {
    @Override
    public LabelKeyRecord map(ResultSet rs, StatementContext ctx) throws SQLException {
      return new LabelKeyRecord(rs.getBytes("key_id"), rs.getString("organization_id"),
          rs.getBytes("public_key"), rs.getBytes("private_key_sealed"),
          rs.getTimestamp("not_before").toInstant(), rs.getTimestamp("not_after").toInstant(),
          LabelKeyRecord.KeyStatus.valueOf(rs.getString("status")),
          rs.getObject("request_id", UUID.class), rs.getTimestamp("create_time").toInstant());
    }
  }

  final class LabelMapper implements RowMapper<LabelRecord> {
    @Override
    public LabelRecord map(ResultSet rs, StatementContext ctx) throws SQLException {
      // getObject, not getLong and wasNull: wasNull answers for the last column read
      return new LabelRecord(rs.getLong("serial"), rs.getString("unit_code"),
          rs.getBytes("key_id"), rs.getString("issuer_id"),
          rs.getTimestamp("issued_at").toInstant(), rs.getString("text"),
          LabelRecord.LabelState.valueOf(rs.getString("status")),
          rs.getObject("superseded_by", Long.class), rs.getObject("request_id", UUID.class));
    }
  }
}
