package io.packtrail.scanner;

import io.packtrail.client.label.TrustListException;
import io.packtrail.client.label.TrustLists;
import io.packtrail.v1.GetTrustListResponse;
import io.packtrail.v1.SignedTrustList;
import io.packtrail.v1.TrustList;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;

/**
 * The scanner's cached trust list and the deployment root key it trusts. The root key is pinned
 * on the first fetch (or given by the operator); afterwards only lists signed by it, and never an
 * older version than the cached one, are accepted, so a forged or rolled-back list is refused.
 */
final class TrustStore {
  private final Path root;
  private final Path list;

  TrustStore(Path home) {
    this.root = home.resolve("trust-root.pub");
    this.list = home.resolve("trust-list.pb");
  }

  /** Checks a fetched list against the pinned root (pinning it first if there is none) and caches it. */
  TrustList store(GetTrustListResponse fetched, String givenRootBase64, Instant now)
      throws IOException, TrustListException {
    byte[] offered = fetched.getRootPublicKey().toByteArray();
    byte[] pinned = pinnedRoot();
    if (givenRootBase64 != null && !givenRootBase64.isBlank()) {
      byte[] given = Base64.getDecoder().decode(givenRootBase64.trim());
      if (pinned != null && !Arrays.equals(pinned, given)) {
        throw new TrustListException(TrustListException.Reason.ROOT_KEY_MISMATCH,
            "the given root key differs from the pinned one in " + root + "; remove that file "
                + "to re-pin deliberately");
      }
      pinned = given;
    }
    if (pinned == null) {
      pinned = offered; // trust on first use
    }
    TrustList verified;
    try {
      verified = TrustLists.verify(fetched.getSignedTrustList(), pinned, now);
    } catch (TrustListException e) {
      if (e.reason() != TrustListException.Reason.ROOT_KEY_MISMATCH) {
        throw e;
      }
      throw new TrustListException(e.reason(), e.getMessage() + "; this device trusts the root "
          + "key pinned in " + root + ". Only if the deployment's root key was replaced on "
          + "purpose (ask its operator), remove that file and fetch again to trust the new one");
    }
    // a rollback is an older list of the same root; a list cached under another root (before
    // a deliberate re-pin) says nothing about this one's versions
    TrustList cached = cachedUnder(pinned);
    if (cached != null && verified.getVersion() < cached.getVersion()) {
      throw new TrustListException(TrustListException.Reason.ROLLED_BACK, "the server offered "
          + "trust list version " + verified.getVersion() + ", older than version "
          + cached.getVersion() + " this device already holds from the same root; keeping "
          + "the cached one");
    }
    Files.createDirectories(list.getParent());
    write(root, Base64.getEncoder().encodeToString(pinned).getBytes());
    write(list, fetched.getSignedTrustList().toByteArray());
    return verified;
  }

  /** The cached list, verified again now: its signature under the pinned root and its expiry. */
  TrustList load(Instant now) throws IOException, TrustListException {
    byte[] pinned = pinnedRoot();
    if (pinned == null || !Files.exists(list)) {
      throw new IOException("no cached trust list in " + list.getParent()
          + ": run 'packtrail-scanner trust-list fetch' while online");
    }
    return TrustLists.verify(SignedTrustList.parseFrom(Files.readAllBytes(list)), pinned, now);
  }

  /** When the cached list was last written (a fetch), or null when there is none. */
  java.nio.file.attribute.FileTime written() throws IOException {
    return java.nio.file.Files.exists(list) ? java.nio.file.Files.getLastModifiedTime(list)
        : null;
  }

  /** The cached list as stored (not checked again), for showing its version and expiry. */
  java.util.Optional<TrustList> cached() throws IOException {
    return java.util.Optional.ofNullable(cachedUnchecked());
  }

  /** The cached list when its signature verifies under {@code rootKey} (expired or not). */
  private TrustList cachedUnder(byte[] rootKey) throws IOException {
    if (!Files.exists(list)) {
      return null;
    }
    try {
      return TrustLists.verify(SignedTrustList.parseFrom(Files.readAllBytes(list)), rootKey,
          Instant.EPOCH);
    } catch (TrustListException e) {
      return null;
    }
  }

  private TrustList cachedUnchecked() throws IOException {
    if (!Files.exists(list)) {
      return null;
    }
    return TrustList.parseFrom(SignedTrustList.parseFrom(Files.readAllBytes(list)).getTrustList());
  }

  private byte[] pinnedRoot() throws IOException {
    return Files.exists(root) ? Base64.getDecoder().decode(Files.readString(root).trim()) : null;
  }

  /** Written whole or not at all, so a crash never leaves half a trust list. */
  private static void write(Path target, byte[] bytes) throws IOException {
    io.packtrail.client.DurableFiles.replace(target, bytes);
  }
}
