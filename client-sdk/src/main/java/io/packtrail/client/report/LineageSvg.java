package io.packtrail.client.report;

import static io.packtrail.client.report.Html.text;

import io.packtrail.v1.GetLineageResponse;
import io.packtrail.v1.LineageEdge;
import io.packtrail.v1.LineageNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * A lineage graph as an SVG drawing in layers: one band per generation (the node's depth from
 * the unit: ancestors above, descendants below), nodes in a band ordered by the mean position of
 * the nodes they are joined to in the band nearer the unit (the barycenter heuristic, which
 * keeps crossings few for trees), wide bands wrapped onto several rows. Arrows point from what a
 * thing came from to what it became, coloured by kind.
 */
final class LineageSvg {
  /** More than this many nodes are not drawn (the page says how many were left out). */
  static final int MAX_DRAWN = 240;
  static final int PER_ROW = 6;
  static final int BOX_W = 172;
  static final int BOX_H = 46;
  static final int GAP_X = 18;
  static final int ROW_H = 74;
  static final int BAND_GAP = 26;
  static final int MARGIN = 12;

  record Placed(LineageNode node, double x, double y) {}

  /** The layout: positions of the drawn nodes, the drawing's size, how many were left out. */
  record Layout(Map<String, Placed> nodes, double width, double height, int leftOut) {}

  static Layout layout(GetLineageResponse graph) {
    List<LineageNode> drawn = graph.getNodesList().stream().limit(MAX_DRAWN).toList();
    Map<String, LineageNode> byName = new LinkedHashMap<>();
    drawn.forEach(n -> byName.put(n.getName(), n));
    TreeMap<Integer, List<LineageNode>> bands = new TreeMap<>();
    for (LineageNode n : drawn) {
      bands.computeIfAbsent(n.getDepth(), d -> new ArrayList<>()).add(n);
    }
    Map<String, List<String>> neighbours = new HashMap<>();
    for (LineageEdge e : graph.getEdgesList()) {
      if (byName.containsKey(e.getFrom()) && byName.containsKey(e.getTo())) {
        neighbours.computeIfAbsent(e.getFrom(), k -> new ArrayList<>()).add(e.getTo());
        neighbours.computeIfAbsent(e.getTo(), k -> new ArrayList<>()).add(e.getFrom());
      }
    }
    // order each band from the unit's band outwards, by the barycenter of its neighbours in the
    // band one step nearer the unit
    Map<String, Double> position = new HashMap<>();
    Map<Integer, List<LineageNode>> ordered = new HashMap<>();
    List<Integer> fromUnit = new ArrayList<>(bands.keySet());
    fromUnit.sort(Comparator.comparingInt(Math::abs));
    for (int depth : fromUnit) {
      List<LineageNode> band = new ArrayList<>(bands.get(depth));
      int nearer = depth == 0 ? 0 : depth - Integer.signum(depth);
      Function<LineageNode, Double> barycenter = n -> {
        double sum = 0;
        int count = 0;
        for (String m : neighbours.getOrDefault(n.getName(), List.of())) {
          LineageNode other = byName.get(m);
          if (other != null && other.getDepth() == nearer && position.containsKey(m)) {
            sum += position.get(m);
            count++;
          }
        }
        return count == 0 ? Double.MAX_VALUE : sum / count;
      };
      if (depth != 0) {
        Map<String, Double> keys = new HashMap<>();
        band.forEach(n -> keys.put(n.getName(), barycenter.apply(n)));
        band.sort(Comparator.comparingDouble((LineageNode n) -> keys.get(n.getName()))
            .thenComparing(LineageNode::getName));
      }
      for (int i = 0; i < band.size(); i++) {
        position.put(band.get(i).getName(), (double) i);
      }
      ordered.put(depth, band);
    }
    int widest = 1;
    for (List<LineageNode> band : ordered.values()) {
      widest = Math.max(widest, Math.min(PER_ROW, band.size()));
    }
    double width = 2 * MARGIN + widest * BOX_W + (widest - 1) * GAP_X;
    Map<String, Placed> placed = new LinkedHashMap<>();
    double y = MARGIN;
    for (Map.Entry<Integer, List<LineageNode>> band : new TreeMap<>(ordered).entrySet()) {
      List<LineageNode> nodes = band.getValue();
      for (int row = 0; row * PER_ROW < nodes.size(); row++) {
        List<LineageNode> inRow = nodes.subList(row * PER_ROW,
            Math.min(nodes.size(), (row + 1) * PER_ROW));
        double rowWidth = inRow.size() * BOX_W + (inRow.size() - 1) * GAP_X;
        double x = (width - rowWidth) / 2;
        for (LineageNode n : inRow) {
          placed.put(n.getName(), new Placed(n, x, y));
          x += BOX_W + GAP_X;
        }
        y += ROW_H;
      }
      y += BAND_GAP;
    }
    return new Layout(placed, width, y - BAND_GAP - ROW_H + BOX_H + MARGIN,
        graph.getNodesCount() - drawn.size());
  }

  /** The drawing; {@code root} is the report's unit, {@code names} gives display names. */
  static String svg(GetLineageResponse graph, String root, Function<String, String> names) {
    Layout l = layout(graph);
    StringBuilder s = new StringBuilder();
    s.append(String.format(Locale.ROOT, "<svg class=\"lineage\" "
        + "viewBox=\"0 0 %.0f %.0f\" width=\"%.0f\" role=\"img\" aria-label=\"lineage graph\">",
        l.width(), l.height(), l.width()));
    s.append("<defs>");
    for (String kind : List.of("dismantled_into", "assembled_into", "recycled_into",
        "replaced_by")) {
      s.append("<marker id=\"arrow-").append(kind).append("\" viewBox=\"0 0 10 10\" refX=\"10\" "
          + "refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto-start-reverse\">"
          + "<path d=\"M0,0 L10,5 L0,10 z\" class=\"edge-").append(kind).append("\"/></marker>");
    }
    s.append("</defs>");
    for (LineageEdge e : graph.getEdgesList()) {
      Placed from = l.nodes().get(e.getFrom());
      Placed to = l.nodes().get(e.getTo());
      if (from == null || to == null) {
        continue;
      }
      String kind = kind(e);
      double x1 = from.x() + BOX_W / 2.0;
      double x2 = to.x() + BOX_W / 2.0;
      double y1;
      double y2;
      if (to.y() > from.y()) {
        y1 = from.y() + BOX_H;
        y2 = to.y();
      } else if (to.y() < from.y()) {
        y1 = from.y();
        y2 = to.y() + BOX_H;
      } else { // same row (a replacement): side to side
        y1 = from.y() + BOX_H / 2.0;
        y2 = y1;
        x1 = from.x() + (to.x() > from.x() ? BOX_W : 0);
        x2 = to.x() + (to.x() > from.x() ? 0 : BOX_W);
      }
      double mid = (y1 + y2) / 2;
      s.append(String.format(Locale.ROOT, "<path class=\"edge edge-%s\" data-kind=\"%s\" "
          + "data-from=\"%s\" data-to=\"%s\" d=\"M%.1f,%.1f C%.1f,%.1f %.1f,%.1f %.1f,%.1f\" "
          + "marker-end=\"url(#arrow-%s)\"><title>%s</title></path>", kind, kind,
          text(e.getFrom()), text(e.getTo()), x1, y1, x1, mid, x2, mid, x2, y2, kind,
          text(e.getFrom() + " " + kind.replace('_', ' ') + " " + e.getTo()
              + (e.getEvent().isEmpty() ? "" : " (" + e.getEvent() + ")"))));
    }
    for (Placed p : l.nodes().values()) {
      LineageNode n = p.node();
      boolean lot = n.getName().startsWith("materialLots/");
      String id = n.getName().substring(n.getName().indexOf('/') + 1);
      // a lot the reader may not read comes without its product: only that it exists
      String what = lot ? (n.getProduct() == io.packtrail.v1.MaterialProduct
          .MATERIAL_PRODUCT_UNSPECIFIED ? "material lot" : ReportPage.productWord(
              n.getProduct().name()))
          : ReportPage.enumWord(n.getLevel().name(), "UNIT_LEVEL_") + ", "
              + ReportPage.enumWord(n.getState().name(), "LIFECYCLE_STATE_");
      String cls = "node " + (lot ? "lot" : ReportPage.enumWord(n.getLevel().name(),
          "UNIT_LEVEL_").toLowerCase(Locale.ROOT)) + (n.getName().equals(root) ? " root" : "");
      s.append(String.format(Locale.ROOT, "<g class=\"%s\" data-name=\"%s\" data-depth=\"%d\">",
          text(cls), text(n.getName()), n.getDepth()));
      s.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%d\" height=\"%d\" "
          + "rx=\"%d\"/>", p.x(), p.y(), BOX_W, BOX_H, lot ? 16 : 3));
      s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" class=\"code\">%s</text>",
          p.x() + 6, p.y() + 17, text(abbreviate(id, 26))));
      s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" class=\"what\">%s</text>",
          p.x() + 6, p.y() + 35, text(abbreviate(what, 30))));
      s.append("<title>").append(text(n.getName() + "\n" + what + (n.getCustodian().isEmpty()
          ? "" : "\n" + (lot ? "made by " : "held by ") + names.apply(n.getCustodian()))))
          .append("</title></g>");
    }
    s.append("</svg>");
    return s.toString();
  }

  static String kind(LineageEdge e) {
    return ReportPage.enumWord(e.getKind().name(), "LINEAGE_EDGE_KIND_").toLowerCase(Locale.ROOT)
        .replace(' ', '_');
  }

  static String abbreviate(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max - 1) + "\u2026";
  }
}
