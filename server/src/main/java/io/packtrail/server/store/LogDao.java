package io.packtrail.server.store;

import io.packtrail.server.domain.LogCheckpoint;
import io.packtrail.server.domain.LogEntry;
import java.sql.ResultSet;
import java.sql.SQLException;
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
 * The verifiable log's storage: the integrator's progress, the tree's tiles, the log key, the
 * checkpoints and their cosignatures, and the entries (events and registry entries) in log
 * order. SQL in LogDao/.
 */
@UseClasspathSqlLocator
@RegisterRowMapper(LogDao.ProgressMapper.class)
@RegisterRowMapper(LogDao.TileMapper.class)
@RegisterRowMapper(LogDao.EntryMapper.class)
@RegisterRowMapper(LogDao.CheckpointMapper.class)
@RegisterRowMapper(LogDao.CosignatureMapper.class)
@RegisterRowMapper(LogDao.KeyMapper.class)
public interface LogDao {
  /** How far the integrator got: entries 0..treeSize-1 are in the tree, whose root this is. */
  record Progress(long treeSize, byte[] rootHash) {}

  /** One tile: the hashes of tree level 8*level, nodes index*256 onwards. */
  record Tile(int level, long index, byte[] hashes) {}

  /** The log's signing key, private part sealed; its name is the origin. */
  record Key(String origin, byte[] keyHash, byte[] publicKey, byte[] privateKeySealed) {}

  @SqlQuery("progress")
  Progress progress();

  /**
   * How many committed entries are not in the tree yet (a read without a transaction: an idle
   * integrator costs one statement and never a commit).
   */
  @SqlQuery("backlog")
  long backlog();

  /** Whether the integrated tree's size has no checkpoint yet. */
  @SqlQuery("unsigned")
  boolean unsigned();

  /** Locks the progress row for this transaction, waiting for another integrator. */
  @SqlQuery("lockProgress")
  Progress lockProgress();

  /** Locks the progress row for this transaction, or empty when another integrator holds it. */
  @SqlQuery("tryLockProgress")
  Optional<Progress> tryLockProgress();

  /** Moves the progress from {@code previous}; 0 when it was not there any more. */
  @SqlUpdate("setProgress")
  int setProgress(@Bind("previous") long previous, @Bind("size") long size,
      @Bind("root") byte[] root, @Bind("now") Instant now);

  /** Entries with from <= log_index < to, in log order, at most {@code limit}. */
  @SqlQuery("entries")
  List<LogEntry> entries(@Bind("from") long from, @Bind("to") long to, @Bind("limit") int limit);

  /**
   * As {@link #entries}, only those about the given subjects: every event of the units
   * {@code units}, the events (eventCodes[i], eventSequences[i]), the registry entries whose
   * subject is in {@code subjects}.
   */
  @SqlQuery("entriesAbout")
  List<LogEntry> entriesAbout(@Bind("from") long from, @Bind("to") long to,
      @Bind("limit") int limit, @Bind("subjects") String[] subjects,
      @Bind("units") String[] units, @Bind("eventCodes") String[] eventCodes,
      @Bind("eventSequences") long[] eventSequences);

  @SqlQuery("tiles")
  List<Tile> tiles(@Bind("levels") int[] levels, @Bind("indexes") long[] indexes);

  @SqlUpdate("putTile")
  void putTile(@Bind("level") int level, @Bind("index") long index,
      @Bind("hashes") byte[] hashes);

  @SqlQuery("logKey")
  Optional<Key> logKey();

  /** Stores the log key unless one exists (another instance made it first); returns rows. */
  @SqlUpdate("insertLogKey")
  int insertLogKey(@Bind("origin") String origin, @Bind("keyHash") byte[] keyHash,
      @Bind("publicKey") byte[] publicKey, @Bind("sealed") byte[] sealed,
      @Bind("now") Instant now);

  /** Stores a checkpoint unless one of that size exists; returns the rows inserted. */
  @SqlUpdate("insertCheckpoint")
  int insertCheckpoint(@Bind("size") long size, @Bind("root") byte[] root,
      @Bind("note") String note, @Bind("now") Instant now);

  @SqlQuery("checkpoint")
  Optional<LogCheckpoint> checkpoint(@Bind("size") long size);

  @SqlQuery("latestCheckpoint")
  Optional<LogCheckpoint> latestCheckpoint();

  /** The latest checkpoint with at least {@code min} cosignatures. */
  @SqlQuery("latestCosignedCheckpoint")
  Optional<LogCheckpoint> latestCosignedCheckpoint(@Bind("min") int min,
      @Bind("witnesses") String[] witnesses);

  @SqlQuery("cosignatures")
  List<LogCheckpoint.Cosignature> cosignatures(@Bind("size") long size);

  /** Stores a witness's cosignature unless that key has one for that size; returns rows. */
  @SqlUpdate("insertCosignature")
  int insertCosignature(@Bind("size") long size, @Bind("keyName") String keyName,
      @Bind("keyHash") byte[] keyHash, @Bind("line") String line,
      @Bind("cosigned") Instant cosigned, @Bind("now") Instant now);

  @SqlQuery("eventLogIndex")
  Optional<Long> eventLogIndex(@Bind("code") String code, @Bind("sequence") long sequence);

  final class ProgressMapper implements RowMapper<Progress> {
    @Override
    public Progress map(ResultSet rs, StatementContext ctx) throws SQLException {
      return new Progress(rs.getLong("tree_size"), rs.getBytes("root_hash"));
    }
  }

  final class TileMapper implements RowMapper<Tile> {
    @Override
    public Tile map(ResultSet rs, StatementContext ctx) throws SQLException {
      return new Tile(rs.getInt("level"), rs.getLong("idx"), rs.getBytes("hashes"));
    }
  }

  final class EntryMapper implements RowMapper<LogEntry> {
    @Override
    public LogEntry map(ResultSet rs, StatementContext ctx) throws SQLException {
      return new LogEntry(rs.getLong("log_index"), LogEntry.Kind.valueOf(rs.getString("kind")),
          rs.getString("entry_type"), rs.getString("subject"), rs.getBytes("canonical_bytes"));
    }
  }

  final class CheckpointMapper implements RowMapper<LogCheckpoint> {
    @Override
    public LogCheckpoint map(ResultSet rs, StatementContext ctx) throws SQLException {
      return new LogCheckpoint(rs.getLong("tree_size"), rs.getBytes("root_hash"),
          rs.getString("note"), rs.getTimestamp("create_time").toInstant(), List.of());
    }
  }

  final class CosignatureMapper implements RowMapper<LogCheckpoint.Cosignature> {
    @Override
    public LogCheckpoint.Cosignature map(ResultSet rs, StatementContext ctx)
        throws SQLException {
      return new LogCheckpoint.Cosignature(rs.getString("key_name"), rs.getBytes("key_hash"),
          rs.getString("signature_line"), rs.getTimestamp("cosigned_time").toInstant(),
          rs.getTimestamp("receive_time").toInstant());
    }
  }

  final class KeyMapper implements RowMapper<Key> {
    @Override
    public Key map(ResultSet rs, StatementContext ctx) throws SQLException {
      return new Key(rs.getString("origin"), rs.getBytes("key_hash"), rs.getBytes("public_key"),
          rs.getBytes("private_key_sealed"));
    }
  }
}
