package io.packtrail.client.log;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.packtrail.client.log.LogVerificationException.Reason;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class MerkleTest {

  private static final HexFormat HEX = HexFormat.of();

  /*
   * The reference vectors of the Certificate Transparency Merkle tree (RFC 6962): eight leaves
   * and the roots of the trees of their first 1..8, with published inclusion and consistency
   * proofs. Copied (data only) from transparency-dev/merkle, proof/verify_test.go (variables
   * leaves, roots, inclusionProofs, consistencyProofs; leaf numbers there are 1-based).
   */
  private static final String[] CT_LEAVES = {
      "", "00", "10", "2021", "3031", "40414243", "5051525354555657", "606162636465666768696a6b6c6d6e6f"};
  private static final String[] CT_ROOTS = {
      "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
      "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
      "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
      "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
      "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
      "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
      "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
      "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"};
  private static final String CT_EMPTY_ROOT = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

  /** {0-based leaf index, tree size, proof hashes...} */
  private static final String[][] CT_INCLUSION = {
      {"0", "8", "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
          "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
          "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"},
      {"5", "8", "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
          "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
          "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"},
      {"2", "3", "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"},
      {"1", "5", "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
          "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
          "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"}};

  /** {first size, second size, proof hashes...} */
  private static final String[][] CT_CONSISTENCY = {
      {"1", "8", "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
          "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
          "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"},
      {"6", "8", "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
          "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
          "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"},
      {"2", "5", "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
          "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"},
      {"6", "7", "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
          "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
          "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"}};

  private static List<byte[]> ctLeafHashes() {
    List<byte[]> hashes = new ArrayList<>();
    for (String leaf : CT_LEAVES) {
      hashes.add(Merkle.leafHash(HEX.parseHex(leaf)));
    }
    return hashes;
  }

  private static List<byte[]> hashes(String[] row) {
    List<byte[]> out = new ArrayList<>();
    for (int i = 2; i < row.length; i++) {
      out.add(HEX.parseHex(row[i]));
    }
    return out;
  }

  @Test
  void certificateTransparencyRoots() {
    List<byte[]> leaves = ctLeafHashes();
    assertEquals(CT_EMPTY_ROOT, HEX.formatHex(Merkle.root(List.of())));
    assertEquals(CT_EMPTY_ROOT, HEX.formatHex(Merkle.emptyRoot()));
    for (int n = 1; n <= 8; n++) {
      assertEquals(CT_ROOTS[n - 1], HEX.formatHex(Merkle.root(leaves.subList(0, n))), "root of size " + n);
    }
    // a tree of one leaf: its root is the leaf hash SHA-256(0x00)
    assertEquals(CT_ROOTS[0], HEX.formatHex(Merkle.leafHash(new byte[0])));
  }

  @Test
  void certificateTransparencyInclusionProofs() throws LogVerificationException {
    List<byte[]> leaves = ctLeafHashes();
    for (String[] row : CT_INCLUSION) {
      int index = Integer.parseInt(row[0]);
      int size = Integer.parseInt(row[1]);
      List<byte[]> published = hashes(row);
      assertEquals(hexes(published), hexes(Merkle.inclusionProof(leaves, index, size)), "proof " + index + "/" + size);
      Merkle.verifyInclusion(leaves.get(index), index, size, published, HEX.parseHex(CT_ROOTS[size - 1]));
    }
  }

  @Test
  void certificateTransparencyConsistencyProofs() throws LogVerificationException {
    List<byte[]> leaves = ctLeafHashes();
    for (String[] row : CT_CONSISTENCY) {
      int first = Integer.parseInt(row[0]);
      int second = Integer.parseInt(row[1]);
      List<byte[]> published = hashes(row);
      assertEquals(hexes(published), hexes(Merkle.consistencyProof(leaves, first, second)), first + "->" + second);
      Merkle.verifyConsistency(first, second, HEX.parseHex(CT_ROOTS[first - 1]),
          HEX.parseHex(CT_ROOTS[second - 1]), published);
    }
  }

  // ---- every size 1..64, every index and every pair, against a tree built from scratch here ----

  private static final int MAX = 64;

  /** MTH of RFC 6962 section 2.1, written out naively, with its own hashing. */
  private static byte[] naiveRoot(List<byte[]> data) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      if (data.isEmpty()) {
        return sha.digest();
      }
      if (data.size() == 1) {
        sha.update((byte) 0);
        return sha.digest(data.get(0));
      }
      int k = 1;
      while (k * 2 < data.size()) {
        k *= 2;
      }
      sha.update((byte) 1);
      sha.update(naiveRoot(data.subList(0, k)));
      return sha.digest(naiveRoot(data.subList(k, data.size())));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  private static List<byte[]> leafData() {
    List<byte[]> data = new ArrayList<>();
    for (int i = 0; i < MAX; i++) {
      data.add(("leaf " + i).getBytes(StandardCharsets.UTF_8));
    }
    return data;
  }

  @Test
  void rootsOfEverySizeMatchTheNaiveTree() {
    List<byte[]> data = leafData();
    List<byte[]> hashes = data.stream().map(Merkle::leafHash).toList();
    for (int n = 0; n <= MAX; n++) {
      assertArrayEquals(naiveRoot(data.subList(0, n)), Merkle.root(hashes.subList(0, n)), "size " + n);
    }
  }

  @Test
  void inclusionProofsOfEveryIndexInEverySizeVerifyAndTamperingIsRejected() throws LogVerificationException {
    List<byte[]> data = leafData();
    List<byte[]> hashes = data.stream().map(Merkle::leafHash).toList();
    byte[][] roots = new byte[MAX + 1][];
    for (int n = 0; n <= MAX; n++) {
      roots[n] = naiveRoot(data.subList(0, n));
    }
    int checked = 0;
    for (int n = 1; n <= MAX; n++) {
      for (int i = 0; i < n; i++) {
        checkInclusion(hashes, roots, i, n);
        checked++;
      }
    }
    assertEquals(MAX * (MAX + 1) / 2, checked);
  }

  private static void checkInclusion(List<byte[]> hashes, byte[][] roots, int i, int n) throws LogVerificationException {
        List<byte[]> proof = Merkle.inclusionProof(hashes, i, n);
        byte[] leaf = hashes.get(i);
        Merkle.verifyInclusion(leaf, i, n, proof, roots[n]);
        assertEquals(Merkle.inclusionProofLength(i, n), proof.size());

        for (int b = 0; b < proof.size(); b++) {
          List<byte[]> flipped = copy(proof);
          flipped.get(b)[b % 32] ^= 0x01;
          assertRejected(Reason.ROOT_MISMATCH, () -> Merkle.verifyInclusion(leaf, i, n, flipped, roots[n]));
        }
        assertRejected(Reason.ROOT_MISMATCH, () -> Merkle.verifyInclusion(hashes.get((i + 1) % MAX), i, n, proof, roots[n]));
        assertRejected(Reason.ROOT_MISMATCH, () -> Merkle.verifyInclusion(leaf, i, n, proof, roots[n - 1]));
        // another index of the same tree: wrong length or wrong root
        for (int j : new int[] {i - 1, i + 1, i ^ 2}) {
          if (j >= 0 && j < n && j != i) {
            assertThrows(LogVerificationException.class, () -> Merkle.verifyInclusion(leaf, j, n, proof, roots[n]),
                "index " + j + " instead of " + i + " in size " + n);
          }
        }
        // the proof presented for another tree size, with that size's true root
        for (int s : new int[] {n - 1, n + 1}) {
          if (i < s && s <= MAX) {
            assertThrows(LogVerificationException.class, () -> Merkle.verifyInclusion(leaf, i, s, proof, roots[s]),
                "size " + s + " instead of " + n + " for index " + i);
          }
        }
        List<byte[]> longer = copy(proof);
        longer.add(roots[n]);
        assertRejected(Reason.MALFORMED_PROOF, () -> Merkle.verifyInclusion(leaf, i, n, longer, roots[n]));
        List<byte[]> prepended = copy(proof);
        prepended.add(0, leaf);
        assertRejected(Reason.MALFORMED_PROOF, () -> Merkle.verifyInclusion(leaf, i, n, prepended, roots[n]));
        if (!proof.isEmpty()) {
          List<byte[]> shorter = copy(proof).subList(0, proof.size() - 1);
          assertRejected(Reason.MALFORMED_PROOF, () -> Merkle.verifyInclusion(leaf, i, n, shorter, roots[n]));
          List<byte[]> truncatedHash = copy(proof);
          truncatedHash.set(0, new byte[31]);
          assertRejected(Reason.MALFORMED_PROOF, () -> Merkle.verifyInclusion(leaf, i, n, truncatedHash, roots[n]));
        }
        assertRejected(Reason.OUT_OF_RANGE, () -> Merkle.verifyInclusion(leaf, n, n, proof, roots[n]));
  }

  @Test
  void consistencyProofsOfEveryPairVerifyAndTamperingIsRejected() throws LogVerificationException {
    List<byte[]> data = leafData();
    List<byte[]> hashes = data.stream().map(Merkle::leafHash).toList();
    byte[][] roots = new byte[MAX + 1][];
    for (int n = 0; n <= MAX; n++) {
      roots[n] = naiveRoot(data.subList(0, n));
    }
    int checked = 0;
    for (int n = 0; n <= MAX; n++) {
      for (int m = 0; m <= n; m++) {
        checkConsistency(hashes, roots, m, n);
        checked++;
      }
    }
    assertEquals((MAX + 1) * (MAX + 2) / 2, checked);
  }

  private static void checkConsistency(List<byte[]> hashes, byte[][] roots, int m, int n) throws LogVerificationException {
        List<byte[]> proof = Merkle.consistencyProof(hashes, m, n);
        Merkle.verifyConsistency(m, n, roots[m], roots[n], proof);
        if (m == 0 || m == n) {
          assertEquals(0, proof.size());
          if (m < n) {
            assertRejected(Reason.ROOT_MISMATCH, () -> Merkle.verifyConsistency(m, n, roots[1], roots[n], proof));
          } else if (n > 0) {
            assertRejected(Reason.ROOT_MISMATCH, () -> Merkle.verifyConsistency(m, n, roots[m], roots[n - 1], proof));
          }
          List<byte[]> notEmpty = List.of(roots[n]);
          assertRejected(Reason.MALFORMED_PROOF, () -> Merkle.verifyConsistency(m, n, roots[m], roots[n], notEmpty));
          return;
        }
        assertEquals(Merkle.consistencyProofLength(m, n), proof.size());
        for (int b = 0; b < proof.size(); b++) {
          List<byte[]> flipped = copy(proof);
          flipped.get(b)[0] ^= 0x10;
          assertRejected(Reason.ROOT_MISMATCH, () -> Merkle.verifyConsistency(m, n, roots[m], roots[n], flipped));
        }
        // a fork: another first root, another second root, the roots swapped
        assertRejected(Reason.ROOT_MISMATCH, () -> Merkle.verifyConsistency(m, n, roots[m - 1], roots[n], proof));
        assertRejected(Reason.ROOT_MISMATCH, () -> Merkle.verifyConsistency(m, n, roots[m], roots[n - 1], proof));
        assertRejected(Reason.ROOT_MISMATCH, () -> Merkle.verifyConsistency(m, n, roots[n], roots[m], proof));
        assertRejected(Reason.MALFORMED_PROOF, () -> Merkle.verifyConsistency(m, n, roots[m], roots[n], List.of()));
        List<byte[]> longer = copy(proof);
        longer.add(roots[n]);
        assertRejected(Reason.MALFORMED_PROOF, () -> Merkle.verifyConsistency(m, n, roots[m], roots[n], longer));
        List<byte[]> prepended = copy(proof);
        prepended.add(0, roots[m]);
        assertRejected(Reason.MALFORMED_PROOF, () -> Merkle.verifyConsistency(m, n, roots[m], roots[n], prepended));
        List<byte[]> shorter = copy(proof).subList(0, proof.size() - 1);
        assertRejected(Reason.MALFORMED_PROOF, () -> Merkle.verifyConsistency(m, n, roots[m], roots[n], shorter));
        for (int[] sizes : new int[][] {{m - 1, n}, {m + 1, n}, {m, n + 1}, {m, n - 1}}) {
          int f = sizes[0];
          int s = sizes[1];
          if (f >= 1 && f <= s && s <= MAX && f != s) {
            assertThrows(LogVerificationException.class, () -> Merkle.verifyConsistency(f, s, roots[f], roots[s], proof),
                "sizes " + f + "->" + s + " with the proof of " + m + "->" + n);
          }
        }
        assertRejected(Reason.OUT_OF_RANGE, () -> Merkle.verifyConsistency(n, m, roots[n], roots[m], proof));
  }

  // ---- precise refusals ----

  @Test
  void inclusionRefusalsSayWhy() {
    List<byte[]> hashes = leafData().stream().map(Merkle::leafHash).toList().subList(0, 5);
    byte[] root = Merkle.root(hashes);
    List<byte[]> proof = Merkle.inclusionProof(hashes, 2, 5);
    assertMessage("index 5 is beyond the tree of size 5",
        () -> Merkle.verifyInclusion(hashes.get(2), 5, 5, proof, root));
    assertMessage("index -1 is beyond the tree of size 5",
        () -> Merkle.verifyInclusion(hashes.get(2), -1, 5, proof, root));
    assertMessage("no leaf is included in a tree of size 0",
        () -> Merkle.verifyInclusion(hashes.get(2), 0, 0, List.of(), Merkle.emptyRoot()));
    assertMessage("inclusion proof too short: 2 hashes, a proof for index 2 in a tree of size 5 has 3",
        () -> Merkle.verifyInclusion(hashes.get(2), 2, 5, proof.subList(0, 2), root));
    List<byte[]> longer = new ArrayList<>(proof);
    longer.add(root);
    assertMessage("inclusion proof too long: 4 hashes, a proof for index 2 in a tree of size 5 has 3",
        () -> Merkle.verifyInclusion(hashes.get(2), 2, 5, longer, root));
    assertMessage("inclusion proof of index 2 in a tree of size 5 leads to root ",
        () -> Merkle.verifyInclusion(hashes.get(3), 2, 5, proof, root));
    assertMessage("root hash has 31 bytes, not 32",
        () -> Merkle.verifyInclusion(hashes.get(2), 2, 5, proof, new byte[31]));
    assertMessage("leaf hash has 0 bytes, not 32",
        () -> Merkle.verifyInclusion(new byte[0], 2, 5, proof, root));
    List<byte[]> badHash = new ArrayList<>(proof);
    badHash.set(1, new byte[33]);
    assertMessage("inclusion proof hash 1 has 33 bytes, not 32",
        () -> Merkle.verifyInclusion(hashes.get(2), 2, 5, badHash, root));
  }

  @Test
  void consistencyRefusalsSayWhy() {
    List<byte[]> hashes = leafData().stream().map(Merkle::leafHash).toList().subList(0, 7);
    byte[] r3 = Merkle.root(hashes.subList(0, 3));
    byte[] r7 = Merkle.root(hashes);
    List<byte[]> proof = Merkle.consistencyProof(hashes, 3, 7);
    assertMessage("first size 7 is greater than second size 3",
        () -> Merkle.verifyConsistency(7, 3, r7, r3, proof));
    assertMessage("tree sizes are not negative: first -1, second 3",
        () -> Merkle.verifyConsistency(-1, 3, r3, r3, proof));
    assertMessage("consistency proof too short: 3 hashes, a proof from size 3 to size 7 has 4",
        () -> Merkle.verifyConsistency(3, 7, r3, r7, proof.subList(0, 3)));
    assertMessage("consistency proof from size 3 to size 7 leads to first root ",
        () -> Merkle.verifyConsistency(3, 7, r7, r7, proof));
    assertMessage("consistency proof from size 3 to size 7 leads to second root ",
        () -> Merkle.verifyConsistency(3, 7, r3, r3, proof));
    assertMessage("two different roots for size 7: ",
        () -> Merkle.verifyConsistency(7, 7, r7, r3, List.of()));
    assertMessage("consistency proof too long: 1 hashes, a proof from size 7 to size 7 is empty",
        () -> Merkle.verifyConsistency(7, 7, r7, r7, List.of(r7)));
    assertMessage("first root " + HEX.formatHex(r3) + " is not the root of the empty tree",
        () -> Merkle.verifyConsistency(0, 7, r3, r7, List.of()));
  }

  @Test
  void generationRefusesSizesBeyondTheLeaves() {
    List<byte[]> hashes = ctLeafHashes();
    assertThrows(IllegalArgumentException.class, () -> Merkle.inclusionProof(hashes, 0, 9));
    assertThrows(IllegalArgumentException.class, () -> Merkle.inclusionProof(hashes, 8, 8));
    assertThrows(IllegalArgumentException.class, () -> Merkle.inclusionProof(hashes, -1, 8));
    assertThrows(IllegalArgumentException.class, () -> Merkle.consistencyProof(hashes, 5, 4));
    assertThrows(IllegalArgumentException.class, () -> Merkle.consistencyProof(hashes, 1, 9));
    assertEquals(List.of(), Merkle.consistencyProof(hashes, 0, 8));
    assertEquals(List.of(), Merkle.consistencyProof(hashes, 8, 8));
    // proofs over a longer list are those of the prefix
    assertEquals(hexes(Merkle.inclusionProof(hashes.subList(0, 5), 1, 5)), hexes(Merkle.inclusionProof(hashes, 1, 5)));
  }

  @Test
  void hashesAreDomainSeparated() {
    byte[] a = Merkle.leafHash("a".getBytes(StandardCharsets.UTF_8));
    byte[] b = Merkle.leafHash("b".getBytes(StandardCharsets.UTF_8));
    byte[] node = Merkle.nodeHash(a, b);
    byte[] concatenated = new byte[64];
    System.arraycopy(a, 0, concatenated, 0, 32);
    System.arraycopy(b, 0, concatenated, 32, 32);
    // a leaf whose data is two hashes is not the node of those hashes (second-preimage defence)
    assertTrue(!MessageDigest.isEqual(node, Merkle.leafHash(concatenated)));
    assertEquals(HEX.formatHex(node), HEX.formatHex(Merkle.root(List.of(a, b))));
  }

  // ---- helpers ----

  interface Verification {
    void run() throws LogVerificationException;
  }

  private static void assertRejected(Reason reason, Verification v) {
    try {
      v.run();
      fail("accepted, expected " + reason);
    } catch (LogVerificationException e) {
      assertEquals(reason, e.reason(), e.getMessage());
    }
  }

  private static void assertMessage(String prefix, Verification v) {
    try {
      v.run();
      fail("accepted, expected: " + prefix);
    } catch (LogVerificationException e) {
      assertTrue(e.getMessage().startsWith(prefix), "message: " + e.getMessage() + "\nexpected: " + prefix);
    }
  }

  private static List<byte[]> copy(List<byte[]> proof) {
    List<byte[]> out = new ArrayList<>();
    proof.forEach(h -> out.add(h.clone()));
    return out;
  }

  private static List<String> hexes(List<byte[]> hashes) {
    return hashes.stream().map(HEX::formatHex).toList();
  }
}
