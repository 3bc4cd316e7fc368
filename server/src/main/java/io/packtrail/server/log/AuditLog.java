package io.packtrail.server.log;

import io.packtrail.client.log.Checkpoint;
import io.packtrail.client.log.Cosignature;
import io.packtrail.client.log.LogVerificationException;
import io.packtrail.client.log.SignedNote;
import io.packtrail.client.log.VerifierKey;
import io.packtrail.server.domain.Authorization;
import io.packtrail.server.domain.FailedPreconditionException;
import io.packtrail.server.domain.InvalidArgumentException;
import io.packtrail.server.domain.LogCheckpoint;
import io.packtrail.server.domain.LogEntry;
import io.packtrail.server.domain.LogEntryFilter;
import io.packtrail.server.domain.NotFoundException;
import io.packtrail.server.domain.PreconditionViolation;
import io.packtrail.server.store.LogDao;
import io.packtrail.server.store.LogHeadDao;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
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
  /** The violation type of a cosignature of a checkpoint the log did not sign. */
  public static final String CHECKPOINT = "CHECKPOINT";
  /** The latest cosignature time stored: timestamps and google.protobuf.Timestamp end there. */
  static final long LATEST_COSIGNATURE_TIME = Instant.parse("9999-12-31T23:59:59Z")
      .getEpochSecond();

  private static final java.util.HexFormat HEX = java.util.HexFormat.of();

  private final Jdbi jdbi;
  private final LogKey key;
  private final Checkpoints checkpoints;
  private final Integrator integrator;
  private final List<VerifierKey> witnesses;
  private final Clock clock;
  private final TileReader tileReader = TileReader.caching(TileReader.CACHED_TILES);

  /** {@code witnesses}: the witness keys (type 0x04) whose cosignatures are accepted. */
  public AuditLog(Jdbi jdbi, LogKey key, Checkpoints checkpoints, Integrator integrator,
      List<VerifierKey> witnesses, Clock clock) {
    this.jdbi = jdbi;
    this.key = key;
    this.checkpoints = checkpoints;
    this.integrator = integrator;
    this.witnesses = List.copyOf(witnesses);
    this.clock = clock;
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

  /**
   * The latest checkpoint carrying at least {@code minCosignatures} (at least 1) cosignatures,
   * with them: NOT_FOUND when none has that many yet.
   */
  public LogCheckpoint latestCosigned(int minCosignatures) {
    if (minCosignatures < 1) {
      throw new IllegalArgumentException("at least one cosignature, not " + minCosignatures);
    }
    if (minCosignatures > witnesses.size()) {
      // more than can ever be: no need to read every cosignature to say so
      throw new NotFoundException(key.origin(), "checkpoint of the log with at least "
          + minCosignatures + " cosignature(s) (this log accepts cosignatures from "
          + witnesses.size() + " witness(es)),");
    }
    // only the witnesses configured now count: one removed since vouches for nothing
    String[] counted = witnesses.stream().map(w -> w.name() + " "
        + java.util.HexFormat.of().formatHex(w.keyHash())).toArray(String[]::new);
    return jdbi.withExtension(LogDao.class, dao -> {
      LogCheckpoint c = dao.latestCosignedCheckpoint(minCosignatures, counted).orElseThrow(
          () -> new NotFoundException(key.origin(), "checkpoint of the log with at least "
              + minCosignatures + " cosignature(s) (none cosigned by that many witnesses yet),"));
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

  /**
   * Adds a witness's cosignature {@code line} of {@code cosigned} (a checkpoint of this log's
   * origin; the caller parsed both) and answers the checkpoint with its cosignatures. In order:
   * the witness key must be configured (else PERMISSION_DENIED, naming the key name only, so the
   * answer does not tell which keys are), the log must have signed that checkpoint, size and root
   * (else FAILED_PRECONDITION, type {@link #CHECKPOINT}), and the cosignature must verify over
   * the stored checkpoint's note text (else INVALID_ARGUMENT on {@code lineField}). The first
   * cosignature of a witness key for a checkpoint is kept; later ones answer it.
   */
  public LogCheckpoint addCosignature(Checkpoint cosigned, SignedNote.Signature line,
      String lineField) {
    // the line's key name is any caller's text (DEL, C1 controls, bidirectional overrides
    // pass the note format): escaped as every echo of a caller's text is, since this message
    // is logged as well as answered
    String named = io.packtrail.server.domain.Text.echo(line.keyName());
    VerifierKey witness = witnesses.stream().filter(w -> w.matches(line)).findFirst()
        .orElseThrow(() -> new Authorization.Denied(Authorization.Scope.WITNESS_KEY,
            witnesses.stream().anyMatch(
            w -> w.name().equals(line.keyName()))
            ? "the key witness " + named + " cosigned with is not the one this log "
                + "accepts from it (serve --witness-key)"
            : "witness " + named + " is not a witness of this log: it accepts "
                + "cosignatures only from the witness keys it is configured with (serve "
                + "--witness-key)"));
    return jdbi.inTransaction(h -> {
      LogDao dao = h.attach(LogDao.class);
      long size = cosigned.size();
      String subject = "checkpoints/" + size;
      LogCheckpoint stored = dao.checkpoint(size).orElseThrow(() -> {
        long latest = latestSize(dao);
        return new FailedPreconditionException(List.of(new PreconditionViolation(CHECKPOINT,
            subject, "the log signed no checkpoint of tree size " + size + " (latest: "
                + latest + "); cosign a checkpoint the log served", Map.of("treeSize",
                    Long.toString(size), "latestTreeSize", Long.toString(latest)))));
      });
      if (!java.util.Arrays.equals(stored.rootHash(), cosigned.rootHash())) {
        throw new FailedPreconditionException(List.of(new PreconditionViolation(CHECKPOINT,
            subject, "the log's checkpoint of tree size " + size + " has the root "
                + HEX.formatHex(stored.rootHash()) + ", not "
                + HEX.formatHex(cosigned.rootHash()) + ", the root the witness cosigned",
            Map.of("treeSize", Long.toString(size),
                "rootHash", HEX.formatHex(stored.rootHash())))));
      }
      byte[] body;
      try {
        body = SignedNote.parse(stored.note()).body();
      } catch (LogVerificationException e) {
        throw new IllegalStateException("stored checkpoint " + size + " is not a note", e);
      }
      long time;
      try {
        time = Cosignature.verify(body, line, witness);
      } catch (LogVerificationException e) {
        throw new InvalidArgumentException(lineField, "the cosignature of witness "
            + witness.name() + " does not verify over the log's checkpoint of tree size " + size
            + ": " + e.getMessage());
      }
      if (time > LATEST_COSIGNATURE_TIME) {
        throw new InvalidArgumentException(lineField, "the cosignature's time " + time
            + " is after 9999-12-31T23:59:59Z");
      }
      dao.insertCosignature(size, witness.name(), witness.keyHash(), line.line(),
          Instant.ofEpochSecond(time), clock.instant().truncatedTo(ChronoUnit.MICROS));
      return stored.withCosignatures(dao.cosignatures(size));
    });
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
    return entries(start, limit, LogEntryFilter.parse(""));
  }

  /**
   * The entries of the tree from {@code start} that {@code filter} keeps, at most {@code limit},
   * with their leaf hashes.
   */
  public List<Leaf> entries(long start, int limit, LogEntryFilter filter) {
    return jdbi.withHandle(h -> {
      LogDao dao = h.attach(LogDao.class);
      long latest = latestSize(dao);
      if (start >= latest) {
        return List.of();
      }
      List<LogEntry> entries;
      if (filter.all()) {
        entries = dao.entries(start, latest, limit);
      } else {
        entries = dao.entriesAbout(start, latest, limit,
            filter.subjects().toArray(String[]::new), filter.units().toArray(String[]::new),
            filter.events().stream().map(LogEntryFilter.EventKey::code).toArray(String[]::new),
            filter.events().stream().mapToLong(LogEntryFilter.EventKey::sequence).toArray());
      }
      if (entries.isEmpty()) {
        return List.of();
      }
      // the level-0 tiles holding the listed leaves (sparse when filtered)
      java.util.Set<Tiles.Key> keys = new java.util.LinkedHashSet<>();
      for (LogEntry e : entries) {
        keys.add(new Tiles.Key(0, e.logIndex() / Tiles.WIDTH));
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
   * in log order, with their leaf hashes: the ListLogEntries subject filter's read, at most
   * {@link LogEntryFilter#MAX_TERMS} subjects a query.
   */
  public List<Leaf> registryEntries(java.util.Collection<String> subjects, long treeSize) {
    List<String> names = new ArrayList<>(new java.util.TreeSet<>(subjects));
    List<Leaf> out = new ArrayList<>();
    for (int from = 0; from < names.size(); from += LogEntryFilter.MAX_TERMS) {
      LogEntryFilter about = new LogEntryFilter(java.util.Set.copyOf(names.subList(from,
          Math.min(names.size(), from + LogEntryFilter.MAX_TERMS))), java.util.Set.of(),
          List.of());
      for (Leaf leaf : entries(0, Integer.MAX_VALUE, about)) {
        if (leaf.entry().kind() == LogEntry.Kind.REGISTRY && leaf.entry().logIndex() < treeSize) {
          out.add(leaf);
        }
      }
    }
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
