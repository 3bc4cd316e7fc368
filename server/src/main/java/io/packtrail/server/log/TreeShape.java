package io.packtrail.server.log;

import java.util.ArrayList;
import java.util.List;

/**
 * Which subtrees make up a Merkle tree's root and its proofs (RFC 9162 section 2.1), as
 * arithmetic on indexes: no hashing here. A proof element is the hash of a range of leaves
 * {@code [start, end)}; that hash is the right fold of the range's complete subtrees
 * ({@link #completeNodes}). So any proof at any tree size needs only the hashes of complete
 * subtrees, which is what the tiles store.
 */
final class TreeShape {
  private TreeShape() {}

  /** The complete subtree at {@code level} with {@code index}: leaves index*2^level onwards. */
  record Node(int level, long index) {
    long start() {
      return index << level;
    }
  }

  /** A range of leaves [start, end) whose Merkle tree hash is one proof element. */
  record Range(long start, long end) {}

  /**
   * The complete subtrees of MTH(D[start:end]) from left to right: the range's hash is
   * nodeHash(n0, nodeHash(n1, ... nodeHash(n(k-2), n(k-1)))). {@code start} must be aligned as
   * in RFC 9162's recursion (a multiple of the largest power of two not above end - start).
   */
  static List<Node> completeNodes(long start, long end) {
    if (start < 0 || end <= start) {
      throw new IllegalArgumentException("empty or negative range [" + start + ", " + end + ")");
    }
    List<Node> nodes = new ArrayList<>();
    while (start < end) {
      int level = 63 - Long.numberOfLeadingZeros(end - start);
      if (start != 0 && Long.numberOfTrailingZeros(start) < level) {
        throw new IllegalArgumentException("range [" + start + ", " + end + ") is not aligned");
      }
      nodes.add(new Node(level, start >> level));
      start += 1L << level;
    }
    return nodes;
  }

  /** The ranges of the audit path of leaf {@code index} in a tree of {@code size}, bottom up. */
  static List<Range> inclusion(long index, long size) {
    if (index < 0 || index >= size) {
      throw new IllegalArgumentException("leaf " + index + " is not in a tree of size " + size);
    }
    List<Range> out = new ArrayList<>();
    path(index, 0, size, out);
    return out;
  }

  private static void path(long m, long lo, long hi, List<Range> out) {
    if (hi - lo <= 1) {
      return;
    }
    long k = Long.highestOneBit(hi - lo - 1);
    if (m < lo + k) {
      path(m, lo, lo + k, out);
      out.add(new Range(lo + k, hi));
    } else {
      path(m, lo + k, hi, out);
      out.add(new Range(lo, lo + k));
    }
  }

  /**
   * The ranges of the consistency proof from size {@code first} to {@code second}
   * (RFC 9162 section 2.1.4.1); empty when the sizes are equal or the first is empty.
   */
  static List<Range> consistency(long first, long second) {
    if (first < 0 || first > second) {
      throw new IllegalArgumentException("no consistency proof from " + first + " to " + second);
    }
    List<Range> out = new ArrayList<>();
    if (first > 0 && first < second) {
      subproof(first, 0, second, true, out);
    }
    return out;
  }

  private static void subproof(long m, long lo, long hi, boolean whole, List<Range> out) {
    if (m == hi - lo) {
      if (!whole) {
        out.add(new Range(lo, hi));
      }
      return;
    }
    long k = Long.highestOneBit(hi - lo - 1);
    if (m <= k) {
      subproof(m, lo, lo + k, whole, out);
      out.add(new Range(lo + k, hi));
    } else {
      subproof(m - k, lo + k, hi, false, out);
      out.add(new Range(lo, lo + k));
    }
  }
}
