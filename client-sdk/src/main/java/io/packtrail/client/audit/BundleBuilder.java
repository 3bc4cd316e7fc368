package io.packtrail.client.audit;

import io.packtrail.client.PacktrailClient;
import io.packtrail.client.canonical.Canonical;
import io.packtrail.v1.Event;
import io.packtrail.v1.GetInclusionProofResponse;
import io.packtrail.v1.LogEntry;
import io.packtrail.v1.LogEntryKind;
import io.packtrail.v1.Unit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SortedMap;

/**
 * Collects a unit's audit bundle from a server (AuditService and the unit's events): a fresh
 * checkpoint covering every event, each event's inclusion proof in it, the registry entries
 * about the sites, organisations, devices and labels the events name (found by reading the
 * log's entries up to the checkpoint) with theirs, and the log's verifier key.
 */
public final class BundleBuilder {
  private BundleBuilder() {}

  public static AuditBundle collect(PacktrailClient client, String unitCode) {
    Unit unit = client.getUnit(unitCode);
    List<Event> events = client.listEvents(unitCode);
    io.packtrail.v1.Checkpoint checkpoint = client.createCheckpoint();
    long size = checkpoint.getTreeSize();
    for (Event e : events) {
      if (e.getLogIndex() >= size) {
        throw new IllegalStateException("event " + e.getName() + " (log index "
            + e.getLogIndex() + ") is not in the new checkpoint of size " + size);
      }
    }
    Set<String> subjects = new HashSet<>();
    for (Event e : events) {
      SortedMap<String, String> f = Canonical.decode(e.getCanonicalBytes().toByteArray());
      for (String k : List.of("actor.site", "actor.organization", "device")) {
        if (f.containsKey(k)) {
          subjects.add(f.get(k));
        }
      }
      if (f.containsKey("label.serial")) {
        subjects.add("labels/" + f.get("label.serial"));
      }
    }
    List<AuditBundle.Entry> bundled = new ArrayList<>();
    for (Event e : events) {
      GetInclusionProofResponse p = client.getInclusionProof(e.getLogIndex(), size);
      bundled.add(new AuditBundle.Entry(e.getLogIndex(), e.getCanonicalBytes().toByteArray(),
          e.getHash().toByteArray(), proof(p)));
    }
    List<AuditBundle.Entry> registry = new ArrayList<>();
    for (LogEntry entry : client.listAllLogEntries(0)) {
      if (entry.getLogIndex() < size && entry.getKind() == LogEntryKind.LOG_ENTRY_KIND_REGISTRY
          && subjects.contains(entry.getSubject())) {
        registry.add(new AuditBundle.Entry(entry.getLogIndex(),
            entry.getCanonicalBytes().toByteArray(), null,
            proof(client.getInclusionProof(entry.getLogIndex(), size))));
      }
    }
    return new AuditBundle(unit.getCode(), Math.max(unit.getEventCount(), events.size()),
        client.getLogKey().getVerifierKey(), checkpoint.getNote(), bundled, registry);
  }

  private static List<byte[]> proof(GetInclusionProofResponse p) {
    return p.getHashesList().stream().map(com.google.protobuf.ByteString::toByteArray).toList();
  }
}
