package io.packtrail.server.log;

import io.packtrail.server.security.KeySealer;
import java.time.Clock;
import java.time.Duration;
import org.jdbi.v3.core.Jdbi;

/** The log components of one server: key, integrator, checkpoints, reads, background worker. */
public record VerifiableLog(LogKey key, Integrator integrator, Checkpoints checkpoints,
    AuditLog audit, LogWorker worker) implements AutoCloseable {

  /** How often a checkpoint is signed while the tree grows, unless configured. */
  public static final Duration DEFAULT_CHECKPOINT_INTERVAL = Duration.ofSeconds(5);

  /**
   * Opens the log (making its key on first use) and starts integrating. {@code origin} null:
   * the stored origin, or the default for a new log. A zero {@code checkpointInterval} starts no
   * background worker: this instance records and answers, and leaves integrating and signing on
   * an interval to another instance of the deployment (CreateCheckpoint still integrates and
   * signs on demand). {@code witnesses}: the witness keys whose cosignatures are accepted.
   */
  public static VerifiableLog start(Jdbi jdbi, KeySealer sealer, String origin, Clock clock,
      Duration checkpointInterval, java.util.List<io.packtrail.client.log.VerifierKey> witnesses) {
    LogKey key = LogKey.loadOrCreate(jdbi, sealer, origin, clock);
    Integrator integrator = new Integrator(jdbi, clock, Integrator.DEFAULT_BATCH);
    Checkpoints checkpoints = new Checkpoints(jdbi, key, clock);
    checkpoints.signCurrent(); // a checkpoint from the first call on (the empty tree at first)
    AuditLog audit = new AuditLog(jdbi, key, checkpoints, integrator, witnesses, clock);
    LogWorker worker = checkpointInterval.isZero() ? null
        : new LogWorker(integrator, checkpoints, checkpointInterval).start();
    return new VerifiableLog(key, integrator, checkpoints, audit, worker);
  }

  /** New entries were committed: the worker, if this instance runs one, integrates them soon. */
  public void committed() {
    if (worker != null) {
      worker.committed();
    }
  }

  @Override
  public void close() {
    if (worker != null) {
      worker.close();
    }
  }
}
