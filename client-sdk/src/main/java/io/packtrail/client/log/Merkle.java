package io.packtrail.client.log;

import io.packtrail.client.log.LogVerificationException.Reason;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The Merkle tree of the log, as RFC 6962 section 2.1 and RFC 9162 section 2.1 define it, with
 * SHA-256: a leaf hash is SHA-256(0x00 || leaf data), an interior node SHA-256(0x01 || left ||
 * right), the tree of n leaves splits at the largest power of two smaller than n, and the empty
 * tree's root is SHA-256 of nothing.
 *
 * <p>Proof generation here is the reference implementation over an in-memory list of leaf hashes
 * (RFC 9162 sections 2.1.3.1 and 2.1.4.1): linear in the tree size, for tests and small trees.
 * Proof verification (sections 2.1.3.2 and 2.1.4.2) is what auditors run; it throws {@link
 * LogVerificationException} naming the first check that failed.
 */
public final class Merkle {

  /** The size of every hash: SHA-256. */
  public static final int HASH_SIZE = 32;

  private static final byte LEAF_PREFIX = 0x00;
  private static final byte NODE_PREFIX = 0x01;

  private Merkle() {}

  /** SHA-256(0x00 || data): the hash of one leaf. */
  public static byte[] leafHash(byte[] data) {
    MessageDigest sha = sha256();
    sha.update(LEAF_PREFIX);
    sha.update(data);
    return sha.digest();
  }

  /** SHA-256(0x01 || left || right): the hash of an interior node. */
  public static byte[] nodeHash(byte[] left, byte[] right) {
    MessageDigest sha = sha256();
    sha.update(NODE_PREFIX);
    sha.update(left);
    sha.update(right);
    return sha.digest();
  }

  /** The root of the empty tree: SHA-256 of the empty string. */
  public static byte[] emptyRoot() {
    return sha256().digest();
  }

  /** The root (MTH, RFC 6962 section 2.1) of the tree whose leaves have these hashes, in order. */
  public static byte[] root(List<byte[]> leafHashes) {
    return leafHashes.isEmpty() ? emptyRoot() : subtreeRoot(leafHashes, 0, leafHashes.size());
  }

  /**
   * The inclusion proof (audit path, RFC 9162 section 2.1.3.1) of leaf {@code index} in the tree
   * made of the first {@code treeSize} of {@code leafHashes}: the sibling hashes from the leaf up.
   *
   * @throws IllegalArgumentException unless 0 <= index < treeSize <= leafHashes.size()
   */
  public static List<byte[]> inclusionProof(List<byte[]> leafHashes, long index, long treeSize) {
    if (treeSize < 0 || treeSize > leafHashes.size()) {
      throw new IllegalArgumentException("tree size " + treeSize + " is beyond the "
          + leafHashes.size() + " leaves given");
    }
    if (index < 0 || index >= treeSize) {
      throw new IllegalArgumentException("index " + index + " is not in a tree of size " + treeSize);
    }
    List<byte[]> proof = new ArrayList<>();
    path(leafHashes, (int) index, 0, (int) treeSize, proof);
    return Collections.unmodifiableList(proof);
  }

  /**
   * The consistency proof (RFC 9162 section 2.1.4.1) that the tree of the first {@code first}
   * leaves is a prefix of the tree of the first {@code second}; empty when first is 0 or equals
   * second.
   *
   * @throws IllegalArgumentException unless 0 <= first <= second <= leafHashes.size()
   */
  public static List<byte[]> consistencyProof(List<byte[]> leafHashes, long first, long second) {
    if (second < 0 || second > leafHashes.size()) {
      throw new IllegalArgumentException("tree size " + second + " is beyond the "
          + leafHashes.size() + " leaves given");
    }
    if (first < 0 || first > second) {
      throw new IllegalArgumentException("first size " + first + " is not between 0 and the second size "
          + second);
    }
    List<byte[]> proof = new ArrayList<>();
    if (first > 0 && first < second) {
      subproof(leafHashes, (int) first, 0, (int) second, true, proof);
    }
    return Collections.unmodifiableList(proof);
  }

  /**
   * Checks that {@code proof} proves the leaf with hash {@code leafHash} is at {@code index} in the
   * tree of size {@code treeSize} whose root is {@code root} (RFC 9162 section 2.1.3.2).
   *
   * @throws LogVerificationException when the index is not in the tree, a hash has the wrong size,
   *     the proof is longer or shorter than a proof for that index and size, or the proof leads
   *     to another root
   */
  public static void verifyInclusion(byte[] leafHash, long index, long treeSize, List<byte[]> proof, byte[] root)
      throws LogVerificationException {
    checkHash("leaf hash", leafHash);
    checkHash("root hash", root);
    if (treeSize <= 0) {
      throw new LogVerificationException(Reason.OUT_OF_RANGE,
          "no leaf is included in a tree of size " + treeSize);
    }
    if (index < 0 || index >= treeSize) {
      throw new LogVerificationException(Reason.OUT_OF_RANGE,
          "index " + index + " is beyond the tree of size " + treeSize);
    }
    checkProofHashes("inclusion", proof);
    int expected = inclusionProofLength(index, treeSize);
    if (proof.size() != expected) {
      throw new LogVerificationException(Reason.MALFORMED_PROOF, "inclusion proof too "
          + (proof.size() < expected ? "short" : "long") + ": " + proof.size()
          + " hashes, a proof for index " + index + " in a tree of size " + treeSize + " has " + expected);
    }
    long fn = index;
    long sn = treeSize - 1;
    byte[] r = leafHash;
    for (byte[] p : proof) {
      if (sn == 0) { // unreachable after the length check; kept as RFC 9162 writes it
        throw new LogVerificationException(Reason.MALFORMED_PROOF, "inclusion proof too long");
      }
      if ((fn & 1) == 1 || fn == sn) {
        r = nodeHash(p, r);
        if ((fn & 1) == 0) {
          while ((fn & 1) == 0 && fn != 0) {
            fn >>= 1;
            sn >>= 1;
          }
        }
      } else {
        r = nodeHash(r, p);
      }
      fn >>= 1;
      sn >>= 1;
    }
    if (sn != 0) { // unreachable after the length check
      throw new LogVerificationException(Reason.MALFORMED_PROOF, "inclusion proof too short");
    }
    if (!MessageDigest.isEqual(r, root)) {
      throw new LogVerificationException(Reason.ROOT_MISMATCH, "inclusion proof of index " + index
          + " in a tree of size " + treeSize + " leads to root " + hex(r) + ", not to " + hex(root));
    }
  }

  /**
   * Checks that {@code proof} proves the tree of size {@code first} with root {@code firstRoot}
   * is a prefix of the tree of size {@code second} with root {@code secondRoot} (RFC 9162 section
   * 2.1.4.2). For equal sizes the proof is empty and the roots equal; for first = 0 the proof is
   * empty and firstRoot is the empty tree's root.
   *
   * @throws LogVerificationException when first > second or a size is negative, a hash has the
   *     wrong size, the proof has the wrong length, or it leads to another first or second root
   */
  public static void verifyConsistency(long first, long second, byte[] firstRoot, byte[] secondRoot,
      List<byte[]> proof) throws LogVerificationException {
    checkHash("first root hash", firstRoot);
    checkHash("second root hash", secondRoot);
    if (first < 0 || second < 0) {
      throw new LogVerificationException(Reason.OUT_OF_RANGE,
          "tree sizes are not negative: first " + first + ", second " + second);
    }
    if (first > second) {
      throw new LogVerificationException(Reason.OUT_OF_RANGE,
          "first size " + first + " is greater than second size " + second);
    }
    checkProofHashes("consistency", proof);
    if (first == second || first == 0) {
      if (!proof.isEmpty()) {
        throw new LogVerificationException(Reason.MALFORMED_PROOF, "consistency proof too long: "
            + proof.size() + " hashes, a proof from size " + first + " to size " + second + " is empty");
      }
      if (first == 0 && !MessageDigest.isEqual(firstRoot, emptyRoot())) {
        throw new LogVerificationException(Reason.ROOT_MISMATCH, "first root " + hex(firstRoot)
            + " is not the root of the empty tree " + hex(emptyRoot()));
      }
      if (first == second && !MessageDigest.isEqual(firstRoot, secondRoot)) {
        throw new LogVerificationException(Reason.ROOT_MISMATCH, "two different roots for size "
            + first + ": " + hex(firstRoot) + " and " + hex(secondRoot));
      }
      return;
    }
    int expected = consistencyProofLength(first, second);
    if (proof.size() != expected) {
      throw new LogVerificationException(Reason.MALFORMED_PROOF, "consistency proof too "
          + (proof.size() < expected ? "short" : "long") + ": " + proof.size()
          + " hashes, a proof from size " + first + " to size " + second + " has " + expected);
    }
    List<byte[]> path = new ArrayList<>(proof.size() + 1);
    if (Long.bitCount(first) == 1) {
      path.add(firstRoot);
    }
    path.addAll(proof);
    long fn = first - 1;
    long sn = second - 1;
    while ((fn & 1) == 1) {
      fn >>= 1;
      sn >>= 1;
    }
    byte[] fr = path.get(0);
    byte[] sr = path.get(0);
    for (byte[] c : path.subList(1, path.size())) {
      if (sn == 0) { // unreachable after the length check; kept as RFC 9162 writes it
        throw new LogVerificationException(Reason.MALFORMED_PROOF, "consistency proof too long");
      }
      if ((fn & 1) == 1 || fn == sn) {
        fr = nodeHash(c, fr);
        sr = nodeHash(c, sr);
        if ((fn & 1) == 0) {
          while ((fn & 1) == 0 && fn != 0) {
            fn >>= 1;
            sn >>= 1;
          }
        }
      } else {
        sr = nodeHash(sr, c);
      }
      fn >>= 1;
      sn >>= 1;
    }
    if (sn != 0) { // unreachable after the length check
      throw new LogVerificationException(Reason.MALFORMED_PROOF, "consistency proof too short");
    }
    if (!MessageDigest.isEqual(fr, firstRoot)) {
      throw new LogVerificationException(Reason.ROOT_MISMATCH, "consistency proof from size " + first
          + " to size " + second + " leads to first root " + hex(fr) + ", not to " + hex(firstRoot));
    }
    if (!MessageDigest.isEqual(sr, secondRoot)) {
      throw new LogVerificationException(Reason.ROOT_MISMATCH, "consistency proof from size " + first
          + " to size " + second + " leads to second root " + hex(sr) + ", not to " + hex(secondRoot));
    }
  }

  /** The number of hashes in an inclusion proof of {@code index} in a tree of {@code treeSize}. */
  static int inclusionProofLength(long index, long treeSize) {
    // the path splits where index and the last index part (inner), then follows the left border
    int inner = 64 - Long.numberOfLeadingZeros(index ^ (treeSize - 1));
    return inner + Long.bitCount(index >>> inner);
  }

  /** The number of hashes in a consistency proof from {@code first} to {@code second}, 0 < first < second. */
  static int consistencyProofLength(long first, long second) {
    int level = Long.numberOfTrailingZeros(first);
    long index = (first - 1) >>> level;
    long last = (second - 1) >>> level;
    int inner = 64 - Long.numberOfLeadingZeros(index ^ last);
    int border = Long.bitCount(index >>> inner);
    return (index == 0 ? 0 : 1) + inner + border;
  }

  // RFC 9162 2.1.3.1: PATH(m, D[lo:hi]), appended leaf-first.
  private static void path(List<byte[]> leaves, int m, int lo, int hi, List<byte[]> out) {
    int n = hi - lo;
    if (n <= 1) {
      return;
    }
    int k = largestPowerOfTwoBelow(n);
    if (m < k) {
      path(leaves, m, lo, lo + k, out);
      out.add(subtreeRoot(leaves, lo + k, hi));
    } else {
      path(leaves, m - k, lo + k, hi, out);
      out.add(subtreeRoot(leaves, lo, lo + k));
    }
  }

  // RFC 9162 2.1.4.1: SUBPROOF(m, D[lo:hi], b).
  private static void subproof(List<byte[]> leaves, int m, int lo, int hi, boolean whole, List<byte[]> out) {
    int n = hi - lo;
    if (m == n) {
      if (!whole) {
        out.add(subtreeRoot(leaves, lo, hi));
      }
      return;
    }
    int k = largestPowerOfTwoBelow(n);
    if (m <= k) {
      subproof(leaves, m, lo, lo + k, whole, out);
      out.add(subtreeRoot(leaves, lo + k, hi));
    } else {
      subproof(leaves, m - k, lo + k, hi, false, out);
      out.add(subtreeRoot(leaves, lo, lo + k));
    }
  }

  private static byte[] subtreeRoot(List<byte[]> leaves, int lo, int hi) {
    if (hi - lo == 1) {
      return leaves.get(lo).clone();
    }
    int k = largestPowerOfTwoBelow(hi - lo);
    return nodeHash(subtreeRoot(leaves, lo, lo + k), subtreeRoot(leaves, lo + k, hi));
  }

  /** The largest power of two smaller than n, n >= 2. */
  private static int largestPowerOfTwoBelow(int n) {
    return Integer.highestOneBit(n - 1);
  }

  private static void checkHash(String what, byte[] hash) throws LogVerificationException {
    if (hash == null || hash.length != HASH_SIZE) {
      throw new LogVerificationException(Reason.MALFORMED_PROOF, what + " has "
          + (hash == null ? "no" : hash.length) + " bytes, not " + HASH_SIZE);
    }
  }

  private static void checkProofHashes(String kind, List<byte[]> proof) throws LogVerificationException {
    for (int i = 0; i < proof.size(); i++) {
      byte[] h = proof.get(i);
      if (h == null || h.length != HASH_SIZE) {
        throw new LogVerificationException(Reason.MALFORMED_PROOF, kind + " proof hash " + i + " has "
            + (h == null ? "no" : h.length) + " bytes, not " + HASH_SIZE);
      }
    }
  }

  static String hex(byte[] b) {
    return java.util.HexFormat.of().formatHex(b);
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
