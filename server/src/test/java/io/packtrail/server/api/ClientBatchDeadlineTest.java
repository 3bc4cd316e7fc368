package io.packtrail.server.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.packtrail.client.PacktrailClient;
import io.packtrail.server.testing.Fixtures;
import io.packtrail.server.testing.ServerHarness;
import io.packtrail.v1.BatchRegisterUnitsResponse;
import io.packtrail.v1.RegisterUnitRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The SDK's deadline for a batch call grows with the batch (issue 8, part 4). */
class ClientBatchDeadlineTest {
  @RegisterExtension
  static final ServerHarness harness = ServerHarness.inProcess();

  @Test
  void aBatchDeadlineIsTheClientsPlusAnAllowancePerItem() {
    PacktrailClient client = PacktrailClient.over(harness.channel(), Duration.ofSeconds(10));
    assertEquals(Duration.ofSeconds(10), client.batchDeadline(0));
    assertEquals(Duration.ofSeconds(30), client.batchDeadline(1000));
    assertEquals(Duration.ofMillis(20), PacktrailClient.BATCH_ITEM_ALLOWANCE);
  }

  @Test
  void aFullBatchGetsTimeForEveryItemEvenWithATinyBaseDeadline() {
    Fixtures.network(harness.client());
    // a 1 ms base deadline alone could not carry a thousand registrations; the allowance does
    // (a generous one here: the shared test machine's speed is not what this test is about)
    PacktrailClient client = PacktrailClient.over(harness.channel(), Duration.ofMillis(1),
        Duration.ofSeconds(1));
    assertEquals(Duration.ofMillis(1).plusSeconds(1000), client.batchDeadline(1000));
    List<RegisterUnitRequest> batch = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      batch.add(Fixtures.registration(Fixtures.newPackCode()));
    }
    BatchRegisterUnitsResponse answer = client.registerUnits(batch);
    assertEquals(1000, answer.getResultsCount());
    answer.getResultsList().forEach(r -> assertEquals(1, r.getResponse().getEvent().getSequence(),
        r.toString()));
  }
}
