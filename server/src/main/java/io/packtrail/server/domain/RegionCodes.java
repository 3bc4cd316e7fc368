package io.packtrail.server.domain;

import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * GB/T 2260 administrative division codes: six digits, province (two), city (two more),
 * district (two more); a code ending in {@code 0000} is a province, in {@code 00} a city. Names
 * are known for the provinces' level used here and Gansu's cities (the pilot network); others
 * have no name (their figures are still counted).
 */
public final class RegionCodes {
  private static final Pattern SIX_DIGITS = Pattern.compile("[0-9]{6}");

  private RegionCodes() {}

  private static final Map<String, String> NAMES = new TreeMap<>(Map.ofEntries(
      Map.entry("620000", "Gansu"), Map.entry("620100", "Lanzhou"),
      Map.entry("620200", "Jiayuguan"), Map.entry("620300", "Jinchang"),
      Map.entry("620400", "Baiyin"), Map.entry("620500", "Tianshui"),
      Map.entry("620600", "Wuwei"), Map.entry("620700", "Zhangye"),
      Map.entry("620800", "Pingliang"), Map.entry("620900", "Jiuquan"),
      Map.entry("621000", "Qingyang"), Map.entry("621100", "Dingxi"),
      Map.entry("621200", "Longnan"), Map.entry("622900", "Linxia"),
      Map.entry("623000", "Gannan")));

  /** Checks a region code: six digits, not 000000. */
  public static void check(Violations v, String field, String code) {
    if (code == null || code.isEmpty()) {
      v.add(field, "is required: a six-digit GB/T 2260 code, e.g. 620000 (Gansu)");
    } else if (!SIX_DIGITS.matcher(code).matches() || code.startsWith("00")) {
      v.add(field, "must be a six-digit GB/T 2260 code such as 620000 (a province) or 620300 "
          + "(a city), got '" + ResourceNames.abbreviate(code) + "'");
    }
  }

  /** The prefix every site code of the region begins with: 620000 -> 62, 620300 -> 6203. */
  public static String prefix(String code) {
    if (code.endsWith("0000")) {
      return code.substring(0, 2);
    }
    if (code.endsWith("00")) {
      return code.substring(0, 4);
    }
    return code;
  }

  /** The city a site code is in: 620102 -> 620100. */
  public static String city(String code) {
    return code.substring(0, 4) + "00";
  }

  /** The name of a province or city, or empty. */
  public static String name(String code) {
    return NAMES.getOrDefault(code, "");
  }

  /** The cities with a known name under a region prefix (for a province: all of its cities). */
  public static java.util.List<String> knownCities(String prefix) {
    return NAMES.keySet().stream().filter(c -> c.startsWith(prefix) && !c.endsWith("0000")
        && c.endsWith("00")).toList();
  }
}
