package io.packtrail.server.security;

import static io.packtrail.server.testing.Statuses.assertFails;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.stub.MetadataUtils;
import io.packtrail.server.domain.Principal;
import io.packtrail.server.testing.Fixtures;
import io.packtrail.server.testing.ServerHarness;
import io.packtrail.v1.Event;
import io.packtrail.v1.EventServiceGrpc;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The one seam for who is calling: with an authenticating resolver plugged in (here one that
 * trusts a header, standing in for the certificate mutual TLS will bring), a station records
 * only at its own site.
 */
class CallerSeamTest {
  static final Metadata.Key<String> SITE =
      Metadata.Key.of("x-test-site", Metadata.ASCII_STRING_MARSHALLER);

  @RegisterExtension
  static final ServerHarness harness = ServerHarness.inProcess(s -> s.withCallerResolver(
      (transport, headers) -> headers.get(SITE) == null ? Caller.UNAUTHENTICATED
          : new Caller(new Principal(
              Principal.Kind.WORKER, Fixtures.DEALER, headers.get(SITE), null, "01"))));

  @BeforeAll
  static void network() {
    Fixtures.network(harness.client());
  }

  static EventServiceGrpc.EventServiceBlockingStub asStation(String site) {
    Metadata headers = new Metadata();
    headers.put(SITE, site);
    return harness.events().withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
  }

  @Test
  void aStationRecordsOnlyAtItsOwnSite() {
    String code = Fixtures.registeredPack(harness.client());
    var status = assertFails(Status.Code.PERMISSION_DENIED, () -> asStation(Fixtures.PLANT)
        .recordEvent(Fixtures.sale(code)));
    assertTrue(status.getMessage().contains(Fixtures.PLANT), status.getMessage());
    assertEquals(1, harness.client().getUnit(code).getEventCount(), "nothing was recorded");

    Event sale = asStation(Fixtures.STATION).recordEvent(Fixtures.sale(code)).getEvent();
    assertEquals(2, sale.getSequence());
  }
}
