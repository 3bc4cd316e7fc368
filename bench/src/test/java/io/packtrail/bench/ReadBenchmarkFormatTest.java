package io.packtrail.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.grpc.Status;
import org.junit.jupiter.api.Test;

class ReadBenchmarkFormatTest {
  @Test
  void aSlowOverviewSaysHowToBoundItOrMeasureWithoutIt() {
    assertEquals("the regional overview failed after 30001 ms: DEADLINE_EXCEEDED deadline "
        + "exceeded (serve with --reporting-start to bound its deadline section, or measure "
        + "with --only events or --only units)", ReadBenchmark.overviewFailed(
            Status.DEADLINE_EXCEEDED.withDescription("deadline exceeded"), 30_000.6));
  }

  @Test
  void anyOtherFailureIsReportedAsItCame() {
    assertEquals("the regional overview failed after 12 ms: PERMISSION_DENIED only "
        + "authorities", ReadBenchmark.overviewFailed(
            Status.PERMISSION_DENIED.withDescription("only authorities"), 12.4));
  }
}
