package io.packtrail.server.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.LocalDate;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class ProductionDateCodeTest {

  @Test
  void publicExampleDecodes() {
    assertEquals(Optional.of(LocalDate.of(2029, 2, 21)), ProductionDateCode.decode("X2M"));
  }

  @ParameterizedTest
  @CsvSource({
    "1, 2001", "2, 2002", "3, 2003", "4, 2004", "5, 2005", "6, 2006", "7, 2007", "8, 2008",
    "9, 2009", "A, 2010", "B, 2011", "C, 2012", "D, 2013", "E, 2014", "F, 2015", "G, 2016",
    "H, 2017", "J, 2018", "K, 2019", "L, 2020", "M, 2021", "N, 2022", "P, 2023", "R, 2024",
    "S, 2025", "T, 2026", "V, 2027", "W, 2028", "X, 2029", "Y, 2030"
  })
  void yearAlphabet(char letter, int year) {
    assertEquals(Optional.of(LocalDate.of(year, 1, 1)), ProductionDateCode.decode(letter + "11"));
  }

  @ParameterizedTest
  @CsvSource({
    "1, 1", "2, 2", "3, 3", "4, 4", "5, 5", "6, 6", "7, 7", "8, 8", "9, 9",
    "A, 10", "B, 11", "C, 12"
  })
  void monthAlphabet(char letter, int month) {
    assertEquals(Optional.of(LocalDate.of(2010, month, 1)),
        ProductionDateCode.decode("A" + letter + "1"));
  }

  @ParameterizedTest
  @CsvSource({
    "1, 1", "2, 2", "3, 3", "4, 4", "5, 5", "6, 6", "7, 7", "8, 8", "9, 9",
    "A, 10", "B, 11", "C, 12", "D, 13", "E, 14", "F, 15", "G, 16", "H, 17", "J, 18", "K, 19",
    "L, 20", "M, 21", "N, 22", "P, 23", "R, 24", "S, 25", "T, 26", "V, 27", "W, 28", "X, 29",
    "Y, 30"
  })
  void dayAlphabet(char letter, int day) {
    assertEquals(Optional.of(LocalDate.of(2010, 1, day)),
        ProductionDateCode.decode("A1" + letter));
  }

  @ParameterizedTest
  @ValueSource(strings = {"I11", "O11", "Q11", "U11", "Z11", "011"})
  void yearCharacterOutsideTheTableIsUndecodable(String dateCode) {
    assertEquals(Optional.empty(), ProductionDateCode.decode(dateCode));
  }

  @ParameterizedTest
  @ValueSource(strings = {"A01", "AD1", "AZ1"})
  void monthCharacterOutsideTheTableIsUndecodable(String dateCode) {
    assertEquals(Optional.empty(), ProductionDateCode.decode(dateCode));
  }

  @ParameterizedTest
  @ValueSource(strings = {"A10", "A1I", "A1O", "A1Q", "A1U", "A1Z"})
  void dayCharacterOutsideTheTableIsUndecodable(String dateCode) {
    assertEquals(Optional.empty(), ProductionDateCode.decode(dateCode));
  }

  @Test
  void lowerCaseIsUndecodable() {
    assertEquals(Optional.empty(), ProductionDateCode.decode("x2m"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"H2Y", "12Y", "M2X"})
  void impossibleDatesAreUndecodable(String dateCode) {
    // 30 February 2017, 30 February 2001, 29 February 2021 (not a leap year)
    assertEquals(Optional.empty(), ProductionDateCode.decode(dateCode));
  }

  @Test
  void leapDayDecodesInALeapYear() {
    assertEquals(Optional.of(LocalDate.of(2020, 2, 29)), ProductionDateCode.decode("L2X"));
  }

  @ParameterizedTest
  @NullAndEmptySource
  @ValueSource(strings = {"X2", "X2MM", " X2M"})
  void wrongLengthIsUndecodable(String dateCode) {
    assertEquals(Optional.empty(), ProductionDateCode.decode(dateCode));
  }

  @Test
  void encodingUsesTheSameTablesAndRoundTrips() {
    for (LocalDate d = LocalDate.of(2001, 1, 1); d.getYear() <= 2030; d = d.plusDays(1)) {
      if (d.getDayOfMonth() == 31) {
        org.junit.jupiter.api.Assertions.assertTrue(ProductionDateCode.encode(d).isEmpty(),
            "the table has no day 31: " + d);
      } else {
        String code = ProductionDateCode.encode(d).orElseThrow();
        assertEquals(Optional.of(d),
            ProductionDateCode.decode(code), code);
      }
    }
    assertEquals("X2M",
        ProductionDateCode.encode(LocalDate.of(2029, 2, 21)).orElseThrow());
  }
}
