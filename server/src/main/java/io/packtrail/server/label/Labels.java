package io.packtrail.server.label;

import io.packtrail.server.security.KeySealer;
import java.time.Clock;
import java.time.Duration;
import org.jdbi.v3.core.Jdbi;

/**
 * The label components of one server, wired to share one trust list: the key and label writers
 * tell it about their changes, the scan check verifies against it.
 */
public record Labels(LabelKeys keys, LabelIssuer issuer, ScannedLabels scans,
    CurrentTrustList trustList) {

  public static Labels open(Jdbi jdbi, KeySealer sealer, Clock clock,
      Duration trustListValidity) {
    CurrentTrustList trustList = new CurrentTrustList(jdbi, sealer, clock, trustListValidity);
    LabelKeys keys = new LabelKeys(jdbi, sealer, clock, trustList);
    return new Labels(keys, new LabelIssuer(jdbi, keys, clock, trustList),
        new ScannedLabels(trustList, jdbi), trustList);
  }
}
