package io.packtrail.server.label;

import com.google.protobuf.ByteString;
import io.packtrail.client.label.Ed25519Keys;
import io.packtrail.client.label.LabelCodec;
import io.packtrail.client.label.LabelVerifier;
import io.packtrail.client.label.TrustLists;
import io.packtrail.client.label.Verification;
import io.packtrail.server.domain.AlreadyExistsException;
import io.packtrail.server.domain.FailedPreconditionException;
import io.packtrail.server.domain.InvalidArgumentException;
import io.packtrail.server.domain.NotFoundException;
import io.packtrail.server.domain.PreconditionViolation;
import io.packtrail.server.domain.Unit;
import io.packtrail.server.security.KeySealer;
import io.packtrail.server.store.LabelDao;
import io.packtrail.server.store.OrganizationDao;
import io.packtrail.server.store.UnitDao;
import io.packtrail.v1.LabelKeyStatus;
import io.packtrail.v1.LabelPayload;
import io.packtrail.v1.LabelStatus;
import io.packtrail.v1.SignedTrustList;
import io.packtrail.v1.TrustList;
import io.packtrail.v1.TrustedLabelKey;
import io.packtrail.v1.UnitLevel;
import io.packtrail.v1.WithdrawnLabel;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * The deployment's label authority: issuers' signing keys (private parts sealed at rest), the
 * labels they sign, and the trust list, signed by the deployment's root key, that scanners use
 * offline. Signing and verifying use the SDK's codec, so server and scanners agree byte for byte.
 */
public final class LabelAuthority {
  /** How long a fetched trust list may be used offline. */
  public static final Duration DEFAULT_TRUST_LIST_VALIDITY = Duration.ofDays(7);
  /** How long the server reuses its own verifier before looking for changes by other servers. */
  private static final long VERIFIER_RECHECK_MILLIS = 1000;

  private final Jdbi jdbi;
  private final KeySealer sealer;
  private final Clock clock;
  private final Duration trustListValidity;
  private final RootKey root;
  private volatile Cached cached;

  private record RootKey(byte[] keyId, byte[] publicKey, byte[] privateKey) {}

  private record Cached(long version, SignedTrustList signed, LabelVerifier verifier,
      long expiresAt, long checkedAtMillis) {}

  public LabelAuthority(Jdbi jdbi, KeySealer sealer, Clock clock, Duration trustListValidity) {
    this.jdbi = jdbi;
    this.sealer = sealer;
    this.clock = clock;
    this.trustListValidity = trustListValidity;
    this.root = loadOrCreateRootKey();
  }

  /** The root key is made once per deployment; every server instance opens the same one. */
  private RootKey loadOrCreateRootKey() {
    LabelDao.RootKey stored = jdbi.withExtension(LabelDao.class, LabelDao::rootKey).orElse(null);
    if (stored == null) {
      Ed25519Keys.KeyPair pair = Ed25519Keys.generate();
      byte[] keyId = Ed25519Keys.keyId(pair.publicKey());
      jdbi.useExtension(LabelDao.class, dao -> dao.insertRootKey(keyId, pair.publicKey(),
          sealer.seal(pair.privateKey(), keyId), clock.instant()));
      stored = jdbi.withExtension(LabelDao.class, LabelDao::rootKey).orElseThrow();
    }
    return new RootKey(stored.keyId(), stored.publicKey(),
        sealer.open(stored.privateKeySealed(), stored.keyId()));
  }

  public byte[] rootPublicKey() {
    return root.publicKey().clone();
  }

  // ---- keys ----

  /** Creates the organisation's new signing key and retires the one it replaces. */
  public LabelKeyRecord createKey(String organizationId, UUID requestId, int validityDays) {
    LabelKeyRecord key = jdbi.inTransaction(h -> {
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
        throw new NotFoundException("organizations/" + organizationId, "organization (parent)");
      }
      Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
      Ed25519Keys.KeyPair pair = Ed25519Keys.generate();
      byte[] keyId = Ed25519Keys.keyId(pair.publicKey());
      dao.retireActiveKey(organizationId, now);
      dao.insertKey(keyId, organizationId, pair.publicKey(), sealer.seal(pair.privateKey(), keyId),
          now, now.plus(Duration.ofDays(validityDays)), requestId, now);
      dao.bumpTrustListVersion();
      return dao.findKey(keyId).orElseThrow();
    });
    cached = null;
    return key;
  }

  public List<LabelKeyRecord> listKeys(String organizationId) {
    return jdbi.withExtension(LabelDao.class, dao -> dao.listKeys(organizationId));
  }

  /** Revokes a key; idempotent. */
  public LabelKeyRecord revokeKey(String organizationId, byte[] keyId) {
    LabelKeyRecord key = jdbi.inTransaction(h -> {
      LabelDao dao = h.attach(LabelDao.class);
      LabelKeyRecord found = dao.findKey(keyId)
          .filter(k -> k.organizationId().equals(organizationId))
          .orElseThrow(() -> new NotFoundException("organizations/" + organizationId
              + "/labelKeys/" + java.util.HexFormat.of().formatHex(keyId), "label key"));
      if (dao.revokeKey(keyId, clock.instant()) > 0) {
        dao.bumpTrustListVersion();
      }
      return dao.findKey(keyId).orElseThrow();
    });
    cached = null;
    return key;
  }

  // ---- labels ----

  /** Issues a label for a unit, signed by the active key of the unit's maker. */
  public LabelRecord issue(UUID requestId, String unitCode) {
    try {
      return issueOnce(requestId, unitCode);
    } catch (org.jdbi.v3.core.statement.UnableToExecuteStatementException e) {
      if (e.getCause() instanceof java.sql.SQLException sql && "23505".equals(sql.getSQLState())) {
        // a concurrent request labelled the unit first; answer as if it had come first
        return issueOnce(requestId, unitCode);
      }
      throw e;
    }
  }

  private LabelRecord issueOnce(UUID requestId, String unitCode) {
    return jdbi.inTransaction(h -> {
      LabelDao dao = h.attach(LabelDao.class);
      var existing = dao.findLabelByRequest(requestId);
      if (existing.isPresent()) {
        return sameRequest(existing.get(), requestId, unitCode);
      }
      var active = dao.findActiveLabelOfUnit(unitCode);
      if (active.isPresent()) {
        throw new FailedPreconditionException("LABEL", active.get().name(), "units/" + unitCode
            + " already has the active label " + active.get().name()
            + "; reissue it (ReissueLabel) to replace it");
      }
      return sign(h, dao, requestId, unitCode, dao.nextSerial());
    });
  }

  /** Issues a new label for the unit of {@code serial}; the old one becomes superseded. */
  public LabelRecord reissue(UUID requestId, long serial) {
    LabelRecord label = jdbi.inTransaction(h -> {
      LabelDao dao = h.attach(LabelDao.class);
      var existing = dao.findLabelByRequest(requestId);
      if (existing.isPresent()) {
        LabelRecord old = dao.findLabel(serial).orElseThrow(() -> notFound(serial));
        return sameRequest(existing.get(), requestId, old.unitCode());
      }
      LabelRecord old = dao.findLabel(serial).orElseThrow(() -> notFound(serial));
      if (old.status() != LabelRecord.LabelState.ACTIVE) {
        throw new FailedPreconditionException("LABEL", old.name(), old.name() + " is "
            + old.status() + "; only an active label can be reissued");
      }
      // the old label goes first: a unit has one active label at a time
      long next = dao.nextSerial();
      dao.withdrawLabel(serial, "SUPERSEDED", next, clock.instant());
      dao.bumpTrustListVersion();
      return sign(h, dao, requestId, old.unitCode(), next);
    });
    cached = null;
    return label;
  }

  /** Revokes a label serial; idempotent. */
  public LabelRecord revoke(long serial) {
    LabelRecord label = jdbi.inTransaction(h -> {
      LabelDao dao = h.attach(LabelDao.class);
      LabelRecord found = dao.findLabel(serial).orElseThrow(() -> notFound(serial));
      if (found.status() == LabelRecord.LabelState.ACTIVE) {
        dao.withdrawLabel(serial, "REVOKED", null, clock.instant());
        dao.bumpTrustListVersion();
      }
      return dao.findLabel(serial).orElseThrow();
    });
    cached = null;
    return label;
  }

  public LabelRecord get(long serial) {
    return jdbi.withExtension(LabelDao.class, dao -> dao.findLabel(serial))
        .orElseThrow(() -> notFound(serial));
  }

  /** The unit's active label: the one a scan of the unit must present. */
  public LabelRecord activeLabelOf(String unitCode) {
    return jdbi.withExtension(LabelDao.class, dao -> dao.findActiveLabelOfUnit(unitCode))
        .orElseThrow(() -> new NotFoundException("units/" + unitCode, "active label of unit"));
  }

  private static NotFoundException notFound(long serial) {
    return new NotFoundException("labels/" + serial, "label");
  }

  private static LabelRecord sameRequest(LabelRecord existing, UUID requestId, String unitCode) {
    if (!existing.unitCode().equals(unitCode)) {
      throw new AlreadyExistsException(existing.name(), "request_id " + requestId
          + " already issued " + existing.name() + " for units/" + existing.unitCode());
    }
    return existing;
  }

  private LabelRecord sign(Handle h, LabelDao dao, UUID requestId, String unitCode,
      long serial) {
    Unit unit = h.attach(UnitDao.class).find(unitCode)
        .orElseThrow(() -> new NotFoundException("units/" + unitCode, "unit"));
    String issuer = unit.maker().substring("organizations/".length());
    LabelKeyRecord key = dao.findActiveKey(issuer).orElseThrow(() ->
        new FailedPreconditionException("LABEL_KEY", unit.maker(), unit.maker()
            + " has no active label key; create one with LabelService.CreateLabelKey"));
    Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
    if (now.isBefore(key.notBefore()) || !now.isBefore(key.notAfter())) {
      throw new FailedPreconditionException("LABEL_KEY", key.name(), key.name()
          + " is valid from " + key.notBefore() + " to " + key.notAfter()
          + "; create a new key with LabelService.CreateLabelKey");
    }
    LabelPayload payload = LabelPayload.newBuilder()
        .setUnitCode(unitCode)
        .setLevel(UnitLevel.valueOf("UNIT_LEVEL_" + unit.current().level().name()))
        .setSerial(serial)
        .setIssuer(issuer)
        .setKeyId(ByteString.copyFrom(key.keyId()))
        .setIssuedAt(now.getEpochSecond())
        .build();
    byte[] privateKey = sealer.open(key.privateKeySealed(), key.keyId());
    String text;
    try {
      text = LabelCodec.encode(LabelCodec.sign(payload, privateKey));
    } finally {
      Arrays.fill(privateKey, (byte) 0);
    }
    dao.insertLabel(serial, unitCode, key.keyId(), now, text, requestId, clock.instant());
    return dao.findLabel(serial).orElseThrow();
  }

  // ---- scans ----

  /**
   * Checks the label scanned with a step of {@code unitCode}: forged, malformed or unknown labels
   * are INVALID_ARGUMENT on {@code field}; revoked, superseded or another unit's labels are
   * FAILED_PRECONDITION. Returns the label's serial.
   */
  public long checkScanned(String text, String unitCode, String field) {
    Verification result = verifier().verify(text);
    if (!result.isValid()) {
      switch (result.refusal()) {
        case REVOKED_KEY, REVOKED_LABEL, SUPERSEDED_LABEL -> {
          // a withdrawn label is well-formed: its subject is the label, as for another unit's
          long serial = LabelCodec.decodeWithPayload(text).payload().getSerial();
          throw new FailedPreconditionException(List.of(new PreconditionViolation("LABEL",
              "labels/" + serial, "the scanned label labels/" + serial + " is refused ("
                  + result.refusal() + "): " + result.detail(),
              Map.of("refusal", result.refusal().name(), "field", field))));
        }
        default -> throw new InvalidArgumentException(field,
            "the scanned label is refused (" + result.refusal() + "): " + result.detail());
      }
    }
    LabelPayload payload = ((Verification.Valid) result).payload();
    if (!payload.getUnitCode().equals(unitCode)) {
      throw new FailedPreconditionException(List.of(new PreconditionViolation("LABEL",
          "labels/" + payload.getSerial(), "the scanned label labels/" + payload.getSerial()
              + " belongs to units/" + payload.getUnitCode() + ", not to units/" + unitCode,
          Map.of("refusal", "OTHER_UNIT", "field", field,
              "labelUnit", "units/" + payload.getUnitCode()))));
    }
    return payload.getSerial();
  }

  // ---- trust list ----

  /** The current trust list, signed; rebuilt only when keys or withdrawn labels changed. */
  public SignedTrustList trustList() {
    return current().signed();
  }

  /** A verifier over the current trust list, for the labels scanned with recorded steps. */
  public LabelVerifier verifier() {
    return current().verifier();
  }

  private Cached current() {
    Cached c = cached;
    long nowMillis = clock.millis();
    if (c != null && fresh(c) && nowMillis - c.checkedAtMillis() < VERIFIER_RECHECK_MILLIS) {
      return c;
    }
    long version = jdbi.withExtension(LabelDao.class, LabelDao::trustListVersion);
    c = c != null && c.version() == version && fresh(c)
        ? new Cached(c.version(), c.signed(), c.verifier(), c.expiresAt(), nowMillis)
        : build(version, nowMillis);
    cached = c;
    return c;
  }

  /** A list is re-signed once half its validity has passed, so scanners always get most of it. */
  private boolean fresh(Cached c) {
    return clock.instant().getEpochSecond() < c.expiresAt() - trustListValidity.toSeconds() / 2;
  }

  private Cached build(long version, long nowMillis) {
    List<LabelKeyRecord> keys = jdbi.withExtension(LabelDao.class, LabelDao::allKeys);
    List<LabelRecord> withdrawn = jdbi.withExtension(LabelDao.class, LabelDao::withdrawnLabels);
    Instant now = clock.instant();
    TrustList.Builder list = TrustList.newBuilder()
        .setVersion(version)
        .setIssuedAt(now.getEpochSecond())
        .setExpiresAt(now.plus(trustListValidity).getEpochSecond());
    for (LabelKeyRecord k : keys) {
      list.addKeys(TrustedLabelKey.newBuilder()
          .setKeyId(ByteString.copyFrom(k.keyId()))
          .setIssuer(k.organizationId())
          .setPublicKey(ByteString.copyFrom(k.publicKey()))
          .setNotBefore(k.notBefore().getEpochSecond())
          .setNotAfter(k.notAfter().getEpochSecond())
          .setStatus(LabelKeyStatus.valueOf("LABEL_KEY_STATUS_" + k.status().name())));
    }
    for (LabelRecord l : withdrawn) {
      list.addWithdrawnLabels(WithdrawnLabel.newBuilder().setSerial(l.serial())
          .setStatus(LabelStatus.valueOf("LABEL_STATUS_" + l.status().name())));
    }
    TrustList built = list.build();
    SignedTrustList signed = TrustLists.sign(built, root.privateKey(), root.publicKey());
    return new Cached(version, signed, new LabelVerifier(built, clock::instant),
        built.getExpiresAt(), nowMillis);
  }
}
