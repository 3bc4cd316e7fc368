package io.packtrail.server.label;

import com.google.protobuf.ByteString;
import io.packtrail.client.label.LabelCodec;
import io.packtrail.server.domain.AlreadyExistsException;
import io.packtrail.server.domain.Authorization;
import io.packtrail.server.domain.Principal;
import io.packtrail.server.domain.FailedPreconditionException;
import io.packtrail.server.domain.LabelKeyRecord;
import io.packtrail.server.domain.LabelRecord;
import io.packtrail.server.domain.NotFoundException;
import io.packtrail.server.domain.RegistryEntry;
import io.packtrail.server.domain.ResourceNames;
import io.packtrail.server.domain.Unit;
import io.packtrail.server.store.LabelDao;
import io.packtrail.server.store.RegistryLog;
import io.packtrail.server.store.UnitDao;
import io.packtrail.v1.LabelPayload;
import io.packtrail.v1.UnitLevel;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.UUID;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * Issues, reissues and revokes units' labels. A label is signed by the active key of the unit's
 * maker; a unit has one active label at a time.
 */
public final class LabelIssuer {
  private final Jdbi jdbi;
  private final LabelKeys keys;
  private final Clock clock;
  private final CurrentTrustList trustList;

  public LabelIssuer(Jdbi jdbi, LabelKeys keys, Clock clock, CurrentTrustList trustList) {
    this.jdbi = jdbi;
    this.keys = keys;
    this.clock = clock;
    this.trustList = trustList;
  }

  /**
   * Issues a label for a unit, signed by the active key of the unit's maker, for the maker (or
   * an operator).
   */
  public LabelRecord issue(Principal caller, UUID requestId, String unitCode) {
    requireMaker(caller, unitCode);
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
        throw new FailedPreconditionException("LABEL", active.get().name(),
            ResourceNames.unit(unitCode) + " already has the active label " + active.get().name()
            + "; reissue it (ReissueLabel) to replace it");
      }
      return sign(h, dao, requestId, unitCode, dao.nextSerial());
    });
  }

  /**
   * Issues a new label for the unit of {@code serial}; the old one becomes superseded. For the
   * unit's maker.
   */
  public LabelRecord reissue(Principal caller, UUID requestId, long serial) {
    requireMakerOfLabel(caller, serial);
    LabelRecord label = jdbi.inTransaction(h -> {
      RegistryLog log = RegistryLog.lock(h);
      LabelDao dao = h.attach(LabelDao.class);
      var existing = dao.findLabelByRequest(requestId);
      LabelRecord old = dao.findLabel(serial).orElseThrow(() -> notFound(serial));
      if (existing.isPresent()) {
        // a retry is answered only if that request reissued this very label: an id used for
        // an issue (or for another label's reissue) would answer a label still active
        if (!Long.valueOf(existing.get().serial()).equals(old.supersededBy())) {
          throw new AlreadyExistsException(existing.get().name(), "request_id " + requestId
              + " already made " + existing.get().name() + ", not a reissue of " + old.name()
              + "; choose a new request_id");
        }
        return existing.get();
      }
      if (old.status() != LabelRecord.LabelState.ACTIVE) {
        throw new FailedPreconditionException("LABEL", old.name(), old.name() + " is "
            + old.status() + "; only an active label can be reissued");
      }
      // the old label goes first: a unit has one active label at a time
      long next = dao.nextSerial();
      Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
      dao.withdrawLabel(serial, "SUPERSEDED", next, now);
      dao.bumpTrustListVersion();
      LabelRecord reissued = sign(h, dao, requestId, old.unitCode(), next);
      log.append(index -> RegistryEntry.labelWithdrawal(index, old,
          LabelRecord.LabelState.SUPERSEDED, next, now));
      return reissued;
    });
    trustList.changed();
    return label;
  }

  /** Revokes a label serial; idempotent. For the unit's maker (or an operator). */
  public LabelRecord revoke(Principal caller, long serial) {
    requireMakerOfLabel(caller, serial);
    LabelRecord label = jdbi.inTransaction(h -> {
      RegistryLog log = RegistryLog.lock(h);
      LabelDao dao = h.attach(LabelDao.class);
      LabelRecord found = dao.findLabel(serial).orElseThrow(() -> notFound(serial));
      Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
      if (found.status() == LabelRecord.LabelState.ACTIVE
          && dao.withdrawLabel(serial, "REVOKED", null, now) == 1) {
        dao.bumpTrustListVersion();
        log.append(index -> RegistryEntry.labelWithdrawal(index, found,
            LabelRecord.LabelState.REVOKED, null, now));
      }
      return dao.findLabel(serial).orElseThrow();
    });
    trustList.changed();
    return label;
  }

  /**
   * The authorization table's UNIT_MAKER: the unit's maker is the caller's organisation. Looks up
   * only the unit's maker, and denies an unknown unit like another maker's.
   */
  private void requireMaker(Principal caller, String unitCode) {
    if (Authorization.unscoped(caller)) {
      return;
    }
    String maker = jdbi.withExtension(UnitDao.class, dao -> dao.find(unitCode))
        .map(Unit::maker).orElse(null);
    if (maker == null || !maker.equals(caller.organization())) {
      throw new Authorization.Denied(Authorization.Scope.UNIT_MAKER, "labels of "
          + ResourceNames.unit(unitCode) + " are issued and withdrawn by its maker; "
          + caller.organization() + " is not its maker");
    }
  }

  /** As {@link #requireMaker}, for the unit of a label; an unknown label is denied alike. */
  private void requireMakerOfLabel(Principal caller, long serial) {
    if (Authorization.unscoped(caller)) {
      return;
    }
    String maker = jdbi.withHandle(h -> h.attach(LabelDao.class).findLabel(serial)
        .flatMap(l -> h.attach(UnitDao.class).find(l.unitCode())).map(Unit::maker)
        .orElse(null));
    if (maker == null || !maker.equals(caller.organization())) {
      throw new Authorization.Denied(Authorization.Scope.UNIT_MAKER, ResourceNames.label(serial)
          + " is reissued and withdrawn by its unit's maker; " + caller.organization()
          + " is not its maker");
    }
  }

  /** The unit's active label: the one a scan of the unit must present. */
  public LabelRecord activeLabelOf(String unitCode) {
    return jdbi.withExtension(LabelDao.class, dao -> dao.findActiveLabelOfUnit(unitCode))
        .orElseThrow(() -> new NotFoundException(ResourceNames.unit(unitCode),
            "active label of unit"));
  }

  public LabelRecord get(long serial) {
    return jdbi.withExtension(LabelDao.class, dao -> dao.findLabel(serial))
        .orElseThrow(() -> notFound(serial));
  }

  private static NotFoundException notFound(long serial) {
    return new NotFoundException(ResourceNames.label(serial), "label");
  }

  private static LabelRecord sameRequest(LabelRecord existing, UUID requestId, String unitCode) {
    if (!existing.unitCode().equals(unitCode)) {
      throw new AlreadyExistsException(existing.name(), "request_id " + requestId
          + " already issued " + existing.name() + " for "
          + ResourceNames.unit(existing.unitCode()));
    }
    return existing;
  }

  private LabelRecord sign(Handle h, LabelDao dao, UUID requestId, String unitCode,
      long serial) {
    Unit unit = h.attach(UnitDao.class).find(unitCode)
        .orElseThrow(() -> new NotFoundException(ResourceNames.unit(unitCode), "unit"));
    String issuer = ResourceNames.organizationId(unit.maker());
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
    byte[] privateKey = keys.openPrivateKey(key);
    String text;
    try {
      text = LabelCodec.encode(LabelCodec.sign(payload, privateKey));
    } finally {
      Arrays.fill(privateKey, (byte) 0);
    }
    dao.insertLabel(serial, unitCode, key.keyId(), now, text, requestId, clock.instant());
    return dao.findLabel(serial).orElseThrow();
  }
}
