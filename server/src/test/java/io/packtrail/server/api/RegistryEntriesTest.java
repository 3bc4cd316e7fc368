package io.packtrail.server.api;

import static io.packtrail.server.testing.Statuses.assertFails;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.packtrail.client.PacktrailClient;
import io.packtrail.client.device.DeviceKey;
import io.packtrail.server.domain.CanonicalFields;
import io.packtrail.server.domain.RegistryEntry;
import io.packtrail.server.testing.Fixtures;
import io.packtrail.server.testing.LogEntries;
import io.packtrail.server.testing.ServerHarness;
import io.packtrail.v1.Device;
import io.packtrail.v1.Label;
import io.packtrail.v1.LabelKey;
import io.packtrail.v1.Organization;
import io.packtrail.v1.OrganizationRole;
import io.packtrail.v1.Site;
import io.packtrail.v1.SiteKind;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Registry changes as log entries (docs/formats.md, Registry entries): each change writes
 * exactly one entry with the documented fields, a refused change and a retry write none, and
 * events and entries share one gap-free log index sequence, also under concurrency.
 */
class RegistryEntriesTest {
  @RegisterExtension
  static final ServerHarness harness = ServerHarness.inProcess();
  static final ExecutorService pool = Executors.newFixedThreadPool(12);

  private static PacktrailClient client;
  private static Jdbi jdbi;

  @BeforeAll
  static void network() {
    client = harness.client();
    jdbi = harness.jdbi();
    Fixtures.network(client);
  }

  @AfterAll
  static void stop() {
    pool.shutdownNow();
  }

  private static String newId(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  /** Runs the change and answers the one entry it wrote (failing unless exactly one). */
  private static RegistryEntry onlyEntryOf(Runnable change) {
    long head = LogEntries.head(jdbi);
    change.run();
    List<RegistryEntry> added = LogEntries.from(jdbi, head);
    assertEquals(1, added.size(), "one entry per change: " + added);
    assertEquals(head + 1, LogEntries.head(jdbi), "the head moved past the entry only");
    assertEquals(head, added.get(0).logIndex());
    return added.get(0);
  }

  /** Runs the change (a retry, a refusal) and checks that the log did not grow. */
  private static void noEntryFrom(Runnable change) {
    long head = LogEntries.head(jdbi);
    try {
      change.run();
    } catch (StatusRuntimeException refused) {
      // refusals are asserted by the callers; here only the log counts
    }
    assertEquals(List.of(), LogEntries.from(jdbi, head));
    assertEquals(head, LogEntries.head(jdbi));
  }

  /** The fields every entry has, then the given ones, sorted as canonical bytes sort them. */
  private static Map<String, String> expected(RegistryEntry entry, String type,
      String... keysAndValues) {
    Map<String, String> fields = new java.util.TreeMap<>();
    fields.put("entry.type", type);
    fields.put("log.index", Long.toString(entry.logIndex()));
    fields.put("record.time", CanonicalFields.time(entry.recordTime()));
    for (int i = 0; i < keysAndValues.length; i += 2) {
      fields.put(keysAndValues[i], keysAndValues[i + 1]);
    }
    return new LinkedHashMap<>(fields);
  }

  private static void assertFields(Map<String, String> expected, RegistryEntry entry) {
    assertEquals(expected, EventVectorsTest.decode(entry.canonicalBytes()));
    assertEquals(new ArrayList<>(expected.keySet()),
        new ArrayList<>(EventVectorsTest.decode(entry.canonicalBytes()).keySet()), "sorted keys");
  }

  private static Instant instant(com.google.protobuf.Timestamp t) {
    return Instant.ofEpochSecond(t.getSeconds(), t.getNanos());
  }

  private static String hex(com.google.protobuf.ByteString b) {
    return HexFormat.of().formatHex(b.toByteArray());
  }

  @Test
  void anOrganizationIsOneEntryWithItsRolesSorted() {
    String id = newId("org");
    Organization wanted = Organization.newBuilder().setDisplayName("Hexi Recycling")
        .setRegionCode("620700").setManufacturerCode("HXR")
        .addRoles(OrganizationRole.ORGANIZATION_ROLE_RECYCLER)
        .addRoles(OrganizationRole.ORGANIZATION_ROLE_COLLECTION_OUTLET)
        .addRoles(OrganizationRole.ORGANIZATION_ROLE_BATTERY_MAKER).build();
    Organization[] created = new Organization[1];
    RegistryEntry entry = onlyEntryOf(() -> created[0] = client.createOrganization(id, wanted));

    assertEquals(RegistryEntry.Type.ORGANIZATION, entry.type());
    assertEquals("organizations/" + id, entry.subject());
    assertEquals(instant(created[0].getCreateTime()), entry.recordTime());
    assertFields(expected(entry, "organization",
        "organization.display_name", "Hexi Recycling",
        "organization.manufacturer_code", "HXR",
        "organization.name", "organizations/" + id,
        "organization.region_code", "620700",
        "organization.role.000", "BATTERY_MAKER",
        "organization.role.001", "COLLECTION_OUTLET",
        "organization.role.002", "RECYCLER",
        "organization.role_count", "3"), entry);

    noEntryFrom(() -> client.createOrganization(id, wanted));
    assertFails(Status.Code.ALREADY_EXISTS, () -> client.createOrganization(id,
        wanted.toBuilder().setDisplayName("Someone else").build()));
    noEntryFrom(() -> client.createOrganization(id,
        wanted.toBuilder().setDisplayName("Someone else").build()));
    assertFails(Status.Code.INVALID_ARGUMENT, () -> client.createOrganization(newId("org"),
        wanted.toBuilder().setRegionCode("62").build()));
    noEntryFrom(() -> client.createOrganization(newId("org"),
        wanted.toBuilder().setRegionCode("62").build()));
  }

  @Test
  void aSiteIsOneEntryNamingItsOrganizationAndKind() {
    String id = newId("site");
    Site wanted = Site.newBuilder().setDisplayName("Jinchang line 2")
        .setKind(SiteKind.SITE_KIND_RECYCLING_PLANT).setRegionCode("620300")
        .setAddress("1 Industrial Road").setLatitude(38.5).setLongitude(102.2)
        .setAnnualCapacityTonnes(20000).build();
    Site[] created = new Site[1];
    RegistryEntry entry = onlyEntryOf(
        () -> created[0] = client.createSite(Fixtures.RECYCLER, id, wanted));

    String name = Fixtures.RECYCLER + "/sites/" + id;
    assertEquals(RegistryEntry.Type.SITE, entry.type());
    assertEquals(name, entry.subject());
    assertEquals(instant(created[0].getCreateTime()), entry.recordTime());
    assertFields(expected(entry, "site",
        "site.address", "1 Industrial Road",
        "site.annual_capacity_tonnes", "20000.000",
        "site.display_name", "Jinchang line 2",
        "site.kind", "RECYCLING_PLANT",
        "site.name", name,
        "site.organization", Fixtures.RECYCLER,
        "site.region_code", "620300"), entry);

    noEntryFrom(() -> client.createSite(Fixtures.RECYCLER, id, wanted));
    assertFails(Status.Code.NOT_FOUND,
        () -> client.createSite("organizations/nobody-here", newId("site"), wanted));
    noEntryFrom(() -> client.createSite("organizations/nobody-here", newId("site"), wanted));

    // optional fields left out are not written
    String bare = newId("site");
    RegistryEntry plain = onlyEntryOf(() -> client.createSite(Fixtures.RECYCLER, bare,
        Site.newBuilder().setDisplayName("Depot").setKind(SiteKind.SITE_KIND_WAREHOUSE)
            .setRegionCode("620300").build()));
    assertFields(expected(plain, "site",
        "site.display_name", "Depot",
        "site.kind", "WAREHOUSE",
        "site.name", Fixtures.RECYCLER + "/sites/" + bare,
        "site.organization", Fixtures.RECYCLER,
        "site.region_code", "620300"), plain);
  }

  @Test
  void labelKeysTheirRotationAndRevocationAreEntries() {
    String org = newId("maker");
    client.createOrganization(org, Organization.newBuilder().setDisplayName("Maker")
        .setRegionCode("620100").addRoles(OrganizationRole.ORGANIZATION_ROLE_BATTERY_MAKER)
        .build());
    String orgName = "organizations/" + org;
    String request = UUID.randomUUID().toString();
    LabelKey[] first = new LabelKey[1];
    RegistryEntry created = onlyEntryOf(() -> first[0] = client.createLabelKey(orgName, request));
    assertEquals(RegistryEntry.Type.LABEL_KEY, created.type());
    assertEquals(first[0].getName(), created.subject());
    assertEquals(instant(first[0].getCreateTime()), created.recordTime());
    assertFields(expected(created, "label_key",
        "label_key.id", hex(first[0].getKeyId()),
        "label_key.name", first[0].getName(),
        "label_key.not_after", CanonicalFields.time(instant(first[0].getNotAfter())),
        "label_key.not_before", CanonicalFields.time(instant(first[0].getNotBefore())),
        "label_key.organization", orgName,
        "label_key.public_key", hex(first[0].getPublicKey())), created);

    noEntryFrom(() -> client.createLabelKey(orgName, request));
    assertFails(Status.Code.NOT_FOUND,
        () -> client.createLabelKey("organizations/nobody-here", UUID.randomUUID().toString()));
    noEntryFrom(() -> client.createLabelKey("organizations/nobody-here",
        UUID.randomUUID().toString()));

    LabelKey[] second = new LabelKey[1];
    RegistryEntry rotated = onlyEntryOf(
        () -> second[0] = client.createLabelKey(orgName, UUID.randomUUID().toString()));
    assertEquals(first[0].getName(),
        EventVectorsTest.decode(rotated.canonicalBytes()).get("label_key.replaces"),
        "the new key names the key it retired");

    Instant before = Instant.now();
    RegistryEntry revoked = onlyEntryOf(() -> client.revokeLabelKey(first[0].getName()));
    assertEquals(RegistryEntry.Type.LABEL_KEY_REVOCATION, revoked.type());
    assertEquals(first[0].getName(), revoked.subject());
    assertTrue(!revoked.recordTime().isBefore(before.minusMillis(1))
        && !revoked.recordTime().isAfter(Instant.now()), "revoked during the call");
    assertFields(expected(revoked, "label_key_revocation",
        "label_key.id", hex(first[0].getKeyId()),
        "label_key.name", first[0].getName(),
        "label_key.organization", orgName), revoked);
    noEntryFrom(() -> client.revokeLabelKey(first[0].getName()));
    noEntryFrom(() -> client.revokeLabelKey(orgName + "/labelKeys/00000000"));
  }

  @Test
  void withdrawnLabelsAreEntriesAndIssuedOnesAreNot() {
    client.createLabelKey(Fixtures.MAKER, UUID.randomUUID().toString());
    String code = Fixtures.registeredPack(client);
    Label[] issued = new Label[1];
    noEntryFrom(() -> issued[0] = client.issueLabel(code));

    Label[] fresh = new Label[1];
    RegistryEntry superseded = onlyEntryOf(
        () -> fresh[0] = client.reissueLabel(issued[0].getSerial()));
    assertEquals(RegistryEntry.Type.LABEL_WITHDRAWAL, superseded.type());
    assertEquals("labels/" + issued[0].getSerial(), superseded.subject());
    assertFields(expected(superseded, "label_withdrawal",
        "label.key", issued[0].getKey(),
        "label.serial", Long.toString(issued[0].getSerial()),
        "label.status", "SUPERSEDED",
        "label.superseded_by", Long.toString(fresh[0].getSerial()),
        "label.unit_code", code), superseded);
    assertFails(Status.Code.FAILED_PRECONDITION,
        () -> client.reissueLabel(issued[0].getSerial()));
    noEntryFrom(() -> client.reissueLabel(issued[0].getSerial()));

    RegistryEntry revoked = onlyEntryOf(() -> client.revokeLabel(fresh[0].getSerial()));
    assertFields(expected(revoked, "label_withdrawal",
        "label.key", fresh[0].getKey(),
        "label.serial", Long.toString(fresh[0].getSerial()),
        "label.status", "REVOKED",
        "label.unit_code", code), revoked);
    noEntryFrom(() -> client.revokeLabel(fresh[0].getSerial()));
    noEntryFrom(() -> client.revokeLabel(issued[0].getSerial()));
    noEntryFrom(() -> client.revokeLabel(999_999_999L));
  }

  @Test
  void devicesEnrolledAndRetiredAreEntries() {
    String site = Fixtures.STATION;
    String enrollment = client.createEnrollmentCode(site, UUID.randomUUID().toString()).getCode();
    DeviceKey key = DeviceKey.generate();
    String id = newId("dock");
    Device[] enrolled = new Device[1];
    RegistryEntry entry = onlyEntryOf(() -> enrolled[0] =
        client.enrollDevice(site, id, enrollment, key.publicKey(), "Dock handheld"));
    assertEquals(RegistryEntry.Type.DEVICE_ENROLLMENT, entry.type());
    assertEquals(site + "/devices/" + id, entry.subject());
    assertEquals(instant(enrolled[0].getCreateTime()), entry.recordTime());
    assertFields(expected(entry, "device_enrollment",
        "device.display_name", "Dock handheld",
        "device.name", site + "/devices/" + id,
        "device.public_key", HexFormat.of().formatHex(key.publicKey()),
        "device.site", site), entry);

    noEntryFrom(() -> client.enrollDevice(site, id, enrollment, key.publicKey(),
        "Dock handheld"));
    assertFails(Status.Code.FAILED_PRECONDITION, () -> client.enrollDevice(site, newId("dock"),
        enrollment, DeviceKey.generate().publicKey(), "Another"));
    noEntryFrom(() -> client.enrollDevice(site, newId("dock"), enrollment,
        DeviceKey.generate().publicKey(), "Another"));

    Device[] retired = new Device[1];
    RegistryEntry retirement = onlyEntryOf(
        () -> retired[0] = client.retireDevice(enrolled[0].getName()));
    assertEquals(RegistryEntry.Type.DEVICE_RETIREMENT, retirement.type());
    assertEquals(instant(retired[0].getRetireTime()), retirement.recordTime());
    assertFields(expected(retirement, "device_retirement",
        "device.name", enrolled[0].getName(),
        "device.site", site), retirement);
    noEntryFrom(() -> client.retireDevice(enrolled[0].getName()));
    noEntryFrom(() -> client.retireDevice(site + "/devices/nobody-here"));
  }

  @Test
  void theStoredBytesAreTheDomainsEncodingOfTheStoredResource() {
    String id = newId("org");
    Organization o = client.createOrganization(id, Organization.newBuilder()
        .setDisplayName("Ürümqi Batteries").setRegionCode("650100")
        .addRoles(OrganizationRole.ORGANIZATION_ROLE_DEALER).build());
    RegistryEntry stored = jdbi.withExtension(io.packtrail.server.store.RegistryEntryDao.class,
        d -> d.listForSubject("organizations/" + id)).get(0);
    io.packtrail.server.domain.Organization domain = jdbi.withExtension(
        io.packtrail.server.store.OrganizationDao.class, d -> d.find(id)).orElseThrow();
    assertEquals(HexFormat.of().formatHex(
            RegistryEntry.organization(stored.logIndex(), domain).canonicalBytes()),
        HexFormat.of().formatHex(stored.canonicalBytes()));
    assertEquals("Ürümqi Batteries",
        EventVectorsTest.decode(stored.canonicalBytes()).get("organization.display_name"));
    assertEquals(instant(o.getCreateTime()), stored.recordTime());
  }

  /** Starts every call at the same moment and waits for all; answers the failures. */
  private static List<Throwable> race(List<Callable<?>> calls) throws Exception {
    CountDownLatch start = new CountDownLatch(1);
    List<Future<?>> futures = new ArrayList<>();
    for (Callable<?> call : calls) {
      futures.add(pool.submit(() -> {
        start.await();
        return call.call();
      }));
    }
    start.countDown();
    List<Throwable> failures = new ArrayList<>();
    for (Future<?> f : futures) {
      try {
        f.get();
      } catch (java.util.concurrent.ExecutionException e) {
        failures.add(e.getCause());
      }
    }
    return failures;
  }

  @Test
  void eventsAndRegistryChangesAtOnceShareOneGapFreeSequence() throws Exception {
    List<String> codes = new ArrayList<>();
    for (int i = 0; i < 24; i++) {
      codes.add(Fixtures.registeredPack(client));
    }
    long head = LogEntries.head(jdbi);
    List<Callable<?>> calls = new ArrayList<>();
    for (String code : codes) {
      calls.add(() -> {
        client.recordEvent(Fixtures.sale(code));
        client.recordEvent(Fixtures.removal(code,
            io.packtrail.v1.RemovalReason.REMOVAL_REASON_RETIREMENT));
        return client.recordEvent(Fixtures.collection(code));
      });
    }
    int registryChanges = 0;
    for (int i = 0; i < 6; i++) {
      String org = newId("race");
      calls.add(() -> {
        client.createOrganization(org, Organization.newBuilder().setDisplayName("Race " + org)
            .setRegionCode("620100").addRoles(OrganizationRole.ORGANIZATION_ROLE_RECYCLER)
            .build());
        client.createSite("organizations/" + org, "plant", Site.newBuilder()
            .setDisplayName("Plant").setKind(SiteKind.SITE_KIND_RECYCLING_PLANT)
            .setRegionCode("620100").build());
        LabelKey key = client.createLabelKey("organizations/" + org,
            UUID.randomUUID().toString());
        return client.revokeLabelKey(key.getName());
      });
      registryChanges += 4;
    }
    // the same creation sent eight times at once is one organisation and one entry
    String twice = newId("twice");
    Organization same = Organization.newBuilder().setDisplayName("Twice").setRegionCode("620100")
        .addRoles(OrganizationRole.ORGANIZATION_ROLE_DEALER).build();
    for (int i = 0; i < 8; i++) {
      calls.add(() -> client.createOrganization(twice, same));
    }
    registryChanges += 1;

    assertEquals(List.of(), race(calls));

    long size = LogEntries.assertGapFree(jdbi);
    assertEquals(head + codes.size() * 3L + registryChanges, size);
    assertEquals(registryChanges, LogEntries.from(jdbi, head).size());
    assertEquals(1, jdbi.withExtension(io.packtrail.server.store.RegistryEntryDao.class,
        d -> d.listForSubject("organizations/" + twice)).size());
  }

  @Test
  void entriesAreAppendOnly() {
    client.createOrganization(newId("org"), Organization.newBuilder().setDisplayName("Fixed")
        .setRegionCode("620100").addRoles(OrganizationRole.ORGANIZATION_ROLE_DEALER).build());
    for (String sql : List.of("UPDATE registry_entry SET subject = 'x'",
        "DELETE FROM registry_entry", "TRUNCATE registry_entry")) {
      org.junit.jupiter.api.Assertions.assertThrows(Exception.class,
          () -> jdbi.useHandle(h -> h.execute(sql)), sql);
    }
    LogEntries.assertGapFree(jdbi);
  }
}
