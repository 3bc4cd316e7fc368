package io.packtrail.bench;

/**
 * When each of {@code clients} clients starts its calls so that together they make
 * {@code rate} calls a second, evenly spread: client {@code k} of {@code n} starts its first
 * call {@code k/n} of an interval in, so their calls interleave. A client whose call ran past
 * its next slot starts the following one at once and goes on from there, without catching up
 * the missed slots in a burst. Times are nanoseconds on one clock ({@code System.nanoTime}).
 */
final class Pacing {
  private final long interval;

  Pacing(double rate, int clients) {
    if (!(rate > 0) || clients < 1) {
      throw new IllegalArgumentException("a paced phase needs a rate above 0 and a client, got "
          + rate + " calls/s for " + clients);
    }
    this.interval = Math.max(1, (long) (1e9 * clients / rate));
  }

  /** One client's interval between the starts of its calls. */
  long interval() {
    return interval;
  }

  /** Client {@code client}'s first slot, for a phase starting at {@code start}. */
  long first(long start, int client, int clients) {
    return start + interval * client / clients;
  }

  /** The slot after a call started at {@code started} (its slot, or later if it ran late). */
  long next(long slot, long started) {
    return Math.max(slot, started) + interval;
  }
}
