package io.packtrail.server.api;

import static io.packtrail.server.testing.Statuses.assertFails;
import static io.packtrail.server.testing.Statuses.assertViolation;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.packtrail.client.PacktrailClient;
import io.packtrail.client.audit.AuditBundle;
import io.packtrail.client.audit.AuditSource;
import io.packtrail.client.audit.BundleBuilder;
import io.packtrail.client.audit.BundleException;
import io.packtrail.client.audit.BundleVerifier;
import io.packtrail.client.label.Ed25519Keys;
import io.packtrail.client.log.Cosignature;
import io.packtrail.client.log.SignedNote;
import io.packtrail.client.log.VerifierKey;
import io.packtrail.client.log.WitnessPolicy;
import io.packtrail.server.PacktrailServer;
import io.packtrail.server.security.KeySealer;
import io.packtrail.server.testing.Fixtures;
import io.packtrail.server.testing.TestDatabases;
import io.packtrail.v1.GetCheckpointRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The latest cosigned checkpoint (GetCheckpoint min_cosignatures) and the bundles anchored in
 * it: cosignatures survive the server's restart and keep anchoring bundles while the witness is
 * offline; a cosignature made while the server was down is accepted when it is back.
 */
class CosignedBundleTest {
  static final String W1 = "witness.example/w1";
  static final String W2 = "witness.example/w2";
  static final Ed25519Keys.KeyPair W1_KEY = Ed25519Keys.generate();
  static final Ed25519Keys.KeyPair W2_KEY = Ed25519Keys.generate();
  static final VerifierKey W1_VKEY = VerifierKey.ofCosigner(W1, W1_KEY.publicKey());
  static final VerifierKey W2_VKEY = VerifierKey.ofCosigner(W2, W2_KEY.publicKey());
  /** No background checkpoints: each test signs its own, so the latest one is known. */
  static final PacktrailServer.Settings SETTINGS = PacktrailServer.Settings.defaults()
      .withSealer(KeySealer.random()).withLog(null, Duration.ZERO)
      .withWitnessKeys(List.of(W1_VKEY, W2_VKEY));

  /** Runs {@code body} against a server on {@code db}, then stops the server. */
  /** What a test does against one server run. */
  interface Body {
    void run(PacktrailClient client, io.grpc.Channel channel) throws Exception;
  }

  private static void serve(TestDatabases.Fresh db, Body body) throws Exception {
    String name = InProcessServerBuilder.generateName();
    try (PacktrailServer server = PacktrailServer.start(InProcessServerBuilder.forName(name),
        db.database().jdbi(), SETTINGS)) {
      ManagedChannel channel = InProcessChannelBuilder.forName(name).build();
      try (PacktrailClient client = PacktrailClient.over(channel, Duration.ofSeconds(20))) {
        body.run(client, channel);
      } finally {
        channel.shutdownNow();
      }
    }
  }

  private static String body(io.packtrail.v1.Checkpoint c) {
    try {
      return SignedNote.parse(c.getNote()).text();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static String cosign(io.packtrail.v1.Checkpoint c, String name, byte[] key) {
    return Cosignature.sign(body(c).getBytes(StandardCharsets.UTF_8), name, key,
        1_796_115_600L).line();
  }

  private static VerifierKey logKey(PacktrailClient client) {
    try {
      return VerifierKey.parse(client.getLogKey().getVerifierKey());
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static io.packtrail.v1.Checkpoint latestCosigned(PacktrailClient client, int min) {
    return client.latestCosignedCheckpoint(min);
  }

  @Test
  void theLatestCosignedCheckpointIsServedWithItsCosignatures() throws Exception {
    try (TestDatabases.Fresh db = TestDatabases.create("CosignedLatest")) {
      serve(db, (client, channel) -> {
        Fixtures.network(client);
        Fixtures.registeredPack(client);
        io.packtrail.v1.Checkpoint a = client.createCheckpoint();
        var none = assertFails(Status.Code.NOT_FOUND, () -> latestCosigned(client, 1));
        assertEquals(io.grpc.Status.Code.NOT_FOUND.value(), none.getCode());
        assertTrue(none.getMessage().contains("with at least 1 cosignature(s)"),
            none.getMessage());

        client.addCosignature(body(a), cosign(a, W1, W1_KEY.privateKey()));
        Fixtures.registeredPack(client);
        io.packtrail.v1.Checkpoint b = client.createCheckpoint();
        assertTrue(b.getTreeSize() > a.getTreeSize());
        // the latest checkpoint is b, not cosigned; the latest cosigned one is a, with w1's line
        assertEquals(0, client.getCheckpoint().getCosignaturesCount());
        io.packtrail.v1.Checkpoint cosigned = latestCosigned(client, 1);
        assertEquals(a.getTreeSize(), cosigned.getTreeSize());
        assertEquals(List.of(W1), cosigned.getCosignaturesList().stream()
            .map(io.packtrail.v1.Cosignature::getKeyName).toList());
        assertFails(Status.Code.NOT_FOUND, () -> latestCosigned(client, 2));

        // w2 cosigns b: the latest with one is b; with two, none yet; w1 too: b with both
        client.addCosignature(body(b), cosign(b, W2, W2_KEY.privateKey()));
        assertEquals(b.getTreeSize(), latestCosigned(client, 1).getTreeSize());
        assertFails(Status.Code.NOT_FOUND, () -> latestCosigned(client, 2));
        client.addCosignature(body(a), cosign(a, W2, W2_KEY.privateKey()));
        assertEquals(a.getTreeSize(), latestCosigned(client, 2).getTreeSize());
        client.addCosignature(body(b), cosign(b, W1, W1_KEY.privateKey()));
        io.packtrail.v1.Checkpoint both = latestCosigned(client, 2);
        assertEquals(b.getTreeSize(), both.getTreeSize());
        assertEquals(2, WitnessPolicy.all(List.of(W1_VKEY, W2_VKEY)).verify(both,
            logKey(client)).cosignedBy().size());
      });
    }
  }

  @Test
  void aTraceFindsTheCheckpointItsWitnessCosignedWhileAnotherWitnessCosignedALaterOne()
      throws Exception {
    try (TestDatabases.Fresh db = TestDatabases.create("CosignedByPolicy")) {
      serve(db, (client, channel) -> {
        Fixtures.network(client);
        String unit = Fixtures.registeredPack(client);
        // as the trace signs its checkpoint for the witnesses: w1 cosigns a later checkpoint
        // at once, w2 (the trace's only witness) the trace's own
        AuditSource source = new ReportServiceTest.ForwardingSource(AuditSource.of(client)) {
          @Override
          public io.packtrail.v1.Checkpoint createCheckpoint() {
            io.packtrail.v1.Checkpoint mine = super.createCheckpoint();
            Fixtures.registeredPack(client);
            io.packtrail.v1.Checkpoint later = client.createCheckpoint();
            client.addCosignature(body(later), cosign(later, W1, W1_KEY.privateKey()));
            client.addCosignature(body(mine), cosign(mine, W2, W2_KEY.privateKey()));
            return mine;
          }
        };
        WitnessPolicy onlyW2 = new WitnessPolicy(List.of(W2_VKEY), 1);
        AuditBundle bundle = BundleBuilder.collect(source, unit, BundleBuilder.Anchor
            .cosigned(onlyW2, Duration.ofSeconds(2), Duration.ofMillis(100)));
        // the latest checkpoint with a cosignature is w1's: the trace anchors in w2's
        long anchored = onlyW2.verify(bundle.checkpointNote(), logKey(client)).checkpoint()
            .size();
        assertTrue(latestCosigned(client, 1).getTreeSize() > anchored);
      });
    }
  }

  @Test
  void minCosignaturesIsRefusedNegativeOrBesideATreeSize() throws Exception {
    try (TestDatabases.Fresh db = TestDatabases.create("CosignedBadInput")) {
      serve(db, (client, channel) -> {
        Fixtures.network(client);
        client.createCheckpoint();
        var audit = io.packtrail.v1.AuditServiceGrpc.newBlockingStub(channel);
        var negative = assertFails(Status.Code.INVALID_ARGUMENT, () -> audit.getCheckpoint(
            GetCheckpointRequest.newBuilder().setMinCosignatures(-1).build()));
        assertViolation(negative, "min_cosignatures", "must not be negative, got -1");
        var both = assertFails(Status.Code.INVALID_ARGUMENT, () -> audit.getCheckpoint(
            GetCheckpointRequest.newBuilder().setTreeSize(1).setMinCosignatures(1).build()));
        assertViolation(both, "min_cosignatures", "must be unset with tree_size");
      });
    }
  }

  @Test
  void aCosignatureSurvivesARestartAndAnchorsBundlesWhileTheWitnessIsOffline()
      throws Exception {
    try (TestDatabases.Fresh db = TestDatabases.create("CosignedRestart")) {
      String[] unit = new String[1];
      io.packtrail.v1.Checkpoint[] cosigned = new io.packtrail.v1.Checkpoint[1];
      String[] lateLine = new String[1];
      io.packtrail.v1.Checkpoint[] late = new io.packtrail.v1.Checkpoint[1];
      serve(db, (client, channel) -> {
        Fixtures.network(client);
        unit[0] = Fixtures.registeredPack(client);
        io.packtrail.v1.Checkpoint first = client.createCheckpoint();
        cosigned[0] = client.addCosignature(body(first), cosign(first, W1, W1_KEY.privateKey()));
        Fixtures.registeredPack(client);
        late[0] = client.createCheckpoint();
      });
      // while the server is down, w2 cosigns the last checkpoint it saw
      lateLine[0] = cosign(late[0], W2, W2_KEY.privateKey());

      serve(db, (client, channel) -> {
        // the witness w1 is offline now: its cosignature is still served, at its size and as
        // the latest cosigned checkpoint
        assertEquals(cosigned[0], client.getCheckpoint(cosigned[0].getTreeSize()));
        assertEquals(cosigned[0], latestCosigned(client, 1));
        Fixtures.registeredPack(client);
        client.createCheckpoint();

        // a bundle of the unit is anchored in the cosigned checkpoint, its cosignature carried
        AuditBundle b = BundleBuilder.collect(AuditSource.of(client), unit[0]);
        assertEquals(WitnessPolicy.note(cosigned[0]), b.checkpointNote());
        BundleVerifier.Report report;
        try {
          report = BundleVerifier.verify(AuditBundle.parse(b.encode()), logKey(client),
              new WitnessPolicy(List.of(W1_VKEY, W2_VKEY), 1));
        } catch (BundleException e) {
          throw new AssertionError(e);
        }
        assertEquals(List.of(W1_VKEY), List.copyOf(report.cosignedBy().keySet()));

        // a unit registered after it: not covered; the bundle is anchored in a fresh, uncosigned
        // checkpoint, which a witness requirement refuses, and a required anchor says why
        String newer = Fixtures.registeredPack(client);
        AuditBundle fresh = BundleBuilder.collect(AuditSource.of(client), newer);
        BundleException tooFew = assertThrows(BundleException.class, () -> BundleVerifier
            .verify(fresh, logKey(client), new WitnessPolicy(List.of(W1_VKEY), 1)));
        assertEquals(BundleException.Check.TOO_FEW_COSIGNATURES, tooFew.check());
        var none = assertThrows(BundleBuilder.NotCosignedException.class,
            () -> BundleBuilder.collect(AuditSource.of(client), newer, BundleBuilder.Anchor
                .cosigned(new WitnessPolicy(List.of(W1_VKEY), 1), Duration.ZERO,
                    Duration.ofSeconds(1))));
        assertTrue(none.getMessage().startsWith("the latest checkpoint cosigned by 1 "
            + "witness(es) has tree size " + cosigned[0].getTreeSize() + ", below "),
            none.getMessage());

        // w2's cosignature, made while the server was down, is accepted now: the checkpoint
        // the first run signed is stored
        io.packtrail.v1.Checkpoint accepted = client.addCosignature(body(late[0]), lateLine[0]);
        assertEquals(List.of(W2), accepted.getCosignaturesList().stream()
            .map(io.packtrail.v1.Cosignature::getKeyName).toList());
      });
      // and all of it is there after one more restart
      serve(db, (client, channel) -> {
        assertEquals(late[0].getTreeSize(), latestCosigned(client, 1).getTreeSize());
        assertEquals(1, client.getCheckpoint(cosigned[0].getTreeSize()).getCosignaturesCount());
      });
    }
  }
}
