package io.packtrail.server.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.packtrail.server.domain.Device;
import io.packtrail.server.domain.LabelKeyRecord;
import io.packtrail.server.domain.LabelRecord;
import io.packtrail.server.domain.Organization;
import io.packtrail.server.domain.OrganizationRole;
import io.packtrail.server.domain.RegistryEntry;
import io.packtrail.server.domain.Site;
import io.packtrail.server.domain.SiteKind;
import io.packtrail.server.testing.FormatsDocument;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * docs/formats.md, "Registry entries": the test vectors are what the server's code writes for
 * the documented changes (the organisations, keys, label and device of sections 7, 8 and 10),
 * and the key tables list exactly the keys the entries have. {@code PACKTRAIL_REWRITE_VECTORS=1}
 * rewrites the computed blocks after a deliberate change.
 */
class RegistryEntryVectorsTest {
  private static final boolean REWRITE = System.getenv("PACKTRAIL_REWRITE_VECTORS") != null;
  private static final HexFormat HEX = HexFormat.of();

  private static FormatsDocument.Part registrySection(FormatsDocument doc) {
    return doc.whole().subsections(2).stream()
        .filter(p -> p.title().endsWith("Registry entries")).findFirst().orElseThrow();
  }

  /** The seven documented changes, built from sections 7 and 10's keys, by heading. */
  private static Map<String, RegistryEntry> entries(FormatsDocument doc) {
    Map<String, String> labelItems = items(doc.section("7.").section("Test vectors").table());
    Map<String, String> deviceItems = items(doc.section("10.").section("Test vectors").table());
    byte[] issuerKey = HEX.parseHex(labelItems.get("issuer public key"));
    byte[] issuerKeyId = HEX.parseHex(labelItems.get("issuer key id"));
    byte[] deviceKey = HEX.parseHex(deviceItems.get("device public key"));
    String deviceName = deviceItems.get("device (text)");
    String deviceSite = deviceName.substring(0, deviceName.indexOf("/devices/"));
    String deviceId = deviceName.substring(deviceName.indexOf("/devices/") + 9);

    Organization recycler = new Organization("west-recycling", "西部回收 West Recycling",
        EnumSet.of(OrganizationRole.RECYCLER, OrganizationRole.COLLECTION_OUTLET), "620100",
        null, Instant.parse("2025-12-01T02:00:00.250Z"), null, null);
    Site plant = new Site("west-recycling", "plant", "Jinchang plant",
        SiteKind.RECYCLING_PLANT, "620300", "Jinchang, Gansu", 38.5, 102.2,
        Instant.parse("2025-12-01T02:05:00Z"), 20000.0);
    Instant rotated = Instant.parse("2026-01-01T00:00:00Z");
    LabelKeyRecord oldKey = new LabelKeyRecord(HEX.parseHex("1f2e3d4c"), "gansu-battery",
        new byte[32], new byte[0], Instant.parse("2025-01-01T00:00:00Z"), rotated,
        LabelKeyRecord.KeyStatus.RETIRED, UUID.randomUUID(),
        Instant.parse("2025-01-01T00:00:00Z"));
    LabelKeyRecord key = new LabelKeyRecord(issuerKeyId, "gansu-battery", issuerKey,
        new byte[0], rotated, Instant.parse("2027-01-01T00:00:00Z"),
        LabelKeyRecord.KeyStatus.ACTIVE, UUID.randomUUID(), rotated);
    LabelRecord superseded = new LabelRecord(7654321, "X12MCPM27KLPCLX2M2382320",
        oldKey.keyId(), "gansu-battery", Instant.parse("2025-06-01T00:00:00Z"), "PT1:...",
        LabelRecord.LabelState.ACTIVE, null, UUID.randomUUID());
    Device enrolled = new Device(deviceSite, deviceId, "Collection point scanner 1", deviceKey,
        Device.Status.ACTIVE, UUID.randomUUID(), Instant.parse("2026-05-20T03:00:00Z"), null);
    Device retired = new Device(deviceSite, deviceId, "Collection point scanner 1", deviceKey,
        Device.Status.RETIRED, enrolled.enrollmentCode(), enrolled.createTime(),
        Instant.parse("2026-12-01T08:30:00Z"));

    Map<String, RegistryEntry> entries = new LinkedHashMap<>();
    entries.put("R1 ", RegistryEntry.organization(10, recycler));
    entries.put("R2 ", RegistryEntry.site(11, plant));
    entries.put("R3 ", RegistryEntry.labelKey(12, key, oldKey));
    entries.put("R4 ", RegistryEntry.labelWithdrawal(13, superseded,
        LabelRecord.LabelState.SUPERSEDED, 1234567L, rotated));
    entries.put("R5 ", RegistryEntry.labelKeyRevocation(14, oldKey,
        Instant.parse("2026-01-01T06:00:00Z")));
    entries.put("R6 ", RegistryEntry.deviceEnrollment(15, enrolled));
    entries.put("R7 ", RegistryEntry.deviceRetirement(16, retired));
    return entries;
  }

  private static Map<String, String> items(FormatsDocument.Table table) {
    return table.rows().stream().collect(Collectors.toMap(r -> r.get(0),
        r -> FormatsDocument.code(r.get(1))));
  }

  static String leafHash(byte[] canonical) throws Exception {
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    sha.update((byte) 0);
    return HEX.formatHex(sha.digest(canonical));
  }

  @Test
  void theVectorsAreWhatTheServerWrites() throws Exception {
    FormatsDocument doc = FormatsDocument.load();
    FormatsDocument.Part vectors = registrySection(doc).section("Test vectors");
    Map<String, RegistryEntry> entries = entries(doc);
    assertEquals(RegistryEntry.Type.values().length, entries.size(), "one vector per type");
    for (Map.Entry<String, RegistryEntry> e : entries.entrySet()) {
      FormatsDocument.Part part = vectors.section(e.getKey());
      RegistryEntry entry = e.getValue();
      assertEquals(e.getKey() + entry.type().key(), part.title(), "the heading names the type");
      List<FormatsDocument.CodeBlock> blocks = part.codeBlocks();
      check(doc, part.title() + " fields", blocks.get(0),
          EventVectorsTest.renderFields(entry.canonicalBytes()));
      check(doc, part.title() + " leaf hash", blocks.get(1),
          List.of("leaf hash  " + leafHash(entry.canonicalBytes())));
    }
    if (REWRITE) {
      doc.save();
    }
  }

  @Test
  void theKeyTablesListExactlyTheKeysOfEachType() {
    FormatsDocument doc = FormatsDocument.load();
    FormatsDocument.Part section = registrySection(doc);
    FormatsDocument.Table common = section.section("Fields of every entry").table();
    Set<String> commonKeys = common.rows().stream().map(r -> FormatsDocument.code(r.get(0)))
        .collect(Collectors.toSet());
    assertEquals(Set.of("entry.type", "log.index", "record.time"), commonKeys);
    assertEquals(Arrays.stream(RegistryEntry.Type.values()).map(RegistryEntry.Type::key).toList(),
        FormatsDocument.codes(common.rows().get(0).get(1)), "the entry types, in order");

    FormatsDocument.Table keys = section.section("Keys of each entry type").tables().get(0);
    Map<String, Set<String>> documented = new HashMap<>();
    for (List<String> row : keys.rows()) {
      documented.computeIfAbsent(row.get(0), t -> new HashSet<>())
          .add(FormatsDocument.code(row.get(1)));
    }
    assertEquals(Arrays.stream(RegistryEntry.Type.values()).map(RegistryEntry.Type::key)
        .collect(Collectors.toSet()), documented.keySet());
    for (RegistryEntry entry : entries(doc).values()) {
      Set<String> written = new HashSet<>(
          EventVectorsTest.decode(entry.canonicalBytes()).keySet());
      written.removeAll(commonKeys);
      Set<String> allowed = documented.get(entry.type().key());
      for (String key : written) {
        assertTrue(allowed.contains(key.replaceAll("\\.\\d{3}$", ".NNN")),
            entry.type().key() + " writes " + key + ", which the table does not list");
      }
    }
  }

  private static void check(FormatsDocument doc, String what, FormatsDocument.CodeBlock block,
      List<String> computed) {
    if (REWRITE) {
      doc.replace(block, computed);
    } else {
      assertEquals(String.join("\n", computed), block.text(), "docs/formats.md, " + what
          + " (line " + (block.firstLine() + 1) + "): the document says otherwise than the "
          + "server's code. If the format changed on purpose, rerun with "
          + "PACKTRAIL_REWRITE_VECTORS=1 and review the diff");
    }
  }
}
