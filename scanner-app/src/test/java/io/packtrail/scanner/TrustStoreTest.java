package io.packtrail.scanner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.packtrail.client.label.Ed25519Keys;
import io.packtrail.client.label.TrustListException;
import io.packtrail.client.label.TrustLists;
import io.packtrail.v1.GetTrustListResponse;
import io.packtrail.v1.TrustList;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scanner's trust list cache: pinned on first use, a rollback refused as one, another
 * root refused with what to do, and after a deliberate re-pin the new root's lists taken
 * whatever the old root's versions were.
 */
class TrustStoreTest {
  static final Instant NOW = Instant.parse("2026-12-01T08:00:00Z");

  @TempDir
  Path home;

  static GetTrustListResponse list(Ed25519Keys.KeyPair root, long version) {
    TrustList list = TrustList.newBuilder().setVersion(version)
        .setIssuedAt(NOW.getEpochSecond() - 60).setExpiresAt(NOW.getEpochSecond() + 86_400)
        .build();
    return GetTrustListResponse.newBuilder()
        .setSignedTrustList(TrustLists.sign(list, root.privateKey(), root.publicKey()))
        .setRootPublicKey(ByteString.copyFrom(root.publicKey())).build();
  }

  @Test
  void aRollbackIsRefusedAsOneAndARepinnedRootStartsAfresh() throws Exception {
    Ed25519Keys.KeyPair old = Ed25519Keys.generate();
    TrustStore store = new TrustStore(home);
    assertEquals(9, store.store(list(old, 9), null, NOW).getVersion());

    TrustListException rollback = assertThrows(TrustListException.class,
        () -> store.store(list(old, 3), null, NOW));
    assertEquals(TrustListException.Reason.ROLLED_BACK, rollback.reason());
    assertEquals(9, store.load(NOW).getVersion(), "the cached one is kept");

    // the deployment's root replaced: refused, saying which file pins the old one
    Ed25519Keys.KeyPair fresh = Ed25519Keys.generate();
    TrustListException other = assertThrows(TrustListException.class,
        () -> store.store(list(fresh, 1), null, NOW));
    assertEquals(TrustListException.Reason.ROOT_KEY_MISMATCH, other.reason());
    assertTrue(other.getMessage().contains(home.resolve("trust-root.pub").toString()),
        other.getMessage());

    // removed on purpose: the new root's version 1 is taken, the old root's 9 no obstacle
    Files.delete(home.resolve("trust-root.pub"));
    assertEquals(1, store.store(list(fresh, 1), null, NOW).getVersion());
    assertEquals(1, store.load(NOW).getVersion());
  }
}
