package io.packtrail.server.domain;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one field of a deployment client certificate that names its principal: a subject
 * alternative name URI (docs/formats.md section 14), built and parsed only here.
 *
 * <pre>
 * uri   = "packtrail:principal:" kind [ ":" scope ]
 * kind  = "organization-system" / "device" / "worker" / "auditor" / "regulator" / "operator"
 * scope, by kind:
 *   organization-system  organizations/{org}                          (required)
 *   device               organizations/{org}/sites/{site}/devices/{d} (required)
 *   worker               organizations/{org}/sites/{site}             (required)
 *   auditor, regulator   organizations/{org}                          (optional)
 *   operator             none
 * </pre>
 *
 * Ids follow {@link ResourceNames#ID_RULE}, so no id holds ':' or '/' and every URI has exactly
 * one reading. The principal holds full resource names: organisation {@code organizations/o},
 * site {@code organizations/o/sites/s}, device {@code organizations/o/sites/s/devices/d}. The certificate serial is not part of the URI; the principal takes it from the
 * certificate.
 */
public final class PrincipalUri {
  public static final String PREFIX = "packtrail:principal:";
  private static final String ID = ResourceNames.ID_RULE;
  private static final Pattern URI = Pattern.compile(Pattern.quote(PREFIX)
      + "([a-z-]+)(?::(.*))?", Pattern.DOTALL);
  private static final Pattern ORGANIZATION = Pattern.compile("organizations/(" + ID + ")");
  private static final Pattern SITE =
      Pattern.compile("organizations/(" + ID + ")/sites/(" + ID + ")");
  private static final Pattern DEVICE =
      Pattern.compile("organizations/(" + ID + ")/sites/(" + ID + ")/devices/(" + ID + ")");

  private PrincipalUri() {}

  /** The kind's word in the URI: ORGANIZATION_SYSTEM is organization-system. */
  public static String word(Principal.Kind kind) {
    return kind.name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** The kind of a word of the URI, or null when it is none (or LOCAL, which has no URI). */
  public static Principal.Kind kind(String word) {
    for (Principal.Kind k : Principal.Kind.values()) {
      if (k != Principal.Kind.LOCAL && word(k).equals(word)) {
        return k;
      }
    }
    return null;
  }

  /** The scope part of a principal: its device, site or organisation name, or null. */
  public static String scope(Principal p) {
    if (p.device() != null) {
      return p.device();
    }
    if (p.site() != null) {
      return p.site();
    }
    return p.organization();
  }

  /** The URI naming {@code p}. */
  public static String of(Principal p) {
    if (p.kind() == Principal.Kind.LOCAL) {
      throw new IllegalArgumentException("the plaintext development principal has no "
          + "certificate");
    }
    String scope = scope(p);
    String uri = PREFIX + word(p.kind()) + (scope == null ? "" : ":" + scope);
    Principal back = parse(uri, p.certificateSerial());
    if (!back.equals(p)) {
      throw new IllegalArgumentException("not a principal a certificate can name: " + p);
    }
    return uri;
  }

  /**
   * The principal a URI names, with the certificate's serial.
   *
   * @throws IllegalArgumentException saying which rule the URI breaks
   */
  public static Principal parse(String uri, String serial) {
    Matcher m = URI.matcher(uri);
    if (!m.matches()) {
      throw new IllegalArgumentException("a principal URI starts with '" + PREFIX
          + "' and a kind, e.g. " + PREFIX + "operator");
    }
    Principal.Kind kind = kind(m.group(1));
    if (kind == null) {
      throw new IllegalArgumentException("'" + m.group(1) + "' is not a kind of principal: "
          + "organization-system, device, worker, auditor, regulator or operator");
    }
    String scope = m.group(2);
    return switch (kind) {
      case ORGANIZATION_SYSTEM -> {
        Matcher o = require(ORGANIZATION, scope, kind, "organizations/{org}");
        yield new Principal(kind, ResourceNames.organization(o.group(1)), null, null, serial);
      }
      case WORKER -> {
        Matcher s = require(SITE, scope, kind, "organizations/{org}/sites/{site}");
        yield new Principal(kind, ResourceNames.organization(s.group(1)),
            ResourceNames.site(s.group(1), s.group(2)), null, serial);
      }
      case DEVICE -> {
        Matcher d = require(DEVICE, scope, kind,
            "organizations/{org}/sites/{site}/devices/{device}");
        yield new Principal(kind, ResourceNames.organization(d.group(1)),
            ResourceNames.site(d.group(1), d.group(2)), d.group(), serial);
      }
      case AUDITOR, REGULATOR -> {
        if (scope == null) {
          yield new Principal(kind, null, null, null, serial);
        }
        Matcher o = require(ORGANIZATION, scope, kind, "organizations/{org} or nothing");
        yield new Principal(kind, ResourceNames.organization(o.group(1)), null, null, serial);
      }
      case OPERATOR -> {
        if (scope != null) {
          throw new IllegalArgumentException("an operator's URI has no scope: " + PREFIX
              + "operator");
        }
        yield new Principal(kind, null, null, null, serial);
      }
      case LOCAL -> throw new IllegalStateException("unreachable");
    };
  }

  private static Matcher require(Pattern p, String scope, Principal.Kind kind, String form) {
    Matcher m = scope == null ? null : p.matcher(scope);
    if (m == null || !m.matches()) {
      throw new IllegalArgumentException("the scope of a " + word(kind) + " must be " + form
          + " with ids matching " + ID + (scope == null ? ", and is missing"
          : ", got '" + ResourceNames.abbreviate(scope) + "'"));
    }
    return m;
  }
}
