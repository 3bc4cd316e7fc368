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

  /**
   * An edge as a walk crossed it, with what the walk found at its far end (the {@code to} end
   * walking to descendants, the {@code from} end walking to ancestors): the walk reads each
   * node's details on its way, so a graph needs no second look-up of its nodes.
   */
  public record Hop(Edge edge, Node farEnd) {}

  /**
   * What the store walked from a root in one go: the root's own details (null when there is no
   * such unit or lot) and the hops towards its ancestors and its descendants.
   */
  public record Walk(Node root, List<Hop> ancestors, List<Hop> descendants, boolean cut) {
    /** A walk that went as far as it was asked. */
    public Walk(Node root, List<Hop> ancestors, List<Hop> descendants) {
      this(root, ancestors, descendants, false);
    }

    /** The hops that follow a link between units (not a unit's recycling into a lot). */
    public static long links(List<Hop> hops) {
      return hops.stream().filter(h -> !h.edge().to().lot()).count();
    }

    /**
     * Whether a walk that read at most {@code maxHops} + 1 links, and as many recycling edges,
     * found more of either than it follows.
     */
    public static boolean cut(List<Hop> hops, int maxHops) {
      long links = links(hops);
      return links > maxHops || hops.size() - links > maxHops;
    }
  }

  /** Level, state and custodian are a unit's; product and custodian (the maker) a lot's. */
  public record Node(Ref ref, UnitLevel level, LifecycleState state, String custodian,
      MaterialProduct product, int depth) {
    public Node atDepth(int d) {
      return new Node(ref, level, state, custodian, product, d);
    }
  }

  /**
   * The graph of {@code root} (with its details) from the walked hops: each node at its shortest
   * distance (negative for ancestors) with the details the walk found, nearest first, then by
   * name; at most {@code maxNodes} nodes, and the edges between kept nodes.
   */
  public static LineageGraph of(Node root, List<Hop> ancestors, List<Hop> descendants,
      int maxNodes) {
    return of(root, ancestors, descendants, maxNodes, false);
  }

  /** As above; {@code cut}: the walk stopped before the graph's end, which is then truncated. */
  public static LineageGraph of(Node root, List<Hop> ancestors, List<Hop> descendants,
      int maxNodes, boolean cut) {
    Map<Ref, Node> found = new HashMap<>();
    found.put(root.ref(), root.atDepth(0));
    for (Hop h : ancestors) {
      found.merge(h.farEnd().ref(), h.farEnd().atDepth(-h.edge().depth()), LineageGraph::nearer);
    }
    for (Hop h : descendants) {
      found.merge(h.farEnd().ref(), h.farEnd().atDepth(h.edge().depth()), LineageGraph::nearer);
    }
    List<Node> order = new ArrayList<>(found.values());
    // names are built once per node, not once per comparison
    Map<Ref, String> names = new HashMap<>();
    order.forEach(n -> names.put(n.ref(), n.ref().name()));
    order.sort(Comparator.<Node>comparingInt(n -> Math.abs(n.depth()))
        .thenComparing(n -> names.get(n.ref())));
    boolean truncated = cut || order.size() > maxNodes;
    List<Node> nodes = List.copyOf(order.subList(0, Math.min(maxNodes, order.size())));
    Set<Ref> kept = new HashSet<>();
    nodes.forEach(n -> kept.add(n.ref()));
    List<Edge> edges = new ArrayList<>();
    Set<Edge> seen = new HashSet<>();
    for (List<Hop> hops : List.of(ancestors, descendants)) {
      for (Hop h : hops) {
        Edge e = h.edge();
        // the same edge reached at two depths is listed once, at the first
        if (kept.contains(e.from()) && kept.contains(e.to())
            && seen.add(new Edge(e.kind(), e.from(), e.to(), null, 0))) {
          edges.add(e);
        }
      }
    }
    return new LineageGraph(nodes, edges, truncated);
  }

  /** Of two sightings of one node, the one nearer the root (ancestors first on a tie). */
  private static Node nearer(Node a, Node b) {
    return Math.abs(a.depth()) <= Math.abs(b.depth()) ? a : b;
  }
}
