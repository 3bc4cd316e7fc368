package io.packtrail.server.label;

import static io.packtrail.server.testing.Statuses.assertFails;
import static io.packtrail.server.testing.Statuses.assertViolation;
import static io.packtrail.server.testing.Statuses.preconditions;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import io.packtrail.client.label.LabelVerifier;
import io.packtrail.client.label.Refusal;
import io.packtrail.client.label.TrustListException;
import io.packtrail.client.label.TrustLists;
import io.packtrail.client.label.Verification;
import io.packtrail.server.testing.Fixtures;
import io.packtrail.server.testing.ServerHarness;
import io.packtrail.v1.Event;
import io.packtrail.v1.GetTrustListResponse;
import io.packtrail.v1.IssueLabelRequest;
import io.packtrail.v1.Label;
import io.packtrail.v1.LabelKey;
import io.packtrail.v1.LabelKeyStatus;
import io.packtrail.v1.LabelStatus;
import io.packtrail.v1.ListLabelKeysRequest;
import io.packtrail.v1.RemovalReason;
import io.packtrail.v1.SignedTrustList;
import io.packtrail.v1.TrustList;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class LabelServiceTest {
  /** The sealer of the harness's label keys: a test can open one, as one in other hands. */
  static final io.packtrail.server.security.KeySealer SEALER =
      io.packtrail.server.security.KeySealer.random();
  @RegisterExtension
  static final ServerHarness harness = ServerHarness.inProcess(s -> s.withSealer(SEALER));

  @BeforeAll
  static void network() {
    Fixtures.network(harness.client());
    harness.client().createLabelKey(Fixtures.MAKER, UUID.randomUUID().toString());
  }

  static String registered() {
    return Fixtures.registeredPack(harness.client());
  }

  /** What a scanner does: fetch the list, check the root signature, then verify offline. */
  static Verification verifyOffline(String text) throws Exception {
    GetTrustListResponse fetched = harness.client().getTrustList();
    TrustList list = TrustLists.verify(fetched.getSignedTrustList(),
        fetched.getRootPublicKey().toByteArray(), Instant.now());
    return new LabelVerifier(list).verify(text);
  }

  /**
   * The maker's own key in other hands (leaked; or retired, so its labels verify offline until
   * the retirement's cut, with an issued_at its signer chooses): it signs a label under a serial
   * this deployment never issued. Every offline check passes; the server refuses the step,
   * since it issued no such label, and the real label still records.
   */
  @Test
  void aLabelSignedOutsideTheServerWithItsKeyIsRefused() throws Exception {
    String code = registered();
    Label real = harness.client().issueLabel(code);
    io.packtrail.server.domain.LabelKeyRecord key = harness.jdbi().withExtension(
        io.packtrail.server.store.LabelDao.class, dao -> dao.findActiveKey("test-maker"))
        .orElseThrow();
    io.packtrail.v1.LabelPayload forged = io.packtrail.client.label.LabelCodec
        .decodeWithPayload(real.getText()).payload().toBuilder()
        .setSerial(real.getSerial() + 1_000_000).build();
    String text = io.packtrail.client.label.LabelCodec.encode(io.packtrail.client.label
        .LabelCodec.sign(forged, SEALER.open(key.privateKeySealed(), key.keyId())));
    assertTrue(verifyOffline(text).isValid(), "offline it cannot be told");
    harness.client().recordEvent(Fixtures.sale(code));
    harness.client().recordEvent(Fixtures.removal(code,
        io.packtrail.v1.RemovalReason.REMOVAL_REASON_SERVICE));
    var status = assertFails(io.grpc.Status.Code.INVALID_ARGUMENT, () -> harness.client()
        .recordEvent(Fixtures.collection(code).toBuilder().setLabelText(text).build()));
    assertViolation(status, "label_text", "is not the label this deployment issued");
    harness.client().recordEvent(Fixtures.collection(code).toBuilder()
        .setLabelText(real.getText()).build());
  }

  @Test
  void anIssuedLabelVerifiesOfflineAndNamesItsUnit() throws Exception {
    String code = registered();
    Label label = harness.client().issueLabel(code);
    assertTrue(label.getText().startsWith("PT1:"));
    assertEquals("units/" + code, label.getUnit());
    assertEquals(LabelStatus.LABEL_STATUS_ACTIVE, label.getStatus());
    Verification v = verifyOffline(label.getText());
    assertTrue(v.isValid(), v.detail());
    Verification.Valid valid = (Verification.Valid) v;
    assertEquals(code, valid.unitCode());
    assertEquals(label.getSerial(), valid.serial());
    assertEquals("test-maker", valid.issuer());
  }

  @Test
  void issuingIsIdempotentOnTheRequestId() {
    String code = registered();
    IssueLabelRequest request = IssueLabelRequest.newBuilder()
        .setRequestId(UUID.randomUUID().toString()).setUnit("units/" + code).build();
    Label first = harness.labels().issueLabel(request).getLabel();
    assertEquals(first, harness.labels().issueLabel(request).getLabel());
    String other = registered();
    assertFails(Status.Code.ALREADY_EXISTS, () -> harness.labels().issueLabel(
        request.toBuilder().setUnit("units/" + other).build()));
  }

  @Test
  void aUnitHasOneActiveLabelAtATime() {
    String code = registered();
    Label first = harness.client().issueLabel(code);
    var status = assertFails(Status.Code.FAILED_PRECONDITION,
        () -> harness.client().issueLabel(code));
    assertEquals(first.getName(), preconditions(status).get(0).getSubject());
    Label second = harness.client().reissueLabel(first.getSerial());
    assertEquals("units/" + code, second.getUnit());
  }

  @Test
  void rotationKeepsOldLabelsValidAndSignsNewOnesWithTheNewKey() throws Exception {
    LabelKey first = harness.client().createLabelKey(Fixtures.MAKER,
        UUID.randomUUID().toString());
    Label before = harness.client().issueLabel(registered());
    assertEquals(first.getName(), before.getKey());

    LabelKey second = harness.client().createLabelKey(Fixtures.MAKER,
        UUID.randomUUID().toString());
    Label after = harness.client().issueLabel(registered());
    assertEquals(second.getName(), after.getKey(), "new labels use the new key");
    assertTrue(verifyOffline(before.getText()).isValid(), "old labels stay valid");
    assertTrue(verifyOffline(after.getText()).isValid());

    List<LabelKey> keys = harness.labels().listLabelKeys(ListLabelKeysRequest.newBuilder()
        .setParent(Fixtures.MAKER).build()).getLabelKeysList();
    LabelKey firstNow = keys.stream().filter(k -> k.getName().equals(first.getName()))
        .findFirst().orElseThrow();
    assertEquals(LabelKeyStatus.LABEL_KEY_STATUS_RETIRED, firstNow.getStatus());
    // a retired key signs nothing new: its validity ends where the new key's begins, so a label
    // it signed later (its private key leaked) is KEY_NOT_VALID_AT_ISSUE, not valid for years
    // five minutes after its retirement (labels being issued as it retires, other clocks)
    long retiredAt = Math.max(second.getNotBefore().getSeconds() + 300,
        first.getNotBefore().getSeconds() + 1);
    assertEquals(retiredAt, firstNow.getNotAfter().getSeconds());
    GetTrustListResponse fetched = harness.client().getTrustList();
    TrustList list = TrustLists.verify(fetched.getSignedTrustList(),
        fetched.getRootPublicKey().toByteArray(), Instant.now());
    assertEquals(retiredAt, list.getKeysList().stream().filter(k -> first.getName().endsWith(
        java.util.HexFormat.of().formatHex(k.getKeyId().toByteArray()))).findFirst()
        .orElseThrow().getNotAfter(), "the trust list carries the cut validity");
    assertEquals(1, keys.stream().filter(k -> k.getStatus()
        == LabelKeyStatus.LABEL_KEY_STATUS_ACTIVE).count(), "one active key: " + keys);
  }

  @Test
  void aRevokedKeyRefusesEveryLabelItSigned() throws Exception {
    LabelKey key = harness.client().createLabelKey(Fixtures.MAKER, UUID.randomUUID().toString());
    String code = registered();
    Label label = harness.client().issueLabel(code);
    assertEquals(key.getName(), label.getKey());
    LabelKey revoked = harness.client().revokeLabelKey(key.getName());
    assertEquals(LabelKeyStatus.LABEL_KEY_STATUS_REVOKED, revoked.getStatus());
    assertEquals(Refusal.REVOKED_KEY, verifyOffline(label.getText()).refusal());
    // and the maker has no active key until it makes a new one
    var status = assertFails(Status.Code.FAILED_PRECONDITION,
        () -> harness.client().issueLabel(registered()));
    assertEquals("LABEL_KEY", preconditions(status).get(0).getType());
    harness.client().createLabelKey(Fixtures.MAKER, UUID.randomUUID().toString());
  }

  @Test
  void reissuedAndRevokedSerialsAreRefused() throws Exception {
    String code = registered();
    Label old = harness.client().issueLabel(code);
    Label fresh = harness.client().reissueLabel(old.getSerial());
    assertNotEquals(old.getSerial(), fresh.getSerial());
    Label oldNow = harness.labels().getLabel(io.packtrail.v1.GetLabelRequest.newBuilder()
        .setName(old.getName()).build()).getLabel();
    assertEquals(LabelStatus.LABEL_STATUS_SUPERSEDED, oldNow.getStatus());
    assertEquals(fresh.getSerial(), oldNow.getSupersededBy());
    assertEquals(Refusal.SUPERSEDED_LABEL, verifyOffline(old.getText()).refusal());
    assertTrue(verifyOffline(fresh.getText()).isValid());
    assertFails(Status.Code.FAILED_PRECONDITION,
        () -> harness.client().reissueLabel(old.getSerial()));

    // a reissue sent again with its request_id gets the label it made; the request_id of an
    // issue, sent as a reissue, is no retry (it answered the active label, superseding nothing)
    String other = registered();
    String issueId = UUID.randomUUID().toString();
    Label issued = harness.labels().issueLabel(io.packtrail.v1.IssueLabelRequest.newBuilder()
        .setUnit("units/" + other).setRequestId(issueId).build()).getLabel();
    assertFails(Status.Code.ALREADY_EXISTS, () -> harness.labels().reissueLabel(
        io.packtrail.v1.ReissueLabelRequest.newBuilder().setName(issued.getName())
            .setRequestId(issueId).build()));
    assertEquals(LabelStatus.LABEL_STATUS_ACTIVE, harness.labels().getLabel(
        io.packtrail.v1.GetLabelRequest.newBuilder().setName(issued.getName()).build())
        .getLabel().getStatus(), "nothing was reissued");
    io.packtrail.v1.ReissueLabelRequest reissue = io.packtrail.v1.ReissueLabelRequest
        .newBuilder().setName(issued.getName()).setRequestId(UUID.randomUUID().toString())
        .build();
    Label made = harness.labels().reissueLabel(reissue).getLabel();
    assertEquals(made, harness.labels().reissueLabel(reissue).getLabel(), "a retry");

    Label revoked = harness.client().revokeLabel(fresh.getSerial());
    assertEquals(LabelStatus.LABEL_STATUS_REVOKED, revoked.getStatus());
    assertEquals(Refusal.REVOKED_LABEL, verifyOffline(fresh.getText()).refusal());
    assertFails(Status.Code.NOT_FOUND, () -> harness.client().revokeLabel(99_999_999L));
  }

  @Test
  void theTrustListIsSignedByTheRootKeyAndExpires() throws Exception {
    GetTrustListResponse fetched = harness.client().getTrustList();
    TrustList list = TrustLists.verify(fetched.getSignedTrustList(),
        fetched.getRootPublicKey().toByteArray(), Instant.now());
    assertTrue(list.getExpiresAt() > Instant.now().plusSeconds(6 * 86_400).getEpochSecond());
    assertFalse(list.getKeysList().isEmpty());
    byte[] otherRoot = io.packtrail.client.label.Ed25519Keys.generate().publicKey();
    assertEquals(TrustListException.Reason.ROOT_KEY_MISMATCH, assertThrows(
        TrustListException.class, () -> TrustLists.verify(fetched.getSignedTrustList(),
            otherRoot, Instant.now())).reason());
    SignedTrustList tampered = fetched.getSignedTrustList().toBuilder()
        .setTrustList(list.toBuilder().setExpiresAt(list.getExpiresAt() + 1).build().toByteString())
        .build();
    assertEquals(TrustListException.Reason.BAD_SIGNATURE, assertThrows(
        TrustListException.class, () -> TrustLists.verify(tampered,
            fetched.getRootPublicKey().toByteArray(), Instant.now())).reason());
    assertEquals(TrustListException.Reason.EXPIRED, assertThrows(
        TrustListException.class, () -> TrustLists.verify(fetched.getSignedTrustList(),
            fetched.getRootPublicKey().toByteArray(), Instant.now().plusSeconds(8 * 86_400)))
        .reason());
  }

  @Test
  void stepsCarryTheScannedLabelAndRefuseAnotherUnitsOrAForgedOne() {
    String code = registered();
    String other = registered();
    Label mine = harness.client().issueLabel(code);
    Label theirs = harness.client().issueLabel(other);
    harness.client().recordEvent(Fixtures.sale(code));
    harness.client().recordEvent(Fixtures.removal(code, RemovalReason.REMOVAL_REASON_TRADE_IN));

    var wrongUnit = assertFails(Status.Code.FAILED_PRECONDITION, () -> harness.client()
        .recordEvent(Fixtures.collection(code).toBuilder().setLabelText(theirs.getText()).build()));
    assertEquals("LABEL", preconditions(wrongUnit).get(0).getType());
    assertTrue(wrongUnit.getMessage().contains("units/" + other), wrongUnit.getMessage());

    String text = mine.getText();
    int i = text.length() - 10;
    char swapped = text.charAt(i) == 'A' ? 'B' : 'A';
    String forged = text.substring(0, i) + swapped + text.substring(i + 1);
    var forgedStatus = assertFails(Status.Code.INVALID_ARGUMENT, () -> harness.client()
        .recordEvent(Fixtures.collection(code).toBuilder().setLabelText(forged).build()));
    assertViolation(forgedStatus, "label_text", "refused");
    assertEquals(3, harness.client().getUnit(code).getEventCount(), "nothing was recorded");

    Event collected = harness.client().recordEvent(Fixtures.collection(code).toBuilder()
        .setLabelText(mine.getText()).build());
    assertEquals(mine.getSerial(), collected.getLabelSerial());
    assertTrue(new String(collected.getCanonicalBytes().toByteArray(),
        java.nio.charset.StandardCharsets.UTF_8).contains("label.serial"),
        "the label serial is part of the hashed record");
  }
}
