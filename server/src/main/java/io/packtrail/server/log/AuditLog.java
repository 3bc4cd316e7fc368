package io.packtrail.server.log;

import io.packtrail.server.domain.FailedPreconditionException;
import io.packtrail.server.domain.InvalidArgumentException;
import io.packtrail.server.domain.LogCheckpoint;
import io.packtrail.server.domain.LogEntry;
import io.packtrail.server.domain.NotFoundException;
import io.packtrail.server.domain.PreconditionViolation;
import io.packtrail.server.store.LogDao;
import io.packtrail.server.store.LogHeadDao;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Jdbi;

/**
 * The reads of the verifiable log: checkpoints, inclusion and consistency proofs, entries. "The
 * tree" is the latest checkpoint's: nothing beyond it is answered, so every answer can be
 * checked against a signed root. A proof needs the tiles of its complete subtrees only, read in
 * one query (a handful of rows whatever the tree size), full ones mostly from memory. No transaction: a checkpoint's size is
 * never beyond the integrated tree and tiles only grow, so two plain reads agree.
 */
public final class AuditLog {
  /** The violation type of a tree size beyond the latest checkpoint. */
  public static final String TREE_SIZE = "TREE_SIZE";
  /** The violation type of an entry not in the tree (yet). */
  public static final String LOG_ENTRY = "LOG_ENTRY";

  private final Jdbi jdbi;
  private final LogKey key;
  private final Checkpoints checkpoints;
  private final Integrator integrator;
  private final TileReader tileReader = TileReader.caching(TileReader.CACHED_TILES);

  public AuditLog(Jdbi jdbi, LogKey key, Checkpoints checkpoints, Integrator integrator) {
    this.jdbi = jdbi;
    this.key = key;
    this.checkpoints = checkpoints;
    this.integrator = integrator;
  }

  /** An inclusion proof: the leaf, its index and the audit path in a tree of a size. */
  public record InclusionProof(long logIndex, long treeSize, byte[] leafHash,
      List<byte[]> hashes) {}

  /** A consistency proof between two tree sizes. */
  public record ConsistencyProof(long first, long second, List<byte[]> hashes) {}

  /** An entry with its leaf hash as stored in the tree. */
  public record Leaf(LogEntry entry, byte[] leafHash) {}

  public LogKey key() {
    return key;
  }

  public LogCheckpoint latest() {
    return jdbi.withExtension(LogDao.class, dao -> {
      LogCheckpoint c = dao.latestCheckpoint().orElseThrow(() -> new NotFoundException(
          key.origin(), "checkpoint of the log (none signed yet)"));
      return c.withCosignatures(dao.cosignatures(c.treeSize()));
    });
  }

  public LogCheckpoint checkpoint(long treeSize) {
    return jdbi.withExtension(LogDao.class, dao -> {
      LogCheckpoint c = dao.checkpoint(treeSize).orElseThrow(() -> new NotFoundException(
          "checkpoints/" + treeSize, "checkpoint of tree size " + treeSize + " (latest: "
              + dao.latestCheckpoint().map(LogCheckpoint::treeSize).orElse(0L) + "),"));
      return c.withCosignatures(dao.cosignatures(c.treeSize()));
    });
  }

  /** Integrates what is committed now and signs a checkpoint of it (or answers the existing). */
  public LogCheckpoint createCheckpoint() {
    long head = jdbi.withExtension(LogHeadDao.class, LogHeadDao::currentNextIndex);
    integrator.catchUp(head);
    LogCheckpoint c = checkpoints.signCurrent();
    return jdbi.withExtension(LogDao.class, dao -> c.withCosignatures(
        dao.cosignatures(c.treeSize())));
  }

  /** The log index of an event, by name {@code units/{code}/events/{sequence}}. */
  public long eventIndex(String code, long sequence, String name) {
    return jdbi.withExtension(LogDao.class, dao -> dao.eventLogIndex(code, sequence))
        .orElseThrow(() -> new NotFoundException(name, "event"));
  }

  /**
   * The inclusion proof of the entry at {@code logIndex} in the tree of {@code treeSize}
   * (null: the latest checkpoint's). {@code entryField} names the request field of the entry.
   */
  public InclusionProof inclusion(long logIndex, Long treeSize, String entryField) {
    return jdbi.withHandle(h -> {
      LogDao dao = h.attach(LogDao.class);
      long latest = latestSize(dao);
      long size = treeSize != null ? treeSize : latest;
      checkSize("tree_size", size, latest);
      if (logIndex >= size) {
        if (treeSize != null) {
          throw new InvalidArgumentException(entryField, "log index " + logIndex
              + " is not in a tree of size " + size + " (tree_size): " + (size == 0
                  ? "that tree is empty" : "its leaves are 0 to " + (size - 1)));
        }
        throw new FailedPreconditionException(List.of(new PreconditionViolation(LOG_ENTRY,
            key.origin(), "log index " + logIndex + " is not in the tree yet: the latest "
                + "checkpoint has " + latest + " entries; retry after the next checkpoint or "
                + "call CreateCheckpoint", Map.of("treeSize", Long.toString(latest),
                    "logIndex", Long.toString(logIndex)))));
      }
      var ranges = TreeShape.inclusion(logIndex, size);
      var keys = new java.util.LinkedHashSet<>(Tiles.tilesFor(ranges));
      keys.add(Tiles.tileOf(new TreeShape.Node(0, logIndex)));
      Tiles tiles = tileReader.read(dao, keys);
      return new InclusionProof(logIndex, size, tiles.node(new TreeShape.Node(0, logIndex)),
          tiles.ranges(ranges));
    });
  }

  /** The consistency proof from {@code first} to {@code second} (null: the latest size). */
  public ConsistencyProof consistency(long first, Long second) {
    return jdbi.withHandle(h -> {
      LogDao dao = h.attach(LogDao.class);
      long latest = latestSize(dao);
      if (second != null && first > second) {
        throw new InvalidArgumentException("first_tree_size", "must not exceed "
            + "second_tree_size " + second + ", got " + first);
      }
      long to = second != null ? second : latest;
      checkSize(second != null ? "second_tree_size" : "first_tree_size", Math.max(first, to),
          latest);
      var ranges = TreeShape.consistency(first, to);
      Tiles tiles = tileReader.read(dao, Tiles.tilesFor(ranges));
      return new ConsistencyProof(first, to, tiles.ranges(ranges));
    });
  }

  /** Entries of the tree from {@code start}, at most {@code limit}, with their leaf hashes. */
  public List<Leaf> entries(long start, int limit) {
    return jdbi.withHandle(h -> {
      LogDao dao = h.attach(LogDao.class);
      long latest = latestSize(dao);
      if (start >= latest) {
        return List.of();
      }
      List<LogEntry> entries = dao.entries(start, latest, limit);
      if (entries.isEmpty()) {
        return List.of();
      }
      List<Tiles.Key> keys = new ArrayList<>();
      for (long t = start / Tiles.WIDTH;
          t <= entries.get(entries.size() - 1).logIndex() / Tiles.WIDTH; t++) {
        keys.add(new Tiles.Key(0, t));
      }
      Tiles tiles = tileReader.read(dao, keys);
      List<Leaf> out = new ArrayList<>(entries.size());
      for (LogEntry e : entries) {
        byte[] leaf = tiles.node(new TreeShape.Node(0, e.logIndex()));
        out.add(new Leaf(e, leaf));
      }
      return out;
    });
  }

  /**
   * The registry entries about any of {@code subjects} (resource names) below {@code treeSize},
   * in log order, with their leaf hashes: by the index on (subject, log_index), one query per
   * subject, rather than reading the log from its start.
   */
  public List<Leaf> registryEntries(java.util.Collection<String> subjects, long treeSize) {
    List<Leaf> out = new ArrayList<>();
    jdbi.useExtension(io.packtrail.server.store.RegistryEntryDao.class, dao -> {
      for (String subject : new java.util.TreeSet<>(subjects)) {
        for (io.packtrail.server.domain.RegistryEntry r : dao.listForSubject(subject)) {
          if (r.logIndex() < treeSize) {
            out.add(new Leaf(new LogEntry(r.logIndex(), LogEntry.Kind.REGISTRY, r.type().key(),
                r.subject(), r.canonicalBytes()),
                io.packtrail.client.log.Merkle.leafHash(r.canonicalBytes())));
          }
        }
      }
    });
    out.sort(java.util.Comparator.comparingLong(l -> l.entry().logIndex()));
    return out;
  }

  private long latestSize(LogDao dao) {
    return dao.latestCheckpoint().map(LogCheckpoint::treeSize).orElse(0L);
  }

  private void checkSize(String field, long size, long latest) {
    if (size > latest) {
      throw new FailedPreconditionException(List.of(new PreconditionViolation(TREE_SIZE,
          key.origin(), field + " " + size + " is beyond the tree: the latest checkpoint has "
              + latest + " entries", Map.of("treeSize", Long.toString(latest),
                  "field", field))));
    }
  }
}
