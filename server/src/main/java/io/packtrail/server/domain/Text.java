package io.packtrail.server.domain;

/**
 * Rules for the text that requests carry, and the one way to echo such text in an error.
 *
 * <p>PostgreSQL text cannot hold U+0000, and no name, code or free text of this API needs a
 * control character, so they are refused with INVALID_ARGUMENT before anything reaches the
 * store. Echoes are escaped and cut to {@link #MAX_ECHO} characters, so a huge or binary value
 * cannot bloat an error beyond the header size clients accept.
 */
public final class Text {
  /** The longest resource name accepted in any request field (ids are at most 63 characters). */
  public static final int MAX_NAME = 200;
  /** At most this many characters of an input are repeated in an error. */
  public static final int MAX_ECHO = io.packtrail.client.Echo.MAX;

  private Text() {}

  /**
   * Adds a violation of {@code field} when {@code text} is longer than {@code max} characters or
   * holds a control character; tab, line feed and carriage return are allowed when
   * {@code multiline}. Null passes (absence is the caller's rule). Returns whether it passed.
   */
  public static boolean check(Violations v, String field, String text, int max,
      boolean multiline) {
    if (text == null) {
      return true;
    }
    if (text.length() > max) {
      v.add(field, "must be at most " + max + " characters, got " + text.length());
      return false;
    }
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (isControl(c) && !(multiline && (c == '\t' || c == '\n' || c == '\r'))) {
        v.add(field, String.format(java.util.Locale.ROOT, "must not contain control characters such as NUL;"
            + " found U+%04X at index %d", (int) c, i));
        return false;
      }
      if (isDirectionalOverride(c)) {
        v.add(field, String.format(java.util.Locale.ROOT, "must not contain bidirectional "
            + "embedding, override or isolate controls (U+202A to U+202E, U+2066 to U+2069), "
            + "which make a name or note show other than it reads; found U+%04X at index %d",
            (int) c, i));
        return false;
      }
    }
    return true;
  }

  /**
   * The bidirectional controls that reorder the text around them: a display name or note with
   * one shows, in a report, an export or a terminal, as other text than it is ("Trojan Source").
   * The marks U+200E and U+200F stay allowed: they only set the direction of neutral characters.
   */
  private static boolean isDirectionalOverride(char c) {
    return (c >= '\u202A' && c <= '\u202E') || (c >= '\u2066' && c <= '\u2069');
  }

  /** A name field: at most {@link #MAX_NAME} characters, no control characters. */
  public static boolean checkName(Violations v, String field, String name) {
    return check(v, field, name, MAX_NAME, false);
  }

  /**
   * The input as it may appear inside an error: control characters (and bidirectional
   * controls) escaped as \\uXXXX, cut after {@link #MAX_ECHO} characters with "..."; the SDK's
   * {@link io.packtrail.client.Echo}, so the server and the offline tools escape alike.
   */
  public static String echo(String text) {
    return io.packtrail.client.Echo.of(text);
  }

  private static boolean isControl(char c) {
    return Character.getType(c) == Character.CONTROL;
  }

  /**
   * A duration for people, to the second under an hour and to the minute above: {@code 7 min
   * 30 s}, {@code 2 h 13 min}, {@code 3 d 4 h 5 min}.
   */
  public static String duration(java.time.Duration d) {
    long s = Math.max(0, d.getSeconds());
    long days = s / 86_400;
    long hours = s % 86_400 / 3600;
    long minutes = s % 3600 / 60;
    StringBuilder b = new StringBuilder();
    if (days > 0) {
      b.append(days).append(" d ");
    }
    if (days > 0 || hours > 0) {
      b.append(hours).append(" h ").append(minutes).append(" min");
    } else {
      b.append(minutes).append(" min ").append(s % 60).append(" s");
    }
    return b.toString();
  }
}
