package io.packtrail.server.log;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.packtrail.client.log.Merkle;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Proofs assembled from tiles (as the server stores them) equal the SDK's reference proofs over
 * the whole list of leaves, for every tree size and pair of sizes up to 70 and around one full tile,
 * and at sizes around the first full tile of level 1 (65,536 leaves).
 */
class TilesTest {
  private static List<byte[]> leaves(int n) {
    List<byte[]> leaves = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      leaves.add(Merkle.leafHash(("leaf " + i).getBytes(StandardCharsets.UTF_8)));
    }
    return leaves;
  }

  /** Tiles built by appending in uneven batches, as the integrator does, reloading the edge. */
  private static Tiles build(List<byte[]> leaves, int batch) {
    Tiles all = new Tiles();
    long size = 0;
    while (size < leaves.size()) {
      Tiles edge = new Tiles();
      for (Tiles.Key k : Tiles.rightEdge(size)) {
        edge.put(k, all.get(k));
      }
      int n = (int) Math.min(batch, leaves.size() - size);
      for (Tiles.Key k : edge.append(size, leaves.subList((int) size, (int) size + n))) {
        all.put(k, edge.get(k));
      }
      size += n;
      if (size <= 300 || size == leaves.size()) { // the reference root costs O(size)
        assertArrayEquals(Merkle.root(leaves.subList(0, (int) size)),
            edge.range(new TreeShape.Range(0, size)), "root at size " + size);
      }
      batch = batch % 13 + 1; // vary the batch sizes
    }
    return all;
  }

  private static void assertHashes(List<byte[]> expected, List<byte[]> actual, String what) {
    assertEquals(hex(expected), hex(actual), what);
  }

  private static List<String> hex(List<byte[]> hashes) {
    return hashes.stream().map(HexFormat.of()::formatHex).toList();
  }

  @Test
  void everyInclusionAndConsistencyProofUpTo70LeavesAndAroundAFullTile() {
    List<byte[]> leaves = leaves(300);
    Tiles tiles = build(leaves, 5);
    List<Integer> sizes = new ArrayList<>();
    for (int size = 1; size <= 70; size++) {
      sizes.add(size);
    }
    sizes.addAll(List.of(255, 256, 257, 300));
    for (int size : sizes) {
      assertArrayEquals(Merkle.root(leaves.subList(0, size)),
          tiles.range(new TreeShape.Range(0, size)));
      for (int i = 0; i < size; i++) {
        assertHashes(Merkle.inclusionProof(leaves, i, size),
            tiles.ranges(TreeShape.inclusion(i, size)), "inclusion " + i + " in " + size);
      }
      for (int first = 1; first <= size; first++) {
        assertHashes(Merkle.consistencyProof(leaves, first, size),
            tiles.ranges(TreeShape.consistency(first, size)),
            "consistency " + first + " to " + size);
      }
    }
  }

  @Test
  void proofsAcrossTheFirstTileOfLevelOne() {
    int n = 65_536 + 300;
    List<byte[]> leaves = leaves(n);
    Tiles tiles = build(leaves, 997);
    assertEquals(256 * 32, tiles.get(new Tiles.Key(1, 0)).length, "level-1 tile 0 is full");
    for (int size : new int[] {65_535, 65_536, 65_537, 65_792, n}) {
      assertArrayEquals(Merkle.root(leaves.subList(0, size)),
          tiles.range(new TreeShape.Range(0, size)), "root at " + size);
      for (long i : new long[] {0, 255, 256, 40_000, size - 257, size - 1}) {
        assertHashes(Merkle.inclusionProof(leaves, i, size),
            tiles.ranges(TreeShape.inclusion(i, size)), "inclusion " + i + " in " + size);
      }
      for (long first : new long[] {1, 255, 256, 257, 65_535, size}) {
        if (first <= size) {
          assertHashes(Merkle.consistencyProof(leaves, first, size),
              tiles.ranges(TreeShape.consistency(first, size)),
              "consistency " + first + " to " + size);
        }
      }
    }
  }
}
