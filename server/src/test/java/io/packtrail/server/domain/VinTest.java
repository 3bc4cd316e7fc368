package io.packtrail.server.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class VinTest {
  /** The classic valid example; its check digit is X. */
  private static final String CLASSIC = "1M8GDM9AXKP042788";

  /** Replaces the character at 1-based {@code position}. */
  private static String withCharAt(String vin, int position, char c) {
    return vin.substring(0, position - 1) + c + vin.substring(position);
  }

  private static List<FieldViolation> violationsOf(String vin) {
    return assertThrows(InvalidArgumentException.class, () -> Vin.validate("vin", vin))
        .violations();
  }

  private static String onlyViolation(String vin) {
    List<FieldViolation> violations = violationsOf(vin);
    assertEquals(1, violations.size(), () -> "violations: " + violations);
    assertEquals("vin", violations.get(0).field());
    return violations.get(0).description();
  }

  @ParameterizedTest
  @ValueSource(strings = {CLASSIC, "11111111111111111", "1HGCM82633A004352", "5GZCZ43D13S812715"})
  void validVinsAreReturned(String vin) {
    assertEquals(vin, Vin.validate("vin", vin));
  }

  @ParameterizedTest
  @CsvSource({
    CLASSIC + ", X",
    "11111111111111111, 1",
    "1HGCM82633A004352, 3",
    "5GZCZ43D13S812715, 1"
  })
  void checkDigitOfKnownVins(String vin, char checkDigit) {
    assertEquals(checkDigit, Vin.checkDigit(vin));
  }

  @Test
  void checkDigitIgnoresThePlaceholderAtPosition9() {
    assertEquals('X', Vin.checkDigit(withCharAt(CLASSIC, 9, '0')));
  }

  @Test
  void checkDigitRefusesForbiddenCharacters() {
    assertThrows(IllegalArgumentException.class, () -> Vin.checkDigit(withCharAt(CLASSIC, 3, 'O')));
  }

  @ParameterizedTest
  @NullAndEmptySource
  @ValueSource(strings = {" ", "  \t"})
  void missingVinIsRequired(String vin) {
    assertEquals("is required", onlyViolation(vin));
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 16, 18, 20})
  void otherLengthsAreRefusedWithTheActualLength(int length) {
    String vin = (CLASSIC + CLASSIC).substring(0, length);

    assertEquals("must be exactly 17 characters, got " + length, onlyViolation(vin));
  }

  @ParameterizedTest
  @CsvSource({"I, 1", "O, 4", "Q, 17"})
  void forbiddenLettersAreRefusedByPosition(char letter, int position) {
    String description = onlyViolation(withCharAt(CLASSIC, position, letter));

    assertEquals("must be digits and upper-case letters A-Z except I, O and Q; position "
        + position + " is '" + letter + "' (I, O and Q are never used, to avoid confusion"
        + " with 1 and 0)", description);
  }

  @Test
  void lowerCaseIsRefusedByPosition() {
    assertEquals("must be digits and upper-case letters A-Z except I, O and Q;"
        + " position 2 is 'm' (lower case)", onlyViolation(withCharAt(CLASSIC, 2, 'm')));
  }

  @Test
  void spaceAndSymbolsAreRefusedByPosition() {
    assertEquals("must be digits and upper-case letters A-Z except I, O and Q;"
            + " position 5 is a space, position 12 is '-'",
        onlyViolation(withCharAt(withCharAt(CLASSIC, 5, ' '), 12, '-')));
  }

  @Test
  void wrongCheckDigitIsRefused() {
    assertEquals("position 9 check digit is '5' but the VIN's check digit is 'X'",
        onlyViolation(withCharAt(CLASSIC, 9, '5')));
  }

  @Test
  void changedCharacterElsewhereBreaksTheCheckDigit() {
    // A typo at position 10 changes the expected check digit away from the X at position 9.
    String description = onlyViolation(withCharAt(CLASSIC, 10, 'L'));

    assertTrue(description.startsWith("position 9 check digit is 'X' but the VIN's check digit is"),
        description);
  }

  @Test
  void lengthAndCharacterViolationsAreReportedTogether() {
    assertEquals(List.of(
            new FieldViolation("vin", "must be exactly 17 characters, got 16"),
            new FieldViolation("vin", "must be digits and upper-case letters A-Z except I, O and Q;"
                + " position 3 is 'I' (I, O and Q are never used, to avoid confusion with 1 and 0)")),
        violationsOf("1MIGDM9AXKP04278"));
  }
}
