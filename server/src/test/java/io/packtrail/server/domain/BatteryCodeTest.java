package io.packtrail.server.domain;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class BatteryCodeTest {
  /** The public example: maker X12, module, type C, spec PM, trace 27KLPCL, date X2M, serial. */
  private static final String EXAMPLE = "X12MCPM27KLPCLX2M2382320";
  /** The example as a repurposed-product variant: no traceability segment, then R + level. */
  private static final String REPURPOSED_EXAMPLE = "X12MCPMX2M2382320RM";

  /** Replaces the character at 1-based {@code position}. */
  private static String withCharAt(String code, int position, char c) {
    return code.substring(0, position - 1) + c + code.substring(position);
  }

  private static List<FieldViolation> violationsOf(String text) {
    return violationsOf(text, null);
  }

  private static List<FieldViolation> violationsOf(String text, UnitLevel expectedLevel) {
    return assertThrows(InvalidArgumentException.class,
        () -> BatteryCode.parse("code", text, expectedLevel)).violations();
  }

  /** The single violation of {@code text}, checked to be against the "code" field. */
  private static String onlyViolation(String text) {
    List<FieldViolation> violations = violationsOf(text);
    assertEquals(1, violations.size(), () -> "violations: " + violations);
    assertEquals("code", violations.get(0).field());
    return violations.get(0).description();
  }

  private static void assertContains(String expectedPart, String actual) {
    assertTrue(actual.contains(expectedPart),
        () -> "expected \"" + actual + "\" to contain \"" + expectedPart + "\"");
  }

  @Nested
  class StandardCode {
    @Test
    void publicExampleParsesIntoItsSegments() {
      BatteryCode code = BatteryCode.parse("code", EXAMPLE);

      assertAll(
          () -> assertEquals(EXAMPLE, code.text()),
          () -> assertEquals("X12", code.manufacturerCode()),
          () -> assertEquals(UnitLevel.MODULE, code.level()),
          () -> assertEquals('C', code.typeLetter()),
          () -> assertEquals("PM", code.specificationCode()),
          () -> assertEquals("27KLPCL", code.traceabilityCode()),
          () -> assertEquals("X2M", code.dateCode()),
          () -> assertEquals("2382320", code.serial()),
          () -> assertFalse(code.repurposedVariant()),
          // X=2029, 2=February, M=21 per the (unconfirmed) date table
          () -> assertEquals(Optional.of(LocalDate.of(2029, 2, 21)), code.productionDate()));
    }

    @ParameterizedTest
    @CsvSource({"P, PACK", "M, MODULE", "C, CELL"})
    void levelLetterGivesTheLevel(char letter, UnitLevel level) {
      assertEquals(level, BatteryCode.parse("code", withCharAt(EXAMPLE, 4, letter)).level());
    }

    @ParameterizedTest
    @ValueSource(chars = {'A', 'B', 'C', 'D', 'E', 'F', 'G', 'Z'})
    void everyTypeLetterIsAccepted(char letter) {
      assertEquals(letter, BatteryCode.parse("code", withCharAt(EXAMPLE, 5, letter)).typeLetter());
    }

    @Test
    void undecodableDateIsAcceptedWithoutAProductionDate() {
      // Z is in no year table entry: the date is unknown, but the code is not refused for it.
      BatteryCode code = BatteryCode.parse("code", withCharAt(EXAMPLE, 15, 'Z'));

      assertEquals("Z2M", code.dateCode());
      assertEquals(Optional.empty(), code.productionDate());
    }

    @Test
    void impossibleDateIsAcceptedWithoutAProductionDate() {
      // H2Y would be 30 February 2017.
      BatteryCode code = BatteryCode.parse("code", EXAMPLE.substring(0, 14) + "H2Y" + "2382320");

      assertEquals("H2Y", code.dateCode());
      assertEquals(Optional.empty(), code.productionDate());
    }
  }

  @Nested
  class Required {
    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"   ", "\t"})
    void missingCodeIsRequired(String text) {
      assertEquals("is required", onlyViolation(text));
    }

    @Test
    void violationsCarryTheGivenFieldPath() {
      InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
          () -> BatteryCode.parse("requests[3].code", withCharAt(EXAMPLE, 4, 'X')));

      assertEquals(1, e.violations().size());
      assertEquals("requests[3].code", e.violations().get(0).field());
    }
  }

  @Nested
  class Length {
    @ParameterizedTest
    @ValueSource(ints = {1, 18, 20, 23, 25})
    void otherLengthsAreRefusedWithTheActualLength(int length) {
      String text = (EXAMPLE + EXAMPLE).substring(0, length);

      assertEquals("must be 24 characters (or 19 for a repurposed-product variant), got " + length,
          onlyViolation(text));
    }
  }

  @Nested
  class Characters {
    @Test
    void lowerCaseIsRefusedNotUpcased() {
      String description = onlyViolation(EXAMPLE.toLowerCase());

      assertContains("must be upper-case letters and digits only", description);
      assertContains("position 1 (manufacturer code) is 'x' (lower case)", description);
      assertContains("position 17 (production date) is 'm' (lower case)", description);
    }

    @Test
    void singleLowerCaseLetterIsNamedWithPositionAndSegment() {
      assertEquals("must be upper-case letters and digits only;"
              + " position 7 (specification code) is 'm' (lower case)",
          onlyViolation(withCharAt(EXAMPLE, 7, 'm')));
    }

    @ParameterizedTest
    @CsvSource({
      "1, manufacturer code",
      "3, manufacturer code",
      "6, specification code",
      "8, traceability code",
      "14, traceability code",
      "15, production date",
      "17, production date",
      "18, serial",
      "24, serial"
    })
    void symbolIsRefusedNamingPositionAndSegment(int position, String segment) {
      assertEquals("must be upper-case letters and digits only; position " + position
              + " (" + segment + ") is '-'",
          onlyViolation(withCharAt(EXAMPLE, position, '-')));
    }

    @Test
    void lowerCaseLevelAndTypeAreReportedOnceAsCharacters() {
      String description = onlyViolation(withCharAt(withCharAt(EXAMPLE, 4, 'm'), 5, 'c'));

      assertContains("position 4 (product level) is 'm' (lower case)", description);
      assertContains("position 5 (battery type) is 'c' (lower case)", description);
    }

    @Test
    void nonAsciiCharacterIsNamedByCodePoint() {
      // A full-width Latin capital M looks like 'M' but is not.
      assertEquals("must be upper-case letters and digits only;"
              + " position 4 (product level) is U+FF2D",
          onlyViolation(withCharAt(EXAMPLE, 4, '\uFF2D')));
    }

    @Test
    void characterBeyondTheBmpCountsAsOnePosition() {
      String text = "\uD83D\uDD0B" + EXAMPLE.substring(1); // a battery emoji replaces position 1

      assertEquals("must be upper-case letters and digits only;"
          + " position 1 (manufacturer code) is U+1F50B", onlyViolation(text));
    }
  }

  @Nested
  class Whitespace {
    @Test
    void innerSpaceIsRefused() {
      assertEquals("must not contain whitespace; position 10 (traceability code) is a space",
          onlyViolation(withCharAt(EXAMPLE, 10, ' ')));
    }

    @Test
    void innerTabIsRefused() {
      assertEquals("must not contain whitespace; position 16 (production date) is a tab",
          onlyViolation(withCharAt(EXAMPLE, 16, '\t')));
    }

    @Test
    void surroundingWhitespaceIsNotTrimmed() {
      List<FieldViolation> violations = violationsOf(" " + EXAMPLE + "\n");

      assertEquals(List.of(
              new FieldViolation("code",
                  "must be 24 characters (or 19 for a repurposed-product variant), got 26"),
              new FieldViolation("code",
                  "must not contain whitespace; position 1 is a space, position 26 is a line feed")),
          violations);
    }
  }

  @Nested
  class Segments {
    @Test
    void unknownLevelLetterIsRefused() {
      assertEquals("position 4 (product level) must be P, M or C, got 'X'",
          onlyViolation(withCharAt(EXAMPLE, 4, 'X')));
    }

    @ParameterizedTest
    @ValueSource(chars = {'H', 'Y', '0', '9'})
    void unknownTypeLetterIsRefused(char letter) {
      assertEquals("position 5 (battery type) must be one of A-G or Z, got '" + letter + "'",
          onlyViolation(withCharAt(EXAMPLE, 5, letter)));
    }

    @Test
    void serialWithALetterIsRefused() {
      assertEquals("positions 18-24 (serial) must be 7 digits, got '23A2320'",
          onlyViolation(withCharAt(EXAMPLE, 20, 'A')));
    }

    @Test
    void everyBrokenRuleIsReportedAtOnce() {
      String text = withCharAt(withCharAt(withCharAt(withCharAt(EXAMPLE,
          4, 'X'), 5, 'H'), 7, 'm'), 24, 'Q');

      List<FieldViolation> violations = violationsOf(text);

      assertEquals(List.of(
              new FieldViolation("code", "must be upper-case letters and digits only;"
                  + " position 7 (specification code) is 'm' (lower case)"),
              new FieldViolation("code", "position 4 (product level) must be P, M or C, got 'X'"),
              new FieldViolation("code",
                  "position 5 (battery type) must be one of A-G or Z, got 'H'"),
              new FieldViolation("code", "positions 18-24 (serial) must be 7 digits, got '238232Q'")),
          violations);
    }
  }

  @Nested
  class ExpectedLevel {
    @Test
    void matchingLevelParses() {
      assertEquals(UnitLevel.MODULE, BatteryCode.parse("code", EXAMPLE, UnitLevel.MODULE).level());
    }

    @Test
    void levelOfAnotherUnitIsRefused() {
      List<FieldViolation> violations = violationsOf(EXAMPLE, UnitLevel.PACK);

      assertEquals(
          List.of(new FieldViolation("code", "position 4 is 'M' (module) but the unit is a PACK")),
          violations);
    }

    @Test
    void levelMismatchIsReportedWithOtherViolations() {
      List<FieldViolation> violations =
          violationsOf(withCharAt(withCharAt(EXAMPLE, 4, 'C'), 5, 'H'), UnitLevel.PACK);

      assertEquals(2, violations.size(), () -> "violations: " + violations);
      assertEquals("position 4 is 'C' (cell) but the unit is a PACK",
          violations.get(0).description());
      assertContains("position 5 (battery type)", violations.get(1).description());
    }

    @Test
    void unknownLevelLetterIsNotAlsoReportedAsAMismatch() {
      List<FieldViolation> violations = violationsOf(withCharAt(EXAMPLE, 4, 'X'), UnitLevel.PACK);

      assertEquals(List.of(
              new FieldViolation("code", "position 4 (product level) must be P, M or C, got 'X'")),
          violations);
    }
  }

  @Nested
  class RepurposedVariant {
    @Test
    void nineteenCharacterVariantParsesAndIsFlagged() {
      BatteryCode code = BatteryCode.parse("code", REPURPOSED_EXAMPLE);

      assertAll(
          () -> assertTrue(code.repurposedVariant()),
          () -> assertEquals(REPURPOSED_EXAMPLE, code.text()),
          () -> assertEquals("X12", code.manufacturerCode()),
          () -> assertEquals(UnitLevel.MODULE, code.level()),
          () -> assertEquals('C', code.typeLetter()),
          () -> assertEquals("PM", code.specificationCode()),
          () -> assertNull(code.traceabilityCode()),
          () -> assertEquals("X2M", code.dateCode()),
          () -> assertEquals("2382320", code.serial()),
          () -> assertEquals(Optional.of(LocalDate.of(2029, 2, 21)), code.productionDate()));
    }

    @Test
    void trailingLevelLetterMustMatchPosition4() {
      assertEquals("position 19 (repurposed level letter) is 'C' but position 4 (product level)"
              + " is 'M'; they must match",
          onlyViolation(withCharAt(REPURPOSED_EXAMPLE, 19, 'C')));
    }

    @Test
    void position18MustBeR() {
      assertEquals("position 18 (repurposed marker) must be 'R' in a 19-character"
              + " (repurposed-product) code, got 'X'",
          onlyViolation(withCharAt(REPURPOSED_EXAMPLE, 18, 'X')));
    }

    @Test
    void segmentsAreNamedAtTheirVariantPositions() {
      assertEquals("positions 11-17 (serial) must be 7 digits, got '2382A20'",
          onlyViolation(withCharAt(REPURPOSED_EXAMPLE, 15, 'A')));
      assertEquals("must be upper-case letters and digits only;"
              + " position 9 (production date) is '-'",
          onlyViolation(withCharAt(REPURPOSED_EXAMPLE, 9, '-')));
    }

    @Test
    void levelOfAnotherUnitIsRefused() {
      List<FieldViolation> violations = violationsOf(REPURPOSED_EXAMPLE, UnitLevel.CELL);

      assertEquals(
          List.of(new FieldViolation("code", "position 4 is 'M' (module) but the unit is a CELL")),
          violations);
    }
  }

  @Nested
  class ChemistryConsistency {
    private BatteryCode withType(char letter) {
      return BatteryCode.parse("code", withCharAt(EXAMPLE, 5, letter));
    }

    @Test
    void typeBAgreesWithLfp() {
      assertEquals(List.of(), withType('B').checkChemistry("chemistry", Chemistry.LFP));
    }

    @ParameterizedTest
    @EnumSource(value = Chemistry.class, names = "LFP", mode = EnumSource.Mode.EXCLUDE)
    void typeBRefusesEveryOtherChemistry(Chemistry chemistry) {
      assertEquals(
          List.of(new FieldViolation("chemistry", "position 5 (battery type) is 'B'"
              + " (lithium iron phosphate) but the chemistry is " + chemistry)),
          withType('B').checkChemistry("chemistry", chemistry));
    }

    @ParameterizedTest
    @EnumSource(value = Chemistry.class, names = {"NCM", "NCA"})
    void typeEAgreesWithTernaryChemistries(Chemistry chemistry) {
      assertEquals(List.of(), withType('E').checkChemistry("chemistry", chemistry));
    }

    @ParameterizedTest
    @EnumSource(value = Chemistry.class, names = {"NCM", "NCA"}, mode = EnumSource.Mode.EXCLUDE)
    void typeERefusesEveryOtherChemistry(Chemistry chemistry) {
      assertEquals(
          List.of(new FieldViolation("chemistry", "position 5 (battery type) is 'E'"
              + " (ternary, NCM or NCA) but the chemistry is " + chemistry)),
          withType('E').checkChemistry("chemistry", chemistry));
    }

    @ParameterizedTest
    @ValueSource(chars = {'A', 'C', 'D', 'F', 'G', 'Z'})
    void unconfirmedTypeLettersAreNotChecked(char letter) {
      BatteryCode code = withType(letter);
      for (Chemistry chemistry : Chemistry.values()) {
        assertEquals(List.of(), code.checkChemistry("chemistry", chemistry),
            () -> letter + " with " + chemistry);
      }
    }

    @Test
    void unknownChemistryIsNotChecked() {
      assertEquals(List.of(), withType('B').checkChemistry("chemistry", null));
    }
  }
}
