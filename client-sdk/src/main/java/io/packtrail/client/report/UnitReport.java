package io.packtrail.client.report;

import io.packtrail.client.audit.AuditBundle;
import io.packtrail.client.audit.AuditSource;
import io.packtrail.client.audit.BundleBuilder;
import io.packtrail.client.audit.BundleException;
import io.packtrail.client.audit.BundleVerifier;
import io.packtrail.client.canonical.Canonical;
import io.packtrail.client.log.Checkpoint;
import io.packtrail.client.log.SignedNote;
import io.packtrail.client.log.VerifierKey;
import io.packtrail.v1.Anomaly;
import io.packtrail.v1.Event;
import io.packtrail.v1.GetLineageResponse;
import io.packtrail.v1.LineageNode;
import io.packtrail.v1.Unit;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Everything a unit's report shows, read from one {@link AuditSource}: the unit, its events (as
 * checked), its lineage, the display names of the organisations and sites they name, the
 * anomalies, and the integrity verdict of the SDK's offline verification of exactly those
 * events. {@link ReportPage} renders it; the scanner and the server collect it the same way.
 */
public record UnitReport(Unit unit, List<Event> events, GetLineageResponse lineage,
    Map<String, String> names, Integrity integrity, Optional<List<Anomaly>> findings,
    Instant generatedAt, String generatedBy) {

  public UnitReport {
    events = List.copyOf(events);
    names = Map.copyOf(names);
  }

  /**
   * The verdict of {@link BundleVerifier} over the unit's audit bundle: {@code verified}, or the
   * first failed check and why; what it established, its warnings, and the checkpoint it
   * checked against ({@code checkpoint} null only when the note could not even be read).
   * {@code bundle} is the bundle's text, so a reader can check it again with
   * {@code packtrail-scanner verify}.
   */
  public record Integrity(boolean verified, String failedCheck, String failure,
      List<String> facts, List<String> warnings, String checkpointNote, Checkpoint checkpoint,
      String logKey, boolean keyPinned, String bundle) {
    public Integrity {
      facts = List.copyOf(facts);
      warnings = List.copyOf(warnings);
    }

    /** The root hash of the checkpoint in lower-case hex, or empty. */
    public String rootHashHex() {
      return checkpoint == null ? "" : HexFormat.of().formatHex(checkpoint.rootHash());
    }
  }

  /**
   * Reads the unit's report from {@code source}: its events once, then a bundle with proofs of
   * exactly those events in a checkpoint signed now, verified offline under {@code pinnedKey}
   * (null: the log's key as the source gives it, and the verdict warns that it was not pinned).
   */
  public static UnitReport collect(AuditSource source, String code, VerifierKey pinnedKey,
      Clock clock, String generatedBy) {
    Unit unit = source.unit(code);
    List<Event> events = source.events(code);
    GetLineageResponse lineage = source.lineage("units/" + code);
    Optional<List<Anomaly>> findings = source.anomalyFindings(code);
    Integrity integrity = verify(BundleBuilder.of(source, unit, events), pinnedKey);
    return new UnitReport(unit, events, lineage, names(source, unit, events, lineage), integrity,
        findings, clock.instant(), generatedBy);
  }

  /** Checks a bundle offline and keeps what the report shows of it. */
  public static Integrity verify(AuditBundle bundle, VerifierKey pinnedKey) {
    Checkpoint checkpoint;
    try {
      checkpoint = Checkpoint.parseBody(SignedNote.parse(bundle.checkpointNote()).text());
    } catch (io.packtrail.client.log.LogVerificationException e) {
      checkpoint = null;
    }
    try {
      BundleVerifier.Report r = BundleVerifier.verify(bundle, pinnedKey);
      return new Integrity(true, "", "", r.facts(), r.warnings(), bundle.checkpointNote(),
          r.checkpoint(), r.logKey().name() + "+" + HexFormat.of().formatHex(r.logKey().keyHash()),
          r.keyPinned(), bundle.encode());
    } catch (BundleException e) {
      return new Integrity(false, e.check().name(), e.getMessage(), List.of(), List.of(),
          bundle.checkpointNote(), checkpoint, bundle.logKey(), pinnedKey != null,
          bundle.encode());
    }
  }

  /** Display names of every organisation and site the unit, its events and lineage name. */
  private static Map<String, String> names(AuditSource source, Unit unit, List<Event> events,
      GetLineageResponse lineage) {
    Set<String> wanted = new LinkedHashSet<>();
    wanted.add(unit.getMaker());
    wanted.add(unit.getCustodian());
    wanted.add(unit.getCustodianSite());
    wanted.add(unit.getShipmentDestination());
    for (Event e : events) {
      wanted.add(e.getActorOrganization());
      wanted.add(e.getActorSite());
      SortedMap<String, String> f = fields(e);
      wanted.add(f.getOrDefault("sale.dealer", ""));
      wanted.add(f.getOrDefault("shipment.destination_site", ""));
    }
    for (LineageNode n : lineage.getNodesList()) {
      wanted.add(n.getCustodian());
    }
    Map<String, String> names = new TreeMap<>();
    for (String name : wanted) {
      if (name.isEmpty()) {
        continue;
      }
      Optional<String> display = name.contains("/sites/")
          ? source.site(name).map(s -> s.getDisplayName())
          : source.organization(name).map(o -> o.getDisplayName());
      display.filter(d -> !d.isEmpty()).ifPresent(d -> names.put(name, d));
    }
    return names;
  }

  /** The event's canonical fields (formats.md section 3); empty when they cannot be read. */
  static SortedMap<String, String> fields(Event e) {
    try {
      return Canonical.decode(e.getCanonicalBytes().toByteArray());
    } catch (IllegalArgumentException x) {
      return new TreeMap<>();
    }
  }

  /** The display name of a resource, or the name itself. */
  String displayName(String name) {
    return names.getOrDefault(name, name);
  }

  /** The step keys of the events, for tests and callers: e.g. {@code inspection}. */
  public List<String> stepTypes() {
    List<String> out = new ArrayList<>();
    for (Event e : events) {
      out.add(fields(e).getOrDefault("event.type", ""));
    }
    return out;
  }
}
