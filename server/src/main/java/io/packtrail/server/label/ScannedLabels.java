package io.packtrail.server.label;

import io.packtrail.client.label.LabelCodec;
import io.packtrail.client.label.Refusal;
import io.packtrail.client.label.Verification;
import io.packtrail.server.domain.Anomaly;
import io.packtrail.server.domain.FailedPreconditionException;
import io.packtrail.server.domain.InvalidArgumentException;
import io.packtrail.server.domain.PreconditionViolation;
import io.packtrail.server.domain.ResourceNames;
import io.packtrail.server.store.LabelDao;
import io.packtrail.v1.LabelPayload;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/** Checks the labels scanned with recorded steps against the current trust list. */
public final class ScannedLabels {
  private final CurrentTrustList trustList;
  private final Jdbi jdbi;

  public ScannedLabels(CurrentTrustList trustList, Jdbi jdbi) {
    this.trustList = trustList;
    this.jdbi = jdbi;
  }

  /**
   * A label that passed: its serial, and the anomaly to flag on the step's event when the label
   * was revoked (or its key was) after the step's {@code event_time}; null otherwise.
   */
  public record Scan(long serial, Anomaly.Flag flag) {}

  /**
   * Checks the label scanned with a step of {@code unitCode} dated {@code eventTime}: forged,
   * malformed or unknown labels are INVALID_ARGUMENT on {@code field}; another unit's labels are
   * FAILED_PRECONDITION, and so is a label under a revoked key, whenever it was scanned (a key is
   * revoked when it is compromised: any label it signed may be forged). A revoked or superseded
   * label is FAILED_PRECONDITION when it was withdrawn at or before {@code eventTime}; withdrawn
   * after it, the worker scanned a good label (a device that was offline delivers late), so it
   * passes: flagged {@link Anomaly#LABEL_REVOKED_AFTER_SCAN} when revoked, without a flag when
   * superseded (a reissue replaces a damaged or lost label; the old one was the unit's label).
   */
  public Scan checkScanned(String text, String unitCode, String field, Instant eventTime) {
    Verification result = trustList.verifier().verify(text);
    Anomaly.Flag flag = null;
    LabelPayload payload;
    if (result.isValid()) {
      payload = ((Verification.Valid) result).payload();
    } else {
      switch (result.refusal()) {
        case REVOKED_KEY -> throw refused(text, result, field, Optional.empty(), eventTime);
        case REVOKED_LABEL, SUPERSEDED_LABEL -> {
          // the verifier's last checks: everything else about the label holds
          // a withdrawn label is well-formed: its subject is the label, as for another unit's
          payload = LabelCodec.decodeWithPayload(text).payload();
          String label = ResourceNames.label(payload.getSerial());
          Optional<Instant> withdrawn = jdbi.withExtension(LabelDao.class,
              dao -> dao.labelWithdrawnAt(payload.getSerial()));
          if (withdrawn.isEmpty() || !eventTime.isBefore(withdrawn.get())) {
            throw refused(text, result, field, withdrawn, eventTime);
          }
          if (result.refusal() != Refusal.SUPERSEDED_LABEL) {
            flag = new Anomaly.Flag(Anomaly.LABEL_REVOKED_AFTER_SCAN, "the scanned label "
                + label + " was valid at the step's event_time " + eventTime + " and refused ("
                + result.refusal() + ") from " + withdrawn.get() + ", before the step arrived");
          }
        }
        default -> throw new InvalidArgumentException(field,
            "the scanned label is refused (" + result.refusal() + "): " + result.detail());
      }
    }
    // signed by a key the trust list holds, yet not a label this deployment issued: the same
    // key in other hands (leaked, or retired and not revoked) signs whatever unit, serial and
    // time it likes, which no offline check can tell; the server can, by its own record
    LabelPayload claimed = payload;
    boolean issued = jdbi.withExtension(LabelDao.class, dao -> dao.findLabel(claimed.getSerial()))
        .map(l -> l.text().equals(text)).orElse(false);
    if (!issued) {
      throw new InvalidArgumentException(field, "the scanned label serial "
          + Long.toUnsignedString(payload.getSerial()) + " is signed by a key of "
          + io.packtrail.client.Echo.of(payload.getIssuer()) + " but is not the label this "
          + "deployment issued under that serial: a label signed outside the server, with its "
          + "key in other hands; the key's owner should revoke it");
    }
    if (!payload.getUnitCode().equals(unitCode)) {
      String label = ResourceNames.label(payload.getSerial());
      throw new FailedPreconditionException(List.of(new PreconditionViolation("LABEL", label,
          "the scanned label " + label + " belongs to " + ResourceNames.unit(payload.getUnitCode())
              + ", not to " + ResourceNames.unit(unitCode),
          Map.of("refusal", "OTHER_UNIT", "field", field,
              "labelUnit", ResourceNames.unit(payload.getUnitCode())))));
    }
    return new Scan(payload.getSerial(), flag);
  }

  /** The refusal of a withdrawn label (subject: the label, as for another unit's). */
  private static FailedPreconditionException refused(String text, Verification result,
      String field, Optional<Instant> withdrawn, Instant eventTime) {
    String label = ResourceNames.label(LabelCodec.decodeWithPayload(text).payload().getSerial());
    return new FailedPreconditionException(List.of(new PreconditionViolation("LABEL", label,
        "the scanned label " + label + " is refused (" + result.refusal() + "): "
            + result.detail() + withdrawn.map(w -> " since " + w + ", not after the step's "
            + "event_time " + eventTime).orElse(""),
        Map.of("refusal", result.refusal().name(), "field", field))));
  }
}
