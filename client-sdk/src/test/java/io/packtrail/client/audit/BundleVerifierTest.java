package io.packtrail.client.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.packtrail.client.HashChain;
import io.packtrail.client.audit.BundleException.Check;
import io.packtrail.client.canonical.Canonical;
import io.packtrail.client.label.Ed25519Keys;
import io.packtrail.client.log.Merkle;
import io.packtrail.client.log.VerifierKey;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** Each tampering class of an offline audit bundle, detected offline with its precise reason. */
class BundleVerifierTest {
  private final BundleFixture fixture = new BundleFixture(false);
  private final AuditBundle valid = fixture.bundle;

  private static BundleException refused(AuditBundle bundle, VerifierKey key) {
    return assertThrows(BundleException.class, () -> BundleVerifier.verify(bundle, key));
  }

  private static AuditBundle withEvents(AuditBundle b, List<AuditBundle.Entry> events) {
    return new AuditBundle(b.subject(), b.logKey(), b.checkpointNote(), List.of(
        new AuditBundle.UnitHistory(BundleFixture.UNIT, 3, events)), b.registryEntries(),
        b.labels());
  }

  private static List<AuditBundle.Entry> events(AuditBundle b) {
    return b.units().get(0).events();
  }

  @Test
  void anHonestBundleIsValidUnderThePinnedKeyAndSurvivesItsText() throws Exception {
    BundleVerifier.Report report = BundleVerifier.verify(
        AuditBundle.parse(valid.encode()), BundleFixture.logKey());
    assertEquals(8, report.checkpoint().size());
    assertTrue(report.warnings().isEmpty(), report.warnings().toString());
    assertTrue(report.facts().stream().anyMatch(f -> f.startsWith("2 device signature(s) "
        + "verified")), report.facts().toString());
    assertEquals(valid.encode(), AuditBundle.parse(valid.encode()).encode());
  }

  @Test
  void withoutAPinnedKeyTheBundledOneIsUsedWithAWarning() throws Exception {
    BundleVerifier.Report report = BundleVerifier.verify(valid, null);
    assertTrue(report.warnings().get(0).contains("pin it with --log-key"),
        report.warnings().toString());
  }

  @Test
  void anEditedEventBreaksTheHashChain() {
    List<AuditBundle.Entry> events = new ArrayList<>(events(valid));
    AuditBundle.Entry second = events.get(1);
    events.set(1, new AuditBundle.Entry(second.logIndex(), edit(second.canonicalBytes()),
        second.chainHash(), second.proof()));
    BundleException e = refused(withEvents(valid, events), BundleFixture.logKey());
    assertEquals(Check.HASH_CHAIN, e.check());
    assertTrue(e.getMessage().startsWith("event 2 (log index 4): its hash chain value does not "
        + "follow"), e.getMessage());
  }

  @Test
  void anEditedEventWithItsChainRecomputedIsNotInTheLog() {
    List<AuditBundle.Entry> events = new ArrayList<>();
    byte[] previous = new byte[32];
    for (int i = 0; i < events(valid).size(); i++) {
      AuditBundle.Entry e = events(valid).get(i);
      // the registration: unsigned (editing a signed step breaks its device signature first)
      byte[] bytes = i == 0 ? edit(e.canonicalBytes()) : e.canonicalBytes();
      previous = HashChain.hash(previous, bytes);
      events.add(new AuditBundle.Entry(e.logIndex(), bytes, previous, e.proof()));
    }
    BundleException e = refused(withEvents(valid, events), BundleFixture.logKey());
    assertEquals(Check.INCLUSION, e.check());
    assertTrue(e.getMessage().startsWith("event 1 (log index 2) is not in the log's tree of "
        + "size 8"), e.getMessage());
  }

  @Test
  void aDroppedEventIsMissing() {
    List<AuditBundle.Entry> events = new ArrayList<>(events(valid));
    events.remove(1);
    BundleException e = refused(withEvents(valid, events), BundleFixture.logKey());
    assertEquals(Check.MISSING_EVENT, e.check());
    assertTrue(e.getMessage().startsWith("event 2 of unit " + BundleFixture.UNIT + " is "
        + "missing"), e.getMessage());
  }

  @Test
  void aDroppedLastEventIsMissingByTheCount() {
    List<AuditBundle.Entry> events = new ArrayList<>(events(valid));
    events.remove(2);
    BundleException e = refused(withEvents(valid, events), BundleFixture.logKey());
    assertEquals(Check.MISSING_EVENT, e.check());
    assertEquals("the unit has 3 events, the bundle carries 2: event 3 missing", e.getMessage());
  }

  @Test
  void aUnitWithoutEventsIsNoProvenUnit() {
    // a unit line claiming no events, with any real checkpoint, verified as VALID before
    AuditBundle empty = new AuditBundle(valid.subject(), valid.logKey(), valid.checkpointNote(),
        List.of(new AuditBundle.UnitHistory(BundleFixture.UNIT, 0, List.of())),
        valid.registryEntries(), List.of());
    BundleException e = refused(empty, BundleFixture.logKey());
    assertEquals(Check.MISSING_EVENT, e.check());
    assertTrue(e.getMessage().contains("the unit's count of events is 0"), e.getMessage());
  }

  @Test
  void twoSwappedEventsAreOutOfOrder() {
    List<AuditBundle.Entry> events = new ArrayList<>(events(valid));
    events.set(1, events(valid).get(2));
    events.set(2, events(valid).get(1));
    BundleException e = refused(withEvents(valid, events), BundleFixture.logKey());
    assertEquals(Check.ORDER, e.check());
    assertTrue(e.getMessage().startsWith("events out of order: event 3 (log index 5) stands "
        + "where event 2 belongs"), e.getMessage());
  }

  @Test
  void aForgedDeviceSignatureInTheLogItselfIsNamed() {
    AuditBundle forged = new BundleFixture(true).bundle;
    BundleException e = refused(forged, BundleFixture.logKey());
    assertEquals(Check.DEVICE_SIGNATURE, e.check());
    assertEquals("event 3 (log index 5): the signature of device " + BundleFixture.DEVICE
        + " does not verify under the public key of its enrollment (log index 1)",
        e.getMessage());
  }

  @Test
  void aCheckpointSignedByAnotherKeyIsRefusedUnderThePinnedKey() {
    AuditBundle b = new AuditBundle(valid.subject(), valid.logKey(),
        fixture.checkpoint(BundleFixture.OTHER_SEED, Merkle.root(
            fixture.leaves.stream().map(Merkle::leafHash).toList())), valid.units(),
        valid.registryEntries(), valid.labels());
    BundleException e = refused(b, BundleFixture.logKey());
    assertEquals(Check.CHECKPOINT_SIGNATURE, e.check());
    assertTrue(e.getMessage().startsWith("the checkpoint is not signed by the log key "
        + BundleFixture.ORIGIN + "+"), e.getMessage());
  }

  @Test
  void aBundleCarryingAForgersKeyIsRefusedUnderThePinnedKey() {
    VerifierKey forger = VerifierKey.of(BundleFixture.ORIGIN,
        Ed25519Keys.publicKeyOf(BundleFixture.OTHER_SEED));
    AuditBundle b = new AuditBundle(valid.subject(), forger.encode(),
        fixture.checkpoint(BundleFixture.OTHER_SEED, Merkle.root(
            fixture.leaves.stream().map(Merkle::leafHash).toList())), valid.units(),
        valid.registryEntries(), valid.labels());
    assertEquals(Check.CHECKPOINT_SIGNATURE, refused(b, BundleFixture.logKey()).check());
  }

  @Test
  void aCheckpointWhoseRootDoesNotMatchTheProofs() {
    byte[] otherRoot = Merkle.leafHash(new byte[] {1});
    AuditBundle b = new AuditBundle(valid.subject(), valid.logKey(),
        fixture.checkpoint(BundleFixture.LOG_SEED, otherRoot), valid.units(),
        valid.registryEntries(), valid.labels());
    BundleException e = refused(b, BundleFixture.logKey());
    assertEquals(Check.INCLUSION, e.check());
    assertTrue(e.getMessage().startsWith("event 1 (log index 2) is not in the log's tree of "
        + "size 8 that the checkpoint signs"), e.getMessage());
  }

  @Test
  void aDroppedRegistryEntryLeavesTheSignatureUncheckedAndSaysSo() throws Exception {
    // the site and the label key kept, the device's enrollment dropped
    AuditBundle b = new AuditBundle(valid.subject(), valid.logKey(),
        valid.checkpointNote(), valid.units(), List.of(valid.registryEntries().get(0),
            valid.registryEntries().get(2)), valid.labels());
    BundleVerifier.Report report = BundleVerifier.verify(b, BundleFixture.logKey());
    assertTrue(report.warnings().stream().anyMatch(w -> w.contains("whose enrollment is not in "
        + "the bundle")), report.warnings().toString());
  }

  @Test
  void anEntryMovedToAnotherIndexIsMalformed() {
    AuditBundle.Entry first = events(valid).get(0);
    List<AuditBundle.Entry> events = new ArrayList<>(events(valid));
    events.set(0, new AuditBundle.Entry(3, first.canonicalBytes(), first.chainHash(),
        first.proof()));
    BundleException e = refused(withEvents(valid, events), BundleFixture.logKey());
    assertEquals(Check.MALFORMED, e.check());
    assertEquals("the event placed at log index 3 says log.index 2", e.getMessage());
  }

  @Test
  void aTruncatedOrGarbledFileNamesItsLine() {
    String text = valid.encode();
    BundleException cut = assertThrows(BundleException.class,
        () -> AuditBundle.parse(text.substring(0, text.length() - 10)));
    assertEquals(Check.MALFORMED, cut.check());
    BundleException garbled = assertThrows(BundleException.class,
        () -> AuditBundle.parse(text.replace("\nregistry 0 ", "\nregistry 0  ")));
    assertTrue(garbled.getMessage().startsWith("line 9: a 'registry' line has 3 fields"),
        garbled.getMessage());
    // base64 only as the layout says (standard, padded): the checkpoint without its padding
    String checkpointLine = text.lines().filter(l -> l.startsWith("checkpoint ")).findFirst()
        .orElseThrow();
    assertTrue(checkpointLine.endsWith("="), "the vector's checkpoint has padding to remove");
    BundleException unpadded = assertThrows(BundleException.class, () -> AuditBundle.parse(
        text.replace(checkpointLine, checkpointLine.replaceAll("=+$", ""))));
    assertTrue(unpadded.getMessage().startsWith("line 4: the checkpoint is not base64"),
        unpadded.getMessage());
  }

  @Test
  void aBundledLogKeyThatIsNoKeyIsMalformedEvenWithAPinnedKey() {
    AuditBundle b = new AuditBundle(valid.subject(), "not-a-key", valid.checkpointNote(),
        valid.units(), valid.registryEntries(), valid.labels());
    BundleException e = refused(b, BundleFixture.logKey());
    assertEquals(Check.MALFORMED, e.check());
    assertTrue(e.getMessage().startsWith("line 3: the bundle's log key is not a verifier key"),
        e.getMessage());
  }

  @Test
  void aBundleAboutAUnitItDoesNotCarry() {
    AuditBundle b = new AuditBundle("units/X12MCPM27KLPCLX2M23823399", valid.logKey(),
        valid.checkpointNote(), valid.units(), valid.registryEntries(), valid.labels());
    BundleException e = refused(b, BundleFixture.logKey());
    assertEquals(Check.MALFORMED, e.check());
    assertEquals("the bundle is about units/X12MCPM27KLPCLX2M23823399 but carries no history "
        + "of that unit", e.getMessage());
  }

  @Test
  void aLotBundleNeedsTheStepThatMadeTheLot() throws Exception {
    AuditBundle b = new AuditBundle("materialLots/west-li2co3-2026-001", valid.logKey(),
        valid.checkpointNote(), valid.units(), valid.registryEntries(), valid.labels());
    BundleException e = refused(AuditBundle.parse(b.encode()), BundleFixture.logKey());
    assertEquals(Check.MALFORMED, e.check());
    assertEquals("the bundle is about materialLots/west-li2co3-2026-001 but no event in it made "
        + "that lot (a recycling step naming it)", e.getMessage());
  }

  private static BundleException refusedWith(java.util.Map<String, String> entry) {
    return refused(new BundleFixture(false, List.of(entry)).bundle, BundleFixture.logKey());
  }

  @Test
  void aStepByADeviceRetiredBeforeItIsRefusedEvenWhenItsEntryWasBackFilled() {
    // appended at index 8 (after the step at 5), but retired at 08:33, before the step's 08:35
    BundleException e = refusedWith(java.util.Map.of("entry.type", "device_retirement",
        "record.time", "2026-12-01T08:33:00.000000Z", "device.name", BundleFixture.DEVICE,
        "device.site", BundleFixture.SITE));
    assertEquals(Check.DEVICE_SIGNATURE, e.check());
    assertEquals("event 2 (log index 4): signed by " + BundleFixture.DEVICE + ", retired "
        + "before it (log index 8)", e.getMessage());
  }

  @Test
  void aDeviceRetiredAfterTheStepsLeavesThemValid() throws Exception {
    AuditBundle b = new BundleFixture(false, List.of(java.util.Map.of("entry.type",
        "device_retirement", "record.time", "2026-12-01T10:00:00.000000Z", "device.name",
        BundleFixture.DEVICE, "device.site", BundleFixture.SITE))).bundle;
    assertEquals(9, BundleVerifier.verify(b, BundleFixture.logKey()).checkpoint().size());
  }

  @Test
  void aStepScanningALabelWithdrawnBeforeIt() {
    BundleException e = refusedWith(java.util.Map.of("entry.type", "label_withdrawal",
        "record.time", "2026-12-01T08:30:00.000000Z", "label.serial", "7", "label.status",
        "SUPERSEDED", "label.key", BundleFixture.ORG + "/labelKeys/0a1b2c3d",
        "label.unit_code", BundleFixture.UNIT));
    assertEquals(Check.LABEL, e.check());
    assertEquals("event 3 (log index 5): the step scanned label 7, withdrawn (SUPERSEDED) "
        + "before it, at log index 8", e.getMessage());
  }

  /**
   * Scanned at 08:35:00 by a device that was offline, withdrawn at 08:35:00.5, the step
   * recorded at 08:35:01: the server accepts it (the label was good when scanned), so the bundle
   * verifies; before, the verifier refused every such unit's bundle and report.
   */
  @Test
  void aLabelWithdrawnAfterItsScanButBeforeTheStepArrivedLeavesTheStepValid() throws Exception {
    AuditBundle b = new BundleFixture(false, List.of(java.util.Map.of("entry.type",
        "label_withdrawal", "record.time", "2026-12-01T08:35:00.500000Z", "label.serial", "7",
        "label.status", "REVOKED", "label.key", BundleFixture.ORG + "/labelKeys/0a1b2c3d",
        "label.unit_code", BundleFixture.UNIT))).bundle;
    assertEquals(9, BundleVerifier.verify(b, BundleFixture.logKey()).checkpoint().size());
  }

  /**
   * Section 13, step 5: the organisation that recorded a step holds a role the step needs, by
   * its entry. The vector's organisation is a battery maker and a recycler; as a dealer only, it
   * may record none of the unit's steps, and the first (the registration) is named.
   */
  @Test
  void aStepByAnOrganisationWithoutTheRolesItNeedsIsRefused() {
    BundleException e = refused(new BundleFixture(false, false, List.of(),
        List.of("DEALER")).bundle, BundleFixture.logKey());
    assertEquals(Check.REGISTRY, e.check());
    assertEquals("event 1 (log index 2): a registration (subject) recorded by "
        + BundleFixture.ORG + ", which holds none of the roles the step needs (BATTERY_MAKER, "
        + "CASCADE_USER, VEHICLE_MAKER); its roles are DEALER (log index 7)", e.getMessage());
    // a maker only may register, not collect
    BundleException collection = refused(new BundleFixture(false, false, List.of(),
        List.of("BATTERY_MAKER")).bundle, BundleFixture.logKey());
    assertTrue(collection.getMessage().startsWith("event 2 (log index 4): a collection "
        + "(subject) recorded by " + BundleFixture.ORG + ", which holds none of the roles"),
        collection.getMessage());
  }

  @Test
  void theVectorsRolesAreCheckedAndSaidSo() throws Exception {
    BundleVerifier.Report report = BundleVerifier.verify(valid, BundleFixture.logKey());
    assertTrue(report.facts().contains("3 event(s) recorded by an organisation holding a role "
        + "its step needs, by the organisation's entry made before the step"),
        report.facts().toString());
  }

  /** Without the organisation's entry the roles are not judged, and the report says so. */
  @Test
  void anOrganisationLeftOutOfTheBundleIsAWarningNotSilence() throws Exception {
    AuditBundle b = new AuditBundle(valid.subject(), valid.logKey(), valid.checkpointNote(),
        valid.units(), valid.registryEntries().stream().filter(e -> !"organization".equals(
            io.packtrail.client.canonical.Canonical.decode(e.canonicalBytes()).get("entry.type")))
            .toList(), valid.labels());
    BundleVerifier.Report report = BundleVerifier.verify(AuditBundle.parse(b.encode()),
        BundleFixture.logKey());
    assertEquals(List.of("no organization entry in the bundle for " + BundleFixture.ORG
        + ": their events are not checked against the roles their steps need"),
        report.warnings());
  }

  /** Section 11: a signing device is enrolled at the event's site (section 13, step 3). */
  @Test
  void aStepSignedByADeviceEnrolledAtAnotherSiteIsRefused() {
    BundleException e = refusedWith(java.util.Map.of("entry.type", "device_enrollment",
        "record.time", "2026-12-01T08:01:00.000000Z", "device.name", BundleFixture.DEVICE,
        "device.site", BundleFixture.ORG + "/sites/depot", "device.public_key",
        java.util.HexFormat.of().formatHex(io.packtrail.client.label.Ed25519Keys.publicKeyOf(
            BundleFixture.DEVICE_SEED))));
    assertEquals(Check.DEVICE_SIGNATURE, e.check());
    assertEquals("event 2 (log index 4): signed by " + BundleFixture.DEVICE + ", enrolled at "
        + BundleFixture.ORG + "/sites/depot, but recorded at " + BundleFixture.SITE
        + " (log index 8)", e.getMessage());
  }

  /** A bundle without the site's entry verifies, but says the site's owner was not judged. */
  @Test
  void aSiteLeftOutOfTheBundleIsAWarningNotSilence() throws Exception {
    AuditBundle b = new AuditBundle(valid.subject(), valid.logKey(), valid.checkpointNote(),
        valid.units(), valid.registryEntries().stream().filter(e -> !"site".equals(
            io.packtrail.client.canonical.Canonical.decode(e.canonicalBytes()).get("entry.type")))
            .toList(), valid.labels());
    BundleVerifier.Report report = BundleVerifier.verify(AuditBundle.parse(b.encode()),
        BundleFixture.logKey());
    assertTrue(report.warnings().stream().anyMatch(w -> w.equals("no site entry in the bundle "
        + "for " + BundleFixture.SITE + ": the events recorded there are not checked against "
        + "the site's organisation")), report.warnings().toString());
  }

  @Test
  void aSiteOfAnotherOrganisation() {
    BundleException e = refusedWith(java.util.Map.of("entry.type", "site", "record.time",
        "2026-12-01T08:00:00.000000Z", "site.name", BundleFixture.SITE, "site.organization",
        "organizations/someone-else"));
    assertEquals(Check.REGISTRY, e.check());
    assertTrue(e.getMessage().startsWith("event 1 (log index 2): recorded at "
        + BundleFixture.SITE + " for " + BundleFixture.ORG + ", but the site belongs to "
        + "organizations/someone-else"), e.getMessage());
  }

  @Test
  void aSiteEntryWithoutItsOrganisationIsMalformedNotACrash() {
    BundleException e = refusedWith(java.util.Map.of("entry.type", "site", "record.time",
        "2026-12-01T08:00:00.000000Z", "site.name", BundleFixture.SITE));
    assertEquals(Check.MALFORMED, e.check());
    assertTrue(e.getMessage().contains("has no site.name or no site.organization"),
        e.getMessage());
  }

  @Test
  void aLabelIssuedBeyondAnyInstantIsRefusedNotACrash() {
    // signed by the organisation's own key, issued at the largest second a payload can say
    byte[] payload = BundleFixture.LABEL.toBuilder().setIssuedAt(Long.MAX_VALUE).build()
        .toByteArray();
    BundleException e = refused(withLabels(valid, List.of(new AuditBundle.Label(7, payload,
        Ed25519Keys.sign(Ed25519Keys.LABEL_TAG,
            payload, BundleFixture.LABEL_KEY_SEED)))), BundleFixture.logKey());
    assertEquals(Check.LABEL_SIGNATURE, e.check());
    assertTrue(e.getMessage().contains("was issued at second 9223372036854775807 since 1970, "
        + "outside the validity"), e.getMessage());
  }

  private static byte[] edit(byte[] canonical) {
    SortedMap<String, String> f = new TreeMap<>(Canonical.decode(canonical));
    f.put("event.type", "scrapping");
    return Canonical.encode(f);
  }

  private static AuditBundle withLabels(AuditBundle b, List<AuditBundle.Label> labels) {
    return new AuditBundle(b.subject(), b.logKey(), b.checkpointNote(), b.units(),
        b.registryEntries(), labels);
  }

  private static final String AT_STEP = "event 3 (log index 5): ";

  @Test
  void aForgedLabelSignatureIsNamed() {
    // the label claims the organisation's key, but another key signed it
    BundleException e = refused(new BundleFixture(false, true, List.of()).bundle,
        BundleFixture.logKey());
    assertEquals(Check.LABEL_SIGNATURE, e.check());
    assertEquals(AT_STEP + "the signature of label 7 does not verify under the public key of "
        + BundleFixture.LABEL_KEY + " (log index 3): the label is forged or altered",
        e.getMessage());
    // a payload edited under the issuer's signature: the same
    AuditBundle.Label label = valid.labels().get(0);
    byte[] edited = BundleFixture.LABEL.toBuilder().setIssuedAt(1_796_112_601L).build()
        .toByteArray();
    e = refused(withLabels(valid, List.of(new AuditBundle.Label(7, edited, label.signature()))),
        BundleFixture.logKey());
    assertEquals(Check.LABEL_SIGNATURE, e.check());
    assertTrue(e.getMessage().endsWith("the label is forged or altered"), e.getMessage());
  }

  @Test
  void aLabelSignedByAKeyRevokedBeforeTheStepIsNamed() {
    // revoked at 08:33, before the inspection (08:35); appended at index 8 as a back-filled
    // entry is, so record.time decides
    BundleException e = refusedWith(java.util.Map.of("entry.type", "label_key_revocation",
        "record.time", "2026-12-01T08:33:00.000000Z", "label_key.name", BundleFixture.LABEL_KEY,
        "label_key.id", BundleFixture.LABEL_KEY.substring(BundleFixture.LABEL_KEY.length() - 8),
        "label_key.organization", BundleFixture.ORG));
    assertEquals(Check.LABEL_SIGNATURE, e.check());
    assertEquals(AT_STEP + "label 7 is signed by key " + BundleFixture.LABEL_KEY + ", revoked "
        + "before the step (log index 8, 2026-12-01T08:33:00.000000Z)", e.getMessage());
  }

  @Test
  void aKeyRevokedAfterTheStepLeavesItsLabelValid() throws Exception {
    AuditBundle b = new BundleFixture(false, List.of(java.util.Map.of("entry.type",
        "label_key_revocation", "record.time", "2026-12-01T10:00:00.000000Z", "label_key.name",
        BundleFixture.LABEL_KEY, "label_key.id", BundleFixture.LABEL_KEY.substring(
            BundleFixture.LABEL_KEY.length() - 8), "label_key.organization",
        BundleFixture.ORG))).bundle;
    BundleVerifier.Report report = BundleVerifier.verify(b, BundleFixture.logKey());
    assertTrue(report.facts().contains("1 scanned label(s) verified: each signed by its "
        + "issuer's key as the log holds it, the key created and not revoked before the step "
        + "and valid at issue, the label this unit's and not withdrawn before the step"),
        report.facts().toString());
  }

  @Test
  void aScannedLabelTheBundleDoesNotCarryOrAnotherUnitsLabel() {
    BundleException e = refused(withLabels(valid, List.of()), BundleFixture.logKey());
    assertEquals(Check.LABEL_SIGNATURE, e.check());
    assertEquals(AT_STEP + "the step scanned label 7, whose signed label is not in the bundle",
        e.getMessage());
    byte[] other = BundleFixture.LABEL.toBuilder().setUnitCode("X12MCPM27KLPCLX2M23823399")
        .build().toByteArray();
    e = refused(withLabels(valid, List.of(new AuditBundle.Label(7, other, Ed25519Keys.sign(
        Ed25519Keys.LABEL_TAG, other, BundleFixture.LABEL_KEY_SEED)))), BundleFixture.logKey());
    assertEquals(Check.LABEL_SIGNATURE, e.check());
    assertEquals(AT_STEP + "the step scanned label 7, which is the label of unit "
        + "X12MCPM27KLPCLX2M23823399, not of " + BundleFixture.UNIT, e.getMessage());
  }

  @Test
  void aLabelWhoseKeyEntryIsLeftOutIsNotTakenOnTrust() {
    AuditBundle b = new AuditBundle(valid.subject(), valid.logKey(), valid.checkpointNote(),
        valid.units(), valid.registryEntries().stream().filter(r -> r.logIndex() != 3).toList(),
        valid.labels());
    BundleException e = refused(b, BundleFixture.logKey());
    assertEquals(Check.LABEL_SIGNATURE, e.check());
    assertEquals(AT_STEP + "label 7 is signed by key " + BundleFixture.LABEL_KEY + ", whose "
        + "label_key entry is not in the bundle", e.getMessage());
  }

  @Test
  void labelLinesAreCheckedForForm() throws Exception {
    String text = valid.encode();
    assertTrue(text.endsWith("\nlabel 7 " + java.util.Base64.getEncoder().encodeToString(
        BundleFixture.LABEL.toByteArray()) + " " + java.util.HexFormat.of().formatHex(
            valid.labels().get(0).signature()) + "\n"), text);
    BundleException e = refused(AuditBundle.parse(text.replace("\nlabel 7 ", "\nlabel 8 ")),
        BundleFixture.logKey());
    assertEquals(Check.MALFORMED, e.check());
    assertEquals("the label line of serial 8 carries the label of serial 7", e.getMessage());
    BundleException v1 = assertThrows(BundleException.class, () -> AuditBundle.parse(
        text.replace(AuditBundle.HEADER, "packtrail-audit-bundle/v1")));
    assertEquals("line 1: a packtrail-audit-bundle/v1 bundle, written before bundles carried "
        + "the signed labels of the steps: write it again with 'trace CODE --bundle FILE'",
        v1.getMessage());
    BundleException late = assertThrows(BundleException.class, () -> AuditBundle.parse(
        text + text.substring(text.indexOf("registry 0 "), text.indexOf("registry 1 "))));
    assertTrue(late.getMessage().endsWith("a registry line after the label lines"),
        late.getMessage());
  }
}
