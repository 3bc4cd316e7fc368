package io.packtrail.server.app;

import io.packtrail.server.domain.ReportingDeadlines;
import io.packtrail.server.domain.StepType;
import io.packtrail.server.ingest.Directory;
import io.packtrail.server.ingest.Sequencer;
import io.packtrail.server.label.ScannedLabels;
import io.packtrail.server.pki.CertificateAuthority;
import io.packtrail.server.store.Storage;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;

/** The application services of one server, on one storage and one sequencer. */
public record Services(Registry registry, Units units, History history, Recorder recorder,
    Lineage lineage, Devices devices, Overview overview, Parties parties,
    Anomalies anomalies, Compliance compliance) {

  public static Services create(Storage storage, Directory directory, Sequencer sequencer,
      ScannedLabels labels, Set<StepType> labelRequired, Clock clock,
      Duration enrollmentCodeValidity, CertificateAuthority authority, Anomalies anomalies,
      ReportingDeadlines deadlines) {
    Devices devices = new Devices(storage, clock, enrollmentCodeValidity, authority);
    Parties parties = new Parties(storage);
    return new Services(new Registry(storage), new Units(storage, parties),
        new History(storage, parties),
        new Recorder(directory, sequencer, labels, labelRequired, clock, devices),
        new Lineage(storage, parties), devices, new Overview(storage), parties,
        anomalies, new Compliance(storage, deadlines, clock));
  }
}
