package io.packtrail.server.log;

import java.time.Duration;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's log thread: integrates committed entries as they come (woken by this instance's
 * commits, polling for other instances'), and signs a checkpoint every interval when the tree
 * grew. Failures (the database away) are logged and retried; the log catches up afterwards.
 */
public final class LogWorker implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(LogWorker.class);
  /** How often it looks for entries committed by other instances. */
  static final Duration POLL = Duration.ofMillis(250);
  /**
   * The most time between two batches that are not full: under a steady load the integrator
   * gathers about this much of the log per transaction instead of following every commit of
   * the sequencer with a small transaction of its own (each rewrites the tree's right edge).
   * Shorter when checkpoints are more frequent, so that each checkpoint finds the tree caught
   * up to within a fifth of its interval.
   */
  static final Duration MAX_GATHER = Duration.ofSeconds(1);

  private final Integrator integrator;
  private final Checkpoints checkpoints;
  private final long intervalNanos;
  private final long gatherNanos;
  private final Thread thread;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition wake = lock.newCondition();
  private boolean woken;
  private volatile boolean stopping;
  private boolean failing;

  public LogWorker(Integrator integrator, Checkpoints checkpoints, Duration checkpointInterval) {
    this.integrator = integrator;
    this.checkpoints = checkpoints;
    this.intervalNanos = checkpointInterval.toNanos();
    this.gatherNanos = Math.min(MAX_GATHER.toNanos(), intervalNanos / 5);
    this.thread = new Thread(this::run, "packtrail-log");
    this.thread.setDaemon(true);
  }

  public LogWorker start() {
    thread.start();
    return this;
  }

  /** New entries were committed: integrate them soon. */
  public void committed() {
    lock.lock();
    try {
      woken = true;
      wake.signal();
    } finally {
      lock.unlock();
    }
  }

  private void run() {
    long lastCheckpoint = System.nanoTime() - intervalNanos;
    long lastBatch = System.nanoTime() - gatherNanos;
    while (!stopping) {
      try {
        long gap = gatherNanos - (System.nanoTime() - lastBatch);
        if (gap > 0) {
          Thread.sleep(gap / 1_000_000, (int) (gap % 1_000_000));
        }
        lastBatch = System.nanoTime();
        Integrator.Batch batch = integrator.integrateBatch(false);
        long now = System.nanoTime();
        if (now - lastCheckpoint >= intervalNanos) {
          checkpoints.signCurrent(); // a read only, unless the tree grew
          lastCheckpoint = now; // only once it worked: a failed signing is tried next round
        }
        if (failing) { // said once both work again, not when integrating alone does
          failing = false;
          log.info("integrating and signing the log again");
        }
        if (batch.added() == integrator.batchSize() && !stopping) {
          lastBatch = System.nanoTime() - gatherNanos;
          continue; // more are waiting
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (RuntimeException e) {
        if (stopping) {
          return;
        }
        if (!failing) { // once per outage: the health probe reports the database itself
          failing = true;
          log.warn("integrating the log failed; retrying until it works: {}", e.toString());
        }
      }
      await(POLL);
    }
  }

  private void await(Duration timeout) {
    lock.lock();
    try {
      if (!woken && !stopping) {
        wake.awaitNanos(timeout.toNanos());
      }
      woken = false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      stopping = true;
    } finally {
      lock.unlock();
    }
  }

  /** Stops after the batch in hand (a batch cut short rolls back and is done again later). */
  @Override
  public void close() {
    stopping = true;
    committed();
    try {
      thread.join(Duration.ofSeconds(10).toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
