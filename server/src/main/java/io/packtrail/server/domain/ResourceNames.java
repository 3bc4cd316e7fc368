package io.packtrail.server.domain;

import java.util.HexFormat;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The API's resource names, built and taken apart only here: organizations/{o},
 * organizations/{o}/sites/{s}, units/{code}, labels/{serial}, organizations/{o}/labelKeys/{hex},
 * organizations/{o}/sites/{s}/devices/{d}, organizations/{o}/sites/{s}/enrollmentCodes/{uuid}.
 */
public final class ResourceNames {
  public static final String ID_RULE = "[a-z][a-z0-9-]{2,62}";
  private static final Pattern ID = Pattern.compile(ID_RULE);
  private static final Pattern ORGANIZATION = Pattern.compile("organizations/(" + ID_RULE + ")");
  private static final Pattern SITE =
      Pattern.compile("organizations/(" + ID_RULE + ")/sites/(" + ID_RULE + ")");
  private static final String UNIT_PREFIX = "units/";
  private static final Pattern EVENT =
      Pattern.compile("units/([A-Z0-9]{19,24})/events/([1-9][0-9]{0,18})");
  private static final Pattern DEVICE = Pattern.compile("(organizations/" + ID_RULE + "/sites/"
      + ID_RULE + ")/devices/(" + ID_RULE + ")");
  private static final Pattern ANOMALY_ID = Pattern.compile("[0-9a-f]{32}");
  private static final Pattern LABEL = Pattern.compile("labels/([1-9][0-9]{0,18})");
  private static final Pattern LABEL_KEY =
      Pattern.compile("organizations/(" + ID_RULE + ")/labelKeys/([0-9a-f]{8})");

  private ResourceNames() {}

  public static boolean isId(String id) {
    return id != null && ID.matcher(id).matches();
  }

  public static String organization(String organizationId) {
    return "organizations/" + organizationId;
  }

  public static String site(String organizationId, String siteId) {
    return organization(organizationId) + "/sites/" + siteId;
  }

  public static String unit(String code) {
    return UNIT_PREFIX + code;
  }

  public static String event(String code, long sequence) {
    return unit(code) + "/events/" + sequence;
  }

  /** A device of a site: {@code organizations/{o}/sites/{s}/devices/{d}}. */
  public static String device(String siteName, String deviceId) {
    return siteName + "/devices/" + deviceId;
  }

  public static boolean isDevice(String name) {
    return name != null && DEVICE.matcher(name).matches();
  }

  /** The site a device name belongs to (the name is known to be valid, see {@link #isDevice}). */
  public static String siteOfDevice(String deviceName) {
    Matcher m = DEVICE.matcher(deviceName);
    if (!m.matches()) {
      throw new IllegalArgumentException("not a device name: " + deviceName);
    }
    return m.group(1);
  }

  /** A device name, or a violation naming {@code field} (and false). */
  public static boolean checkDevice(Violations v, String field, String name) {
    if (!Text.checkName(v, field, name)) {
      return false;
    }
    if (!isDevice(name)) {
      v.add(field, "must be a name of the form organizations/{id}/sites/{id}/devices/{id} with "
          + "ids matching " + ID_RULE + ", got '" + abbreviate(name) + "'");
      return false;
    }
    return true;
  }

  /** An enrollment code of a site: {@code organizations/{o}/sites/{s}/enrollmentCodes/{uuid}}. */
  public static String enrollmentCode(String siteName, java.util.UUID requestId) {
    return siteName + "/enrollmentCodes/" + requestId;
  }

  public static String label(long serial) {
    return "labels/" + serial;
  }

  public static String labelKey(String organizationId, String keyIdHex) {
    return organization(organizationId) + "/labelKeys/" + keyIdHex;
  }

  public static boolean isOrganization(String name) {
    return name != null && ORGANIZATION.matcher(name).matches();
  }

  /** An event name's rule, as refusals state it. */
  public static final String EVENT_RULE = "units/{code}/events/{sequence}, the sequence from 1 "
      + "to " + Long.MAX_VALUE;

  /** An event name, units/{code}/events/{sequence} (the code's own rules are BatteryCode's). */
  public static boolean isEvent(String name) {
    return parseEvent(name) != null;
  }

  /** An event name's parts: its unit's code and its sequence. */
  public record EventName(String unitCode, long sequence) {}

  /**
   * The parts of an event name, or null when it is none: a sequence beyond the largest a
   * history can hold (2^63 - 1) included, so that no caller parses what the name check let by.
   */
  public static EventName parseEvent(String name) {
    Matcher m = name == null ? null : EVENT.matcher(name);
    if (m == null || !m.matches()) {
      return null;
    }
    try {
      return new EventName(m.group(1), Long.parseLong(m.group(2)));
    } catch (NumberFormatException e) {
      return null; // 19 digits above 9223372036854775807
    }
  }

  public static boolean isSite(String name) {
    return name != null && SITE.matcher(name).matches();
  }

  /** The id in an organisation name that is known to be valid (see {@link #isOrganization}). */
  public static String organizationId(String organizationName) {
    Matcher m = ORGANIZATION.matcher(organizationName);
    if (!m.matches()) {
      throw new IllegalArgumentException("not an organization name: " + organizationName);
    }
    return m.group(1);
  }

  /** The organisation a site name belongs to. */
  public static String organizationOfSite(String siteName) {
    Matcher m = SITE.matcher(siteName);
    if (!m.matches()) {
      throw new IllegalArgumentException("not a site name: " + siteName);
    }
    return organization(m.group(1));
  }

  static void checkOrganization(Violations v, String field, String name) {
    if (name == null) {
      v.add(field, "is required");
    } else if (!isOrganization(name)) {
      v.add(field, "must be a name of the form organizations/{id} with id matching " + ID_RULE
          + ", got '" + abbreviate(name) + "'");
    }
  }

  static void checkSite(Violations v, String field, String name) {
    if (name == null) {
      v.add(field, "is required");
    } else if (!isSite(name)) {
      v.add(field, "must be a name of the form organizations/{id}/sites/{id} with ids matching "
          + ID_RULE + ", got '" + abbreviate(name) + "'");
    }
  }

  /** The code of a unit name, or a violation; the code itself is checked by BatteryCode. */
  public static String unitCode(Violations v, String field, String name) {
    if (name == null) {
      v.add(field, "is required");
      return null;
    }
    if (!Text.checkName(v, field, name)) {
      return null;
    }
    if (!name.startsWith(UNIT_PREFIX)) {
      v.add(field, "must be a name of the form units/{code}, got '" + abbreviate(name) + "'");
      return null;
    }
    return name.substring(UNIT_PREFIX.length());
  }

  /** The code of a unit name that is known to be valid (e.g. one the server returned). */
  public static String unitCode(String unitName) {
    if (!unitName.startsWith(UNIT_PREFIX)) {
      throw new IllegalArgumentException("not a unit name: " + unitName);
    }
    return unitName.substring(UNIT_PREFIX.length());
  }

  /** A label key's name taken apart. */
  public record LabelKeyName(String organizationId, byte[] keyId) {}

  /** The organisation and key id of a label key name, or a violation (and null). */
  public static LabelKeyName labelKey(Violations v, String field, String name) {
    Matcher m = LABEL_KEY.matcher(name);
    if (!m.matches()) {
      v.add(field, "must be organizations/{id}/labelKeys/{8 hex digits}");
      return null;
    }
    return new LabelKeyName(m.group(1), HexFormat.of().parseHex(m.group(2)));
  }

  /** The serial of a label name, or a violation (and 0). */
  public static long labelSerial(Violations v, String field, String name) {
    Matcher m = LABEL.matcher(name);
    if (!m.matches()) {
      v.add(field, "must be labels/{serial} with a positive serial");
      return 0;
    }
    try {
      return Long.parseLong(m.group(1));
    } catch (NumberFormatException e) {
      v.add(field, "serial is out of range");
      return 0;
    }
  }

  private static final String LOT_PREFIX = "materialLots/";

  public static String materialLot(String id) {
    return LOT_PREFIX + id;
  }

  public static boolean isMaterialLot(String name) {
    return name != null && name.startsWith(LOT_PREFIX) && isId(name.substring(LOT_PREFIX.length()));
  }

  /** The id of a lot name, or a violation (and null). */
  public static String materialLotId(Violations v, String field, String name) {
    if (name == null) {
      v.add(field, "is required");
      return null;
    }
    if (!Text.checkName(v, field, name)) {
      return null;
    }
    if (!isMaterialLot(name)) {
      v.add(field, "must be a name of the form materialLots/{id} with id matching " + ID_RULE
          + ", got '" + abbreviate(name) + "'");
      return null;
    }
    return name.substring(LOT_PREFIX.length());
  }

  public static final String ANOMALY_PREFIX = "anomalies/";

  /** The id of an anomaly name ({@code anomalies/} and 32 lower-case hex digits), or a violation. */
  public static String anomalyId(Violations v, String field, String name) {
    if (name == null || name.isEmpty()) {
      v.add(field, "is required: anomalies/{id}");
      return null;
    }
    if (!Text.checkName(v, field, name)) {
      return null;
    }
    if (!name.startsWith(ANOMALY_PREFIX)
        || !isAnomalyId(name.substring(ANOMALY_PREFIX.length()))) {
      v.add(field, "must be a name of the form anomalies/{id} with id 32 lower-case hex digits, "
          + "got '" + abbreviate(name) + "'");
      return null;
    }
    return name.substring(ANOMALY_PREFIX.length());
  }

  /** Whether {@code id} has the form of an anomaly's id: 32 lower-case hex digits. */
  public static boolean isAnomalyId(String id) {
    return id != null && ANOMALY_ID.matcher(id).matches();
  }

  /** Keeps echoed input short and printable, so a huge value cannot bloat an error. */
  public static String abbreviate(String text) {
    return Text.echo(text);
  }
}
