package io.packtrail.server.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.packtrail.server.testing.FormatsDocument;
import java.io.InputStream;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
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
