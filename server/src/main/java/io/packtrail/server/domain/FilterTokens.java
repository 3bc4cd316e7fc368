package io.packtrail.server.domain;

/**
 * The tokens of an AIP-160 subset filter: words (field names, AND, OR), comparison operators,
 * double-quoted strings (\" and \\ escaped), separated by spaces. Errors are INVALID_ARGUMENT on
 * the request's filter field, naming where (1-based character) and the grammar.
 */
final class FilterTokens {
  private final String s;
  private final String field;
  private final String grammar;
  private int at;
  /** The 1-based character where the last token read began. */
  int last;

  FilterTokens(String s, String field, String grammar) {
    this.s = s;
    this.field = field;
    this.grammar = grammar;
    skip();
  }

  boolean atEnd() {
    return at >= s.length();
  }

  /** A word: letters, digits, _ and '.'; {@code expected} says what belongs here. */
  String word(String expected) {
    last = at + 1;
    int start = at;
    while (at < s.length() && (Character.isLetterOrDigit(s.charAt(at))
        || s.charAt(at) == '_' || s.charAt(at) == '.')) {
      at++;
    }
    if (start == at) {
      throw refused((atEnd() ? "ends where " + expected + " belongs"
          : "has '" + Text.echo(s.substring(at, Math.min(s.length(), at + 10)))
              + "' at character " + last + " where " + expected + " belongs") + "; " + grammar);
    }
    String w = s.substring(start, at);
    skip();
    return w;
  }

  /** One of the operators (the longest that matches) after {@code name}, a field's. */
  String operator(String name, String... operators) {
    last = at + 1;
    String found = null;
    for (String op : operators) {
      if (s.startsWith(op, at) && (found == null || op.length() > found.length())) {
        found = op;
      }
    }
    if (found == null) {
      throw refused("compares " + name + " with " + String.join(", ", operators) + " only"
          + (atEnd() ? " (the filter ends there)" : ", found '" + Text.echo(s.substring(at,
              Math.min(s.length(), at + 2))) + "' at character " + last) + "; " + grammar);
    }
    at += found.length();
    skip();
    return found;
  }

  /** A double-quoted string compared with {@code name}, e.g. as {@code example} shows. */
  String string(String name, String example) {
    last = at + 1;
    if (at >= s.length() || s.charAt(at) != '"') {
      throw refused("compares " + name + " with a double-quoted string, e.g. " + example
          + (atEnd() ? " (the filter ends there)" : " (character " + last + ")"));
    }
    StringBuilder b = new StringBuilder();
    at++;
    while (at < s.length() && s.charAt(at) != '"') {
      char c = s.charAt(at);
      if (c == '\\' && at + 1 < s.length()
          && (s.charAt(at + 1) == '"' || s.charAt(at + 1) == '\\')) {
        at++;
        c = s.charAt(at);
      }
      b.append(c);
      at++;
    }
    if (at >= s.length()) {
      throw refused("has a string opened at character " + last + " and never closed");
    }
    at++;
    skip();
    return b.toString();
  }

  private void skip() {
    while (at < s.length() && s.charAt(at) == ' ') {
      at++;
    }
  }

  private InvalidArgumentException refused(String rule) {
    return new InvalidArgumentException(field, rule);
  }
}
