package io.packtrail.server.domain;

import java.time.Instant;
import java.util.Set;

/**
 * A party of the network. {@code id} is client-chosen; the name is organizations/{id}. The
 * registry identifiers (China's unified social credit code, an EU economic operator id) are
 * optional; null when absent.
 */
public record Organization(String id, String displayName, Set<OrganizationRole> roles,
    String regionCode, String manufacturerCode, Instant createTime,
    String unifiedSocialCreditCode, String euOperatorId) {

  public Organization {
    roles = Set.copyOf(roles);
  }

  public String name() {
    return ResourceNames.organization(id);
  }

  /** Same client-supplied content, whatever the server-assigned create time. */
  public boolean sameContent(Organization other) {
    return id.equals(other.id) && displayName.equals(other.displayName)
        && roles.equals(other.roles) && regionCode.equals(other.regionCode)
        && java.util.Objects.equals(manufacturerCode, other.manufacturerCode)
        && java.util.Objects.equals(unifiedSocialCreditCode, other.unifiedSocialCreditCode)
        && java.util.Objects.equals(euOperatorId, other.euOperatorId);
  }

  /**
   * A GB/T 34014 code begins with its manufacturer's code, so only the organisation holding that
   * manufacturer code may register the unit as its maker; otherwise any maker's key could sign a
   * label for another maker's pack.
   */
  public void requireOwnsCode(BatteryCode code) {
    if (!code.manufacturerCode().equals(manufacturerCode)) {
      throw new FailedPreconditionException("MANUFACTURER_CODE", name(), "code " + code.text()
          + " names manufacturer code " + code.manufacturerCode() + "; the maker " + name()
          + (manufacturerCode == null ? " has no manufacturer code"
              : " has manufacturer code " + manufacturerCode));
    }
  }

  public void validate(Violations v) {
    if (!ResourceNames.isId(id)) {
      v.add("organization_id", "must match " + ResourceNames.ID_RULE);
    }
    Registry.checkDisplayName(v, "organization.display_name", displayName);
    if (roles.isEmpty()) {
      v.add("organization.roles", "must name at least one role");
    }
    Registry.checkRegion(v, "organization.region_code", regionCode);
    if (manufacturerCode != null && !manufacturerCode.matches("[A-Z0-9]{3}")) {
      v.add("organization.manufacturer_code", "must be 3 upper-case letters or digits");
    }
    if (unifiedSocialCreditCode != null) {
      UnifiedSocialCreditCode.check(v, "organization.unified_social_credit_code",
          unifiedSocialCreditCode);
    }
    if (euOperatorId != null && !euOperatorId.matches("[A-Z]{2}[A-Z0-9]{1,15}")) {
      v.add("organization.eu_operator_id", "must be an EORI number: a two-letter country code"
          + " and 1 to 15 upper-case letters or digits");
    }
  }
}
