package io.packtrail.server.api;

import static io.packtrail.server.testing.Statuses.assertFails;
import static io.packtrail.server.testing.Statuses.assertViolation;
import static io.packtrail.server.testing.Statuses.preconditions;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import io.packtrail.client.PacktrailClient;
import io.packtrail.client.label.Ed25519Keys;
import io.packtrail.client.log.Checkpoint;
import io.packtrail.client.log.Cosignature;
import io.packtrail.client.log.LogVerificationException;
import io.packtrail.client.log.Merkle;
import io.packtrail.client.log.SignedNote;
import io.packtrail.client.log.VerifierKey;
import io.packtrail.client.log.WitnessPolicy;
import io.packtrail.server.testing.Fixtures;
import io.packtrail.server.testing.ServerHarness;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * AddCosignature against a real server and database: a configured witness's cosignature of a
 * checkpoint the log signed is stored once and served with the checkpoint (latest and at its
 * size), so the SDK's WitnessPolicy accepts it; every other submission is refused precisely.
 */
class WitnessCosignatureTest {
  static final String W1 = "witness.example/w1";
  static final String W2 = "witness.example/w2";
  static final Ed25519Keys.KeyPair W1_KEY = Ed25519Keys.generate();
  static final Ed25519Keys.KeyPair W2_KEY = Ed25519Keys.generate();
  static final VerifierKey W1_VKEY = VerifierKey.ofCosigner(W1, W1_KEY.publicKey());
  static final VerifierKey W2_VKEY = VerifierKey.ofCosigner(W2, W2_KEY.publicKey());

  @RegisterExtension
  static final ServerHarness harness = ServerHarness.inProcess(
      s -> s.withWitnessKeys(List.of(W1_VKEY, W2_VKEY)));

  private static PacktrailClient client;
  private static VerifierKey logKey;

  @BeforeAll
  static void log() throws Exception {
    client = harness.client();
    Fixtures.network(client);
    logKey = VerifierKey.parse(client.getLogKey().getVerifierKey());
  }

  /** A fresh checkpoint of a grown log (each test cosigns its own). */
  private static io.packtrail.v1.Checkpoint fresh() {
    Fixtures.registeredPack(client);
    return client.createCheckpoint();
  }

  private static String body(io.packtrail.v1.Checkpoint c) throws LogVerificationException {
    return SignedNote.parse(c.getNote()).text();
  }

  private static String cosign(String body, String name, byte[] privateKey, long time) {
    return Cosignature.sign(body.getBytes(StandardCharsets.UTF_8), name, privateKey, time)
        .line();
  }

  @Test
  void aConfiguredWitnessCosignatureIsStoredOnceAndServedWithTheCheckpoint() throws Exception {
    io.packtrail.v1.Checkpoint c = fresh();
    String body = body(c);
    String line = cosign(body, W1, W1_KEY.privateKey(), 1_767_225_600L);
    io.packtrail.v1.Checkpoint answered = client.addCosignature(body, line);
    assertEquals(1, answered.getCosignaturesCount());
    io.packtrail.v1.Cosignature stored = answered.getCosignatures(0);
    assertEquals(W1, stored.getKeyName());
    assertEquals(line, stored.getSignatureLine());
    assertEquals(1_767_225_600L, stored.getCosignTime().getSeconds());
    // served with the checkpoint, at its size and as the latest
    assertEquals(answered, client.getCheckpoint(c.getTreeSize()));
    assertEquals(answered, client.getCheckpoint());
    WitnessPolicy.Verified verified = new WitnessPolicy(List.of(W1_VKEY), 1)
        .verify(client.getCheckpoint(), logKey);
    assertEquals(c.getTreeSize(), verified.checkpoint().size());
    assertEquals(1_767_225_600L, verified.cosignedBy().get(W1_VKEY));

    // again: the same answer, nothing added; another time by the same key keeps the first
    assertEquals(answered, client.addCosignature(body, line));
    assertEquals(answered, client.addCosignature(body,
        cosign(body, W1, W1_KEY.privateKey(), 1_767_225_700L)));
    // the final newline is optional
    assertEquals(answered, client.addCosignature(body, line.strip()));

    // a second witness: both served, a policy needing both passes, one needing a third fails
    io.packtrail.v1.Checkpoint both = client.addCosignature(body,
        cosign(body, W2, W2_KEY.privateKey(), 1_767_225_800L));
    assertEquals(2, both.getCosignaturesCount());
    assertEquals(2, WitnessPolicy.all(List.of(W1_VKEY, W2_VKEY)).verify(both, logKey)
        .cosignedBy().size());
    VerifierKey w3 = VerifierKey.ofCosigner("witness.example/w3",
        Ed25519Keys.generate().publicKey());
    LogVerificationException tooFew = assertThrows(LogVerificationException.class,
        () -> new WitnessPolicy(List.of(W1_VKEY, w3), 2).verify(both, logKey));
    assertEquals(LogVerificationException.Reason.TOO_FEW_COSIGNATURES, tooFew.reason());
    assertTrue(tooFew.getMessage().contains("is cosigned by 1 of the witnesses trusted, 2 "
        + "required; no cosignature by witness.example/w3 (key hash "), tooFew.getMessage());
    assertTrue(tooFew.getMessage().contains("keys not trusted, ignored: " + W2),
        tooFew.getMessage());
  }

  @Test
  void onlyTheWitnessesConfiguredNowCountAndMoreThanThereAreIsNotFoundAtOnce() throws Exception {
    io.packtrail.v1.Checkpoint c = fresh();
    String body = body(c);
    client.addCosignature(body, cosign(body, W1, W1_KEY.privateKey(), 1_767_225_600L));
    client.addCosignature(body, cosign(body, W2, W2_KEY.privateKey(), 1_767_225_600L));
    assertEquals(c.getTreeSize(), client.latestCosignedCheckpoint(2).getTreeSize());
    var tooMany = assertFails(Status.Code.NOT_FOUND, () -> client.latestCosignedCheckpoint(3));
    assertTrue(tooMany.getMessage().contains("accepts cosignatures from 2 witness(es)"),
        tooMany.getMessage());
    // configured as W1 and a new W3 (W2 removed): W2's stored cosignature counts no more
    String w3 = "witness.example/w3 " + java.util.HexFormat.of().formatHex(VerifierKey
        .ofCosigner("witness.example/w3", Ed25519Keys.generate().publicKey()).keyHash());
    String w1 = W1 + " " + java.util.HexFormat.of().formatHex(W1_VKEY.keyHash());
    String w2 = W2 + " " + java.util.HexFormat.of().formatHex(W2_VKEY.keyHash());
    assertTrue(harness.jdbi().withExtension(io.packtrail.server.store.LogDao.class,
        dao -> dao.latestCosignedCheckpoint(2, new String[] {w1, w3})).isEmpty());
    assertEquals(c.getTreeSize(), harness.jdbi().withExtension(
        io.packtrail.server.store.LogDao.class,
        dao -> dao.latestCosignedCheckpoint(2, new String[] {w1, w2})).orElseThrow().treeSize());
  }

  @Test
  void oneKeyUnderTwoNamesIsRefusedAsWitnessSettings() {
    VerifierKey renamed = VerifierKey.ofCosigner("witness.example/w1-new", W1_KEY.publicKey());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> io.packtrail.server.PacktrailServer.Settings.defaults()
            .withWitnessKeys(List.of(W1_VKEY, renamed)));
    assertTrue(e.getMessage().contains("one key's holder must not count as two witnesses"),
        e.getMessage());
  }

  @Test
  void anUnknownWitnessIsDeniedNamingOnlyItsKeyName() throws Exception {
    String body = body(fresh());
    Ed25519Keys.KeyPair stranger = Ed25519Keys.generate();
    var status = assertFails(Status.Code.PERMISSION_DENIED, () -> client.addCosignature(body,
        cosign(body, "witness.example/stranger", stranger.privateKey(), 1_767_225_600L)));
    assertEquals("witness witness.example/stranger is not a witness of this log: it accepts "
        + "cosignatures only from the witness keys it is configured with (serve --witness-key)",
        status.getMessage());
    // a key name with a terminal's control sequence and a bidirectional override (the note
    // format lets both through): echoed escaped, in the answer and so in the server's log
    var hostile = assertFails(Status.Code.PERMISSION_DENIED, () -> client.addCosignature(body,
        cosign(body, "ev\u009b2J\u202eil", stranger.privateKey(), 1_767_225_600L)));
    assertTrue(hostile.getMessage().startsWith("witness ev\\u009B2J\\u202Eil is not a witness"),
        hostile.getMessage());
    // a configured name with another key: denied, and the configured key is not shown
    status = assertFails(Status.Code.PERMISSION_DENIED, () -> client.addCosignature(body,
        cosign(body, W1, stranger.privateKey(), 1_767_225_600L)));
    assertEquals("the key witness " + W1 + " cosigned with is not the one this log accepts "
        + "from it (serve --witness-key)", status.getMessage());
    assertFalse(status.getMessage().contains(W1_VKEY.encode().split("\\+")[1]));
  }

  @Test
  void aCheckpointTheLogDidNotSignIsAFailedPrecondition() throws Exception {
    io.packtrail.v1.Checkpoint c = fresh();
    // a size without a checkpoint
    String unknown = new Checkpoint(c.getOrigin(), c.getTreeSize() + 1000,
        c.getRootHash().toByteArray()).text();
    var status = assertFails(Status.Code.FAILED_PRECONDITION, () -> client.addCosignature(
        unknown, cosign(unknown, W1, W1_KEY.privateKey(), 1_767_225_600L)));
    var v = preconditions(status).get(0);
    assertEquals("CHECKPOINT", v.getType());
    assertEquals("checkpoints/" + (c.getTreeSize() + 1000), v.getSubject());
    assertTrue(v.getDescription().startsWith("the log signed no checkpoint of tree size "
        + (c.getTreeSize() + 1000) + " (latest: "), v.getDescription());
    // the signed size with another root: another history
    String forked = new Checkpoint(c.getOrigin(), c.getTreeSize(),
        Merkle.leafHash("another history".getBytes(StandardCharsets.UTF_8))).text();
    status = assertFails(Status.Code.FAILED_PRECONDITION, () -> client.addCosignature(
        forked, cosign(forked, W1, W1_KEY.privateKey(), 1_767_225_600L)));
    v = preconditions(status).get(0);
    assertEquals("CHECKPOINT", v.getType());
    assertTrue(v.getDescription().contains("has the root "
        + java.util.HexFormat.of().formatHex(c.getRootHash().toByteArray())), v.toString());
    assertEquals(0, client.getCheckpoint(c.getTreeSize()).getCosignaturesCount());
  }

  @Test
  void malformedOrUnverifiedCosignaturesAreInvalidArgumentsNamingTheField() throws Exception {
    io.packtrail.v1.Checkpoint c = fresh();
    String body = body(c);
    // signed over another checkpoint, sent for this one
    String other = new Checkpoint(c.getOrigin(), c.getTreeSize() + 1,
        c.getRootHash().toByteArray()).text();
    var status = assertFails(Status.Code.INVALID_ARGUMENT, () -> client.addCosignature(body,
        cosign(other, W1, W1_KEY.privateKey(), 1_767_225_600L)));
    assertViolation(status, "signature_line", "the cosignature of witness " + W1 + " does not "
        + "verify over the log's checkpoint of tree size " + c.getTreeSize());
    status = assertFails(Status.Code.INVALID_ARGUMENT, () -> client.addCosignature("", ""));
    assertViolation(status, "checkpoint", "is required");
    assertViolation(status, "signature_line", "is required");
    status = assertFails(Status.Code.INVALID_ARGUMENT, () -> client.addCosignature(
        body.replace("\n", "\n\n"), cosign(body, W1, W1_KEY.privateKey(), 1)));
    assertViolation(status, "checkpoint", "must be a checkpoint's note text");
    String elsewhere = body.replace(c.getOrigin(), "other.example/log");
    status = assertFails(Status.Code.INVALID_ARGUMENT, () -> client.addCosignature(elsewhere,
        cosign(elsewhere, W1, W1_KEY.privateKey(), 1)));
    assertViolation(status, "checkpoint", "is a checkpoint of the log 'other.example/log'");
    status = assertFails(Status.Code.INVALID_ARGUMENT, () -> client.addCosignature(body,
        "- " + W1 + " AAAA"));
    assertViolation(status, "signature_line", "must be a note signature line");
    // a plain note signature (no timestamp) is not a cosignature
    String plain = SignedNote.parse(SignedNote.sign(body.getBytes(StandardCharsets.UTF_8), W1,
        W1_KEY.privateKey())).signatures().get(0).line();
    status = assertFails(Status.Code.INVALID_ARGUMENT, () -> client.addCosignature(body, plain));
    assertViolation(status, "signature_line", "an 8-byte timestamp and a 64-byte Ed25519 "
        + "signature (72 bytes), not 64");
    assertEquals(0, client.getCheckpoint(c.getTreeSize()).getCosignaturesCount());
  }
}
