package io.packtrail.server.label;

import io.packtrail.client.label.Ed25519Keys;
import io.packtrail.client.label.TrustLists;
import io.packtrail.server.security.KeySealer;
import io.packtrail.server.store.LabelDao;
import io.packtrail.v1.SignedTrustList;
import io.packtrail.v1.TrustList;
import java.time.Clock;
import org.jdbi.v3.core.Jdbi;

/**
 * The deployment's root key, which signs the trust list; its private part is sealed at rest and
 * never leaves this class. Scanners pin the public part.
 */
final class RootKey {
  private final byte[] publicKey;
  private final byte[] privateKey;

  private RootKey(byte[] publicKey, byte[] privateKey) {
    this.publicKey = publicKey;
    this.privateKey = privateKey;
  }

  /** The root key is made once per deployment; every server instance opens the same one. */
  static RootKey loadOrCreate(Jdbi jdbi, KeySealer sealer, Clock clock) {
    LabelDao.RootKey stored = jdbi.withExtension(LabelDao.class, LabelDao::rootKey).orElse(null);
    if (stored == null) {
      Ed25519Keys.KeyPair pair = Ed25519Keys.generate();
      byte[] keyId = Ed25519Keys.keyId(pair.publicKey());
      jdbi.useExtension(LabelDao.class, dao -> dao.insertRootKey(keyId, pair.publicKey(),
          sealer.seal(pair.privateKey(), keyId), clock.instant()));
      stored = jdbi.withExtension(LabelDao.class, LabelDao::rootKey).orElseThrow();
    }
    return new RootKey(stored.publicKey(), sealer.open(stored.privateKeySealed(),
        stored.keyId()));
  }

  byte[] publicKey() {
    return publicKey.clone();
  }

  SignedTrustList sign(TrustList list) {
    return TrustLists.sign(list, privateKey, publicKey);
  }
}
