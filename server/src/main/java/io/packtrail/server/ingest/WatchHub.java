package io.packtrail.server.ingest;

/**
 * Wakes event watchers when the sequencer commits. Watchers also wake on a timeout, which picks
 * up events committed by other server instances.
 */
public final class WatchHub {
  private long logSize;
  private boolean closed;

  /** Sequencer listener: the events of one commit, in log order. */
  public void committed(java.util.List<io.packtrail.server.domain.Event> events) {
    advance(events.get(events.size() - 1).logIndex() + 1);
  }

  private synchronized void advance(long newLogSize) {
    if (newLogSize > logSize) {
      logSize = newLogSize;
      notifyAll();
    }
  }

  /** Waits until the log grows beyond {@code nextIndex}, the timeout passes, or the hub closes. */
  public synchronized void awaitBeyond(long nextIndex, long timeoutMillis)
      throws InterruptedException {
    long deadline = System.currentTimeMillis() + timeoutMillis;
    long left = timeoutMillis;
    while (!closed && logSize <= nextIndex && left > 0) {
      wait(left);
      left = deadline - System.currentTimeMillis();
    }
  }

  public synchronized boolean isClosed() {
    return closed;
  }

  public synchronized void close() {
    closed = true;
    notifyAll();
  }
}
