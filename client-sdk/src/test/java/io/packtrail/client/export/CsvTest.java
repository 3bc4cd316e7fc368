package io.packtrail.client.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class CsvTest {
  static final List<List<String>> TRICKY = List.of(
      List.of("plain", "", "with,comma", "with \"quotes\"", "two\nlines", "crlf\r\nend"),
      List.of("=HYPERLINK(\"x\")", "+1", "-2", "@SUM(A1)", "'quoted", "''=x"),
      List.of("\tTAB", "\u00e9\u4e2d", " spaces ", "a'b", "'", "="),
      List.of("semi;colon", ";=1+1", "in\ttab", "a;b,c"),
      List.of("x;'=y", "a;''b", "t\t\"q\"", "end;", "b;'", "c;'x", "{\"note\":\"x;=1+1;\"}"),
      List.of("ok\n=1+1;x", "a\r-2", "b\r\n@c", "d\n'e", "\n=f")
  );

  @Test
  void everyFieldReadsBackAsWritten() {
    String text = Csv.write(TRICKY);
    assertEquals(TRICKY, Csv.read(text));
    assertTrue(text.endsWith("\r\n"));
  }

  @Test
  void formulasAreWrittenAsTextForSpreadsheets() {
    String text = Csv.write(List.of(List.of("=1+1", "-3", "@x", "ok")));
    assertEquals("'=1+1,'-3,'@x,ok\r\n", text);
  }

  @Test
  void aFormulaAfterASemicolonOrATabInsideAFieldIsWrittenAsText() {
    // split on ';' or tab, "fault;=cmd|' /C calc'!A0" would put a formula in a cell of its own
    List<List<String>> rows = List.of(List.of("fault;=cmd|' /C calc'!A0", "a\t-1", "x"));
    String text = Csv.write(rows);
    assertEquals("\"fault;'=cmd|' /C calc'!A0\",\"a\t'-1\",x\r\n", text);
    assertEquals(rows, Csv.read(text));
  }

  /**
   * Read as a spreadsheet splitting on ';' or tab reads it (a quote mid-cell is text there, so
   * a quoted field does not stay whole: the first version relied on that), no cell begins a
   * formula: not in the middle of a JSON details column either.
   */
  @Test
  void splitOnSemicolonsOrTabsNoCellBeginsAFormula() {
    String text = Csv.write(TRICKY);
    // every line, as one reading quotes only at a cell's start ends a row at any line end
    for (String line : text.split("\r\n|\r|\n")) {
      for (String cell : line.split("[;\t]", -1)) {
        assertTrue(cell.isEmpty() || "=+-@".indexOf(cell.charAt(0)) < 0,
            "cell '" + cell + "' of line " + line);
      }
    }
  }

  @Test
  void quotingIsRfc4180() {
    assertEquals("\"a,b\",\"say \"\"hi\"\"\",\"x\ny\"\r\n",
        Csv.write(List.of(List.of("a,b", "say \"hi\"", "x\ny"))));
    assertEquals(List.of(List.of("a", "b"), List.of("c", "")), Csv.read("a,b\nc,\n"));
  }

  @Test
  void malformedTextIsRefusedWithItsLine() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Csv.read("a,b\r\n\"open,c\r\n"));
    assertTrue(e.getMessage().startsWith("line 2"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> Csv.read("\"a\"b,c\r\n"));
    assertTrue(e.getMessage().contains("after a closing quote"), e.getMessage());
  }

  @Test
  void aHistoryFileWithAnotherHeaderIsRefused() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> HistoryCsv.read("unit,sequence\r\nX,1\r\n"));
    assertTrue(e.getMessage().startsWith("line 1: the header is not unit,sequence,log_index"),
        e.getMessage());
  }
}
