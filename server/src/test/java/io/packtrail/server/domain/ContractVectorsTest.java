package io.packtrail.server.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.LocalDate;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** The vectors docs/formats.md gives for the inspection's test fields, and the USCC check. */
class ContractVectorsTest {

  @Test
  void anInspectionsFieldsEncodeAsDocumented() {
    Step.Inspection inspection = new Step.Inspection(
        new StateOfHealth(76.5, null, null, null, null, null, null), Grade.B, null,
        "GB/T 34015-2017", "Lab 1", LocalDate.parse("2026-03-01"));
    CanonicalFields fields = new CanonicalFields();
    inspection.writeTo(fields);
    byte[] bytes = fields.encode();
    assertEquals(192, bytes.length);
    assertEquals("85b77f4ccba1b4d0426f4f98a70aa08d0bf88a54d601d7b4386e0896e76577d6",
        HexFormat.of().formatHex(EventChain.sha256(bytes)));
    assertEquals(inspection, Step.readFrom(StepType.INSPECTION, CanonicalFields.decode(bytes)));
  }

  @Test
  void measurementsAreHeldAsTheyAreHashed() {
    StateOfHealth soh = new StateOfHealth(55.5555, 10.0004, null, null, null, null, null);
    assertEquals(55.556, soh.stateOfCertifiedEnergyPercent());
    assertEquals(10.0, soh.capacityFadePercent());
    assertTrue(Double.isNaN(CanonicalFields.round(Double.NaN)), "left for validation to refuse");
  }

  @Test
  void unifiedSocialCreditCodeCheckCharacters() {
    assertEquals('T', UnifiedSocialCreditCode.checkCharacter("91440300708461136"));
    assertEquals('3', UnifiedSocialCreditCode.checkCharacter("91350100M000100Y4"));
    assertEquals('L', UnifiedSocialCreditCode.checkCharacter("91110000600037341"));
    Violations v = new Violations();
    UnifiedSocialCreditCode.check(v, "f", "91440300708461136T");
    assertTrue(v.isEmpty(), v.list().toString());
  }
}
