package io.packtrail.server.cli;

import io.packtrail.server.log.LogKey;
import java.time.Clock;
import java.util.Base64;
import java.util.HexFormat;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Prints the verifiable log's public key and note verifier key, making the key first when the
 * deployment has none yet (so it can be published before the first serve).
 */
@Command(name = "log-key", mixinStandardHelpOptions = true,
    description = {"Print the verifiable log's origin, Ed25519 public key and C2SP note "
        + "verifier key (what auditors, monitors and witnesses pin).",
        "Makes the log key on first use, sealed under the key-encryption key like the label "
            + "keys."})
final class LogKeyCommand implements Callable<Integer> {
  @Mixin
  DatabaseOptions database;

  @Option(names = "--log-origin", defaultValue = "${env:PACKTRAIL_LOG_ORIGIN}",
      description = "the log's origin when the key is made now (env PACKTRAIL_LOG_ORIGIN, "
          + "default packtrail.local/log); an existing log's origin cannot change")
  String logOrigin;

  @Option(names = "--verifier-key-only",
      description = "print only the verifier key string (for scripts)")
  boolean verifierKeyOnly;

  @Override
  public Integer call() throws Exception {
    try (DatabaseOptions.Opened opened = database.openShared(2)) {
      LogKey key = LogKey.loadOrCreate(opened.database().jdbi(), database.keySealer(),
          logOrigin, Clock.systemUTC());
      if (verifierKeyOnly) {
        System.out.println(key.verifierKey());
      } else {
        System.out.println("origin:       " + key.origin());
        System.out.println("public key:   " + Base64.getEncoder().encodeToString(key.publicKey())
            + " (base64, raw 32-byte Ed25519)");
        System.out.println("key hash:     " + HexFormat.of().formatHex(key.keyHash()));
        System.out.println("verifier key: " + key.verifierKey());
      }
    }
    return 0;
  }
}
