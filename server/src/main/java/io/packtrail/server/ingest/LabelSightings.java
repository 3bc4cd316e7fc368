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
      jdbi.useExtension(SightingDao.class, dao -> {
        List<SightingDao.Sighting> all = dao.sightings(event.labelSerial());
        SightingDao.Sighting self = all.stream()
            .filter(s -> s.eventId().equals(event.eventId())).findFirst().orElse(null);
        if (self == null) {
          return;
        }
        for (SightingDao.Sighting other : all) {
          if (other == self) {
            continue;
          }
          String why = Travel.impossibility(
              new Travel.Place(self.site(), self.latitude(), self.longitude()),
              new Travel.Place(other.site(), other.latitude(), other.longitude()),
              Duration.between(other.eventTime(), self.eventTime()));
          if (why != null) {
            String description = "label " + ResourceNames.label(event.labelSerial()) + " " + why;
            String[] names = java.util.stream.Stream.of(other.eventName(), self.eventName())
                .sorted().toArray(String[]::new);
            dao.flag(event.unitCode(), KIND, description, names, clock.instant());
            log.warn("anomaly on units/{}: {}", event.unitCode(), description);
          }
        }
      });
    } catch (RuntimeException e) {
      log.error("checking the sightings of label {} failed", event.labelSerial(), e);
    }
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
