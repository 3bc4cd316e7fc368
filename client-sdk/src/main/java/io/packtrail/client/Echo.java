package io.packtrail.client;

/**
 * The one way text from outside (a request field, a label's claims before its signature is
 * checked) is repeated in a message: control characters and the bidirectional controls that
 * could reorder what a terminal or a page shows escaped as \\uXXXX, lone surrogates too, cut
 * after {@link #MAX} characters with "...", never inside a character. A forged label or request
 * cannot then erase, hide or rewrite the lines around its refusal. Callers add their own quotes.
 * The server's errors use it too.
 */
public final class Echo {
  /** At most this many characters of an input are repeated. */
  public static final int MAX = 100;

  private Echo() {}

  public static String of(String text) {
    if (text == null) {
      return "null";
    }
    StringBuilder b = new StringBuilder();
    int end = Math.min(text.length(), MAX);
    if (end < text.length() && Character.isHighSurrogate(text.charAt(end - 1))) {
      end--; // never cut a character in half
    }
    for (int i = 0; i < end; i++) {
      char c = text.charAt(i);
      if (isControl(c) || Character.isSurrogate(c) && !isPaired(text, i)) {
        b.append(String.format(java.util.Locale.ROOT, "\\u%04X", (int) c));
      } else {
        b.append(c);
      }
    }
    return end < text.length() ? b.append("...").toString() : b.toString();
  }

  /** C0 and C1 controls, and the bidirectional marks, embeddings, overrides and isolates. */
  public static boolean isControl(char c) {
    return Character.getType(c) == Character.CONTROL
        || c == '\u061C' || c == '\u200E' || c == '\u200F'
        || c >= '\u202A' && c <= '\u202E' || c >= '\u2066' && c <= '\u2069';
  }

  private static boolean isPaired(String s, int i) {
    char c = s.charAt(i);
    return Character.isHighSurrogate(c)
        ? i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))
        : i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
  }
}
