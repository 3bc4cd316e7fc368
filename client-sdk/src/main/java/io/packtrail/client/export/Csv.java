package io.packtrail.client.export;

import java.util.ArrayList;
import java.util.List;

/**
 * CSV as RFC 4180 writes it (comma-separated, CRLF line ends, a field quoted when it holds a
 * comma, quote, CR or LF, quotes doubled), with two additions for spreadsheets: a field holding
 * a semicolon or a tab is quoted too (a spreadsheet splitting on those keeps it whole); a field
 * that begins with {@code = + - @}, a tab, a CR or an apostrophe gets an apostrophe in front, so a
 * spreadsheet shows a note such as {@code =HYPERLINK(...)} as text instead of running it
 * (OWASP's advice on CSV injection); {@link #read} takes exactly one such apostrophe off again,
 * so a file reads back to the fields written.
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

  private static void field(StringBuilder s, String value) {
    String v = value == null ? "" : value;
    if (!v.isEmpty() && "=+-@\t\r'".indexOf(v.charAt(0)) >= 0) {
      v = "'" + v;
    }
    // quoted on a semicolon or a tab too: a spreadsheet that splits on those (many locales split
    // on ';') keeps a quoted field whole, so no part of it can begin a cell, and a formula
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

  private static String unguard(String v) {
    return v.length() > 1 && v.charAt(0) == '\'' && "=+-@\t\r'".indexOf(v.charAt(1)) >= 0
        ? v.substring(1) : v;
  }
}
