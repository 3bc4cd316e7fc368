package io.packtrail.server.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.TreeMap;

/**
 * docs/formats.md as the tests read it: sections by heading, fenced code blocks and tables. Tests
 * take their vectors from the document, so the document and the code cannot drift apart. When a
 * format changes on purpose, {@link #replace} and {@link #save} let a test refresh the blocks it
 * computes (see EventVectorsTest).
 */
public final class FormatsDocument {
  private final Path path;
  private final List<String> lines;
  private final TreeMap<Integer, Replacement> replacements = new TreeMap<>();

  private FormatsDocument(Path path, List<String> lines) {
    this.path = path;
    this.lines = lines;
  }

  /** Reads docs/formats.md of the repository the tests run in. */
  public static FormatsDocument load() {
    Path path = locate();
    try {
      return new FormatsDocument(path, Files.readAllLines(path, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Path locate() {
    // surefire runs in the module directory; walk up to the repository root
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path candidate = dir.resolve("docs").resolve("formats.md");
      if (Files.isRegularFile(candidate)) {
        return candidate;
      }
    }
    throw new IllegalStateException(
        "docs/formats.md not found above " + Path.of("").toAbsolutePath());
  }

  /** The whole document as one part. */
  public Part whole() {
    return new Part(0, "", -1, lines.size());
  }

  /** The section whose heading text starts with {@code title} (e.g. "3." or "Decimals"). */
  public Part section(String title) {
    return whole().section(title);
  }

  /** Replaces the content lines of a code block (the fences stay); takes effect on save. */
  public void replace(CodeBlock block, List<String> content) {
    replacements.put(block.firstLine(), new Replacement(block.endLine(), List.copyOf(content)));
  }

  /** Writes the replacements back to the file. */
  public void save() {
    List<String> out = new ArrayList<>(lines);
    for (var e : replacements.descendingMap().entrySet()) {
      List<String> region = out.subList(e.getKey(), e.getValue().endLine());
      region.clear();
      region.addAll(e.getValue().content());
    }
    try {
      Files.write(path, (String.join("\n", out) + "\n").getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private record Replacement(int endLine, List<String> content) {}

  /** Text between the first pair of backticks of {@code cell}, or the trimmed cell without any. */
  public static String code(String cell) {
    int open = cell.indexOf('`');
    if (open < 0) {
      return cell.trim();
    }
    return cell.substring(open + 1, cell.indexOf('`', open + 1));
  }

  /** Every backticked piece of {@code cell}, in order. */
  public static List<String> codes(String cell) {
    List<String> all = new ArrayList<>();
    int open = cell.indexOf('`');
    while (open >= 0) {
      int close = cell.indexOf('`', open + 1);
      all.add(cell.substring(open + 1, close));
      open = cell.indexOf('`', close + 1);
    }
    return all;
  }

  /** A fenced code block: its info string, and its content lines [firstLine, endLine). */
  public record CodeBlock(String info, int firstLine, int endLine, List<String> lines) {
    public String text() {
      return String.join("\n", lines);
    }
  }

  /** A table: the header cells and the rows' cells, trimmed, with {@code \|} unescaped. */
  public record Table(List<String> header, List<List<String>> rows) {
    public int column(String name) {
      int i = header.indexOf(name);
      if (i < 0) {
        throw new IllegalStateException("no column '" + name + "' in " + header);
      }
      return i;
    }
  }

  /** A heading and the lines up to the next heading of the same or a higher level. */
  public final class Part {
    private final int level;
    private final String title;
    private final int from;
    private final int to;

    Part(int level, String title, int from, int to) {
      this.level = level;
      this.title = title;
      this.from = from;
      this.to = to;
    }

    public String title() {
      return title;
    }

    /** The lines under the heading, up to the next heading of its level or above. */
    public String text() {
      return String.join("\n", lines.subList(from + 1, to));
    }

    /** The first sub-section (any depth) whose heading starts with {@code prefix}. */
    public Part section(String prefix) {
      return headings().stream().filter(p -> p.title.startsWith(prefix)).findFirst()
          .orElseThrow(() -> new IllegalStateException(
              "docs/formats.md: no section '" + prefix + "' under '" + title + "'"));
    }

    /** The sub-sections of one heading level, in order. */
    public List<Part> subsections(int headingLevel) {
      return headings().stream().filter(p -> p.level == headingLevel).toList();
    }

    private List<Part> headings() {
      List<Part> found = new ArrayList<>();
      boolean fenced = false;
      for (int i = from + 1; i < to; i++) {
        String line = lines.get(i);
        if (line.startsWith("```")) {
          fenced = !fenced;
        } else if (!fenced && line.startsWith("#")) {
          int hashes = (int) line.chars().takeWhile(c -> c == '#').count();
          found.add(new Part(hashes, line.substring(hashes).trim(), i, end(i, hashes)));
        }
      }
      found.sort(Comparator.comparingInt(p -> p.from));
      return found;
    }

    private int end(int heading, int headingLevel) {
      boolean fenced = false;
      for (int i = heading + 1; i < to; i++) {
        String line = lines.get(i);
        if (line.startsWith("```")) {
          fenced = !fenced;
        } else if (!fenced && line.startsWith("#")) {
          int hashes = (int) line.chars().takeWhile(c -> c == '#').count();
          if (hashes <= headingLevel) {
            return i;
          }
        }
      }
      return to;
    }

    public List<CodeBlock> codeBlocks() {
      List<CodeBlock> blocks = new ArrayList<>();
      for (int i = from + 1; i < to; i++) {
        if (lines.get(i).startsWith("```")) {
          String info = lines.get(i).substring(3).trim();
          int close = i + 1;
          while (!lines.get(close).startsWith("```")) {
            close++;
          }
          blocks.add(new CodeBlock(info, i + 1, close, List.copyOf(lines.subList(i + 1, close))));
          i = close;
        }
      }
      return blocks;
    }

    public List<Table> tables() {
      List<Table> tables = new ArrayList<>();
      boolean fenced = false;
      for (int i = from + 1; i < to; i++) {
        String line = lines.get(i);
        if (line.startsWith("```")) {
          fenced = !fenced;
          continue;
        }
        if (fenced || !line.startsWith("|") || i + 1 >= to
            || !lines.get(i + 1).startsWith("|---")) {
          continue;
        }
        List<String> header = cells(line);
        List<List<String>> rows = new ArrayList<>();
        int row = i + 2;
        while (row < to && lines.get(row).startsWith("|")) {
          rows.add(cells(lines.get(row)));
          row++;
        }
        tables.add(new Table(header, rows));
        i = row;
      }
      return tables;
    }

    public Table table() {
      List<Table> tables = tables();
      if (tables.isEmpty()) {
        throw new IllegalStateException("docs/formats.md: no table in '" + title + "'");
      }
      return tables.get(0);
    }
  }

  private static List<String> cells(String row) {
    List<String> cells = new ArrayList<>();
    StringBuilder cell = new StringBuilder();
    String inner = row.trim();
    inner = inner.substring(1, inner.endsWith("|") ? inner.length() - 1 : inner.length());
    for (int i = 0; i < inner.length(); i++) {
      char c = inner.charAt(i);
      if (c == '\\' && i + 1 < inner.length() && inner.charAt(i + 1) == '|') {
        cell.append('|');
        i++;
      } else if (c == '|') {
        cells.add(cell.toString().trim());
        cell.setLength(0);
      } else {
        cell.append(c);
      }
    }
    cells.add(cell.toString().trim());
    return cells;
  }
}
