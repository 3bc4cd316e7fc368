package io.packtrail.scanner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Server;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.packtrail.client.label.Ed25519Keys;
import io.packtrail.client.log.SignedNote;
import io.packtrail.client.log.VerifierKey;
import io.packtrail.v1.AuditServiceGrpc;
import io.packtrail.v1.Checkpoint;
import io.packtrail.v1.GetCheckpointRequest;
import io.packtrail.v1.GetCheckpointResponse;
import io.packtrail.v1.GetConsistencyProofRequest;
import io.packtrail.v1.GetConsistencyProofResponse;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A log that signs a larger checkpoint but will not prove it consistent with the one the
 * monitor trusts (a forked log answers so): the monitor keeps its trusted checkpoint, keeps the
 * signed note as evidence and says what happened, instead of a bare network error.
 */
class MonitorUnprovenTest {
  @TempDir
  Path home;

  @Test
  void aLargerCheckpointTheLogWillNotProveIsNamedAndKeptAsEvidence() throws Exception {
    Ed25519Keys.KeyPair key = Ed25519Keys.generate();
    String origin = "fake.example/log";
    AtomicLong size = new AtomicLong(1);
    Server log = io.grpc.Grpc.newServerBuilderForPort(0,
            io.grpc.InsecureServerCredentials.create())
        .addService(new AuditServiceGrpc.AuditServiceImplBase() {
          @Override
          public void getCheckpoint(GetCheckpointRequest request,
              StreamObserver<GetCheckpointResponse> response) {
            byte[] root = new byte[32];
            root[0] = (byte) size.get();
            String body = origin + "\n" + size.get() + "\n"
                + Base64.getEncoder().encodeToString(root) + "\n";
            String note = SignedNote.sign(body.getBytes(StandardCharsets.UTF_8), origin,
                key.privateKey());
            response.onNext(GetCheckpointResponse.newBuilder().setCheckpoint(Checkpoint
                .newBuilder().setOrigin(origin).setTreeSize(size.get()).setNote(note)).build());
            response.onCompleted();
          }

          @Override
          public void getConsistencyProof(GetConsistencyProofRequest request,
              StreamObserver<GetConsistencyProofResponse> response) {
            response.onError(Status.INTERNAL.withDescription("no proof").asRuntimeException());
          }
        }).build().start();
    try {
      String logKey = VerifierKey.of(origin, key.publicKey()).encode();
      String[] args = {"--server", "127.0.0.1:" + log.getPort(), "--plaintext", "--home",
          home.toString(), "monitor", "--log-key", logKey};
      assertEquals(ScannerCli.OK, run(args).exit, "the first run trusts size 1");
      size.set(2);
      Result second = run(args);
      assertEquals(ScannerCli.SERVER, second.exit, second.out);
      assertTrue(second.out.contains("WARNING: the log signed a checkpoint of size 2 but did "
          + "not prove it consistent with the trusted size 1"), second.out);
      Path evidence = home.resolve(MonitorCommand.DIR).resolve("unproven-2.note");
      assertTrue(Files.readString(evidence).startsWith(origin + "\n2\n"), "the signed note");
      assertTrue(Files.readString(home.resolve(MonitorCommand.DIR)
          .resolve(MonitorCommand.CHECKPOINT)).startsWith(origin + "\n1\n"), "still trusted: 1");
    } finally {
      log.shutdownNow();
    }
  }

  record Result(int exit, String out) {}

  static Result run(String... args) {
    PrintStream out = System.out;
    PrintStream err = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    PrintStream both = new PrintStream(captured, true, StandardCharsets.UTF_8);
    System.setOut(both);
    System.setErr(both);
    try {
      int exit = ScannerCli.commandLine().execute(args);
      return new Result(exit, captured.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(out);
      System.setErr(err);
    }
  }
}
