package io.packtrail.server.domain;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Names are built and taken apart in one place; each parser inverts its builder. */
class ResourceNamesTest {

  @Test
  void eventNamesAreUnitNamesWithAPositiveSequence() {
    assertTrue(ResourceNames.isEvent(ResourceNames.event("X12MCPM27KLPCLX2M2382320", 7)));
    assertTrue(ResourceNames.isEvent("units/GSBPB01S3F0000042RP/events/1"));
    assertFalse(ResourceNames.isEvent("units/X12MCPM27KLPCLX2M2382320/events/0"));
    assertFalse(ResourceNames.isEvent("units/x12/events/1"));
    assertFalse(ResourceNames.isEvent("units/X12MCPM27KLPCLX2M2382320"));
    assertFalse(ResourceNames.isEvent(null));
    // the largest sequence a long holds, and one beyond it, which the pattern alone let by
    assertEquals(new ResourceNames.EventName("X12MCPM27KLPCLX2M2382320", Long.MAX_VALUE),
        ResourceNames.parseEvent("units/X12MCPM27KLPCLX2M2382320/events/9223372036854775807"));
    assertFalse(ResourceNames.isEvent("units/X12MCPM27KLPCLX2M2382320/events/9223372036854775808"));
    assertFalse(ResourceNames.isEvent("units/X12MCPM27KLPCLX2M2382320/events/9999999999999999999"));
  }

  @Test
  void organizationIdsComeBackOutOfTheirNames() {
    assertEquals("acme-cells",
        ResourceNames.organizationId(ResourceNames.organization("acme-cells")));
    assertEquals(ResourceNames.organization("acme-cells"),
        ResourceNames.organizationOfSite(ResourceNames.site("acme-cells", "plant")));
    assertThrows(IllegalArgumentException.class,
        () -> ResourceNames.organizationId("organizations/acme-cells/sites/plant"));
  }

  @Test
  void unitCodesComeBackOutOfTheirNames() {
    assertEquals("TMKPBA1TRACE01RA50000014",
        ResourceNames.unitCode(ResourceNames.unit("TMKPBA1TRACE01RA50000014")));
    assertThrows(IllegalArgumentException.class, () -> ResourceNames.unitCode("labels/7"));
  }

  @Test
  void labelSerialsComeBackOutOfTheirNames() {
    Violations v = new Violations();
    assertEquals(1_000_003L, ResourceNames.labelSerial(v, "name", ResourceNames.label(1_000_003)));
    assertTrue(v.isEmpty());
  }

  @ParameterizedTest
  @ValueSource(strings = {"labels/0", "labels/-1", "labels/", "label/5", "labels/5x", "units/5"})
  void malformedLabelNamesAreViolationsOnTheField(String name) {
    Violations v = new Violations();
    assertEquals(0, ResourceNames.labelSerial(v, "name", name));
    assertEquals(List.of(new FieldViolation("name",
        "must be labels/{serial} with a positive serial")), v.list());
  }

  @Test
  void aLabelSerialBeyondALongIsOutOfRange() {
    Violations v = new Violations();
    assertEquals(0, ResourceNames.labelSerial(v, "name", "labels/9999999999999999999"));
    assertEquals(List.of(new FieldViolation("name", "serial is out of range")), v.list());
  }

  @Test
  void labelKeyNamesComeApartIntoOrganizationAndKeyId() {
    Violations v = new Violations();
    ResourceNames.LabelKeyName parsed =
        ResourceNames.labelKey(v, "name", ResourceNames.labelKey("acme-cells", "0a1b2c3d"));
    assertTrue(v.isEmpty());
    assertEquals("acme-cells", parsed.organizationId());
    assertArrayEquals(new byte[] {0x0a, 0x1b, 0x2c, 0x3d}, parsed.keyId());
  }

  @ParameterizedTest
  @ValueSource(strings = {"organizations/acme-cells/labelKeys/0A1B2C3D",
      "organizations/acme-cells/labelKeys/0a1b2c", "organizations/Acme/labelKeys/0a1b2c3d",
      "labels/5"})
  void malformedLabelKeyNamesAreViolationsOnTheField(String name) {
    Violations v = new Violations();
    assertNull(ResourceNames.labelKey(v, "name", name));
    assertEquals(List.of(new FieldViolation("name",
        "must be organizations/{id}/labelKeys/{8 hex digits}")), v.list());
  }
}
