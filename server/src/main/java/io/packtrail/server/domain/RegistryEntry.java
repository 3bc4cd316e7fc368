package io.packtrail.server.domain;

import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * A change of the registry that a verifier needs to judge events (an organisation, a site, a
 * label key and its revocation, a withdrawn label, a device enrolled or retired), as one entry of
 * the deployment's log: it takes the next {@code log.index}, in the same sequence as events, and
 * its canonical bytes (the encoding of events, docs/formats.md section 3) always hold
 * {@code entry.type}, {@code log.index} and {@code record.time}. docs/formats.md, "Registry
 * entries", lists every type's keys. {@code recordTime} is when the change took effect, as the
 * registry stores it (a creation time, a revocation, withdrawal or retirement time).
 */
public record RegistryEntry(long logIndex, Type type, String subject, Instant recordTime,
    byte[] canonicalBytes) {

  /** The entry types; {@link #key()} is the value of {@code entry.type}. */
  public enum Type {
    ORGANIZATION, SITE, LABEL_KEY, LABEL_KEY_REVOCATION, LABEL_WITHDRAWAL, DEVICE_ENROLLMENT,
    DEVICE_RETIREMENT;

    public String key() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** An organisation was created (its roles never change afterwards). */
  public static RegistryEntry organization(long logIndex, Organization o) {
    CanonicalFields f = common(Type.ORGANIZATION, logIndex, o.createTime())
        .put("organization.name", o.name())
        .put("organization.display_name", o.displayName())
        .put("organization.region_code", o.regionCode())
        .put("organization.manufacturer_code", o.manufacturerCode())
        .put("organization.unified_social_credit_code", o.unifiedSocialCreditCode())
        .put("organization.eu_operator_id", o.euOperatorId());
    List<String> roles = o.roles().stream().map(Enum::name).sorted().toList();
    list(f, "organization.role", "organization.role_count", roles);
    return of(logIndex, Type.ORGANIZATION, o.name(), o.createTime(), f);
  }

  /** A site was created under its organisation. */
  public static RegistryEntry site(long logIndex, Site s) {
    CanonicalFields f = common(Type.SITE, logIndex, s.createTime())
        .put("site.name", s.name())
        .put("site.organization", s.organizationName())
        .put("site.kind", s.kind())
        .put("site.display_name", s.displayName())
        .put("site.region_code", s.regionCode())
        .put("site.address", s.address().isEmpty() ? null : s.address())
        .putDecimal("site.annual_capacity_tonnes", s.annualCapacityTonnes());
    return of(logIndex, Type.SITE, s.name(), s.createTime(), f);
  }

  /**
   * A label key was created, valid from {@code not_before} to {@code not_after}; creating it
   * retired the organisation's previous active key ({@code replaced}, null when none), whose
   * labels stay valid.
   */
  public static RegistryEntry labelKey(long logIndex, LabelKeyRecord key,
      LabelKeyRecord replaced) {
    CanonicalFields f = keyFields(Type.LABEL_KEY, logIndex, key.createTime(), key)
        .put("label_key.public_key", HexFormat.of().formatHex(key.publicKey()))
        .put("label_key.not_before", key.notBefore())
        .put("label_key.not_after", key.notAfter())
        .put("label_key.replaces", replaced == null ? null : replaced.name());
    return of(logIndex, Type.LABEL_KEY, key.name(), key.createTime(), f);
  }

  /** A label key was revoked at {@code revokeTime}: every label it signed is refused. */
  public static RegistryEntry labelKeyRevocation(long logIndex, LabelKeyRecord key,
      Instant revokeTime) {
    CanonicalFields f = keyFields(Type.LABEL_KEY_REVOCATION, logIndex, revokeTime, key);
    return of(logIndex, Type.LABEL_KEY_REVOCATION, key.name(), revokeTime, f);
  }

  /**
   * A label was withdrawn at {@code withdrawTime}: revoked, or superseded by the label
   * {@code supersededBy} (null when revoked).
   */
  public static RegistryEntry labelWithdrawal(long logIndex, LabelRecord label,
      LabelRecord.LabelState status, Long supersededBy, Instant withdrawTime) {
    if (status == LabelRecord.LabelState.ACTIVE
        || (status == LabelRecord.LabelState.SUPERSEDED) != (supersededBy != null)) {
      throw new IllegalArgumentException("a withdrawal is a revocation, or a supersession "
          + "naming its new label: " + status + " " + supersededBy);
    }
    CanonicalFields f = common(Type.LABEL_WITHDRAWAL, logIndex, withdrawTime)
        .put("label.serial", label.serial())
        .put("label.status", status)
        .put("label.superseded_by", supersededBy == null ? null : supersededBy.toString())
        .put("label.unit_code", label.unitCode())
        .put("label.key", ResourceNames.labelKey(label.issuerId(),
            HexFormat.of().formatHex(label.keyId())));
    return of(logIndex, Type.LABEL_WITHDRAWAL, label.name(), withdrawTime, f);
  }

  /** A device was enrolled at its site with its public key. */
  public static RegistryEntry deviceEnrollment(long logIndex, Device d) {
    CanonicalFields f = deviceFields(Type.DEVICE_ENROLLMENT, logIndex, d.createTime(), d)
        .put("device.public_key", HexFormat.of().formatHex(d.publicKey()))
        .put("device.display_name", d.displayName().isEmpty() ? null : d.displayName());
    return of(logIndex, Type.DEVICE_ENROLLMENT, d.name(), d.createTime(), f);
  }

  /** A device was retired: steps it signs from now on are refused. */
  public static RegistryEntry deviceRetirement(long logIndex, Device d) {
    Objects.requireNonNull(d.retireTime(), "a retired device has its retire time");
    CanonicalFields f = deviceFields(Type.DEVICE_RETIREMENT, logIndex, d.retireTime(), d);
    return of(logIndex, Type.DEVICE_RETIREMENT, d.name(), d.retireTime(), f);
  }

  private static CanonicalFields common(Type type, long logIndex, Instant recordTime) {
    return new CanonicalFields()
        .put("entry.type", type.key())
        .put("log.index", logIndex)
        .put("record.time", recordTime);
  }

  private static CanonicalFields keyFields(Type type, long logIndex, Instant recordTime,
      LabelKeyRecord key) {
    return common(type, logIndex, recordTime)
        .put("label_key.name", key.name())
        .put("label_key.organization", ResourceNames.organization(key.organizationId()))
        .put("label_key.id", key.keyIdHex());
  }

  private static CanonicalFields deviceFields(Type type, long logIndex, Instant recordTime,
      Device d) {
    return common(type, logIndex, recordTime)
        .put("device.name", d.name())
        .put("device.site", d.site());
  }

  /** A list as section 9 writes one: {@code key.000}, {@code key.001} ..., and a count. */
  private static void list(CanonicalFields f, String key, String countKey, List<String> values) {
    for (int i = 0; i < values.size(); i++) {
      f.put(key + "." + String.format(java.util.Locale.ROOT, "%03d", i), values.get(i));
    }
    f.put(countKey, values.size());
  }

  private static RegistryEntry of(long logIndex, Type type, String subject, Instant recordTime,
      CanonicalFields f) {
    if (logIndex < 0) {
      throw new IllegalArgumentException("log index must be at least 0: " + logIndex);
    }
    return new RegistryEntry(logIndex, type, subject,
        CanonicalFields.parseTime(CanonicalFields.time(recordTime)), f.encode());
  }
}
