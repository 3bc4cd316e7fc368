package io.packtrail.server.app;

import io.packtrail.server.domain.Anomaly;
import io.packtrail.server.domain.AnomalyRecord;
import io.packtrail.server.domain.AnomalyRules;
import io.packtrail.server.domain.ElementMasses;
import io.packtrail.server.domain.Event;
import io.packtrail.server.domain.LifecycleState;
import io.packtrail.server.domain.ResourceNames;
import io.packtrail.server.domain.Step;
import io.packtrail.server.ingest.LabelSightings;
import io.packtrail.server.store.AnomalyDao;
import io.packtrail.server.store.SightingDao;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The anomaly scan, off the ingest path: takes over the flags raised at ingest, checks each new
 * dismantling and recycling (mass balance, recovery against the targets), checks each new scan
 * of a label against the label's other scans again (a copied label; the ingest path checks it at
 * once, but from memory), finds the units idle
 * past the thresholds (shipments not received, removals not collected, vanished units) and
 * resolves the time-rule anomalies whose unit has moved on.
 *
 * <p>Idempotent: an anomaly's id is derived from its kind and evidence, and keeping one that is
 * kept already changes nothing. Incremental: flags and steps are read from where the last scan
 * stopped (anomaly_scan_progress, moved in the transaction that keeps what was found, so a crash
 * repeats at most the unfinished batch); the time rules read only the units idle past their
 * cutoff that have no anomaly yet (index unit_idle_idx). Several server instances may scan the
 * same database: the progress rows are locked while a batch is checked.
 */
public final class AnomalyScan implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(AnomalyScan.class);

  /** How many units, flags or steps one transaction handles. */
  static final int BATCH = 500;
  /** How many log indices one transaction of the step checks covers. */
  static final long LOG_WINDOW = 20_000;
  /**
   * A flag older than this is taken to be committed along with every flag of a lower id (ids
   * come from a sequence, and concurrent transactions commit in any order), so the progress
   * moves past it; younger ones are read again by the next scan (idempotently).
   */
  static final Duration FLAG_SETTLE = Duration.ofMinutes(10);

  /** How often the scan runs (zero: never in the background) and its thresholds. */
  public record Settings(Duration interval, AnomalyRules rules) {
    public static final Duration DEFAULT_INTERVAL = Duration.ofMinutes(5);

    public Settings {
      if (interval == null || interval.isNegative()) {
        throw new IllegalArgumentException("the anomaly scan interval must not be negative, got "
            + interval);
      }
      java.util.Objects.requireNonNull(rules, "rules");
    }

    public static Settings defaults() {
      return new Settings(DEFAULT_INTERVAL, AnomalyRules.defaults());
    }
  }

  /** What one scan did. */
  public record Result(int found, int resolved) {}

  private final Jdbi jdbi;
  private final Clock clock;
  private final Settings settings;
  private final Object scanning = new Object();
  private ScheduledExecutorService timer;

  public AnomalyScan(Jdbi jdbi, Clock clock, Settings settings) {
    this.jdbi = jdbi;
    this.clock = clock;
    this.settings = settings;
  }

  public Settings settings() {
    return settings;
  }

  /** Scans every {@code interval} in the background, the first time soon after the start. */
  public synchronized void start() {
    if (settings.interval().isZero() || timer != null) {
      return;
    }
    timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "packtrail-anomaly-scan");
      t.setDaemon(true);
      return t;
    });
    long period = settings.interval().toMillis();
    timer.scheduleWithFixedDelay(this::scanLogged, Math.min(period, 10_000), period,
        TimeUnit.MILLISECONDS);
  }

  private void scanLogged() {
    try {
      Result r = scan();
      if (r.found() > 0 || r.resolved() > 0) {
        log.info("anomaly scan: {} found, {} resolved", r.found(), r.resolved());
      }
    } catch (RuntimeException e) {
      log.error("the anomaly scan failed; it runs again in {}", settings.interval(), e);
    }
  }

  /** Scans now (the background scan's work, on the caller's thread). */
  public Result scan() {
    return scan(clock.instant());
  }

  /** Scans as if it were {@code now} (the time rules' cutoffs, the time anomalies are found). */
  public Result scan(Instant now) {
    synchronized (scanning) {
      return scanOnce(now);
    }
  }

  private Result scanOnce(Instant now) {
    // the steps first: their window re-checks copied labels, whose flags are taken over next
    int found = steps(now);
    found += flags(now);
    AnomalyRules rules = settings.rules();
    found += idle(now, Anomaly.SHIPMENT_NOT_RECEIVED, List.of(LifecycleState.IN_TRANSIT),
        List.of("shipment"), rules.shipmentNotReceived());
    // a unit enters REMOVED by a removal or trade-in from its vehicle, or by a decommissioning
    // from second-life service: the clock runs from whichever put it there last
    found += idle(now, Anomaly.REMOVAL_NOT_COLLECTED, List.of(LifecycleState.REMOVED),
        List.of("removal", "trade_in", "decommissioning"), rules.removalNotCollected());
    found += idle(now, Anomaly.UNIT_VANISHED, AnomalyRules.IDLE_STATES, List.of(),
        rules.vanished());
    int resolved = jdbi.inTransaction(h -> h.attach(AnomalyDao.class).resolve());
    return new Result(found, resolved);
  }

  /**
   * Takes over the flags raised at ingest: reads every flag above the stored position, and
   * moves the position past those settled ({@link #FLAG_SETTLE}).
   */
  private int flags(Instant now) {
    int found = 0;
    long cursor = -1; // where this scan reads on once the position stopped at an unsettled flag
    while (true) {
      long from = cursor;
      long[] batch = jdbi.inTransaction(h -> {
        AnomalyDao dao = h.attach(AnomalyDao.class);
        long stored = dao.lockProgress("flags");
        long after = Math.max(stored, from);
        List<AnomalyDao.Flag> flags = dao.flags(after, BATCH);
        int kept = 0;
        for (AnomalyDao.Flag f : flags) {
          kept += keep(dao, new AnomalyRecord.Finding(f.kind(), f.description(), f.unitCode(),
              f.events(), null, f.organizations(), f.regionCodes(), f.occurTime()), now);
        }
        long last = flags.isEmpty() ? after : flags.get(flags.size() - 1).id();
        long position = stored;
        if (stored == after) { // every flag below was taken over: the position may move on
          position = Math.min(last, dao.settledFlag(after, now.minus(FLAG_SETTLE)));
          dao.setProgress("flags", position);
        }
        return new long[] {kept, flags.size(), last, position};
      });
      found += (int) batch[0];
      if (batch[1] < BATCH) {
        return found;
      }
      cursor = batch[3] == batch[2] ? -1 : batch[2];
    }
  }

  /** Checks the dismantlings and recyclings recorded since the last scan. */
  private int steps(Instant now) {
    int found = 0;
    while (true) {
      long[] batch = jdbi.inTransaction(h -> {
        AnomalyDao dao = h.attach(AnomalyDao.class);
        long after = dao.lockProgress("steps");
        long last = dao.maxLogIndex();
        long upto = Math.min(last, after + LOG_WINDOW);
        int kept = 0;
        if (upto > after) {
          for (AnomalyDao.StepRow row : dao.steps(after, upto)) {
            for (AnomalyRecord.Finding f : check(row)) {
              kept += keep(dao, f, now);
            }
          }
          copiedLabels(h.attach(SightingDao.class), after, upto, now);
          dao.setProgress("steps", upto);
        }
        return new long[] {kept, upto, last};
      });
      found += (int) batch[0];
      if (batch[1] >= batch[2]) {
        return found;
      }
    }
  }

  /**
   * Checks the scanned labels of the window's steps again (the ingest path checks them at once,
   * from a queue in memory that a crash or a stop may lose): flags, taken over by {@link #flags}.
   */
  private static void copiedLabels(SightingDao dao, long after, long upto, Instant now) {
    java.util.Map<java.util.UUID, List<SightingDao.WindowSighting>> byStep =
        new java.util.LinkedHashMap<>();
    for (SightingDao.WindowSighting s : dao.sightingsOfWindow(after, upto)) {
      byStep.computeIfAbsent(s.scannedEventId(), k -> new ArrayList<>()).add(s);
    }
    byStep.forEach((step, scans) -> LabelSightings.compare(dao, scans.get(0).serial(), step,
        scans.stream().map(SightingDao.WindowSighting::sighting).toList(), now));
  }

  /** The anomalies of one dismantling or recycling. */
  List<AnomalyRecord.Finding> check(AnomalyDao.StepRow row) {
    Event e = row.event();
    List<String> evidence = List.of(e.name());
    List<String> orgs = List.of(e.actorOrganization());
    List<String> regions = row.siteRegion() == null ? List.of() : List.of(row.siteRegion());
    List<AnomalyRecord.Finding> out = new ArrayList<>();
    AnomalyRules rules = settings.rules();
    if (e.step() instanceof Step.Dismantling d) {
      String why = rules.dismantling(ResourceNames.unit(e.unitCode()), row.unitMassKg(),
          d.childrenMassKg(), d.residueKg());
      if (why != null) {
        out.add(new AnomalyRecord.Finding(Anomaly.MASS_UNACCOUNTED, why, e.unitCode(), evidence,
            null, orgs, regions, e.eventTime()));
      }
    } else if (e.step() instanceof Step.Recycling r) {
      double[] sum = new double[ElementMasses.KEYS.length];
      for (Step.LotOutput lot : r.lots()) {
        double[] v = lot.elements().values();
        for (int i = 0; i < sum.length; i++) {
          sum[i] += v[i];
        }
      }
      ElementMasses recovered = new ElementMasses(sum[0], sum[1], sum[2], sum[3], sum[4],
          sum[5]);
      String lost = rules.recyclingBalance(r.feed(), recovered);
      if (lost != null) {
        out.add(new AnomalyRecord.Finding(Anomaly.MASS_UNACCOUNTED, lost, e.unitCode(),
            evidence, null, orgs, regions, e.eventTime()));
      }
      String below = AnomalyRules.recoveryBelowTarget(r.feed(), recovered);
      if (below != null) {
        out.add(new AnomalyRecord.Finding(Anomaly.RECOVERY_BELOW_TARGET, below, e.unitCode(),
            evidence, null, orgs, regions, e.eventTime()));
      }
    }
    return out;
  }

  /**
   * Finds the units idle in {@code states} since their evidence event for longer than {@code
   * after}, incrementally: the units whose last step crossed the cutoff since the last scan
   * ([previous cutoff, cutoff), by index), and the units with a step recorded since the last
   * scan (by log index: a step delivered late may be dated long ago). A unit idle before the
   * previous cutoff with no step since was looked at then. The progress moves when both are
   * done; a crash repeats the rule, idempotently.
   */
  private int idle(Instant now, String kind, List<LifecycleState> states, List<String> types,
      Duration after) {
    Instant cutoff = now.minus(after);
    String[] stateNames = states.stream().map(Enum::name).toArray(String[]::new);
    String[] typeNames = types.toArray(String[]::new);
    long[] progress = jdbi.inTransaction(h -> {
      AnomalyDao dao = h.attach(AnomalyDao.class);
      return new long[] {dao.lockProgress(kind + ":cutoff"), dao.lockProgress(kind + ":log"),
          dao.maxLogIndex()};
    });
    Instant from = Instant.ofEpochMilli(progress[0]);
    int found = 0;
    // the units whose last step crossed the cutoff, in key order
    Instant afterTime = from;
    String afterCode = "";
    while (from.isBefore(cutoff)) {
      Instant t = afterTime;
      String c = afterCode;
      List<AnomalyDao.IdleUnit> units = jdbi.inTransaction(h -> {
        AnomalyDao dao = h.attach(AnomalyDao.class);
        List<AnomalyDao.IdleUnit> batch = dao.idleCrossing(stateNames, typeNames, from, cutoff,
            t, c, kind, BATCH);
        for (AnomalyDao.IdleUnit u : batch) {
          keep(dao, idleFinding(kind, u, after), now);
        }
        return batch;
      });
      found += units.size();
      if (units.size() < BATCH) {
        break;
      }
      afterTime = units.get(units.size() - 1).lastEventTime();
      afterCode = units.get(units.size() - 1).code();
    }
    // the units with a step recorded since the last scan
    for (long a = progress[1]; a < progress[2]; a += LOG_WINDOW) {
      long lower = a;
      long upper = Math.min(progress[2], a + LOG_WINDOW);
      found += jdbi.inTransaction(h -> {
        AnomalyDao dao = h.attach(AnomalyDao.class);
        int kept = 0;
        for (AnomalyDao.IdleUnit u : dao.idleTouched(stateNames, typeNames, cutoff, lower, upper,
            kind)) {
          kept += keep(dao, idleFinding(kind, u, after), now);
        }
        return kept;
      });
    }
    jdbi.useTransaction(h -> {
      AnomalyDao dao = h.attach(AnomalyDao.class);
      dao.setProgress(kind + ":cutoff", cutoff.toEpochMilli());
      dao.setProgress(kind + ":log", progress[2]);
    });
    return found;
  }

  static AnomalyRecord.Finding idleFinding(String kind, AnomalyDao.IdleUnit u, Duration after) {
    String event = ResourceNames.event(u.code(), u.sequence());
    String unit = ResourceNames.unit(u.code());
    long days = after.toDays();
    String limit = days >= 1 ? days + " days" : after.toString();
    List<String> orgs = new ArrayList<>(List.of(u.actorOrganization()));
    List<String> regions = new ArrayList<>();
    if (u.siteRegion() != null) {
      regions.add(u.siteRegion());
    }
    if (u.custodian() != null) {
      orgs.add(u.custodian());
    }
    String description;
    switch (kind) {
      case Anomaly.SHIPMENT_NOT_RECEIVED -> {
        if (u.destination() != null) {
          orgs.add(u.destination().substring(0, Math.max(0, u.destination().indexOf("/sites/"))));
          if (u.destinationRegion() != null) {
            regions.add(u.destinationRegion());
          }
        }
        description = unit + " was shipped to " + u.destination() + " on " + u.eventTime()
            + " (" + event + ") and not received within " + limit;
      }
      case Anomaly.REMOVAL_NOT_COLLECTED -> description = unit + " was "
          + (u.type().equals("decommissioning") ? "taken out of second-life service"
              : "removed from its vehicle") + " on " + u.eventTime() + " (" + event + ", "
          + u.type() + ") and not collected within " + limit;
      default -> description = unit + " has had no step since " + u.eventTime() + " ("
          + event + ", " + u.type() + ") for more than " + limit
          + " while neither in use nor finished";
    }
    orgs.removeIf(o -> o == null || o.isEmpty());
    return new AnomalyRecord.Finding(kind, description, u.code(), List.of(event),
        u.sequence(), orgs, regions, u.eventTime().plus(after));
  }

  private static int keep(AnomalyDao dao, AnomalyRecord.Finding f, Instant now) {
    return dao.insert(f.id(), f.kind(), f.description(), f.unitCode(),
        f.events().toArray(String[]::new), f.evidenceSequence(),
        f.organizations().toArray(String[]::new), f.regionCodes().toArray(String[]::new),
        f.occurTime(), now);
  }

  @Override
  public synchronized void close() {
    if (timer != null) {
      timer.shutdownNow();
      try {
        timer.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      timer = null;
    }
  }
}
