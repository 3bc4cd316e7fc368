package io.packtrail.client.report;

/**
 * Escaping for the pages this package writes. Every string that comes from data (codes, names,
 * notes, messages) goes through {@link #text}, in element content and in quoted attribute
 * values alike, so no data can open a tag, close an attribute or start a script.
 */
public final class Html {
  private Html() {}

  /** The string with {@code & < > " '} as character references; null as empty. */
  public static String text(String s) {
    if (s == null) {
      return "";
    }
    StringBuilder b = null;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      String r = switch (c) {
        case '&' -> "&amp;";
        case '<' -> "&lt;";
        case '>' -> "&gt;";
        case '"' -> "&quot;";
        case '\'' -> "&#39;";
        case '\r' -> "";
        default -> null;
      };
      if (r == null && Character.isISOControl(c) && c != '\n' && c != '\t') {
        r = "\uFFFD"; // a control character has no business in a page (and is refused by HTML)
      }
      if (r != null) {
        if (b == null) {
          b = new StringBuilder(s.length() + 16).append(s, 0, i);
        }
        b.append(r);
      } else if (b != null) {
        b.append(c);
      }
    }
    return b == null ? s : b.toString();
  }
}
