package io.packtrail.scanner;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.packtrail.client.device.DeviceKey;
import io.packtrail.client.log.Checkpoint;
import io.packtrail.client.log.LogVerificationException;
import io.packtrail.client.log.Merkle;
import io.packtrail.client.log.SignedNote;
import io.packtrail.client.log.VerifierKey;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** `monitor`: checks that the log was only appended to since the checkpoint last trusted. */
@Command(name = "monitor", mixinStandardHelpOptions = true,
    description = "Check that the log was only ever appended to: fetch its latest checkpoint, "
        + "check its signature under the log key, and prove with a consistency proof that its "
        + "tree extends the checkpoint this device trusted last (kept under PACKTRAIL_HOME in "
        + "log-monitor/, with the pinned log key); then trust the new one. The first run trusts "
        + "the checkpoint it sees. Run it from cron: a fork alarm means the server showed two "
        + "different histories, report it with both checkpoints.",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:consistent: the log only grew (or the first checkpoint is now trusted); "
        + "as a witness, the cosignature was submitted and the log serves it",
        "1:the server's checkpoint is not signed by the pinned log key; or, as a witness, the "
            + "log refused the cosignature (e.g. PERMISSION_DENIED: the operator has not "
            + "configured this witness's key; the cosigned note is written all the same)",
        "2:usage or setup error (bad --log-key, another key than the pinned one, unreadable "
            + "state)",
        "3:the server could not be reached or has no checkpoint yet",
        "5:FORK: the log was not only appended to (a checkpoint inconsistent with the trusted "
            + "one: a smaller tree, another root for the same size, or a failing consistency "
            + "proof); the trusted checkpoint is kept"})
final class MonitorCommand implements Callable<Integer> {
  static final String DIR = "log-monitor";
  static final String CHECKPOINT = "checkpoint";
  static final String KEY = "log-key";

  @ParentCommand
  ScannerCli cli;

  @Option(names = "--log-key", paramLabel = "VKEY", description = "the log's verifier key to "
      + "pin (saved for later runs); without it the saved one, else the server's (trusted on "
      + "first use, with a warning)")
  String logKey;

  @Option(names = "--witness", paramLabel = "NAME", description = "also act as a witness named "
      + "NAME (e.g. witness.example/regulator): cosign each checkpoint verified consistent with "
      + "the trusted one (C2SP tlog-cosignature, key in log-monitor/" + WITNESS_KEY + ", made on "
      + "first use; its verifier key is printed for the log's operator, who accepts it with "
      + "'serve --witness-key'), write the cosigned note to log-monitor/" + COSIGNED + " and "
      + "submit the cosignature to the server (AuditService.AddCosignature), which serves the "
      + "checkpoint with it")
  String witness;

  static final String WITNESS_KEY = "witness.key";
  static final String COSIGNED = "cosigned-checkpoint";

  @Override
  public Integer call() throws Exception {
    Path dir = cli.home().resolve(DIR);
    Files.createDirectories(dir);
    Path keyFile = dir.resolve(KEY);
    Path trustedFile = dir.resolve(CHECKPOINT);
    VerifierKey saved = Files.exists(keyFile) ? parseKey(Files.readString(keyFile).strip(),
        keyFile.toString()) : null;
    VerifierKey given = logKey == null ? null : parseKey(logKey.strip(), "--log-key");
    if (given != null && given.type() != VerifierKey.TYPE_ED25519) {
      throw new IllegalArgumentException("--log-key " + given.name() + " is a witness's key "
          + "(signature type 0x04), not a log's (0x01): the log's key is the one GetLogKey or "
          + "'packtrail-server log-key' shows");
    }
    if (saved != null && given != null && !saved.equals(given)) {
      System.out.println("error: --log-key is not the key pinned in " + keyFile + " ("
          + saved.encode() + "); another key is another log: remove " + dir + " to start over");
      return ScannerCli.SETUP;
    }
    try (ServerLink link = cli.link()) {
      VerifierKey key = given != null ? given : saved;
      if (key == null) {
        key = parseKey(link.deliveries().getLogKey().getVerifierKey(), "the server's log key");
        System.out.println("WARNING: no log key pinned: trusting the server's " + key.encode()
            + " from now on; compare it with the key the operator publishes, or pass --log-key");
      }
      io.packtrail.v1.Checkpoint latest;
      try {
        latest = link.deliveries().getCheckpoint();
      } catch (StatusRuntimeException e) {
        if (e.getStatus().getCode() == Status.Code.NOT_FOUND) {
          System.out.println("the log has no checkpoint yet: nothing to monitor");
          return ScannerCli.SERVER;
        }
        throw e;
      }
      Checkpoint now;
      try {
        now = Checkpoint.verify(latest.getNote(), key);
      } catch (LogVerificationException e) {
        System.out.println("ALARM: the server's checkpoint is not signed by the "
            + (saved == null ? "log key given " : "pinned log key ") + key.encode() + ": "
            + e.getMessage() + (saved == null ? " (the key was not pinned: check it and run "
                + "again)" : ""));
        return ScannerCli.REFUSED;
      }
      if (saved == null) {
        // pinned only once a checkpoint verified under it: a mistyped or pasted-wrong key
        // would otherwise lock every later run out with "another key is another log"
        write(keyFile, key.encode() + "\n");
      }
      if (!Files.exists(trustedFile)) {
        write(trustedFile, latest.getNote());
        System.out.println("OK: trusting the log's checkpoint of size " + now.size() + " (root "
            + b64(now.rootHash()) + "); later runs check that the log only grows from it");
        if (witness != null) {
          System.out.println("witness key: " + witnessKey(dir).encode() + " (the log accepts "
              + "this witness's cosignatures once its operator runs serve --witness-key with "
              + "it; later runs cosign checkpoints they verify consistent and submit them)");
        }
        return ScannerCli.OK;
      }
      Checkpoint trusted;
      try {
        trusted = Checkpoint.verify(Files.readString(trustedFile, StandardCharsets.UTF_8), key);
      } catch (LogVerificationException e) {
        System.out.println("error: the trusted checkpoint in " + trustedFile + " is not signed "
            + "by the pinned key (" + e.getMessage() + "): the file was damaged; remove it to "
            + "trust the server's next checkpoint");
        return ScannerCli.SETUP;
      }
      String fork;
      try {
        fork = fork(trusted, now, link);
      } catch (io.grpc.StatusRuntimeException e) {
        if (e.getStatus().getCode() == Status.Code.UNAVAILABLE
            || e.getStatus().getCode() == Status.Code.DEADLINE_EXCEEDED) {
          throw e; // the network, not an answer: try again later
        }
        // a larger checkpoint, signed, that the log does not prove consistent: the trusted one
        // stays, nothing is cosigned, and the signed note is kept; a log that forked would
        // answer exactly so, again and again, so it is named, not passed off as a network error
        Path evidence = dir.resolve("unproven-" + now.size() + ".note");
        write(evidence, latest.getNote());
        System.out.println("WARNING: the log signed a checkpoint of size " + now.size()
            + " but did not prove it consistent with the trusted size " + trusted.size() + " ("
            + Words.status(e) + "); its signed checkpoint is kept in " + evidence + ". If this "
            + "repeats while the log answers other calls, treat it as a fork");
        throw e;
      }
      if (fork != null) {
        System.out.println("ALARM: FORK: the log was not only appended to: " + fork);
        System.out.println("  trusted: size " + trusted.size() + " root "
            + b64(trusted.rootHash()));
        System.out.println("  server:  size " + now.size() + " root " + b64(now.rootHash()));
        System.out.println("  keep " + trustedFile + " and the server's checkpoint as evidence");
        return ScannerCli.FORK;
      }
      if (now.size() > trusted.size()) {
        write(trustedFile, latest.getNote());
      }
      System.out.println("OK: the log only grew: from size " + trusted.size() + " to "
          + now.size() + (now.size() == trusted.size() ? " (unchanged)" : ", consistency "
              + "proof checked") + "; now trusting size " + now.size());
      return witness == null ? ScannerCli.OK : cosign(dir, latest.getNote(), now, link);
    }
  }

  /** The witness's key, made on first use. */
  private VerifierKey witnessKey(Path dir) throws IOException {
    return VerifierKey.ofCosigner(witness, loadWitnessKey(dir).publicKey());
  }

  private static DeviceKey loadWitnessKey(Path dir) throws IOException {
    Path keyFile = dir.resolve(WITNESS_KEY);
    if (!Files.exists(keyFile)) {
      DeviceKey.generate().save(keyFile);
    }
    return DeviceKey.load(keyFile);
  }

  /**
   * Cosigns a checkpoint verified consistent, writes the cosigned note, and submits the
   * cosignature to the log, which then serves the checkpoint with it.
   */
  private int cosign(Path dir, String note, Checkpoint checkpoint, ServerLink link)
      throws IOException, LogVerificationException {
    DeviceKey key = loadWitnessKey(dir);
    VerifierKey self = VerifierKey.ofCosigner(witness, key.publicKey());
    SignedNote parsed = SignedNote.parse(note);
    SignedNote.Signature line = key.cosign(parsed.body(), witness,
        java.time.Instant.now().getEpochSecond());
    write(dir.resolve(COSIGNED), parsed.withSignature(line).encode());
    System.out.println("witness " + self.encode() + " cosigned it: " + dir.resolve(COSIGNED));
    io.packtrail.v1.Checkpoint served;
    try {
      served = link.deliveries().addCosignature(parsed.text(), line.line());
    } catch (StatusRuntimeException e) {
      System.out.println("error: the log refused the cosignature: " + e.getStatus().getCode()
          + ": " + e.getStatus().getDescription());
      return e.getStatus().getCode() == Status.Code.UNAVAILABLE
          || e.getStatus().getCode() == Status.Code.DEADLINE_EXCEEDED
          ? ScannerCli.SERVER : ScannerCli.REFUSED;
    }
    // the log keeps a witness's first cosignature of a checkpoint: ours now, or an earlier one
    boolean ours = served.getCosignaturesList().stream().anyMatch(c -> c.getKeyName()
        .equals(witness) && java.util.Arrays.equals(c.getKeyHash().toByteArray(),
            self.keyHash()));
    if (!ours) {
      System.out.println("error: the log accepted the cosignature but does not serve it with "
          + "its checkpoint of size " + checkpoint.size());
      return ScannerCli.REFUSED;
    }
    System.out.println("cosignature submitted: the log serves its checkpoint of size "
        + checkpoint.size() + " with " + served.getCosignaturesCount() + " cosignature(s), "
        + "this witness's among them");
    return ScannerCli.OK;
  }

  /** Why {@code now} does not extend {@code trusted}, or null when it does. */
  private static String fork(Checkpoint trusted, Checkpoint now, ServerLink link) {
    if (now.size() < trusted.size()) {
      return "the server's tree (size " + now.size() + ") is smaller than the trusted one ("
          + trusted.size() + ")";
    }
    if (now.size() == trusted.size()) {
      return Arrays.equals(now.rootHash(), trusted.rootHash()) ? null : "two different roots "
          + "signed for tree size " + now.size();
    }
    List<byte[]> proof = link.deliveries().getConsistencyProof(trusted.size(), now.size())
        .getHashesList().stream().map(com.google.protobuf.ByteString::toByteArray).toList();
    try {
      Merkle.verifyConsistency(trusted.size(), now.size(), trusted.rootHash(), now.rootHash(),
          proof);
      return null;
    } catch (LogVerificationException e) {
      return "the tree of size " + now.size() + " does not extend the trusted tree of size "
          + trusted.size() + ": " + e.getMessage();
    }
  }

  private static VerifierKey parseKey(String text, String where) {
    try {
      return VerifierKey.parse(text);
    } catch (LogVerificationException e) {
      throw new IllegalArgumentException(where + " is not a verifier key: " + e.getMessage());
    }
  }

  private static void write(Path file, String text) throws IOException {
    io.packtrail.client.DurableFiles.replace(file, text.getBytes(StandardCharsets.UTF_8));
  }

  private static String b64(byte[] b) {
    return Base64.getEncoder().encodeToString(b);
  }
}
