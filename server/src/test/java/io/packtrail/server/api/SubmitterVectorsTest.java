package io.packtrail.server.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.packtrail.client.device.DeviceCheck;
import io.packtrail.client.device.DeviceKey;
import io.packtrail.server.domain.Actor;
import io.packtrail.server.domain.Event;
import io.packtrail.server.domain.EventChain;
import io.packtrail.server.domain.Principal;
import io.packtrail.server.domain.ResourceNames;
import io.packtrail.server.testing.FormatsDocument;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * docs/formats.md section 15's vectors: section 8's events A4 and B1 sealed again as an
 * authenticated caller's, by the server's code; the submitter keys are the only difference, the
 * digest is unchanged and A4's device signature still verifies.
 */
class SubmitterVectorsTest {
  private static final HexFormat HEX = HexFormat.of();
  private static final Set<String> SUBMITTER_KEYS = Set.of(Event.SUBMITTER_KIND,
      Event.SUBMITTER_NAME, Event.SUBMITTER_CERTIFICATE_SERIAL);

  @Test
  void theVectorsAreSection8sEventsWithTheirSubmitter() {
    FormatsDocument doc = FormatsDocument.load();
    FormatsDocument.Part s14 = doc.section("15.");
    FormatsDocument.Part vectors = s14.section("Test vectors");
    FormatsDocument.Table table = vectors.table();
    Map<String, EventVectorsTest.Vector> section8 = EventVectorsTest.replay(doc).stream()
        .collect(Collectors.toMap(v -> v.name().split(" ")[0], v -> v));
    List<FormatsDocument.Part> parts = vectors.subsections(4);
    assertEquals(table.rows().size(), parts.size(), "one subsection per vector");
    for (int i = 0; i < parts.size(); i++) {
      List<String> row = table.rows().get(i);
      String name = row.get(table.column("vector"));
      assertTrue(parts.get(i).title().startsWith(name + " "), parts.get(i).title());
      EventVectorsTest.Vector base = section8.get(row.get(table.column("event of section 8")));
      Principal submitter = principal(
          FormatsDocument.code(row.get(table.column("submitter.kind"))),
          FormatsDocument.code(row.get(table.column("submitter.name"))),
          FormatsDocument.code(row.get(table.column("submitter.certificate_serial"))));

      Event e = base.event();
      EventChain.Sealed sealed = EventChain.seal(base.submission().withSubmitter(submitter),
          new Actor(e.actorOrganization(), e.actorSite(), Set.of()), base.before(),
          base.sealed().unit(), e.logIndex(), e.recordTime(), base.submission().digest());
      Event s = sealed.event();
      List<FormatsDocument.CodeBlock> blocks = parts.get(i).codeBlocks();
      EventVectorsTest.check(doc, name + " fields", blocks.get(0),
          EventVectorsTest.renderFields(s.canonicalBytes()));
      EventVectorsTest.check(doc, name + " results", blocks.get(1), List.of(
          "previous       " + HEX.formatHex(s.previousHash()),
          "hash           " + HEX.formatHex(s.hash()),
          "digest         " + HEX.formatHex(s.requestDigest())));

      // section 8's event plus the three keys; the same digest and previous hash
      Map<String, String> with = fields(s.canonicalBytes());
      Map<String, String> without = new TreeMap<>(with);
      without.keySet().removeAll(SUBMITTER_KEYS);
      assertEquals(fields(e.canonicalBytes()), without, name);
      assertEquals(submitter.kind().name(), with.get(Event.SUBMITTER_KIND));
      assertArrayEquals(e.requestDigest(), s.requestDigest(), name + ": not in the digest");
      assertArrayEquals(e.previousHash(), s.previousHash());
      assertTrue(!Arrays.equals(e.hash(), s.hash()), name + ": the keys are hashed");
      if (with.containsKey("device")) {
        var statement = assertInstanceOf(DeviceCheck.Statement.class,
            DeviceCheck.of(s.canonicalBytes()));
        assertTrue(statement.verifies(section10DeviceKey(doc).publicKey()),
            name + ": the device's signature verifies without the submitter keys");
      }
    }
    EventVectorsTest.finish(doc);
  }

  @Test
  void submitterKindsAreTheProtoEnumWithoutItsPrefix() {
    List<String> proto = io.packtrail.v1.PrincipalKind.getDescriptor().getValues().stream()
        .filter(v -> v.getNumber() != 0)
        .map(v -> v.getName().substring("PRINCIPAL_KIND_".length())).toList();
    List<String> domain = Arrays.stream(Principal.Kind.values())
        .filter(k -> k != Principal.Kind.LOCAL).map(Enum::name).toList();
    assertEquals(domain, proto, "every kind a certificate names, LOCAL being none");
  }

  private static Principal principal(String kind, String name, String serial) {
    Principal.Kind k = Principal.Kind.valueOf(kind);
    Principal p = switch (k) {
      case DEVICE -> new Principal(k, ResourceNames.organizationOfSite(
          ResourceNames.siteOfDevice(name)), ResourceNames.siteOfDevice(name), name, serial);
      case WORKER -> new Principal(k, ResourceNames.organizationOfSite(name), name, null,
          serial);
      default -> new Principal(k, name, null, null, serial);
    };
    assertEquals(name, p.name());
    return p;
  }

  private static DeviceKey section10DeviceKey(FormatsDocument doc) {
    FormatsDocument.Table t = doc.section("10.").section("Test vectors").table();
    for (List<String> row : t.rows()) {
      if (row.get(0).equals("device private key (seed)")) {
        return DeviceKey.fromSeed(HEX.parseHex(FormatsDocument.code(row.get(1))));
      }
    }
    throw new AssertionError("section 10 has no device key");
  }

  private static Map<String, String> fields(byte[] canonical) {
    Map<String, String> out = new TreeMap<>();
    DeviceCheck.fields(canonical).forEach((k, v) -> out.put(k,
        new String(v, java.nio.charset.StandardCharsets.UTF_8)));
    return out;
  }

}
