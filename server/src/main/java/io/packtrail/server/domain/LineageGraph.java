package io.packtrail.server.domain;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A lineage graph around one unit or lot: what it came from (ancestors, negative depth) and what
 * it became (descendants, positive depth). Built from the edges the store walked; the nearest
 * {@code maxNodes} nodes are kept.
 */
public record LineageGraph(List<Node> nodes, List<Edge> edges, boolean truncated) {
  /** The most nodes one answer may hold. */
  public static final int MAX_NODES = 10_000;

  public enum Direction { ANCESTORS, DESCENDANTS, BOTH }

  public enum EdgeKind { DISMANTLED_INTO, ASSEMBLED_INTO, RECYCLED_INTO, REPLACED_BY }

  /** A unit (by code) or a material lot (by id). */
  public record Ref(boolean lot, String key) {
    public static Ref unit(String code) {
      return new Ref(false, code);
    }

    public static Ref lot(String id) {
      return new Ref(true, id);
    }

    public String name() {
      return lot ? ResourceNames.materialLot(key) : ResourceNames.unit(key);
    }
  }

  /**
   * {@code from} became (part of) {@code to}; {@code eventName} is the step's event on the unit
   * it was recorded against; {@code depth} is the walk's distance of the far end.
   */
  public record Edge(EdgeKind kind, Ref from, Ref to, String eventName, int depth) {}

  /** Level, state and custodian are a unit's; product and custodian (the maker) a lot's. */
  public record Node(Ref ref, UnitLevel level, LifecycleState state, String custodian,
      MaterialProduct product, int depth) {
    public Node atDepth(int d) {
      return new Node(ref, level, state, custodian, product, d);
    }
  }

  /**
   * The graph of {@code root} from the walked edges: each node at its shortest distance
   * (negative for ancestors), nearest first, then by name; at most {@code maxNodes} nodes, and
   * the edges between kept nodes.
   */
  public static LineageGraph of(Ref root, List<Edge> ancestorEdges, List<Edge> descendantEdges,
      int maxNodes) {
    Map<Ref, Integer> depth = new HashMap<>();
    depth.put(root, 0);
    for (Edge e : ancestorEdges) {
      depth.merge(e.from(), -e.depth(), (a, b) -> Math.abs(a) <= Math.abs(b) ? a : b);
    }
    for (Edge e : descendantEdges) {
      depth.merge(e.to(), e.depth(), (a, b) -> Math.abs(a) <= Math.abs(b) ? a : b);
    }
    List<Ref> order = new ArrayList<>(depth.keySet());
    order.sort(Comparator.<Ref>comparingInt(r -> Math.abs(depth.get(r)))
        .thenComparing(Ref::name));
    boolean truncated = order.size() > maxNodes;
    Set<Ref> kept = new HashSet<>(order.subList(0, Math.min(maxNodes, order.size())));
    List<Edge> edges = new ArrayList<>();
    Set<List<Object>> seen = new HashSet<>();
    for (List<Edge> list : List.of(ancestorEdges, descendantEdges)) {
      for (Edge e : list) {
        if (kept.contains(e.from()) && kept.contains(e.to())
            && seen.add(List.of(e.kind(), e.from(), e.to()))) {
          edges.add(e);
        }
      }
    }
    List<Node> nodes = new ArrayList<>();
    for (Ref r : order.subList(0, kept.size())) {
      nodes.add(new Node(r, null, null, null, null, depth.get(r)));
    }
    return new LineageGraph(nodes, edges, truncated);
  }

  /** The same graph with each node's details filled in from {@code details} (by ref). */
  public LineageGraph withDetails(Map<Ref, Node> details) {
    List<Node> filled = new ArrayList<>();
    for (Node n : nodes) {
      Node d = details.get(n.ref());
      filled.add(d == null ? n : d.atDepth(n.depth()));
    }
    return new LineageGraph(filled, edges, truncated);
  }
}
