package io.packtrail.server.label;

import io.packtrail.client.label.LabelCodec;
import io.packtrail.client.label.Verification;
import io.packtrail.server.domain.FailedPreconditionException;
import io.packtrail.server.domain.InvalidArgumentException;
import io.packtrail.server.domain.PreconditionViolation;
import io.packtrail.server.domain.ResourceNames;
import io.packtrail.v1.LabelPayload;
import java.util.List;
import java.util.Map;

/** Checks the labels scanned with recorded steps against the current trust list. */
public final class ScannedLabels {
  private final CurrentTrustList trustList;

  public ScannedLabels(CurrentTrustList trustList) {
    this.trustList = trustList;
  }

  /**
   * Checks the label scanned with a step of {@code unitCode}: forged, malformed or unknown labels
   * are INVALID_ARGUMENT on {@code field}; revoked, superseded or another unit's labels are
   * FAILED_PRECONDITION. Returns the label's serial.
   */
  public long checkScanned(String text, String unitCode, String field) {
    Verification result = trustList.verifier().verify(text);
    if (!result.isValid()) {
      switch (result.refusal()) {
        case REVOKED_KEY, REVOKED_LABEL, SUPERSEDED_LABEL -> {
          // a withdrawn label is well-formed: its subject is the label, as for another unit's
          String label = ResourceNames.label(
              LabelCodec.decodeWithPayload(text).payload().getSerial());
          throw new FailedPreconditionException(List.of(new PreconditionViolation("LABEL",
              label, "the scanned label " + label + " is refused (" + result.refusal() + "): "
                  + result.detail(),
              Map.of("refusal", result.refusal().name(), "field", field))));
        }
        default -> throw new InvalidArgumentException(field,
            "the scanned label is refused (" + result.refusal() + "): " + result.detail());
      }
    }
    LabelPayload payload = ((Verification.Valid) result).payload();
    if (!payload.getUnitCode().equals(unitCode)) {
      String label = ResourceNames.label(payload.getSerial());
      throw new FailedPreconditionException(List.of(new PreconditionViolation("LABEL", label,
          "the scanned label " + label + " belongs to " + ResourceNames.unit(payload.getUnitCode())
              + ", not to " + ResourceNames.unit(unitCode),
          Map.of("refusal", "OTHER_UNIT", "field", field,
              "labelUnit", ResourceNames.unit(payload.getUnitCode())))));
    }
    return payload.getSerial();
  }
}
