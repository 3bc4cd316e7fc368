package io.packtrail.client.export;

import java.util.List;
import java.util.Map;

/**
 * A small JSON writer for the exports (objects as insertion-ordered maps, lists, strings,
 * booleans and numbers written from their canonical decimal text), indented by two spaces.
 * The SDK has no JSON library, and the exports only write.
 */
final class Json {
  private Json() {}

  /** A number written as given, e.g. a canonical decimal {@code 180.000}. */
  record Number(String text) {
    Number {
      if (!text.matches("-?(0|[1-9][0-9]*)(\\.[0-9]+)?")) {
        throw new IllegalArgumentException("not a JSON number: " + text);
      }
    }
  }

  /** A value written as if nested {@code depth} levels deep (no newline after it). */
  static String write(Object value, int depth) {
    StringBuilder s = new StringBuilder();
    write(s, value, depth);
    return s.toString();
  }

  static String write(Object value) {
    StringBuilder s = new StringBuilder();
    write(s, value, 0);
    return s.append('\n').toString();
  }

  private static void write(StringBuilder s, Object v, int depth) {
    if (v instanceof Map<?, ?> m) {
      if (!(m instanceof java.util.LinkedHashMap || m instanceof java.util.SortedMap)) {
        // Map.of iterates in an order that changes from run to run
        throw new IllegalArgumentException("a JSON object needs an ordered map, got "
            + m.getClass().getName());
      }
      if (m.isEmpty()) {
        s.append("{}");
        return;
      }
      s.append("{\n");
      int i = 0;
      for (Map.Entry<?, ?> e : m.entrySet()) {
        indent(s, depth + 1);
        string(s, (String) e.getKey());
        s.append(": ");
        write(s, e.getValue(), depth + 1);
        s.append(++i < m.size() ? ",\n" : "\n");
      }
      indent(s, depth);
      s.append('}');
    } else if (v instanceof List<?> l) {
      if (l.isEmpty()) {
        s.append("[]");
        return;
      }
      s.append("[\n");
      for (int i = 0; i < l.size(); i++) {
        indent(s, depth + 1);
        write(s, l.get(i), depth + 1);
        s.append(i + 1 < l.size() ? ",\n" : "\n");
      }
      indent(s, depth);
      s.append(']');
    } else if (v instanceof String str) {
      string(s, str);
    } else if (v instanceof Number n) {
      s.append(n.text());
    } else if (v instanceof Boolean b) {
      s.append(b);
    } else {
      throw new IllegalArgumentException("cannot write " + v);
    }
  }

  /** A flat object of strings on one line, for a CSV cell: {@code {"k":"v"}}. */
  static String compact(Map<String, String> fields) {
    StringBuilder s = new StringBuilder("{");
    for (Map.Entry<String, String> e : fields.entrySet()) {
      if (s.length() > 1) {
        s.append(',');
      }
      string(s, e.getKey());
      s.append(':');
      string(s, e.getValue());
    }
    return s.append('}').toString();
  }

  private static void indent(StringBuilder s, int depth) {
    s.append("  ".repeat(depth));
  }

  /** A JSON string (RFC 8259): quote, backslash and control characters escaped. */
  static void string(StringBuilder s, String str) {
    s.append('"');
    for (int i = 0; i < str.length(); i++) {
      char c = str.charAt(i);
      switch (c) {
        case '"' -> s.append("\\\"");
        case '\\' -> s.append("\\\\");
        case '\n' -> s.append("\\n");
        case '\r' -> s.append("\\r");
        case '\t' -> s.append("\\t");
        default -> {
          if (c < 0x20) {
            s.append(String.format("\\u%04x", (int) c));
          } else {
            s.append(c);
          }
        }
      }
    }
    s.append('"');
  }
}
