package io.packtrail.client.audit;

import io.packtrail.client.HashChain;
import io.packtrail.client.audit.BundleException.Check;
import io.packtrail.client.canonical.Canonical;
import io.packtrail.client.device.DeviceCheck;
import io.packtrail.client.label.Ed25519Keys;
import io.packtrail.client.label.LabelCodec;
import io.packtrail.client.label.LabelFormatException;
import io.packtrail.client.log.Checkpoint;
import io.packtrail.client.log.LogVerificationException;
import io.packtrail.client.log.Merkle;
import io.packtrail.client.log.SignedNote;
import io.packtrail.client.log.VerifierKey;
import io.packtrail.client.log.WitnessPolicy;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import io.packtrail.v1.LabelPayload;

/**
 * Verifies an offline audit bundle with the log's public key only, without a network
 * (docs/formats.md section 13): the unit's canonical bytes, sequences and hash chain; each
 * device signature under the public key its enrollment entry put in the log, enrolled before
 * and not retired before the step; each scanned label's signature under the public key its
 * label key's entry put in the log, the key created before and not revoked before the step and
 * valid when the label was issued; no step with a label withdrawn before it; each actor site
 * belonging to the actor organisation; the checkpoint's signature; when witnesses are
 * required, their cosignatures of the checkpoint; and the inclusion of every event and registry
 * entry in the checkpoint's tree. Stops at the first failure and names it.
 *
 * <p>Each device and label key is decoded once per verification (a device signs many steps of
 * a unit; decoding the curve point is a large part of a verification), the log and witness keys
 * once when parsed.
 */
public final class BundleVerifier {
  private BundleVerifier() {}

  /**
   * What a valid bundle showed: the checkpoint it is anchored in, the trusted witnesses whose
   * cosignature of it verified (with their cosignature times, Unix seconds; empty without a
   * witness policy), facts and warnings.
   */
  public record Report(Checkpoint checkpoint, VerifierKey logKey, boolean keyPinned,
      Map<VerifierKey, Long> cosignedBy, List<String> facts, List<String> warnings) {}

  /**
   * Verifies {@code bundle}. {@code pinnedKey} is the log's verifier key as the auditor knows
   * it; null takes the bundle's own (then a warning says it should be pinned: a forger can ship
   * a key of their own).
   */
  public static Report verify(AuditBundle bundle, VerifierKey pinnedKey) throws BundleException {
    return verify(bundle, pinnedKey, null);
  }

  /**
   * Verifies {@code bundle} as {@link #verify(AuditBundle, VerifierKey)}, and its checkpoint's
   * cosignatures under {@code witnesses} (null: none required; the cosignature lines the
   * checkpoint carries are then only counted in the facts): every line by a trusted witness
   * verifies over the checkpoint [COSIGNATURE], at least the policy's number of trusted
   * witnesses cosigned [TOO_FEW_COSIGNATURES]; lines by other keys are ignored.
   */
  public static Report verify(AuditBundle bundle, VerifierKey pinnedKey,
      WitnessPolicy witnesses) throws BundleException {
    Keys keys = new Keys();
    List<String> facts = new ArrayList<>();
    List<String> warnings = new ArrayList<>();
    VerifierKey key = logKey(bundle, pinnedKey, warnings);

    // registry entries first, as an index of facts the events are judged by
    Registry registry = new Registry();
    for (AuditBundle.Entry r : bundle.registryEntries()) {
      registry.add(r, fields(r, "registry entry"));
    }
    Map<Long, ScannedLabel> labels = labels(bundle);
    int labelsChecked = 0;

    boolean several = bundle.units().size() > 1;
    java.util.Set<String> codes = new java.util.HashSet<>();
    String lot = bundle.subject().startsWith("materialLots/")
        ? bundle.subject().substring("materialLots/".length()) : null;
    boolean lotMade = false;
    List<String> lotInputs = new ArrayList<>();
    int signed = 0;
    int unchecked = 0;
    java.util.SortedSet<String> sitesWithoutEntry = new java.util.TreeSet<>();
    java.util.SortedSet<String> organizationsWithoutEntry = new java.util.TreeSet<>();
    java.util.SortedSet<String> unknownSteps = new java.util.TreeSet<>();
    int rolesChecked = 0;
    java.util.Map<String, String> signedAtPrimary = new java.util.TreeMap<>();
    int eventTotal = 0;
    for (AuditBundle.UnitHistory u : bundle.units()) {
      if (!codes.add(u.code())) {
        throw new BundleException(Check.MALFORMED, "unit " + u.code() + " appears twice");
      }
      try {
        String unitCode = u.code();
        // the unit's history: canonical bytes, sequences, the hash chain
        List<SortedMap<String, String>> events = new ArrayList<>();
        byte[] previous = new byte[32];
        List<AuditBundle.Entry> list = u.events();
        if (u.eventCount() < 1) {
          // no unit exists without the event that registered or made it: a unit line with no
          // history would otherwise pass as a proven unit (or as a lot's proven input)
          throw new BundleException(Check.MISSING_EVENT, "the unit's count of events is "
              + u.eventCount() + ": every unit has at least the event that registered or made "
              + "it");
        }
        for (int i = 0; i < list.size(); i++) {
          AuditBundle.Entry e = list.get(i);
          SortedMap<String, String> f = fields(e, "event");
          if (f.containsKey("entry.type") || !f.containsKey("event.id")) {
            throw new BundleException(Check.MALFORMED, "the event at log index " + e.logIndex()
                + " is not an event (no event.id, or an entry.type)");
          }
          if (!unitCode.equals(f.get("unit.code"))) {
            throw new BundleException(Check.MALFORMED, "the event at log index " + e.logIndex()
                + " is of unit " + f.get("unit.code") + ", not of " + unitCode);
          }
          long sequence = integer(f, "unit.sequence", e);
          if (sequence != i + 1) {
            int later = indexOfSequence(list, i + 1, i + 1);
            if (later >= 0) {
              throw new BundleException(Check.ORDER, "events out of order: event " + sequence
                  + " (log index " + e.logIndex() + ") stands where event " + (i + 1) + " belongs; "
                  + "event " + (i + 1) + " comes later in the bundle (swapped)");
            }
            if (sequence < i + 1) {
              throw new BundleException(Check.ORDER, "event " + sequence + " (log index "
                  + e.logIndex() + ") appears twice or after a later event");
            }
            throw new BundleException(Check.MISSING_EVENT, "event " + (i + 1) + " of unit "
                + unitCode + " is missing: the bundle goes from event " + i + " to event "
                + sequence + " (log index " + e.logIndex() + ")");
          }
          previous = HashChain.hash(previous, e.canonicalBytes());
          if (!Arrays.equals(previous, e.chainHash())) {
            throw new BundleException(Check.HASH_CHAIN, "event " + sequence + " (log index "
                + e.logIndex() + "): its hash chain value does not follow from its canonical bytes "
                + "and the previous event's (the event, or one before it, was edited)");
          }
          events.add(f);
        }
        if (list.size() != u.eventCount()) {
          throw new BundleException(Check.MISSING_EVENT, "the unit has " + u.eventCount()
              + " events, the bundle carries " + list.size() + ": event " + (list.size() + 1)
              + (u.eventCount() > list.size() + 1 ? " to " + u.eventCount() : "")
              + " missing");
        }
        facts.add("unit " + unitCode + ": " + list.size() + " events in sequence, hash "
            + "chain recomputed from their canonical bytes");

        // what each event claims, judged by the registry entries
        for (int i = 0; i < list.size(); i++) {
          AuditBundle.Entry e = list.get(i);
          SortedMap<String, String> f = events.get(i);
          String at = "event " + (i + 1) + " (log index " + e.logIndex() + ")";
          Fact event = new Fact(e.logIndex(), f.getOrDefault("record.time", ""));
          DeviceCheck.Signed s = DeviceCheck.of(e.canonicalBytes());
          if (s instanceof DeviceCheck.Malformed m) {
            throw new BundleException(Check.DEVICE_SIGNATURE, at + ": signed by " + m.device()
                + " but " + m.why());
          } else if (s instanceof DeviceCheck.Statement st) {
            Registry.Device d = registry.devices.get(st.device());
            if (d == null || d.enrolled == null) {
              unchecked++;
              warnings.add(at + ": signed by " + st.device() + ", whose enrollment is not in the "
                  + "bundle: its signature is not checked");
            } else {
              if (!d.enrolled.before(event)) {
                throw new BundleException(Check.DEVICE_SIGNATURE, at + ": signed by " + st.device()
                    + ", enrolled only later (log index " + d.enrolled.index + ")");
              }
              if (!d.site.equals(f.get("actor.site"))) {
                throw new BundleException(Check.DEVICE_SIGNATURE, at + ": signed by " + st.device()
                    + ", enrolled at " + d.site + ", but recorded at " + f.get("actor.site")
                    + " (log index " + d.enrolled.index + ")");
              }
              if (d.retired != null && d.retired.strictlyBefore(event)) {
                throw new BundleException(Check.DEVICE_SIGNATURE, at + ": signed by " + st.device()
                    + ", retired before it (log index " + d.retired.index + ")");
              }
              if (!keys.decoded(d.publicKey).map(st::verifies).orElse(false)) {
                throw new BundleException(Check.DEVICE_SIGNATURE, at + ": the signature of device "
                    + st.device() + " does not verify under the public key of its enrollment (log "
                    + "index " + d.enrolled.index + ")");
              }
              signed++;
            }
          }
          String serial = f.get("label.serial");
          if (serial != null) {
            checkLabel(at, serial, event, unitCode, labels, registry, keys);
            labelsChecked++;
            Fact withdrawn = registry.withdrawals.get(serial);
            // as the server judged it: refused when withdrawn at or before the step's
            // event.time; withdrawn after the scan (a device offline meanwhile) the label was
            // good when scanned, though the withdrawal reached the log before the step
            if (withdrawn != null && withdrawn.strictlyBefore(event)
                && withdrawn.recordTime().compareTo(f.get("event.time")) <= 0) {
              throw new BundleException(Check.LABEL, at + ": the step scanned label " + serial
                  + ", withdrawn (" + registry.withdrawalStatus.get(serial) + ") before it, at log "
                  + "index " + withdrawn.index);
            }
          }
          for (Map.Entry<String, String> x : f.entrySet()) {
            if (lot != null && x.getKey().matches("recycling\\.lot\\.[0-9]{3}\\.id")
                && x.getValue().equals(lot)) {
              lotMade = true;
              // the primary input too: every event of the step names it (step.unit), and a
              // lot bundle without its history would prove the lot from part of its inputs
              if (f.get("step.unit") != null) {
                lotInputs.add(f.get("step.unit"));
              }
              f.forEach((k, v) -> {
                if (k.matches("recycling\\.input\\.[0-9]{3}")) {
                  lotInputs.add(v);
                }
              });
            }
          }
          String site = f.get("actor.site");
          Registry.Site known = site == null ? null : registry.sites.get(site);
          if (known == null && site != null) {
            sitesWithoutEntry.add(site);
          }
          if (s instanceof DeviceCheck.AtPrimary secondary) {
            signedAtPrimary.put(secondary.primary(), at + " of unit " + unitCode + " (device "
                + secondary.device() + ")");
          }
          if (known != null) {
            if (!known.organization.equals(f.get("actor.organization"))) {
              throw new BundleException(Check.REGISTRY, at + ": recorded at " + site + " for "
                  + f.get("actor.organization") + ", but the site belongs to " + known.organization
                  + " (log index " + known.at.index + ")");
            }
            if (!known.at.before(event)) {
              throw new BundleException(Check.REGISTRY, at + ": recorded at " + site + ", which "
                  + "was created only later (log index " + known.at.index + ")");
            }
          }
          if (checkRoles(at, f, event, registry, organizationsWithoutEntry, unknownSteps)) {
            rolesChecked++;
          }
        }
        eventTotal += list.size();
      } catch (BundleException x) {
        throw several ? new BundleException(x.check(), "unit " + u.code() + ": "
            + x.getMessage()) : x;
      }
    }
    if (lot == null && !codes.contains(bundle.subject().substring("units/".length()))) {
      throw new BundleException(Check.MALFORMED, "the bundle is about " + bundle.subject()
          + " but carries no history of that unit");
    }
    if (lot != null && !lotMade) {
      throw new BundleException(Check.MALFORMED, "the bundle is about " + bundle.subject()
          + " but no event in it made that lot (a recycling step naming it)");
    }
    for (String input : lotInputs) {
      if (!codes.contains(input)) {
        throw new BundleException(Check.LINEAGE, "the recycling step that made "
            + bundle.subject() + " consumed unit " + input + ", whose history is not in the "
            + "bundle");
      }
    }
    // what could not be judged is said, not left out of the facts in silence
    if (!sitesWithoutEntry.isEmpty()) {
      warnings.add("no site entry in the bundle for " + String.join(", ", sitesWithoutEntry)
          + ": the events recorded there are not checked against the site's organisation");
    }
    if (!organizationsWithoutEntry.isEmpty()) {
      warnings.add("no organization entry in the bundle for "
          + String.join(", ", organizationsWithoutEntry) + ": their events are not checked "
          + "against the roles their steps need");
    }
    if (!unknownSteps.isEmpty()) {
      warnings.add("steps this verifier has no role rule for (" + String.join(", ", unknownSteps)
          + "): their organisations' roles are not checked");
    }
    signedAtPrimary.forEach((primary, where) -> {
      if (!codes.contains(primary)) {
        warnings.add(where + ": its device signature is in the event of the step's primary unit "
            + primary + ", whose history is not in the bundle: not checked");
      }
    });
    if (lot != null) {
      facts.add("lot " + lot + " made by a recycling step of the bundle, from the histories "
          + "of " + codes.size() + " units");
    }
    if (signed > 0) {
      facts.add(signed + " device signature(s) verified under the keys their enrollments put in "
          + "the log, each device enrolled and not retired at the step");
    }
    if (unchecked > 0) {
      facts.add(unchecked + " device signature(s) not checked (no enrollment in the bundle)");
    }
    if (rolesChecked > 0) {
      facts.add(rolesChecked + " event(s) recorded by an organisation holding a role its step "
          + "needs, by the organisation's entry made before the step");
    }
    if (labelsChecked > 0) {
      facts.add(labelsChecked + " scanned label(s) verified: each signed by its issuer's key "
          + "as the log holds it, the key created and not revoked before the step and valid at "
          + "issue, the label this unit's and not withdrawn before the step");
    }
    facts.add(bundle.registryEntries().size() + " registry entries (sites, organisations, "
        + "devices, label keys and withdrawals) judge the events");

    // the checkpoint, then every entry in its tree
    Checkpoint checkpoint;
    try {
      checkpoint = Checkpoint.verify(bundle.checkpointNote(), key);
    } catch (LogVerificationException e) {
      throw new BundleException(Check.CHECKPOINT_SIGNATURE, "the checkpoint is not signed by "
          + "the log key " + key.name() + "+" + HexFormat.of().formatHex(key.keyHash()) + ": "
          + e.getMessage());
    }
    facts.add("checkpoint of " + checkpoint.origin() + " at tree size " + checkpoint.size()
        + " signed by the log key " + key.name() + "+" + HexFormat.of().formatHex(key.keyHash()));
    Map<VerifierKey, Long> cosignedBy = cosignatures(bundle, checkpoint, key, witnesses, facts);
    for (AuditBundle.UnitHistory u : bundle.units()) {
      for (int i = 0; i < u.events().size(); i++) {
        included(u.events().get(i), checkpoint, (several ? "unit " + u.code() + ": " : "")
            + "event " + (i + 1));
      }
    }
    for (AuditBundle.Entry r : bundle.registryEntries()) {
      included(r, checkpoint, "registry entry");
    }
    facts.add("all " + (eventTotal + bundle.registryEntries().size()) + " entries are in the "
        + "log's tree of the checkpoint (inclusion proofs lead to its root)");
    return new Report(checkpoint, key, pinnedKey != null, cosignedBy, facts, warnings);
  }

  /**
   * The checkpoint's cosignatures under the policy (section 13, step 8); without one, the lines
   * are counted in the facts, unchecked.
   */
  private static Map<VerifierKey, Long> cosignatures(AuditBundle bundle, Checkpoint checkpoint,
      VerifierKey logKey, WitnessPolicy witnesses, List<String> facts) throws BundleException {
    SignedNote note;
    try {
      note = SignedNote.parse(bundle.checkpointNote());
    } catch (LogVerificationException e) {
      throw new IllegalStateException("a note that verified does not parse", e);
    }
    List<String> lines = new ArrayList<>();
    for (SignedNote.Signature s : note.signatures()) {
      if (!logKey.matches(s)) {
        lines.add(s.keyName());
      }
    }
    if (witnesses == null) {
      if (!lines.isEmpty()) {
        facts.add("the checkpoint carries " + lines.size() + " cosignature line(s) ("
            + String.join(", ", lines) + "), not checked: no witness key given (--witness-key)");
      }
      return Map.of();
    }
    WitnessPolicy.Verified verified;
    try {
      verified = witnesses.cosignatures(note, checkpoint, logKey);
    } catch (LogVerificationException e) {
      throw new BundleException(e.reason() == LogVerificationException.Reason.TOO_FEW_COSIGNATURES
          ? Check.TOO_FEW_COSIGNATURES : Check.COSIGNATURE, e.getMessage());
    }
    List<String> by = new ArrayList<>();
    verified.cosignedBy().forEach((w, time) -> by.add(w.name() + "+" + HexFormat.of().formatHex(
        w.keyHash()) + " at " + io.packtrail.client.EpochSeconds.text(time)));
    List<String> ignored = witnesses.ignored(note, logKey);
    facts.add("checkpoint cosigned by " + verified.cosignedBy().size() + " of the "
        + witnesses.witnesses().size() + " witness(es) trusted, " + witnesses.required()
        + " required" + (by.isEmpty() ? "" : ": " + String.join(", ", by))
        + (ignored.isEmpty() ? "" : "; cosignature lines by keys not trusted, ignored: "
            + String.join(", ", ignored)));
    return verified.cosignedBy();
  }

  /** The device and label public keys of one verification, each decoded once. */
  private static final class Keys {
    private final Map<String, java.util.Optional<Ed25519Keys.PublicKey>> decoded =
        new HashMap<>();

    java.util.Optional<Ed25519Keys.PublicKey> decoded(byte[] publicKey) {
      return decoded.computeIfAbsent(HexFormat.of().formatHex(publicKey),
          k -> Ed25519Keys.decode(publicKey));
    }
  }

  /**
   * A label the bundle carries, its form checked (section 7); its signature is verified once,
   * at the first step that scanned it (a label is scanned at many steps; its bytes and key are
   * the same at each, the key's validity is judged per step).
   */
  private static final class ScannedLabel {
    final AuditBundle.Label label;
    final LabelPayload payload;
    boolean signatureVerified;

    ScannedLabel(AuditBundle.Label label, LabelPayload payload) {
      this.label = label;
      this.payload = payload;
    }
  }

  /** The bundle's labels by serial, each a canonical signed label of its line's serial. */
  private static Map<Long, ScannedLabel> labels(AuditBundle bundle) throws BundleException {
    Map<Long, ScannedLabel> out = new HashMap<>();
    for (AuditBundle.Label l : bundle.labels()) {
      String serial = Long.toUnsignedString(l.serial());
      LabelPayload payload;
      try {
        payload = LabelCodec.decodeSigned(l.payload(), l.signature()).payload();
      } catch (LabelFormatException e) {
        throw new BundleException(Check.MALFORMED, "label " + serial + ": not a signed label "
            + "(docs/formats.md section 7): " + e.getMessage());
      }
      if (payload.getSerial() != l.serial()) {
        throw new BundleException(Check.MALFORMED, "the label line of serial " + serial
            + " carries the label of serial " + Long.toUnsignedString(payload.getSerial()));
      }
      if (out.put(l.serial(), new ScannedLabel(l, payload)) != null) {
        throw new BundleException(Check.MALFORMED, "label " + serial + " appears twice");
      }
    }
    return out;
  }

  /**
   * The label a step scanned: carried, this unit's, signed by the key its issuer's label_key
   * entry names (created before the step, valid at the label's issue, not revoked before the
   * step).
   */
  private static void checkLabel(String at, String serialText, Fact event, String unitCode,
      Map<Long, ScannedLabel> labels, Registry registry, Keys keys) throws BundleException {
    long serial;
    try {
      serial = Long.parseUnsignedLong(serialText);
    } catch (NumberFormatException e) {
      throw new BundleException(Check.MALFORMED, at + ": label.serial '" + serialText
          + "' is not a serial");
    }
    ScannedLabel scanned = labels.get(serial);
    if (scanned == null) {
      throw new BundleException(Check.LABEL_SIGNATURE, at + ": the step scanned label "
          + serialText + ", whose signed label is not in the bundle");
    }
    LabelPayload p = scanned.payload;
    if (!p.getUnitCode().equals(unitCode)) {
      throw new BundleException(Check.LABEL_SIGNATURE, at + ": the step scanned label "
          + serialText + ", which is the label of unit " + p.getUnitCode() + ", not of "
          + unitCode);
    }
    String keyId = HexFormat.of().formatHex(p.getKeyId().toByteArray());
    String keyName = "organizations/" + p.getIssuer() + "/labelKeys/" + keyId;
    Registry.LabelKey key = registry.labelKeys.get(keyName);
    if (key == null || key.created == null) {
      throw new BundleException(Check.LABEL_SIGNATURE, at + ": label " + serialText
          + " is signed by key " + keyName + ", whose label_key entry is not in the bundle");
    }
    if (!key.created.before(event)) {
      throw new BundleException(Check.LABEL_SIGNATURE, at + ": label " + serialText
          + " is signed by key " + keyName + ", created only later (log index "
          + key.created.index + ")");
    }
    if (!scanned.signatureVerified && !keys.decoded(key.publicKey).map(k -> k.verifies(
        Ed25519Keys.LABEL_TAG, scanned.label.payload(), scanned.label.signature()))
        .orElse(false)) {
      throw new BundleException(Check.LABEL_SIGNATURE, at + ": the signature of label "
          + serialText + " does not verify under the public key of " + keyName + " (log index "
          + key.created.index + "): the label is forged or altered");
    }
    scanned.signatureVerified = true;
    if (p.getIssuedAt() < key.notBefore || p.getIssuedAt() > key.notAfter) {
      throw new BundleException(Check.LABEL_SIGNATURE, at + ": label " + serialText
          + " was issued at " + io.packtrail.client.EpochSeconds.text(p.getIssuedAt())
          + ", outside the validity of " + keyName + " ("
          + io.packtrail.client.EpochSeconds.text(key.notBefore) + " to "
          + io.packtrail.client.EpochSeconds.text(key.notAfter) + ")");
    }
    if (key.revoked != null && key.revoked.strictlyBefore(event)) {
      throw new BundleException(Check.LABEL_SIGNATURE, at + ": label " + serialText
          + " is signed by key " + keyName + ", revoked before the step (log index "
          + key.revoked.index + ", " + key.revoked.recordTime + ")");
    }
  }

  private static VerifierKey logKey(AuditBundle bundle, VerifierKey pinned, List<String> warnings)
      throws BundleException {
    VerifierKey bundled;
    try {
      bundled = VerifierKey.parse(bundle.logKey());
    } catch (LogVerificationException e) {
      // a line not as in the layout, pinned key or not (step 1)
      throw new BundleException(Check.MALFORMED, "line 3: the bundle's log key is not a "
          + "verifier key: " + e.getMessage());
    }
    if (pinned != null) {
      if (!bundled.equals(pinned)) {
        warnings.add("the bundle names another log key (" + bundle.logKey() + "); it was "
            + "checked under the pinned key");
      }
      return pinned;
    }
    warnings.add("the log key was taken from the bundle itself: pin it with --log-key (the "
        + "verifier key the log publishes, e.g. from GetLogKey or 'packtrail log-key'); a "
        + "forger can ship a key of their own. Bundled: " + bundle.logKey());
    return bundled;
  }

  private static void included(AuditBundle.Entry e, Checkpoint checkpoint, String what)
      throws BundleException {
    String at = what + " (log index " + e.logIndex() + ")";
    if (e.logIndex() >= checkpoint.size()) {
      throw new BundleException(Check.INCLUSION, at + " is beyond the checkpoint's tree size "
          + checkpoint.size());
    }
    try {
      Merkle.verifyInclusion(Merkle.leafHash(e.canonicalBytes()), e.logIndex(),
          checkpoint.size(), e.proof(), checkpoint.rootHash());
    } catch (LogVerificationException x) {
      throw new BundleException(Check.INCLUSION, at + " is not in the log's tree of size "
          + checkpoint.size() + " that the checkpoint signs: " + x.getMessage());
    }
  }

  private static SortedMap<String, String> fields(AuditBundle.Entry e, String what)
      throws BundleException {
    SortedMap<String, String> f;
    try {
      f = Canonical.decode(e.canonicalBytes());
    } catch (IllegalArgumentException x) {
      throw new BundleException(Check.MALFORMED, "the " + what + " at log index " + e.logIndex()
          + " has bytes that are not canonical: " + x.getMessage());
    }
    if (!String.valueOf(e.logIndex()).equals(f.get("log.index"))) {
      throw new BundleException(Check.MALFORMED, "the " + what + " placed at log index "
          + e.logIndex() + " says log.index " + f.get("log.index"));
    }
    return f;
  }

  private static long integer(SortedMap<String, String> f, String key, AuditBundle.Entry e)
      throws BundleException {
    String v = f.get(key);
    if (v == null || !v.matches("[1-9][0-9]{0,17}")) {
      throw new BundleException(Check.MALFORMED, "the event at log index " + e.logIndex()
          + " has no valid " + key);
    }
    return Long.parseLong(v);
  }

  /** The position (from {@code from}) of the event with {@code sequence}, or -1. */
  private static int indexOfSequence(List<AuditBundle.Entry> list, long sequence, int from) {
    for (int j = from; j < list.size(); j++) {
      try {
        String v = Canonical.decode(list.get(j).canonicalBytes()).get("unit.sequence");
        if (String.valueOf(sequence).equals(v)) {
          return j;
        }
      } catch (IllegalArgumentException ignored) {
        // reported when the loop reaches it
      }
    }
    return -1;
  }

  /**
   * When an entry or event is in the log: its index and its {@code record.time} (fixed-width UTC,
   * so text order is time order). Entries are ordered by log index; entries back-filled when a
   * database was migrated follow the events recorded before them, so an entry also counts as
   * before an event when its record.time is (formats.md section 11).
   */
  record Fact(long index, String recordTime) {
    /** For what must precede an event (an enrollment, a site): at or before it in time. */
    boolean before(Fact event) {
      return index < event.index || recordTime.compareTo(event.recordTime) <= 0;
    }

    /** For what must not precede an event (a retirement, a withdrawal): strictly before it. */
    boolean strictlyBefore(Fact event) {
      return index < event.index || recordTime.compareTo(event.recordTime) < 0;
    }
  }

  /**
   * Section 13, step 5: the organisation that recorded the event has its entry before the
   * event, and holds one of the roles the step needs for the unit's part (section 4, "Roles").
   * An organisation without its entry in the bundle, or a step the table does not know, is
   * noted for a warning instead; returns whether the roles were judged.
   */
  private static boolean checkRoles(String at, SortedMap<String, String> f, Fact event,
      Registry registry, java.util.Set<String> withoutEntry, java.util.Set<String> unknownSteps)
      throws BundleException {
    String organization = f.get("actor.organization");
    if (organization == null) {
      return false;
    }
    Registry.Organization known = registry.organizations.get(organization);
    if (known == null) {
      withoutEntry.add(organization);
      return false;
    }
    if (!known.at().before(event)) {
      throw new BundleException(Check.REGISTRY, at + ": recorded by " + organization
          + ", which was created only later (log index " + known.at().index + ")");
    }
    String type = f.get("event.type");
    String part = f.getOrDefault("step.part", "subject");
    java.util.Set<String> needed = StepRoles.roles(type, part);
    if (needed == null) {
      unknownSteps.add(type + " (" + part + ")");
      return false;
    }
    if (java.util.Collections.disjoint(needed, known.roles())) {
      throw new BundleException(Check.REGISTRY, at + ": a " + type + " ("
          + part + ") recorded by " + organization + ", which holds none of the roles the "
          + "step needs (" + String.join(", ", new java.util.TreeSet<>(needed))
          + "); its roles are " + String.join(", ", new java.util.TreeSet<>(known.roles()))
          + " (log index " + known.at().index + ")");
    }
    return true;
  }

  /** The registry facts of a bundle, by the names events use. */
  private static final class Registry {
    record Site(String organization, Fact at) {}

    record Organization(java.util.Set<String> roles, Fact at) {}

    static final class Device {
      byte[] publicKey;
      String site;
      Fact enrolled;
      Fact retired;
    }

    /** A label key as its label_key entry states it, and its revocation if any. */
    static final class LabelKey {
      byte[] publicKey;
      long notBefore;
      long notAfter;
      Fact created;
      Fact revoked;
    }

    final Map<String, Device> devices = new HashMap<>();
    final Map<String, LabelKey> labelKeys = new HashMap<>();
    final Map<String, Fact> withdrawals = new HashMap<>();
    final Map<String, String> withdrawalStatus = new HashMap<>();
    final Map<String, Site> sites = new HashMap<>();
    final Map<String, Organization> organizations = new HashMap<>();

    void add(AuditBundle.Entry e, SortedMap<String, String> f) throws BundleException {
      String type = f.get("entry.type");
      if (type == null) {
        throw new BundleException(Check.MALFORMED, "the registry entry at log index "
            + e.logIndex() + " has no entry.type");
      }
      Fact at = new Fact(e.logIndex(), f.getOrDefault("record.time", ""));
      switch (type) {
        case "device_enrollment" -> {
          Device d = devices.computeIfAbsent(f.get("device.name"), n -> new Device());
          try {
            d.publicKey = HexFormat.of().parseHex(f.getOrDefault("device.public_key", ""));
          } catch (IllegalArgumentException x) {
            throw new BundleException(Check.MALFORMED, "the device enrollment at log index "
                + e.logIndex() + " has a public key that is not hex");
          }
          d.site = f.get("device.site");
          if (d.site == null) {
            throw new BundleException(Check.MALFORMED, "the device enrollment at log index "
                + e.logIndex() + " has no device.site");
          }
          d.enrolled = at;
        }
        case "device_retirement" ->
            devices.computeIfAbsent(f.get("device.name"), n -> new Device()).retired = at;
        case "label_withdrawal" -> {
          // a label is withdrawn once; should the log hold two, the earlier one counts
          Fact known = withdrawals.get(f.get("label.serial"));
          if (known == null || at.recordTime().compareTo(known.recordTime()) < 0) {
            withdrawals.put(f.get("label.serial"), at);
            withdrawalStatus.put(f.get("label.serial"), f.get("label.status"));
          }
        }
        case "site" -> {
          if (f.get("site.name") == null || f.get("site.organization") == null) {
            throw new BundleException(Check.MALFORMED, "the site entry at log index "
                + e.logIndex() + " has no site.name or no site.organization");
          }
          sites.put(f.get("site.name"), new Site(f.get("site.organization"), at));
        }
        case "label_key" -> {
          LabelKey k = labelKeys.computeIfAbsent(f.get("label_key.name"), n -> new LabelKey());
          String name = f.get("label_key.name");
          try {
            k.publicKey = HexFormat.of().parseHex(f.getOrDefault("label_key.public_key", ""));
            k.notBefore = java.time.Instant.parse(f.get("label_key.not_before")).getEpochSecond();
            k.notAfter = java.time.Instant.parse(f.get("label_key.not_after")).getEpochSecond();
          } catch (RuntimeException x) {
            throw new BundleException(Check.MALFORMED, "the label key entry at log index "
                + e.logIndex() + " has no valid public key, not_before or not_after");
          }
          // the name holds the key id: it must be the id of the public key (section 7)
          if (k.publicKey.length != Ed25519Keys.KEY_SIZE || name == null
              || !name.equals(f.get("label_key.organization") + "/labelKeys/"
                  + HexFormat.of().formatHex(Ed25519Keys.keyId(k.publicKey)))) {
            throw new BundleException(Check.MALFORMED, "the label key entry at log index "
                + e.logIndex() + " is named " + name + ", which is not its organisation's key "
                + "of the id of its public key");
          }
          k.created = at;
        }
        case "label_key_revocation" -> {
          LabelKey k = labelKeys.computeIfAbsent(f.get("label_key.name"), n -> new LabelKey());
          // a key is revoked once; should the log hold two, the earlier one counts
          if (k.revoked == null || at.recordTime().compareTo(k.revoked.recordTime()) < 0) {
            k.revoked = at;
          }
        }
        case "organization" -> {
          java.util.Set<String> roles = new java.util.HashSet<>();
          f.forEach((k, v) -> {
            if (k.matches("organization\\.role\\.[0-9]{3}")) {
              roles.add(v);
            }
          });
          if (f.get("organization.name") == null || roles.isEmpty()) {
            throw new BundleException(Check.MALFORMED, "the organization entry at log index "
                + e.logIndex() + " has no organization.name or no role");
          }
          organizations.put(f.get("organization.name"), new Organization(roles, at));
        }
        default -> {
          // entry types this verifier has no rule for are included and proven, nothing more
        }
      }
    }
  }
}
