package io.packtrail.server.ingest;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;

/**
 * Wakes event watchers when the sequencer commits. Watchers also wake on a timeout, which picks
 * up events committed by other server instances. Each watcher waits on a lock of its own, so
 * that one watcher can be woken alone (its client went away) without every other one reading
 * the database again.
 */
public final class WatchHub {
  private final Set<Object> waiting = ConcurrentHashMap.newKeySet();
  private volatile long logSize;
  private volatile boolean closed;

  /** Sequencer listener: the events of one commit, in log order. */
  public void committed(java.util.List<io.packtrail.server.domain.Event> events) {
    advance(events.get(events.size() - 1).logIndex() + 1);
  }

  private void advance(long newLogSize) {
    synchronized (this) {
      if (newLogSize <= logSize) {
        return;
      }
      logSize = newLogSize;
    }
    waiting.forEach(WatchHub::wake);
  }

  /**
   * Waits on {@code waiter}'s lock until the log grows beyond {@code nextIndex}, the timeout
   * passes, the hub closes, or {@code stop} is true when the waiter is woken ({@link #wake}).
   */
  public void awaitBeyond(Object waiter, long nextIndex, long timeoutMillis, BooleanSupplier stop)
      throws InterruptedException {
    waiting.add(waiter);
    try {
      synchronized (waiter) {
        // a commit after these checks notifies the waiter only once it waits (it holds the lock
        // until then); a commit before them is seen by them
        long deadline = System.currentTimeMillis() + timeoutMillis;
        long left = timeoutMillis;
        while (!closed && logSize <= nextIndex && left > 0 && !stop.getAsBoolean()) {
          waiter.wait(left);
          left = deadline - System.currentTimeMillis();
        }
      }
    } finally {
      waiting.remove(waiter);
    }
  }

  /** Wakes one waiter, which then looks at its stop condition. */
  public static void wake(Object waiter) {
    synchronized (waiter) {
      waiter.notifyAll();
    }
  }

  public boolean isClosed() {
    return closed;
  }

  public void close() {
    closed = true;
    waiting.forEach(WatchHub::wake);
  }
}
