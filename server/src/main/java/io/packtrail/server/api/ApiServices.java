package io.packtrail.server.api;

import io.grpc.BindableService;
import io.packtrail.server.ingest.Directory;
import io.packtrail.server.ingest.Sequencer;
import io.packtrail.server.ingest.WatchHub;
import io.packtrail.server.domain.StepType;
import io.packtrail.server.label.Labels;
import io.packtrail.server.store.EventDao;
import java.time.Clock;
import java.util.Set;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import org.jdbi.v3.core.Jdbi;

/**
 * The packtrail.v1 services, wired to one store and one sequencer. Answers to recorded steps are
 * sent from {@code responders}, never from the sequencer thread (which must get back to the
 * database) nor from the common pool (on a 2-core machine CompletableFuture would start a new
 * thread per task).
 */
public final class ApiServices {
  private ApiServices() {}

  public static List<BindableService> create(Jdbi jdbi, Sequencer sequencer, WatchHub hub,
      ExecutorService watchers, int maxWatchers, Executor responders, Labels labels,
      Set<StepType> labelRequired, Clock clock) {
    ProtoMapper mapper = new ProtoMapper(clock);
    Recorder recorder = new Recorder(new Directory(jdbi), sequencer, labels.scans(),
        labelRequired, id -> jdbi.withExtension(EventDao.class, dao -> dao.findById(id)));
    return List.of(
        new RegistryGrpcService(jdbi, clock),
        new LabelGrpcService(labels.keys(), labels.issuer(), labels.trustList()),
        new UnitGrpcService(jdbi, recorder, mapper, responders),
        new EventGrpcService(jdbi, recorder, mapper, hub, watchers, maxWatchers, responders));
  }
}
