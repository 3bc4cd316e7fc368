package io.packtrail.server.log;

import io.packtrail.client.label.Ed25519Keys;
import io.packtrail.client.log.SignedNote;
import io.packtrail.client.log.VerifierKey;
import io.packtrail.server.security.KeySealer;
import io.packtrail.server.store.LogDao;
import java.time.Clock;
import org.jdbi.v3.core.Jdbi;

/**
 * The log's Ed25519 signing key: made once per deployment, its private part sealed at rest
 * (like the label keys, with the note key hash as associated data) and opened only here. Its
 * key name is the log's origin, fixed when the key is made.
 */
public final class LogKey {
  /** The origin of a log made without one configured. */
  public static final String DEFAULT_ORIGIN = "packtrail.local/log";

  private final String origin;
  private final byte[] publicKey;
  private final byte[] privateKey;
  private final VerifierKey verifier;

  private LogKey(String origin, byte[] publicKey, byte[] privateKey) {
    this.origin = origin;
    this.publicKey = publicKey;
    this.privateKey = privateKey;
    this.verifier = VerifierKey.of(origin, publicKey);
  }

  /**
   * The deployment's log key; made on first use with {@code configuredOrigin} (null: the
   * default). A configured origin other than the stored one is refused: it would be another
   * log.
   */
  public static LogKey loadOrCreate(Jdbi jdbi, KeySealer sealer, String configuredOrigin,
      Clock clock) {
    if (configuredOrigin != null) {
      checkOrigin(configuredOrigin);
    }
    LogDao.Key stored = jdbi.withExtension(LogDao.class, LogDao::logKey).orElse(null);
    if (stored == null) {
      String origin = configuredOrigin != null ? configuredOrigin : DEFAULT_ORIGIN;
      Ed25519Keys.KeyPair pair = Ed25519Keys.generate();
      byte[] keyHash = VerifierKey.of(origin, pair.publicKey()).keyHash();
      jdbi.useExtension(LogDao.class, dao -> dao.insertLogKey(origin, keyHash, pair.publicKey(),
          sealer.seal(pair.privateKey(), keyHash), clock.instant()));
      stored = jdbi.withExtension(LogDao.class, LogDao::logKey).orElseThrow();
    }
    if (configuredOrigin != null && !configuredOrigin.equals(stored.origin())) {
      throw new IllegalStateException("the log's origin is '" + stored.origin() + "' (fixed when "
          + "its key was made), but '" + configuredOrigin + "' is configured "
          + "(--log-origin, PACKTRAIL_LOG_ORIGIN): another origin would be another log");
    }
    return new LogKey(stored.origin(), stored.publicKey(),
        sealer.open(stored.privateKeySealed(), stored.keyHash()));
  }

  /**
   * An origin is a key name (C2SP signed-note), checked by the rule the log's verifier key will
   * be made with, so that a start refuses it before the database is opened: not empty, no white
   * or other space, no '+', no control characters, at most 200 characters and the note's byte
   * limit.
   */
  public static void checkOrigin(String origin) {
    String problem = io.packtrail.client.log.VerifierKey.keyNameProblem(origin);
    if (problem != null || origin.length() > 200 || origin.codePoints().anyMatch(
        Character::isISOControl)) {
      throw new IllegalArgumentException("the log origin must be 1 to 200 characters without "
          + "spaces or '+', e.g. " + DEFAULT_ORIGIN + ", got '" + origin + "'"
          + (problem == null ? "" : ": " + problem));
    }
  }

  public String origin() {
    return origin;
  }

  public byte[] publicKey() {
    return publicKey.clone();
  }

  public byte[] keyHash() {
    return verifier.keyHash();
  }

  /** The C2SP note verifier key string, {@code <name>+<hex key hash>+<base64(0x01 || key)>}. */
  public String verifierKey() {
    return verifier.encode();
  }

  /** The signed note of a checkpoint body. */
  String sign(byte[] body) {
    return SignedNote.sign(body, origin, privateKey);
  }

  VerifierKey verifier() {
    return verifier;
  }
}
