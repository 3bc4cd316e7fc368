package io.packtrail.server.security;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.packtrail.client.PacktrailClient;
import io.packtrail.client.audit.AuditBundle;
import io.packtrail.client.audit.BundleBuilder;
import io.packtrail.client.audit.BundleVerifier;
import io.packtrail.client.device.DeviceCheck;
import io.packtrail.client.device.DeviceKey;
import io.packtrail.client.device.DeviceSigner;
import io.packtrail.client.log.VerifierKey;
import io.packtrail.server.domain.CanonicalFields;
import io.packtrail.server.domain.EventChain;
import io.packtrail.server.domain.Principal;
import io.packtrail.server.testing.Fixtures;
import io.packtrail.server.testing.ServerHarness;
import io.packtrail.server.testing.TestPrincipals;
import io.packtrail.v1.Event;
import io.packtrail.v1.PrincipalKind;
import io.packtrail.v1.RecordEventRequest;
import io.packtrail.v1.RemovalReason;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Who did it, recorded: every event of a step sent by an authenticated caller holds that caller
 * (kind, resource name, certificate serial) in its hashed canonical bytes; chains, device
 * signatures and offline audit bundles still verify.
 */
class SubmitterTest {
  @RegisterExtension
  static final ServerHarness harness =
      ServerHarness.inProcess(s -> s.withCallerResolver(TestPrincipals.RESOLVER));

  static final Principal DISMANTLER = TestPrincipals.system(Fixtures.DISMANTLER);

  @BeforeAll
  static void network() {
    Fixtures.network(harness.client());
  }

  static PacktrailClient as(Principal p) {
    return PacktrailClient.over(TestPrincipals.as(harness.channel(), p), Duration.ofSeconds(20));
  }

  @Test
  void aDeviceSignedStepRecordsItsSubmitterAndStillVerifies() throws Exception {
    Principal device = TestPrincipals.device(Fixtures.STATION, "submitter-scanner");
    DeviceKey key = DeviceKey.generate();
    String enrollment = as(TestPrincipals.worker(Fixtures.STATION)).createEnrollmentCode(
        Fixtures.STATION, UUID.randomUUID().toString()).getCode();
    String name = as(device).enrollDevice(Fixtures.STATION, "submitter-scanner", enrollment,
        key.publicKey(), "Dock 3").getName();
    DeviceSigner signer = new DeviceSigner(key, name);

    String code = Fixtures.registeredPack(harness.client());
    as(device).recordEvent(signer.sign(Fixtures.sale(code)));
    Event removal = as(device).recordEvent(signer.sign(
        Fixtures.removal(code, RemovalReason.REMOVAL_REASON_RETIREMENT)));

    assertEquals(PrincipalKind.PRINCIPAL_KIND_DEVICE, removal.getSubmitter().getKind());
    assertEquals(name, removal.getSubmitter().getName());
    assertEquals(device.certificateSerial(), removal.getSubmitter().getCertificateSerial());
    CanonicalFields fields = CanonicalFields.decode(removal.getCanonicalBytes().toByteArray());
    assertEquals("DEVICE", fields.get("submitter.kind"));
    assertEquals(name, fields.get("submitter.name"));
    assertEquals(device.certificateSerial(), fields.get("submitter.certificate_serial"));

    // the signature still verifies from the stored event alone
    var statement = assertInstanceOf(DeviceCheck.Statement.class, DeviceCheck.of(removal));
    assertTrue(statement.verifies(key.publicKey()));
    // the chain verifies: the plaintext registration without a submitter, then the two steps
    List<Event> events = harness.client().listEvents(code);
    assertFalse(events.get(0).hasSubmitter(), "recorded in plaintext development mode");
    assertEquals(-1, EventChain.firstBreak(events.stream().map(e -> EventChain.fromCanonical(
        e.getCanonicalBytes().toByteArray(), e.getPreviousHash().toByteArray(),
        e.getHash().toByteArray(), new byte[32])).toList()));

    // the columns find the events of one certificate
    List<Map<String, Object>> rows = harness.jdbi().withHandle(h -> h.createQuery(
            "SELECT submitter_kind, submitter FROM event WHERE submitter_certificate_serial = :s")
        .bind("s", device.certificateSerial()).mapToMap().list());
    assertEquals(2, rows.size());
    assertEquals("DEVICE", rows.get(0).get("submitter_kind"));

    // an auditor's offline bundle of the unit verifies, device signatures included
    PacktrailClient auditor = as(TestPrincipals.auditor());
    AuditBundle bundle = BundleBuilder.collect(auditor, code);
    BundleVerifier.Report report = BundleVerifier.verify(bundle,
        VerifierKey.parse(auditor.getLogKey().getVerifierKey()));
    assertTrue(report.facts().stream().anyMatch(
        f -> f.startsWith("2 device signature(s) verified")), report.toString());
  }

  @Test
  void everyEventOfAStepTouchingSeveralUnitsNamesItsSubmitter() {
    String pack = Fixtures.gradedPackAt(harness.client(), Fixtures.LINE);
    List<Event> events = as(DISMANTLER).recordStep(Fixtures.dismantling(pack, Fixtures.LINE, 20,
        Fixtures.child(Fixtures.newCode('M'), 180), Fixtures.child(Fixtures.newCode('M'), 180)));
    assertEquals(3, events.size());
    for (Event e : events) {
      assertEquals(PrincipalKind.PRINCIPAL_KIND_ORGANIZATION_SYSTEM, e.getSubmitter().getKind());
      assertEquals(Fixtures.DISMANTLER, e.getSubmitter().getName());
      assertEquals(DISMANTLER.certificateSerial(), e.getSubmitter().getCertificateSerial());
    }
  }

  @Test
  void aRetryByAnotherPrincipalOfTheSiteIsAnsweredWithTheFirstSubmitter() {
    String code = Fixtures.registeredPack(harness.client());
    RecordEventRequest sale = Fixtures.sale(code);
    Principal first = TestPrincipals.worker(Fixtures.STATION);
    Event recorded = as(first).recordEvent(sale);
    Event retried = as(TestPrincipals.system(Fixtures.DEALER)).recordEvent(sale);
    assertEquals(recorded, retried, "the same request: the stored event");
    assertEquals(first.certificateSerial(), retried.getSubmitter().getCertificateSerial());
    assertArrayEquals(recorded.getHash().toByteArray(), retried.getHash().toByteArray());
  }

  @Test
  void aPlaintextStepHasNoSubmitter() {
    String code = Fixtures.registeredPack(harness.client());
    Event sale = harness.client().recordEvent(Fixtures.sale(code));
    assertFalse(sale.hasSubmitter());
    assertEquals(null, CanonicalFields.decode(sale.getCanonicalBytes().toByteArray())
        .get("submitter.kind"));
  }
}
