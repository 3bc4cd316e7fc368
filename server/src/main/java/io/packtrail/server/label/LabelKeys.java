package io.packtrail.server.label;

import io.packtrail.client.label.Ed25519Keys;
import io.packtrail.server.domain.AlreadyExistsException;
import io.packtrail.server.domain.Authorization;
import io.packtrail.server.domain.Principal;
import io.packtrail.server.domain.LabelKeyRecord;
import io.packtrail.server.domain.NotFoundException;
import io.packtrail.server.domain.RegistryEntry;
import io.packtrail.server.domain.ResourceNames;
import io.packtrail.server.security.KeySealer;
import io.packtrail.server.store.LabelDao;
import io.packtrail.server.store.OrganizationDao;
import io.packtrail.server.store.RegistryLog;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;

/**
 * Issuers' label-signing keys: creating one retires the organisation's previous key (its labels
 * stay valid), revoking one refuses all its labels. Private parts are sealed at rest and opened
 * only here, for signing; no RPC returns them.
 */
public final class LabelKeys {
  private final Jdbi jdbi;
  private final KeySealer sealer;
  private final Clock clock;
  private final CurrentTrustList trustList;

  public LabelKeys(Jdbi jdbi, KeySealer sealer, Clock clock, CurrentTrustList trustList) {
    this.jdbi = jdbi;
    this.sealer = sealer;
    this.clock = clock;
    this.trustList = trustList;
  }

  /**
   * Creates the organisation's new signing key and retires the one it replaces: the caller's own
   * organisation's (an operator: any).
   */
  public LabelKeyRecord createKey(Principal caller, String organizationId, UUID requestId,
      int validityDays) {
    Authorization.requireOwn(caller, ResourceNames.organization(organizationId),
        "organisation");
    LabelKeyRecord key = jdbi.inTransaction(h -> {
      RegistryLog log = RegistryLog.lock(h);
      LabelDao dao = h.attach(LabelDao.class);
      var existing = dao.findKeyByRequest(requestId);
      if (existing.isPresent()) {
        if (!existing.get().organizationId().equals(organizationId)) {
          throw new AlreadyExistsException(existing.get().name(), "request_id " + requestId
              + " already created " + existing.get().name() + " for another organisation");
        }
        return existing.get();
      }
      if (h.attach(OrganizationDao.class).find(organizationId).isEmpty()) {
        throw new NotFoundException(ResourceNames.organization(organizationId),
            "organization (parent)");
      }
      Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
      Ed25519Keys.KeyPair pair = Ed25519Keys.generate();
      byte[] keyId = Ed25519Keys.keyId(pair.publicKey());
      LabelKeyRecord replaced = dao.findActiveKey(organizationId).orElse(null);
      dao.retireActiveKey(organizationId, now);
      dao.insertKey(keyId, organizationId, pair.publicKey(), sealer.seal(pair.privateKey(), keyId),
          now, now.plus(Duration.ofDays(validityDays)), requestId, now);
      dao.bumpTrustListVersion();
      LabelKeyRecord created = dao.findKey(keyId).orElseThrow();
      log.append(index -> RegistryEntry.labelKey(index, created, replaced));
      return created;
    });
    trustList.changed();
    return key;
  }

  public List<LabelKeyRecord> listKeys(String organizationId) {
    return jdbi.withExtension(LabelDao.class, dao -> dao.listKeys(organizationId));
  }

  /**
   * Revokes a key of the caller's own organisation (an operator: any); idempotent (revoking a
   * revoked key changes nothing and logs nothing).
   */
  public LabelKeyRecord revokeKey(Principal caller, String organizationId, byte[] keyId) {
    Authorization.requireOwn(caller, ResourceNames.organization(organizationId),
        "organisation's keys");
    LabelKeyRecord key = jdbi.inTransaction(h -> {
      RegistryLog log = RegistryLog.lock(h);
      LabelDao dao = h.attach(LabelDao.class);
      LabelKeyRecord found = dao.findKey(keyId)
          .filter(k -> k.organizationId().equals(organizationId))
          .orElseThrow(() -> new NotFoundException(ResourceNames.labelKey(organizationId,
              HexFormat.of().formatHex(keyId)), "label key"));
      Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
      if (dao.revokeKey(keyId, now) > 0) {
        dao.bumpTrustListVersion();
        log.append(index -> RegistryEntry.labelKeyRevocation(index, found, now));
      }
      return dao.findKey(keyId).orElseThrow();
    });
    trustList.changed();
    return key;
  }

  /** The key's private part, for one signature; the caller wipes it after use. */
  byte[] openPrivateKey(LabelKeyRecord key) {
    return sealer.open(key.privateKeySealed(), key.keyId());
  }
}
