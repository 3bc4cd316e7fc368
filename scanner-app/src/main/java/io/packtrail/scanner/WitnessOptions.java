package io.packtrail.scanner;

import io.packtrail.client.log.LogVerificationException;
import io.packtrail.client.log.VerifierKey;
import io.packtrail.client.log.WitnessPolicy;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * {@code --witness-key} and {@code --min-witnesses} of 'verify' and 'trace': the witnesses whose
 * cosignatures of a bundle's checkpoint are required (docs/formats.md section 13, step 8).
 */
final class WitnessOptions {
  @Option(names = "--witness-key", paramLabel = "VKEY", description = "a witness's verifier "
      + "key (name+hash+base64, signature type 0x04: the form 'serve --witness-key' takes and "
      + "'monitor --witness' prints); repeat for several. Its cosignature of the bundle's "
      + "checkpoint must verify; lines by keys not given are ignored")
  List<String> witnessKeys = new ArrayList<>();

  @Option(names = "--min-witnesses", paramLabel = "N", description = "how many of the given "
      + "witnesses must have cosigned the bundle's checkpoint (default: all of them)")
  Integer minWitnesses;

  /** A usage error, its message for the user. */
  static final class Invalid extends Exception {
    Invalid(String message) {
      super(message);
    }
  }

  /** Whether any witness option was given. */
  boolean given() {
    return !witnessKeys.isEmpty() || minWitnesses != null;
  }

  /** The policy the options state, or null when none was given. */
  WitnessPolicy policy() throws Invalid {
    if (!given()) {
      return null;
    }
    List<VerifierKey> keys = new ArrayList<>();
    for (String k : witnessKeys) {
      VerifierKey key;
      try {
        key = VerifierKey.parse(k.strip());
      } catch (LogVerificationException e) {
        throw new Invalid("--witness-key " + k + " is not a verifier key: " + e.getMessage());
      }
      if (key.type() != VerifierKey.TYPE_COSIGNATURE) {
        throw new Invalid("--witness-key " + k + " is not a witness's key (signature type "
            + "0x04, as 'monitor --witness' prints it); a log's key goes to --log-key");
      }
      keys.add(key);
    }
    int required = minWitnesses == null ? keys.size() : minWitnesses;
    if (required < 0) {
      throw new Invalid("--min-witnesses must not be negative, got " + required);
    }
    if (required > keys.size()) {
      throw new Invalid("--min-witnesses " + required + " needs at least " + required
          + " witness key(s) (--witness-key) to check their cosignatures; " + keys.size()
          + " given");
    }
    try {
      return new WitnessPolicy(keys, required);
    } catch (IllegalArgumentException e) {
      throw new Invalid("--witness-key: " + e.getMessage());
    }
  }
}
