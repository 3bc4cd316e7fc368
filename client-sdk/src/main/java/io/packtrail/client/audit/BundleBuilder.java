package io.packtrail.client.audit;

import io.packtrail.client.PacktrailClient;
import io.packtrail.client.canonical.Canonical;
import io.packtrail.client.label.LabelCodec;
import io.packtrail.v1.Event;
import io.packtrail.v1.LogEntry;
import io.packtrail.v1.Unit;
import io.packtrail.client.log.LogVerificationException;
import io.packtrail.client.log.WitnessPolicy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Collects a unit's audit bundle from an {@link AuditSource} (a server over gRPC, or a server's
 * own services): a checkpoint covering every event (by default the latest one witnesses
 * cosigned, else a fresh one; {@link Anchor}), with the cosignatures it carries, each event's
 * inclusion proof in it,
 * the signed labels the steps scanned, the registry entries about the sites, organisations,
 * devices, labels and label keys the events name (read by subject through the server's
 * indexes) with theirs, and the log's verifier key.
 */
public final class BundleBuilder {
  private BundleBuilder() {}

  /**
   * How a bundle chooses the checkpoint its proofs are against, given the tree size it must
   * cover (the last event's log index + 1). The chosen checkpoint travels in the bundle with the
   * cosignature lines the log served with it ({@link WitnessPolicy#note}).
   */
  @FunctionalInterface
  public interface Anchor {
    io.packtrail.v1.Checkpoint choose(AuditSource source, long coveringSize);

    /**
     * The latest cosigned checkpoint when it covers the events (so the bundle carries its
     * witnesses' cosignatures), else a fresh checkpoint (which carries any cosignatures already
     * received for its size). The default.
     */
    static Anchor cosignedOrFresh() {
      return (source, covering) -> source.latestCosignedCheckpoint(1)
          .filter(c -> c.getTreeSize() >= covering)
          .orElseGet(source::createCheckpoint);
    }

    /**
     * A checkpoint covering the events that at least {@code policy.required()} (at least 1) of
     * the policy's witnesses cosigned, verified under the log's key: the latest cosigned one the
     * log serves. A fresh checkpoint is signed first so that witnesses have one covering the
     * events to cosign; then the log is asked again every {@code poll} until {@code wait} has
     * passed (zero: once).
     *
     * @throws NotCosignedException when no such checkpoint came within {@code wait}
     */
    static Anchor cosigned(WitnessPolicy policy, Duration wait, Duration poll) {
      return (source, covering) -> {
        int required = Math.max(1, policy.required());
        io.packtrail.client.log.VerifierKey logKey;
        try {
          logKey = io.packtrail.client.log.VerifierKey.parse(source.logVerifierKey());
        } catch (LogVerificationException e) {
          throw new IllegalStateException("the log's verifier key is not one: " + e.getMessage(),
              e);
        }
        io.packtrail.v1.Checkpoint fresh = source.createCheckpoint();
        long deadline = System.nanoTime() + wait.toNanos();
        String last = "no checkpoint of the log is cosigned by " + required + " witness(es)";
        while (true) {
          java.util.Optional<io.packtrail.v1.Checkpoint> c =
              source.latestCosignedCheckpoint(required);
          if (c.isPresent() && c.get().getTreeSize() < covering) {
            last = "the latest checkpoint cosigned by " + required + " witness(es) has tree size "
                + c.get().getTreeSize() + ", below " + covering + " (the events' last log index "
                + "+ 1); the checkpoint of size " + fresh.getTreeSize() + " awaits cosignatures";
          } else if (c.isPresent()) {
            try {
              policy.verify(c.get(), logKey);
              return c.get();
            } catch (LogVerificationException e) {
              last = "the latest checkpoint cosigned by " + required + " witness(es), of tree "
                  + "size " + c.get().getTreeSize() + ", does not pass the witness policy: "
                  + e.getMessage();
            }
            // the log counts every witness it accepts; the policy's own may have cosigned the
            // checkpoint signed for them above while others cosigned a later one
            if (c.get().getTreeSize() != fresh.getTreeSize()) {
              java.util.Optional<io.packtrail.v1.Checkpoint> mine =
                  source.checkpoint(fresh.getTreeSize());
              if (mine.isPresent()) {
                try {
                  policy.verify(mine.get(), logKey);
                  return mine.get();
                } catch (LogVerificationException e) {
                  // not (yet) cosigned as the policy requires: wait on
                }
              }
            }
          }
          long left = deadline - System.nanoTime();
          if (left <= 0) {
            throw new NotCosignedException(last);
          }
          try {
            Thread.sleep(Math.max(1, Math.min(poll.toMillis(), left / 1_000_000)));
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new NotCosignedException(last + " (interrupted while waiting)");
          }
        }
      };
    }
  }

  /** No checkpoint covering the events is cosigned as required (yet). */
  public static final class NotCosignedException extends RuntimeException {
    public NotCosignedException(String message) {
      super(message);
    }
  }

  /** The bundle of one unit, {@code unitCode} without {@code units/}. */
  public static AuditBundle collect(PacktrailClient client, String unitCode) {
    return collect(AuditSource.of(client), unitCode);
  }

  /** The bundle of one unit from any source (the server builds reports with its own). */
  public static AuditBundle collect(AuditSource source, String unitCode) {
    return collect(source, unitCode, Anchor.cosignedOrFresh());
  }

  /** The bundle of one unit, its checkpoint chosen by {@code anchor}. */
  public static AuditBundle collect(AuditSource source, String unitCode, Anchor anchor) {
    return collect(source, "units/" + unitCode, List.of(unitCode), anchor);
  }

  /**
   * The bundle of a unit whose events the caller already read: proofs for exactly these events
   * (a report shows the history it checked, not one read again).
   */
  public static AuditBundle of(AuditSource source, Unit unit, List<Event> events) {
    return collect(source, "units/" + unit.getCode(), List.of(unit), List.of(events),
        Anchor.cosignedOrFresh());
  }

  /**
   * The bundle of a material lot ({@code materialLots/{id}}): the histories of every unit of its
   * ancestry (GetLineage, ancestors), one of which records the recycling step that made it.
   */
  public static AuditBundle collectLot(PacktrailClient client, String lot) {
    return collectLot(client, lot, Anchor.cosignedOrFresh());
  }

  /** The bundle of a material lot, its checkpoint chosen by {@code anchor}. */
  public static AuditBundle collectLot(PacktrailClient client, String lot, Anchor anchor) {
    io.packtrail.v1.GetLineageResponse lineage = client.getLineage(
        io.packtrail.v1.GetLineageRequest.newBuilder().setName(lot)
            .setDirection(io.packtrail.v1.LineageDirection.LINEAGE_DIRECTION_ANCESTORS).build());
    if (lineage.getTruncated()) {
      throw new IllegalStateException(lot + " has more ancestors than one lineage answer holds");
    }
    List<String> codes = lineage.getNodesList().stream().map(n -> n.getName())
        .filter(n -> n.startsWith("units/")).map(n -> n.substring("units/".length())).toList();
    return collect(AuditSource.of(client), lot, codes, anchor);
  }

  private static AuditBundle collect(AuditSource source, String subject,
      List<String> unitCodes, Anchor anchor) {
    List<Unit> units = new ArrayList<>();
    List<List<Event>> histories = new ArrayList<>();
    for (String code : unitCodes) {
      units.add(source.unit(code));
      histories.add(source.events(code));
    }
    return collect(source, subject, units, histories, anchor);
  }

  private static AuditBundle collect(AuditSource source, String subject, List<Unit> units,
      List<List<Event>> histories, Anchor anchor) {
    long covering = 0;
    for (List<Event> events : histories) {
      for (Event e : events) {
        covering = Math.max(covering, e.getLogIndex() + 1);
      }
    }
    io.packtrail.v1.Checkpoint checkpoint = anchor.choose(source, covering);
    long size = checkpoint.getTreeSize();
    Set<String> subjects = new TreeSet<>();
    SortedSet<Long> serials = new TreeSet<>(Long::compareUnsigned);
    for (List<Event> events : histories) {
      for (Event e : events) {
        if (e.getLogIndex() >= size) {
          throw new IllegalStateException("event " + e.getName() + " (log index "
              + e.getLogIndex() + ") is not in the chosen checkpoint of size " + size);
        }
        SortedMap<String, String> f = Canonical.decode(e.getCanonicalBytes().toByteArray());
        for (String k : List.of("actor.site", "actor.organization", "device")) {
          if (f.containsKey(k)) {
            subjects.add(f.get(k));
          }
        }
        if (f.containsKey("label.serial")) {
          serials.add(Long.parseUnsignedLong(f.get("label.serial")));
        }
      }
    }
    // each scanned label as signed (the label's text holds its payload and signature), and its
    // key's entries (creation, revocation) and its own (withdrawal) among the registry entries
    List<AuditBundle.Label> labels = new ArrayList<>();
    for (long serial : serials) {
      LabelCodec.Decoded label = LabelCodec.decodeWithPayload(source.labelText(serial));
      labels.add(new AuditBundle.Label(serial, label.envelope().getPayload().toByteArray(),
          label.envelope().getSignature().toByteArray()));
      subjects.add("labels/" + Long.toUnsignedString(serial));
      subjects.add("organizations/" + label.payload().getIssuer() + "/labelKeys/"
          + HexFormat.of().formatHex(label.payload().getKeyId().toByteArray()));
    }
    List<AuditBundle.UnitHistory> bundled = new ArrayList<>();
    for (int u = 0; u < units.size(); u++) {
      List<AuditBundle.Entry> entries = new ArrayList<>();
      for (Event e : histories.get(u)) {
        entries.add(new AuditBundle.Entry(e.getLogIndex(), e.getCanonicalBytes().toByteArray(),
            e.getHash().toByteArray(), source.inclusionProof(e.getLogIndex(), size)));
      }
      bundled.add(new AuditBundle.UnitHistory(units.get(u).getCode(),
          Math.max(units.get(u).getEventCount(), entries.size()), entries));
    }
    List<AuditBundle.Entry> registry = new ArrayList<>();
    for (LogEntry entry : source.registryEntries(subjects, size)) {
      registry.add(new AuditBundle.Entry(entry.getLogIndex(),
          entry.getCanonicalBytes().toByteArray(), null,
          source.inclusionProof(entry.getLogIndex(), size)));
    }
    registry.sort(java.util.Comparator.comparingLong(AuditBundle.Entry::logIndex));
    return new AuditBundle(subject, source.logVerifierKey(), WitnessPolicy.note(checkpoint),
        bundled, registry, labels);
  }
}
