package io.packtrail.server.domain;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A parsed GB/T 34014-2017 battery code.
 *
 * <p>The standard layout is 24 characters with no check character: manufacturer (1-3), product
 * level (4), battery type (5), specification (6-7), traceability (8-14), production date (15-17)
 * and serial (18-24). A 19-character variant is reported for repurposed (second-life) products: it
 * drops the traceability segment and appends {@code R} plus the level letter; it is accepted and
 * flagged with {@code repurposedVariant}, with {@code traceabilityCode} null.
 *
 * <p>Construct through {@link #parse}; the constructor does not validate.
 */
public record BatteryCode(
    String text,
    String manufacturerCode,
    UnitLevel level,
    char typeLetter,
    String specificationCode,
    String traceabilityCode,
    String dateCode,
    String serial,
    boolean repurposedVariant,
    Optional<LocalDate> productionDate) {

  public static final int LENGTH = 24;
  public static final int REPURPOSED_VARIANT_LENGTH = 19;

  private static final char REPURPOSED_MARKER = 'R';
  private static final String TYPE_LETTERS = "ABCDEFGZ";

  /**
   * Only the type letters whose meaning is confirmed are checked against the chemistry; the other
   * letters are unconfirmed, so refusing on them would reject legitimate codes.
   */
  private static final Map<Character, ConfirmedType> CONFIRMED_TYPES = Map.of(
      'B', new ConfirmedType("lithium iron phosphate", EnumSet.of(Chemistry.LFP)),
      'E', new ConfirmedType("ternary, NCM or NCA", EnumSet.of(Chemistry.NCM, Chemistry.NCA)));

  private static final Layout STANDARD = new Layout(
      new Segment("manufacturer code", 1, 3),
      new Segment("product level", 4, 4),
      new Segment("battery type", 5, 5),
      new Segment("specification code", 6, 7),
      new Segment("traceability code", 8, 14),
      new Segment("production date", 15, 17),
      new Segment("serial", 18, 24),
      null,
      null);

  private static final Layout REPURPOSED = new Layout(
      new Segment("manufacturer code", 1, 3),
      new Segment("product level", 4, 4),
      new Segment("battery type", 5, 5),
      new Segment("specification code", 6, 7),
      null,
      new Segment("production date", 8, 10),
      new Segment("serial", 11, 17),
      new Segment("repurposed marker", 18, 18),
      new Segment("repurposed level letter", 19, 19));

  public static BatteryCode parse(String field, String text) {
    return parse(field, text, null);
  }

  /**
   * Parses {@code text}, also requiring its level letter to match {@code expectedLevel} when that
   * is not null.
   *
   * @throws InvalidArgumentException listing every broken rule, each against {@code field}
   */
  public static BatteryCode parse(String field, String text, UnitLevel expectedLevel) {
    if (text == null || text.isBlank()) {
      throw new InvalidArgumentException(field, "is required");
    }
    int[] codePoints = text.codePoints().toArray();
    Layout layout = layoutFor(codePoints.length);
    Violations violations = new Violations();
    if (layout == null) {
      violations.add(field, "must be " + LENGTH + " characters (or " + REPURPOSED_VARIANT_LENGTH
          + " for a repurposed-product variant), got " + codePoints.length);
    }
    if (codePoints.length > 2 * LENGTH) {
      violations.throwIfAny(); // far from a code: no list of its characters, which could be huge
    }
    checkCharacters(field, codePoints, layout, violations);
    if (layout != null) {
      checkSegments(field, onePerPosition(codePoints), layout, expectedLevel, violations);
    }
    violations.throwIfAny();

    // From here on every character is in [A-Z0-9], so char indices equal positions.
    UnitLevel level = UnitLevel.fromCodeLetter(layout.level().charIn(text));
    String dateCode = layout.date().in(text);
    return new BatteryCode(
        text,
        layout.manufacturer().in(text),
        level,
        layout.type().charIn(text),
        layout.specification().in(text),
        layout.traceability() == null ? null : layout.traceability().in(text),
        dateCode,
        layout.serial().in(text),
        layout == REPURPOSED,
        ProductionDateCode.decode(dateCode));
  }

  /**
   * Violations of the type letter against the unit's chemistry, for the confirmed letters only (B
   * and E); empty for every other letter and for an unknown (null) chemistry.
   */
  public List<FieldViolation> checkChemistry(String field, Chemistry chemistry) {
    ConfirmedType confirmed = CONFIRMED_TYPES.get(typeLetter);
    if (confirmed == null || chemistry == null || confirmed.chemistries().contains(chemistry)) {
      return List.of();
    }
    return List.of(new FieldViolation(field, "position 5 (battery type) is '" + typeLetter + "' ("
        + confirmed.meaning() + ") but the chemistry is " + chemistry));
  }

  private static Layout layoutFor(int length) {
    if (length == LENGTH) {
      return STANDARD;
    }
    if (length == REPURPOSED_VARIANT_LENGTH) {
      return REPURPOSED;
    }
    return null;
  }

  /** Whitespace and anything outside [A-Z0-9]; lower case is refused, never silently upcased. */
  private static void checkCharacters(
      String field, int[] codePoints, Layout layout, Violations violations) {
    List<String> whitespace = new ArrayList<>();
    List<String> others = new ArrayList<>();
    for (int i = 0; i < codePoints.length; i++) {
      int c = codePoints[i];
      if (isUpperLetterOrDigit(c)) {
        continue;
      }
      String where = "position " + (i + 1) + segmentSuffix(layout, i + 1);
      if (Character.isWhitespace(c) || Character.isSpaceChar(c)) {
        whitespace.add(where + " is " + describeWhitespace(c));
      } else if (Character.isLowerCase(c)) {
        others.add(where + " is " + quote(c) + " (lower case)");
      } else {
        others.add(where + " is " + quote(c));
      }
    }
    if (!whitespace.isEmpty()) {
      violations.add(field, "must not contain whitespace; " + String.join(", ", whitespace));
    }
    if (!others.isEmpty()) {
      violations.add(field,
          "must be upper-case letters and digits only; " + String.join(", ", others));
    }
  }

  /**
   * Rules beyond the character set. A segment holding a character already refused by
   * {@link #checkCharacters} is skipped, so each problem is reported once.
   */
  private static void checkSegments(
      String field, String text, Layout layout, UnitLevel expectedLevel, Violations violations) {
    Segment levelSegment = layout.level();
    char levelLetter = levelSegment.charIn(text);
    UnitLevel level = UnitLevel.fromCodeLetter(levelLetter);
    if (isClean(levelSegment.in(text)) && level == null) {
      violations.add(field, levelSegment.label() + " must be P, M or C, got '" + levelLetter + "'");
    }
    if (level != null && expectedLevel != null && level != expectedLevel) {
      violations.add(field, "position 4 is '" + levelLetter + "' ("
          + level.name().toLowerCase(Locale.ROOT) + ") but the unit is a " + expectedLevel);
    }

    Segment type = layout.type();
    char typeLetter = type.charIn(text);
    if (isClean(type.in(text)) && TYPE_LETTERS.indexOf(typeLetter) < 0) {
      violations.add(field, type.label() + " must be one of A-G or Z, got '" + typeLetter + "'");
    }

    String serial = layout.serial().in(text);
    if (isClean(serial) && !serial.chars().allMatch(c -> c >= '0' && c <= '9')) {
      violations.add(field, layout.serial().label() + " must be 7 digits, got '" + serial + "'");
    }

    if (layout.repurposedMarker() != null) {
      checkRepurposedSuffix(field, text, layout, levelLetter, violations);
    }
  }

  private static void checkRepurposedSuffix(
      String field, String text, Layout layout, char levelLetter, Violations violations) {
    Segment marker = layout.repurposedMarker();
    char markerLetter = marker.charIn(text);
    if (isClean(marker.in(text)) && markerLetter != REPURPOSED_MARKER) {
      violations.add(field, marker.label() + " must be '" + REPURPOSED_MARKER
          + "' in a 19-character (repurposed-product) code, got '" + markerLetter + "'");
    }
    Segment trailingLevel = layout.repurposedLevel();
    char trailingLetter = trailingLevel.charIn(text);
    if (isClean(trailingLevel.in(text)) && isClean(layout.level().in(text))
        && trailingLetter != levelLetter) {
      violations.add(field, trailingLevel.label() + " is '" + trailingLetter
          + "' but position 4 (product level) is '" + levelLetter + "'; they must match");
    }
  }

  private static String segmentSuffix(Layout layout, int position) {
    if (layout == null) {
      return ""; // wrong length: which segment a position belongs to is unknown
    }
    for (Segment segment : layout.segments()) {
      if (segment.first() <= position && position <= segment.last()) {
        return " (" + segment.name() + ")";
      }
    }
    return "";
  }

  /** One char per position, so segment offsets hold even past a character beyond the BMP. */
  private static String onePerPosition(int[] codePoints) {
    StringBuilder chars = new StringBuilder(codePoints.length);
    for (int c : codePoints) {
      chars.append(Character.isBmpCodePoint(c) ? (char) c : '\uFFFD');
    }
    return chars.toString();
  }

  private static boolean isUpperLetterOrDigit(int c) {
    return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  }

  private static boolean isClean(String segmentText) {
    return segmentText.chars().allMatch(BatteryCode::isUpperLetterOrDigit);
  }

  private static String describeWhitespace(int c) {
    return switch (c) {
      case ' ' -> "a space";
      case '\t' -> "a tab";
      case '\n' -> "a line feed";
      case '\r' -> "a carriage return";
      default -> String.format("whitespace U+%04X", c);
    };
  }

  private static String quote(int c) {
    if (c >= 0x21 && c <= 0x7E) {
      return "'" + (char) c + "'";
    }
    // Invisible or easily confused characters are named by code point.
    return String.format("U+%04X", c);
  }

  /** A 1-based, inclusive range of positions and what it holds. */
  private record Segment(String name, int first, int last) {
    String in(String text) {
      return text.substring(first - 1, last);
    }

    char charIn(String text) {
      return text.charAt(first - 1);
    }

    String label() {
      return first == last
          ? "position " + first + " (" + name + ")"
          : "positions " + first + "-" + last + " (" + name + ")";
    }
  }

  /** Where each segment sits; null for a segment the layout does not have. */
  private record Layout(
      Segment manufacturer,
      Segment level,
      Segment type,
      Segment specification,
      Segment traceability,
      Segment date,
      Segment serial,
      Segment repurposedMarker,
      Segment repurposedLevel) {

    List<Segment> segments() {
      List<Segment> all = new ArrayList<>();
      for (Segment segment : new Segment[] {manufacturer, level, type, specification,
          traceability, date, serial, repurposedMarker, repurposedLevel}) {
        if (segment != null) {
          all.add(segment);
        }
      }
      return all;
    }
  }

  /** What a confirmed type letter means and which chemistries agree with it. */
  private record ConfirmedType(String meaning, Set<Chemistry> chemistries) {}
}
