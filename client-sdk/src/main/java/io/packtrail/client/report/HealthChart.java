package io.packtrail.client.report;

import static io.packtrail.client.report.Html.text;

import io.packtrail.v1.Event;
import io.packtrail.v1.Unit;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SortedMap;

/**
 * State of health over time, from the unit's inspections: the state of certified energy of a
 * grading inspection (else its remaining capacity or energy against the unit's rating), and the
 * state of health of each second-life inspection, as an SVG line chart on a 0-100 % scale.
 */
final class HealthChart {
  private HealthChart() {}

  /** One reading: when, the percentage, what it measures, the event and a short label. */
  record Point(Instant time, double percent, String basis, long sequence, String label) {}

  static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy-MM-dd")
      .withZone(ZoneOffset.UTC);

  static List<Point> points(Unit unit, List<Event> events) {
    List<Point> out = new ArrayList<>();
    for (Event e : events) {
      SortedMap<String, String> f = UnitReport.fields(e);
      Instant t = Instant.ofEpochSecond(e.getEventTime().getSeconds(), e.getEventTime().getNanos());
      String type = f.getOrDefault("event.type", "");
      if (type.equals("inspection")) {
        String grade = f.containsKey("inspection.grade") ? "grade " + f.get("inspection.grade")
            : "";
        Double soce = number(f.get("inspection.soh.state_of_certified_energy_percent"));
        Double capacity = number(f.get("inspection.soh.remaining_capacity_ah"));
        Double energy = number(f.get("inspection.soh.remaining_energy_kwh"));
        if (soce != null) {
          out.add(new Point(t, soce, "state of certified energy", e.getSequence(), grade));
        } else if (capacity != null && unit.getRatedCapacityAh() > 0) {
          out.add(new Point(t, 100 * capacity / unit.getRatedCapacityAh(),
              "remaining capacity / rated", e.getSequence(), grade));
        } else if (energy != null && unit.getRatedEnergyKwh() > 0) {
          out.add(new Point(t, 100 * energy / unit.getRatedEnergyKwh(),
              "remaining energy / rated", e.getSequence(), grade));
        }
      } else if (type.equals("second_life_inspection")) {
        Double soh = number(f.get("second_life_inspection.state_of_health_percent"));
        if (soh != null) {
          out.add(new Point(t, soh, "state of health in second life", e.getSequence(),
              "second life"));
        }
      }
    }
    return out;
  }

  private static Double number(String s) {
    if (s == null) {
      return null;
    }
    try {
      return Double.parseDouble(s);
    } catch (NumberFormatException e) {
      return null;
    }
  }

  static final int W = 640;
  static final int H = 240;
  static final int LEFT = 44;
  static final int RIGHT = 16;
  static final int TOP = 14;
  static final int BOTTOM = 34;
  /** Space between the axes and the first and last point, for their labels. */
  static final int INSET = 24;

  static String svg(List<Point> points) {
    StringBuilder s = new StringBuilder();
    s.append(String.format(Locale.ROOT, "<svg class=\"health\" "
        + "viewBox=\"0 0 %d %d\" width=\"%d\" role=\"img\" aria-label=\"state of health over time\">",
        W, H, W));
    double plotW = W - LEFT - RIGHT - 2 * INSET;
    double plotH = H - TOP - BOTTOM;
    double top = Math.max(100, points.stream().mapToDouble(Point::percent).max().orElse(100));
    for (int p = 0; p <= 100; p += 20) {
      double y = TOP + plotH * (1 - p / top);
      s.append(String.format(Locale.ROOT, "<line class=\"grid\" x1=\"%d\" y1=\"%.1f\" x2=\"%d\" "
          + "y2=\"%.1f\"/><text class=\"tick\" x=\"%d\" y=\"%.1f\">%d %%</text>", LEFT, y,
          W - RIGHT, y, LEFT - 6, y + 4, p));
    }
    s.append(String.format(Locale.ROOT, "<line class=\"axis\" x1=\"%d\" y1=\"%d\" x2=\"%d\" "
        + "y2=\"%d\"/>", LEFT, H - BOTTOM, W - RIGHT, H - BOTTOM));
    if (points.isEmpty()) {
      s.append(String.format(Locale.ROOT, "<text class=\"empty\" x=\"%d\" y=\"%d\">no "
          + "state-of-health reading recorded</text>", W / 2, H / 2));
      return s.append("</svg>").toString();
    }
    long first = points.get(0).time().getEpochSecond();
    long last = points.get(points.size() - 1).time().getEpochSecond();
    long span = Math.max(1, last - first);
    List<double[]> xy = new ArrayList<>();
    for (Point p : points) {
      double x = points.size() == 1 ? LEFT + INSET + plotW / 2
          : LEFT + INSET + plotW * (p.time().getEpochSecond() - first) / span;
      double y = TOP + plotH * (1 - p.percent() / top);
      xy.add(new double[] {x, y});
    }
    StringBuilder line = new StringBuilder();
    for (double[] c : xy) {
      line.append(String.format(Locale.ROOT, "%.1f,%.1f ", c[0], c[1]));
    }
    s.append("<polyline class=\"trend\" points=\"").append(line.toString().trim()).append("\"/>");
    // date ticks under the first and last point, and under others when there is room
    double lastTick = -1e9;
    for (int i = 0; i < points.size(); i++) {
      double x = xy.get(i)[0];
      if (i == 0 || i == points.size() - 1 || x - lastTick > 90) {
        if (i == points.size() - 1 && i > 0 && x - lastTick < 70) {
          continue;
        }
        s.append(String.format(Locale.ROOT, "<text class=\"date\" x=\"%.1f\" y=\"%d\">%s</text>",
            x, H - BOTTOM + 16, text(DAY.format(points.get(i).time()))));
        lastTick = x;
      }
    }
    for (int i = 0; i < points.size(); i++) {
      Point p = points.get(i);
      s.append(String.format(Locale.ROOT, "<g class=\"point\" data-time=\"%s\" data-percent=\"%.3f\" "
          + "data-sequence=\"%d\"><circle cx=\"%.1f\" cy=\"%.1f\" r=\"4\"/><text x=\"%.1f\" "
          + "y=\"%.1f\">%.1f</text><title>%s</title></g>", text(p.time().toString()), p.percent(),
          p.sequence(), xy.get(i)[0], xy.get(i)[1], xy.get(i)[0], xy.get(i)[1] - 8, p.percent(),
          text(DAY.format(p.time()) + ": " + String.format(Locale.ROOT, "%.1f %%", p.percent())
              + " " + p.basis() + (p.label().isEmpty() ? "" : ", " + p.label()) + " (event "
              + p.sequence() + ")")));
    }
    return s.append("</svg>").toString();
  }
}
