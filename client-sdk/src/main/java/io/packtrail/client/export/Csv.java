package io.packtrail.client.export;

import java.util.ArrayList;
import java.util.List;

/**
 * CSV as RFC 4180 writes it (comma-separated, CRLF line ends, a field quoted when it holds a
 * comma, quote, CR or LF, quotes doubled), with additions for spreadsheets: a field holding
 * a semicolon or a tab is quoted too; a field
 * that begins with {@code = + - @}, a tab, a CR or an apostrophe gets an apostrophe in front, so a
 * spreadsheet shows a note such as {@code =HYPERLINK(...)} as text instead of running it
 * (OWASP's advice on CSV injection), and so does what follows a semicolon, a tab or a line end
 * inside a field when it could begin a formula (a spreadsheet splitting on those, and reading
 * quotes only at a cell's start, starts a cell there);
 * {@link #read} takes exactly those apostrophes off again, so a file reads back to the fields
 * written.
 */
public final class Csv {
  private Csv() {}

  public static String write(List<List<String>> rows) {
    StringBuilder s = new StringBuilder();
    for (List<String> row : rows) {
      for (int i = 0; i < row.size(); i++) {
        if (i > 0) {
          s.append(',');
        }
        field(s, row.get(i));
      }
      s.append("\r\n");
    }
    return s.toString();
  }

  /** What may begin a formula, or hide one, in a spreadsheet's cell. */
  private static final String GUARDED = "=+-@\t\r'\"";
  /**
   * Where a spreadsheet may start a new cell inside a field: a ';' or a tab (a spreadsheet
   * splitting on those), a line end (one reading quotes only at a cell's start ends its row
   * there).
   */
  private static final String BREAKS = ";\t\r\n";

  private static void field(StringBuilder s, String value) {
    String v = value == null ? "" : value;
    if (!v.isEmpty() && "=+-@\t\r'".indexOf(v.charAt(0)) >= 0) {
      v = "'" + v;
    }
    // a spreadsheet that splits on ';' or tab (Excel in many locales) starts a cell after each,
    // inside a field too, and a row after a line end: a quote mid-cell is no text qualifier
    // there, so quoting alone does not keep the field whole, and 'x;=1+1' would give a cell
    // '=1+1'. What follows one of those and could begin a formula gets an apostrophe, as a
    // field's start does
    v = guardInside(v);
    if (v.indexOf(',') >= 0 || v.indexOf('"') >= 0 || v.indexOf('\n') >= 0
        || v.indexOf('\r') >= 0 || v.indexOf(';') >= 0 || v.indexOf('\t') >= 0) {
      s.append('"').append(v.replace("\"", "\"\"")).append('"');
    } else {
      s.append(v);
    }
  }

  /**
   * The rows of a CSV text written by {@link #write} (or any RFC 4180 text: LF line ends are
   * accepted too). Throws IllegalArgumentException naming the line of a malformed field.
   */
  public static List<List<String>> read(String text) {
    List<List<String>> rows = new ArrayList<>();
    List<String> row = new ArrayList<>();
    StringBuilder f = new StringBuilder();
    int line = 1;
    int i = 0;
    boolean fieldStarted = false;
    while (i < text.length()) {
      char c = text.charAt(i);
      if (c == '"' && f.length() == 0 && !fieldStarted) {
        // a quoted field: up to the closing quote, doubled quotes are one
        int opened = line;
        i++;
        while (true) {
          if (i >= text.length()) {
            throw new IllegalArgumentException("line " + opened + ": a quoted field is not "
                + "closed");
          }
          char q = text.charAt(i);
          if (q == '"') {
            if (i + 1 < text.length() && text.charAt(i + 1) == '"') {
              f.append('"');
              i += 2;
              continue;
            }
            i++;
            break;
          }
          if (q == '\n') {
            line++;
          }
          f.append(q);
          i++;
        }
        fieldStarted = true;
        if (i < text.length() && ",\r\n".indexOf(text.charAt(i)) < 0) {
          throw new IllegalArgumentException("line " + line + ": text after a closing quote");
        }
        continue;
      }
      if (c == ',') {
        row.add(unguard(f.toString()));
        f.setLength(0);
        fieldStarted = false;
        i++;
      } else if (c == '\r' || c == '\n') {
        row.add(unguard(f.toString()));
        rows.add(row);
        row = new ArrayList<>();
        f.setLength(0);
        fieldStarted = false;
        i += c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n' ? 2 : 1;
        line++;
      } else {
        f.append(c);
        fieldStarted = true;
        i++;
      }
    }
    if (fieldStarted || !row.isEmpty()) {
      row.add(unguard(f.toString()));
      rows.add(row);
    }
    return rows;
  }

  private static String guardInside(String v) {
    StringBuilder out = null;
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      if (out != null) {
        out.append(c);
      }
      if (BREAKS.indexOf(c) >= 0 && i + 1 < v.length() && GUARDED.indexOf(v.charAt(i + 1)) >= 0) {
        if (out == null) {
          out = new StringBuilder(v.length() + 4).append(v, 0, i + 1);
        }
        out.append('\'');
      }
    }
    return out == null ? v : out.toString();
  }

  private static String unguard(String v) {
    String field = v.length() > 1 && v.charAt(0) == '\'' && "=+-@\t\r'".indexOf(v.charAt(1)) >= 0
        ? v.substring(1) : v;
    // the apostrophe guardInside put after a break, before a guarded character
    StringBuilder out = new StringBuilder(field.length());
    for (int i = 0; i < field.length(); i++) {
      char c = field.charAt(i);
      out.append(c);
      if (BREAKS.indexOf(c) >= 0 && i + 2 < field.length() && field.charAt(i + 1) == '\''
          && GUARDED.indexOf(field.charAt(i + 2)) >= 0) {
        i++; // the guard, not the text
      }
    }
    return out.toString();
  }
}
