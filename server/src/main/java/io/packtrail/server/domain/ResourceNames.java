package io.packtrail.server.domain;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The API's resource names: organizations/{o}, organizations/{o}/sites/{s}, units/{code}. */
public final class ResourceNames {
  public static final String ID_RULE = "[a-z][a-z0-9-]{2,62}";
  private static final Pattern ID = Pattern.compile(ID_RULE);
  private static final Pattern ORGANIZATION = Pattern.compile("organizations/(" + ID_RULE + ")");
  private static final Pattern SITE =
      Pattern.compile("organizations/(" + ID_RULE + ")/sites/(" + ID_RULE + ")");
  private static final String UNIT_PREFIX = "units/";

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

  public static boolean isOrganization(String name) {
    return name != null && ORGANIZATION.matcher(name).matches();
  }

  public static boolean isSite(String name) {
    return name != null && SITE.matcher(name).matches();
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

  /** Keeps echoed input short and printable, so a huge value cannot bloat an error. */
  public static String abbreviate(String text) {
    return Text.echo(text);
  }
}
