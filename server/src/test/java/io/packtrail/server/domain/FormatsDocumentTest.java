package io.packtrail.server.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.packtrail.server.testing.FormatsDocument;
import java.io.InputStream;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The tables of docs/formats.md sections 2 and 3, read from the document, against the code. */
class FormatsDocumentTest {
  private static final FormatsDocument DOC = FormatsDocument.load();

  @Test
  void productionDateTableIsTheServersTable() throws Exception {
    FormatsDocument.Table table = DOC.section("2.").section("Production date").table();
    Map<String, String> documented = new TreeMap<>();
    for (List<String> row : table.rows()) {
      String character = FormatsDocument.code(row.get(table.column("character")));
      for (String column : List.of("year", "month", "day")) {
        String value = row.get(table.column(column));
        if (!value.isEmpty()) {
          documented.put(column + "." + character, value);
        }
      }
    }
    Properties properties = new Properties();
    try (InputStream in =
        ProductionDateCode.class.getResourceAsStream(ProductionDateCode.RESOURCE)) {
      properties.load(in);
    }
    Map<String, String> server = new TreeMap<>();
    properties.stringPropertyNames().forEach(k -> server.put(k, properties.getProperty(k).trim()));
    assertEquals(server, documented, "the date table of docs/formats.md section 2 and "
        + ProductionDateCode.RESOURCE + " must be the same table");
    assertEquals(Optional.of(LocalDate.of(2025, 3, 15)), ProductionDateCode.decode("S3F"),
        "the example of the section");
    assertEquals(Optional.empty(), ProductionDateCode.encode(LocalDate.of(2025, 3, 31)),
        "no character decodes to day 31");
  }

  @Test
  void codeExamplesDecodeAsDocumented() {
    FormatsDocument.Table table = DOC.section("2.").section("Examples").table();
    Set<String> documented = new HashSet<>();
    for (List<String> row : table.rows()) {
      String code = FormatsDocument.code(row.get(table.column("code")));
      documented.add(code);
      BatteryCode parsed = BatteryCode.parse("code", code);
      String[] positions = row.get(table.column("date positions")).split("-");
      assertEquals(code.substring(Integer.parseInt(positions[0]) - 1,
          Integer.parseInt(positions[1])), parsed.dateCode(), code + ": date positions");
      assertEquals(FormatsDocument.code(row.get(table.column("date characters"))),
          parsed.dateCode(), code);
      String date = row.get(table.column("`production_date`"));
      assertEquals(date.startsWith("empty") ? "" : FormatsDocument.code(date),
          parsed.productionDate().map(LocalDate::toString).orElse(""), code + ": production date");
      assertEquals(Boolean.parseBoolean(row.get(table.column("`repurposed_code_variant`"))),
          parsed.repurposedVariant(), code + ": repurposed variant");
    }
    // every unit of section 8 is among the examples
    Matcher registered = Pattern.compile("(?m)^code: \"([A-Z0-9]+)\"$")
        .matcher(DOC.section("8.").codeBlocks().stream()
            .map(FormatsDocument.CodeBlock::text).collect(Collectors.joining("\n")));
    int units = 0;
    while (registered.find()) {
      units++;
      assertTrue(documented.contains(registered.group(1)), registered.group(1));
    }
    assertEquals(2, units, "the two units of section 8");
  }

  @Test
  void decimalsRoundAsDocumented() {
    FormatsDocument.Table table = DOC.section("3.").section("Decimals").table();
    assertFalse(table.rows().isEmpty());
    for (List<String> row : table.rows()) {
      String sent = FormatsDocument.code(row.get(table.column("sent as")));
      long bits = Long.parseUnsignedLong(
          FormatsDocument.code(row.get(table.column("binary64 bits"))), 16);
      double value = Double.parseDouble(sent);
      assertEquals(bits, Double.doubleToRawLongBits(value), sent + ": nearest double");
      assertEquals(FormatsDocument.code(row.get(table.column("exact value of the double"))),
          new BigDecimal(value).toPlainString(), sent + ": exact value");
      assertEquals(FormatsDocument.code(row.get(table.column("canonical"))),
          CanonicalFields.decimal(value), sent + ": canonical text");
    }
  }
}
