package io.packtrail.scanner;

import io.packtrail.client.PacktrailClient;
import java.util.function.Consumer;

/**
 * Delivers the outbox in the background while `scan` runs: right after each saved step, and
 * every {@code retrySeconds} while steps wait (the server was unreachable).
 */
final class Courier implements AutoCloseable {
  private final Delivery delivery;
  private final PacktrailClient client;
  private final Consumer<String> say;
  private final long retryMillis;
  private final Thread thread;
  private final Object signal = new Object();
  private boolean wanted;
  private volatile boolean stopped;
  private volatile boolean offline;
  private volatile Delivery.Report last;
  private Delivery.CallerRefusal lastCallerRefusal;

  Courier(Delivery delivery, PacktrailClient client, Consumer<String> say, int retrySeconds) {
    this.delivery = delivery;
    this.client = client;
    this.say = say;
    this.retryMillis = retrySeconds * 1000L;
    this.thread = new Thread(this::run, "packtrail-scanner-courier");
    this.thread.setDaemon(true);
  }

  Courier start() {
    thread.start();
    return this;
  }

  /** A step was saved: deliver soon. */
  void wake() {
    synchronized (signal) {
      wanted = true;
      signal.notifyAll();
    }
  }

  boolean offline() {
    return offline;
  }

  private void run() {
    while (!stopped) {
      synchronized (signal) {
        if (!wanted) {
          try {
            signal.wait(retryMillis);
          } catch (InterruptedException e) {
            return;
          }
        }
        wanted = false;
      }
      if (stopped) {
        return;
      }
      deliverOnce();
    }
  }

  /** One delivery; says "saved, will send when online" once when the server goes away. */
  Delivery.Report deliverOnce() {
    try {
      Delivery.Report r = delivery.deliver(client, say);
      if (r.callerRefusal() != null) {
        // said once while it lasts: it repeats at every retry until it is mended
        if (!r.callerRefusal().equals(lastCallerRefusal)) {
          say.accept(r.callerRefusal().line(r.pending()));
        }
        lastCallerRefusal = r.callerRefusal();
      } else {
        lastCallerRefusal = null;
      }
      if (!r.reachedServer()) {
        if (!offline) {
          say.accept("   " + r.pending() + " step(s) " + Words.SAVED_OFFLINE + " ("
              + r.offline() + ")");
        }
        offline = true;
      } else {
        if (offline && r.sent() > 0) {
          say.accept("   back online: sent " + r.sent() + " waiting step(s)");
        }
        offline = false;
      }
      last = r;
      return r;
    } catch (java.sql.SQLException e) {
      say.accept("!! the outbox could not be read or updated: " + e.getMessage()
          + "; the steps stay saved; run 'sync' later");
      return last;
    }
  }

  /** Stops the background thread and delivers one last time; answers that delivery. */
  Delivery.Report finish() {
    stopped = true;
    wake();
    try {
      thread.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return deliverOnce();
  }

  @Override
  public void close() {
    stopped = true;
    wake();
  }
}
