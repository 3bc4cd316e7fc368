package io.packtrail.server.log;

import io.packtrail.client.log.Merkle;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Some tiles of the tree in memory (C2SP tlog-tiles layout, height 8): tile (level, index)
 * holds the hashes of the complete nodes of tree level 8*level with indexes index*256 to
 * index*256+255. A node of a level in between is hashed up from the tile below it; a proof
 * element (a range of leaves) is the right fold of its complete nodes ({@link TreeShape}).
 * Hashing is the SDK's ({@link Merkle}).
 */
final class Tiles {
  static final int HEIGHT = 8;
  static final int WIDTH = 1 << HEIGHT;
  static final int HASH = 32;
  /** Tile levels 0..7 hold tree levels up to 56, enough for 2^63 leaves. */
  static final int LEVELS = 8;

  /** Where a tile sits: its tile level and its index within that level. */
  record Key(int level, long index) {}

  private final Map<Key, byte[]> tiles = new HashMap<>();

  /** The tile that holds what {@code node} is hashed up from. */
  static Key tileOf(TreeShape.Node node) {
    int level = node.level() / HEIGHT;
    int up = node.level() % HEIGHT;
    return new Key(level, (node.index() << up) >> HEIGHT);
  }

  /** The tiles needed to hash the given ranges of leaves. */
  static Set<Key> tilesFor(List<TreeShape.Range> ranges) {
    Set<Key> keys = new LinkedHashSet<>();
    for (TreeShape.Range r : ranges) {
      for (TreeShape.Node n : TreeShape.completeNodes(r.start(), r.end())) {
        keys.add(tileOf(n));
      }
    }
    return keys;
  }

  /**
   * The rightmost, partial tile of each level in a tree of {@code size} leaves: all the
   * integrator needs to append leaves and compute the new root.
   */
  static List<Key> rightEdge(long size) {
    List<Key> keys = new ArrayList<>();
    for (int level = 0; level < LEVELS; level++) {
      long count = size >> (HEIGHT * level);
      if (count == 0) {
        break;
      }
      if (count % WIDTH != 0) {
        keys.add(new Key(level, count / WIDTH));
      }
    }
    return keys;
  }

  void put(Key key, byte[] hashes) {
    tiles.put(key, hashes);
  }

  byte[] get(Key key) {
    return tiles.get(key);
  }

  /** The hash of a complete node. */
  byte[] node(TreeShape.Node node) {
    int up = node.level() % HEIGHT;
    long first = node.index() << up;
    Key key = tileOf(node);
    int offset = (int) (first % WIDTH);
    int count = 1 << up;
    byte[] tile = tiles.get(key);
    if (tile == null || tile.length < (offset + count) * HASH) {
      throw new IllegalStateException("tile " + key + " is missing or shorter than node " + node
          + " needs: the tiles were not read for this tree size");
    }
    return hashUp(tile, offset, count);
  }

  /** MTH(D[start:end]) for a range of a proof (aligned as RFC 9162's recursion makes them). */
  byte[] range(TreeShape.Range range) {
    List<TreeShape.Node> nodes = TreeShape.completeNodes(range.start(), range.end());
    byte[] hash = node(nodes.get(nodes.size() - 1));
    for (int i = nodes.size() - 2; i >= 0; i--) {
      hash = Merkle.nodeHash(node(nodes.get(i)), hash);
    }
    return hash;
  }

  /** The hashes of the ranges, in order. */
  List<byte[]> ranges(List<TreeShape.Range> ranges) {
    List<byte[]> out = new ArrayList<>(ranges.size());
    ranges.forEach(r -> out.add(range(r)));
    return out;
  }

  /**
   * Appends leaf hashes to a tree of {@code size} leaves whose right edge is loaded
   * ({@link #rightEdge}), completing tiles upwards; returns the tiles it changed.
   */
  Set<Key> append(long size, List<byte[]> leafHashes) {
    long[] counts = new long[LEVELS + 1];
    for (int level = 0; level < LEVELS; level++) {
      counts[level] = size >> (HEIGHT * level);
    }
    Set<Key> changed = new LinkedHashSet<>();
    for (byte[] leaf : leafHashes) {
      append(0, leaf, counts, changed);
    }
    return changed;
  }

  private void append(int level, byte[] hash, long[] counts, Set<Key> changed) {
    if (level >= LEVELS) {
      throw new IllegalStateException("the tree is full");
    }
    long position = counts[level];
    Key key = new Key(level, position / WIDTH);
    byte[] tile = tiles.getOrDefault(key, new byte[0]);
    if (tile.length != (position % WIDTH) * HASH) {
      throw new IllegalStateException("tile " + key + " holds " + tile.length / HASH
          + " hashes where " + position % WIDTH + " were expected: the right edge was not loaded");
    }
    byte[] grown = Arrays.copyOf(tile, tile.length + HASH);
    System.arraycopy(hash, 0, grown, tile.length, HASH);
    tiles.put(key, grown);
    changed.add(key);
    counts[level]++;
    if (grown.length == WIDTH * HASH) {
      append(level + 1, hashUp(grown, 0, WIDTH), counts, changed);
    }
  }

  /** The root of {@code count} (a power of two) consecutive hashes of a tile. */
  private static byte[] hashUp(byte[] tile, int offset, int count) {
    byte[][] row = new byte[count][];
    for (int i = 0; i < count; i++) {
      row[i] = Arrays.copyOfRange(tile, (offset + i) * HASH, (offset + i + 1) * HASH);
    }
    for (int width = count; width > 1; width /= 2) {
      for (int i = 0; i < width / 2; i++) {
        row[i] = Merkle.nodeHash(row[2 * i], row[2 * i + 1]);
      }
    }
    return row[0];
  }
}
