package io.packtrail.server.ingest;

import java.util.Collection;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A sequencer queue that gives nothing out until it is released: what was queued before then
 * is taken as one batch (up to the sequencer's batch size), which is how tests make batches.
 */
final class HeldQueue extends LinkedBlockingQueue<Sequencer.Pending> {
  private final CountDownLatch released = new CountDownLatch(1);

  HeldQueue() {
    super();
  }

  /** Taking at most {@code capacity}. */
  HeldQueue(int capacity) {
    super(capacity);
  }

  /** Already holding {@code pending}. */
  HeldQueue(Collection<Sequencer.Pending> pending) {
    super(pending);
  }

  void release() {
    released.countDown();
  }

  @Override
  public Sequencer.Pending poll(long timeout, TimeUnit unit) throws InterruptedException {
    released.await();
    return super.poll(timeout, unit);
  }
}
