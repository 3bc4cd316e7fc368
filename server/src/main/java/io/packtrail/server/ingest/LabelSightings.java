package io.packtrail.server.ingest;

import io.packtrail.server.domain.Event;
import io.packtrail.server.domain.ResourceNames;
import io.packtrail.server.domain.Travel;
import io.packtrail.server.store.SightingDao;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * After each commit, compares every newly scanned label with the other scans of the same
 * serial, and flags the unit when the two could not both be the same physical label (a copied
 * label). Runs on its own thread, off the ingest path; flags, never refuses.
 */
public final class LabelSightings implements AutoCloseable {
  public static final String KIND = io.packtrail.server.domain.Anomaly.LABEL_SEEN_TOO_FAR_APART;
  private static final Logger log = LoggerFactory.getLogger(LabelSightings.class);

  private final Jdbi jdbi;
  private final Clock clock;
  private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "packtrail-label-sightings");
    t.setDaemon(true);
    return t;
  });

  public LabelSightings(Jdbi jdbi, Clock clock) {
    this.jdbi = jdbi;
    this.clock = clock;
  }

  /** Sequencer listener: called with the events a commit made durable. */
  public void committed(List<Event> events) {
    List<Event> scanned = events.stream().filter(e -> e.labelSerial() != null).toList();
    if (scanned.isEmpty()) {
      return;
    }
    try {
      worker.execute(() -> scanned.forEach(this::check));
    } catch (RejectedExecutionException stopping) {
      // the server is stopping; what was not checked now is not lost, only not flagged
    }
  }

  private void check(Event event) {
    try {
      jdbi.useExtension(SightingDao.class, dao -> compare(dao, event.labelSerial(),
          event.eventId(), dao.sightings(event.labelSerial()), clock.instant()));
    } catch (RuntimeException e) {
      log.error("checking the sightings of label {} failed", event.labelSerial(), e);
    }
  }

  /**
   * Flags the unit of the scan {@code self} for each scan in {@code all} (the scans of label
   * {@code serial}) that it could not follow or precede in time: the same physical label cannot
   * travel that fast. Flagging again what is flagged changes nothing. One place for the rule:
   * the ingest path calls it at once after a commit, the anomaly scan again over each window of
   * the log (what a crash or a stop lost). Answers how many new flags it raised.
   */
  public static int compare(SightingDao dao, long serial, java.util.UUID self,
      List<SightingDao.Sighting> all, java.time.Instant now) {
    SightingDao.Sighting mine = all.stream().filter(s -> s.eventId().equals(self)).findFirst()
        .orElse(null);
    if (mine == null) {
      return 0;
    }
    int found = 0;
    for (SightingDao.Sighting other : all) {
      if (other == mine) {
        continue;
      }
      String why = Travel.impossibility(
          new Travel.Place(mine.site(), mine.latitude(), mine.longitude()),
          new Travel.Place(other.site(), other.latitude(), other.longitude()),
          Duration.between(other.eventTime(), mine.eventTime()));
      if (why != null) {
        String description = "label " + ResourceNames.label(serial) + " " + why;
        String[] names = java.util.stream.Stream.of(other.eventName(), mine.eventName())
            .sorted().toArray(String[]::new);
        if (dao.flag(mine.unitCode(), KIND, description, names, now) > 0) {
          log.warn("anomaly on units/{}: {}", mine.unitCode(), description);
          found++;
        }
      }
    }
    return found;
  }

  @Override
  public void close() {
    worker.shutdown();
    try {
      worker.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
