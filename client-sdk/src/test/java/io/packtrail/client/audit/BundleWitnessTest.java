package io.packtrail.client.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.packtrail.client.audit.BundleException.Check;
import io.packtrail.client.log.Checkpoint;
import io.packtrail.client.log.Merkle;
import io.packtrail.client.log.SignedNote;
import io.packtrail.client.log.VerifierKey;
import io.packtrail.client.log.WitnessPolicy;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A bundle's checkpoint carries the witnesses' cosignatures (docs/formats.md section 13, step
 * 8): required witnesses counted, forged or misplaced cosignatures named, strangers ignored.
 */
class BundleWitnessTest {
  private static final VerifierKey LOG = BundleFixture.logKey();
  private static final VerifierKey W1 = BundleFixture.witness(BundleFixture.WITNESS1,
      BundleFixture.WITNESS1_SEED);
  private static final VerifierKey W2 = BundleFixture.witness(BundleFixture.WITNESS2,
      BundleFixture.WITNESS2_SEED);
  /** A witness the auditor does not trust. */
  private static final byte[] STRANGER_SEED = new byte[32];
  private static final String STRANGER = "witness.example/stranger";

  private final BundleFixture fixture = new BundleFixture(false);
  private final String note = fixture.bundle.checkpointNote();

  private static String cosign(String note, String name, byte[] seed) {
    return BundleFixture.cosign(note, name, seed, BundleFixture.COSIGNED_AT);
  }

  /** The fixture's bundle with cosignatures by the first {@code count} of w1, w2, as text. */
  private AuditBundle cosignedBy(int count) throws BundleException {
    String n = note;
    if (count >= 1) {
      n = cosign(n, BundleFixture.WITNESS1, BundleFixture.WITNESS1_SEED);
    }
    if (count >= 2) {
      n = cosign(n, BundleFixture.WITNESS2, BundleFixture.WITNESS2_SEED);
    }
    // through its text: the cosignature lines travel in the checkpoint line
    return AuditBundle.parse(BundleFixture.withNote(fixture.bundle, n).encode());
  }

  private static WitnessPolicy both(int required) {
    return new WitnessPolicy(List.of(W1, W2), required);
  }

  private static BundleException refused(AuditBundle b, WitnessPolicy policy) {
    return assertThrows(BundleException.class, () -> BundleVerifier.verify(b, LOG, policy));
  }

  @ParameterizedTest(name = "{0} cosignature(s), {1} required")
  @CsvSource({"0,0", "0,1", "0,2", "1,0", "1,1", "1,2", "2,0", "2,1", "2,2"})
  void cosignaturesAreCountedAgainstTheWitnessesRequired(int cosignatures, int required)
      throws Exception {
    AuditBundle b = cosignedBy(cosignatures);
    if (cosignatures >= required) {
      BundleVerifier.Report report = BundleVerifier.verify(b, LOG, both(required));
      assertEquals(cosignatures, report.cosignedBy().size());
      assertTrue(report.facts().contains("checkpoint cosigned by " + cosignatures + " of the 2 "
          + "witness(es) trusted, " + required + " required" + (cosignatures == 0 ? ""
              : ": " + BundleFixture.WITNESS1 + "+" + hex(W1) + " at 2026-12-01T09:00:00Z")
          + (cosignatures == 2 ? ", " + BundleFixture.WITNESS2 + "+" + hex(W2)
              + " at 2026-12-01T09:00:00Z" : "")), report.facts().toString());
    } else {
      BundleException e = refused(b, both(required));
      assertEquals(Check.TOO_FEW_COSIGNATURES, e.check());
      assertEquals("the checkpoint of packtrail.local/log at tree size 8 is cosigned by "
          + cosignatures + " of the witnesses trusted, " + required + " required; no "
          + "cosignature by " + (cosignatures == 0 ? BundleFixture.WITNESS1 + " (key hash "
              + hex(W1) + "), " : "") + BundleFixture.WITNESS2 + " (key hash " + hex(W2) + ")",
          e.getMessage());
    }
  }

  @Test
  void withoutWitnessKeysTheCosignaturesAreCountedNotChecked() throws Exception {
    BundleVerifier.Report report = BundleVerifier.verify(cosignedBy(2), LOG);
    assertTrue(report.cosignedBy().isEmpty());
    assertTrue(report.facts().contains("the checkpoint carries 2 cosignature line(s) ("
        + BundleFixture.WITNESS1 + ", " + BundleFixture.WITNESS2 + "), not checked: no witness "
        + "key given (--witness-key)"), report.facts().toString());
  }

  @Test
  void aForgedCosignatureIsNamedNotMerelyUncounted() throws Exception {
    String cosigned = cosign(note, BundleFixture.WITNESS1, BundleFixture.WITNESS1_SEED);
    SignedNote parsed = SignedNote.parse(cosigned);
    SignedNote.Signature line = parsed.signatures().get(1);
    byte[] forged = line.signature();
    forged[20] ^= 1; // a bit of the Ed25519 signature, after the timestamp
    String tampered = cosigned.replace(line.line(), new SignedNote.Signature(line.keyName(),
        line.keyHash(), forged).line());
    AuditBundle b = BundleFixture.withNote(fixture.bundle, tampered);
    // refused even when no cosignature is required: it is there, and it is false
    for (int required : new int[] {0, 1}) {
      BundleException e = refused(b, new WitnessPolicy(List.of(W1), required));
      assertEquals(Check.COSIGNATURE, e.check());
      assertEquals("the cosignature by " + BundleFixture.WITNESS1 + " (time "
          + BundleFixture.COSIGNED_AT + ") does not verify over the checkpoint", e.getMessage());
    }
    // ... yet the log's own signature still holds: without witnesses the bundle is valid
    BundleVerifier.verify(b, LOG);
  }

  @Test
  void aCosignatureWithAnEditedTimestampIsForged() throws Exception {
    String cosigned = cosign(note, BundleFixture.WITNESS1, BundleFixture.WITNESS1_SEED);
    SignedNote.Signature line = SignedNote.parse(cosigned).signatures().get(1);
    byte[] later = line.signature();
    later[7]++; // the timestamp's last byte: a second later
    AuditBundle b = BundleFixture.withNote(fixture.bundle, cosigned.replace(line.line(),
        new SignedNote.Signature(line.keyName(), line.keyHash(), later).line()));
    assertEquals(Check.COSIGNATURE, refused(b, both(1)).check());
  }

  @Test
  void aCosignatureByAnUnknownWitnessIsIgnoredNotCounted() throws Exception {
    String byStranger = cosign(note, STRANGER, STRANGER_SEED);
    VerifierKey stranger = BundleFixture.witness(STRANGER, STRANGER_SEED);
    AuditBundle b = BundleFixture.withNote(fixture.bundle, byStranger);
    BundleException e = refused(b, both(1));
    assertEquals(Check.TOO_FEW_COSIGNATURES, e.check());
    assertTrue(e.getMessage().startsWith("the checkpoint of packtrail.local/log at tree size 8 "
        + "is cosigned by 0 of the witnesses trusted, 1 required;"), e.getMessage());
    assertTrue(e.getMessage().endsWith("; cosignatures by keys not trusted, ignored: " + STRANGER
        + " (key hash " + hex(stranger) + ")"), e.getMessage());

    // beside a trusted one: counted 1, the stranger's named as ignored
    AuditBundle mixed = BundleFixture.withNote(fixture.bundle, cosign(byStranger,
        BundleFixture.WITNESS2, BundleFixture.WITNESS2_SEED));
    BundleVerifier.Report report = BundleVerifier.verify(mixed, LOG, both(1));
    assertEquals(List.of(W2), List.copyOf(report.cosignedBy().keySet()));
    assertTrue(report.facts().stream().anyMatch(f -> f.endsWith("; cosignature lines by keys "
        + "not trusted, ignored: " + STRANGER + " (key hash " + hex(stranger) + ")")),
        report.facts().toString());

    // a forged line under a stranger's name is nobody's business: ignored as well
    SignedNote.Signature line = SignedNote.parse(byStranger).signatures().get(1);
    byte[] garbage = line.signature();
    garbage[30] ^= 1;
    AuditBundle junk = BundleFixture.withNote(fixture.bundle, cosign(byStranger.replace(
        line.line(), new SignedNote.Signature(line.keyName(), line.keyHash(), garbage).line()),
        BundleFixture.WITNESS1, BundleFixture.WITNESS1_SEED));
    assertEquals(1, BundleVerifier.verify(junk, LOG, both(1)).cosignedBy().size());
  }

  @Test
  void aTrustedWitnessesCosignatureOfAnotherCheckpointDoesNotVerifyOverThisOne()
      throws Exception {
    // the witness's genuine cosignature of another checkpoint of the log (one leaf fewer),
    // moved onto this bundle's checkpoint
    String otherNote = SignedNote.sign(new Checkpoint(BundleFixture.ORIGIN, 6, Merkle.root(
        fixture.leaves.subList(0, 6).stream().map(Merkle::leafHash).toList())).body(),
        BundleFixture.ORIGIN, BundleFixture.LOG_SEED);
    String cosignedOther = cosign(otherNote, BundleFixture.WITNESS1,
        BundleFixture.WITNESS1_SEED);
    SignedNote.Signature moved = SignedNote.parse(cosignedOther).signatures().get(1);
    // genuine where it was made
    new WitnessPolicy(List.of(W1), 1).verify(cosignedOther, LOG);
    AuditBundle b = BundleFixture.withNote(fixture.bundle, note + moved.line());
    BundleException e = refused(b, both(1));
    assertEquals(Check.COSIGNATURE, e.check());
    assertTrue(e.getMessage().contains("does not verify over the checkpoint"), e.getMessage());
  }

  @Test
  void aCosignedBundleKeepsItsCosignaturesThroughItsText() throws Exception {
    AuditBundle b = fixture.cosignedByBoth();
    String text = b.encode();
    assertEquals(b.checkpointNote(), AuditBundle.parse(text).checkpointNote());
    String decoded = new String(java.util.Base64.getDecoder().decode(text.lines()
        .filter(l -> l.startsWith("checkpoint ")).findFirst().orElseThrow()
        .substring("checkpoint ".length())), StandardCharsets.UTF_8);
    assertEquals(3, SignedNote.parse(decoded).signatures().size());
    assertEquals(2, BundleVerifier.verify(AuditBundle.parse(text), LOG, both(2)).cosignedBy()
        .size());
  }

  @Test
  void theLogKeyIsNoWitnessKeyAndAWitnessKeyNoLogKey() {
    assertThrows(IllegalArgumentException.class, () -> new WitnessPolicy(List.of(LOG), 1));
    // a bundle "signed" by a witness key alone: the log's signature is required first
    AuditBundle b = BundleFixture.withNote(fixture.bundle, note);
    BundleException e = assertThrows(BundleException.class, () -> BundleVerifier.verify(b, W1,
        both(0)));
    assertEquals(Check.CHECKPOINT_SIGNATURE, e.check());
  }

  private static String hex(VerifierKey k) {
    return HexFormat.of().formatHex(k.keyHash());
  }
}
