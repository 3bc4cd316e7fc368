package io.packtrail.client.audit;

import io.packtrail.client.PacktrailClient;
import io.packtrail.client.canonical.Canonical;
import io.packtrail.v1.Event;
import io.packtrail.v1.GetInclusionProofResponse;
import io.packtrail.v1.LogEntry;
import io.packtrail.v1.LogEntryKind;
import io.packtrail.v1.Unit;
import java.util.ArrayList;
import io.packtrail.client.label.LabelCodec;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Collects a unit's audit bundle from a server (AuditService and the unit's events): a fresh
 * checkpoint covering every event, each event's inclusion proof in it, the signed labels the
 * steps scanned (LabelService.GetLabel), the registry entries about the sites, organisations,
 * devices, labels and label keys the events name (ListLogEntries filtered by subject, read
 * through the server's indexes) with theirs, and the log's verifier key.
 */
public final class BundleBuilder {
  private BundleBuilder() {}

  /** The bundle of one unit, {@code unitCode} without {@code units/}. */
  public static AuditBundle collect(PacktrailClient client, String unitCode) {
    return collect(client, "units/" + unitCode, List.of(unitCode));
  }

  /**
   * The bundle of a material lot ({@code materialLots/{id}}): the histories of every unit of its
   * ancestry (GetLineage, ancestors), one of which records the recycling step that made it.
   */
  public static AuditBundle collectLot(PacktrailClient client, String lot) {
    io.packtrail.v1.GetLineageResponse lineage = client.getLineage(
        io.packtrail.v1.GetLineageRequest.newBuilder().setName(lot)
            .setDirection(io.packtrail.v1.LineageDirection.LINEAGE_DIRECTION_ANCESTORS).build());
    if (lineage.getTruncated()) {
      throw new IllegalStateException(lot + " has more ancestors than one lineage answer holds");
    }
    List<String> codes = lineage.getNodesList().stream().map(n -> n.getName())
        .filter(n -> n.startsWith("units/")).map(n -> n.substring("units/".length())).toList();
    return collect(client, lot, codes);
  }

  private static AuditBundle collect(PacktrailClient client, String subject,
      List<String> unitCodes) {
    List<Unit> units = new ArrayList<>();
    List<List<Event>> histories = new ArrayList<>();
    for (String code : unitCodes) {
      units.add(client.getUnit(code));
      histories.add(client.listEvents(code));
    }
    io.packtrail.v1.Checkpoint checkpoint = client.createCheckpoint();
    long size = checkpoint.getTreeSize();
    Set<String> subjects = new TreeSet<>();
    SortedSet<Long> serials = new TreeSet<>(Long::compareUnsigned);
    for (List<Event> events : histories) {
      for (Event e : events) {
        if (e.getLogIndex() >= size) {
          throw new IllegalStateException("event " + e.getName() + " (log index "
              + e.getLogIndex() + ") is not in the new checkpoint of size " + size);
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
      LabelCodec.Decoded label = LabelCodec.decodeWithPayload(client.getLabel(serial).getText());
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
        GetInclusionProofResponse p = client.getInclusionProof(e.getLogIndex(), size);
        entries.add(new AuditBundle.Entry(e.getLogIndex(), e.getCanonicalBytes().toByteArray(),
            e.getHash().toByteArray(), proof(p)));
      }
      bundled.add(new AuditBundle.UnitHistory(units.get(u).getCode(),
          Math.max(units.get(u).getEventCount(), entries.size()), entries));
    }
    List<AuditBundle.Entry> registry = new ArrayList<>();
    for (LogEntry entry : registryEntriesAbout(client, subjects)) {
      if (entry.getLogIndex() < size) {
        registry.add(new AuditBundle.Entry(entry.getLogIndex(),
            entry.getCanonicalBytes().toByteArray(), null,
            proof(client.getInclusionProof(entry.getLogIndex(), size))));
      }
    }
    registry.sort(java.util.Comparator.comparingLong(AuditBundle.Entry::logIndex));
    return new AuditBundle(subject, client.getLogKey().getVerifierKey(), checkpoint.getNote(),
        bundled, registry, labels);
  }

  /**
   * The registry entries whose subject is one of {@code subjects}, through ListLogEntries'
   * filter (the server reads them by index, never the whole log), at most {@link
   * #TERMS_PER_CALL} subjects a call.
   */
  static List<LogEntry> registryEntriesAbout(PacktrailClient client, Set<String> subjects) {
    List<LogEntry> found = new ArrayList<>();
    List<String> names = new ArrayList<>(subjects);
    for (int from = 0; from < names.size(); from += TERMS_PER_CALL) {
      List<String> terms = new ArrayList<>();
      for (String name : names.subList(from, Math.min(names.size(), from + TERMS_PER_CALL))) {
        terms.add("subject = \"" + name.replace("\\", "\\\\").replace("\"", "\\\"")
            + "\"");
      }
      for (LogEntry e : client.listAllLogEntries(0, String.join(" OR ", terms))) {
        if (e.getKind() == LogEntryKind.LOG_ENTRY_KIND_REGISTRY) {
          found.add(e);
        }
      }
    }
    return found;
  }

  /** The most terms one ListLogEntries filter holds. */
  static final int TERMS_PER_CALL = 100;

  private static List<byte[]> proof(GetInclusionProofResponse p) {
    return p.getHashesList().stream().map(com.google.protobuf.ByteString::toByteArray).toList();
  }
}
