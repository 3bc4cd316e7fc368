package io.packtrail.bench;

import io.packtrail.client.PacktrailClient;
import io.packtrail.v1.GetLineageRequest;
import io.packtrail.v1.GetLineageResponse;
import io.packtrail.v1.LineageDirection;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Measures the lineage reads over gRPC against a server on the database {@link LineageLoader}
 * generated: the lineage of the pack whose graph has 1,000 nodes (both ways), the lot with 500
 * source packs (GetMaterialLot answers them) and that lot's ancestors graph. One client, one
 * call at a time, so each figure is a call's own latency; HdrHistogram records every call.
 */
@Command(name = "lineage-benchmark", mixinStandardHelpOptions = true,
    description = "Lineage read latency on the generated database.")
public final class LineageBenchmark implements Callable<Integer> {
  @Option(names = "--target", defaultValue = "127.0.0.1:50061", description = "server address")
  String target;

  @Option(names = "--duration", defaultValue = "30", description = "measured seconds per query")
  int durationSeconds;

  @Option(names = "--warmup", defaultValue = "10", description = "unmeasured seconds first")
  int warmupSeconds;

  public static void main(String[] args) {
    System.exit(new CommandLine(new LineageBenchmark()).execute(args));
  }

  @Override
  public Integer call() {
    String big = "units/" + LineageLoader.bigPack();
    String wide = "materialLots/" + LineageLoader.WIDE_LOT;
    try (PacktrailClient client = PacktrailClient.connect(target)) {
      GetLineageResponse graph = client.getLineage(GetLineageRequest.newBuilder().setName(big)
          .setDirection(LineageDirection.LINEAGE_DIRECTION_BOTH).build());
      int sources = client.getMaterialLot(LineageLoader.WIDE_LOT).getSourcePacksCount();
      System.out.printf("%s: %d nodes, %d edges, truncated %b; %s: %d source packs%n", big,
          graph.getNodesCount(), graph.getEdgesCount(), graph.getTruncated(), wide, sources);
      OneClientLatency latency = new OneClientLatency(warmupSeconds, durationSeconds);
      latency.printHeader();
      latency.measure("GetLineage, 1,000-node pack, BOTH", () -> client.getLineage(GetLineageRequest
          .newBuilder().setName(big).setDirection(LineageDirection.LINEAGE_DIRECTION_BOTH)
          .build()).getNodesCount());
      latency.measure("GetMaterialLot, lot with 500 source packs", () -> client.getMaterialLot(
          LineageLoader.WIDE_LOT).getSourcePacksCount());
      latency.measure("GetLineage, that lot, ANCESTORS", () -> client.getLineage(GetLineageRequest
          .newBuilder().setName(wide).setDirection(LineageDirection.LINEAGE_DIRECTION_ANCESTORS)
          .build()).getNodesCount());
    }
    return 0;
  }


}
