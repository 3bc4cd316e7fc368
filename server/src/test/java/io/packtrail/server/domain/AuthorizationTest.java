package io.packtrail.server.domain;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import org.junit.jupiter.api.Test;

/** The scope rules' pure parts: names owned, acting sites, units held. */
class AuthorizationTest {
  static final String ORG = "organizations/abc";
  static final String SITE = ORG + "/sites/yard";
  static final Principal SYSTEM = new Principal(Principal.Kind.ORGANIZATION_SYSTEM, ORG, null,
      null, "01");
  static final Principal WORKER = new Principal(Principal.Kind.WORKER, ORG, SITE, null, "02");
  static final Principal DEVICE = new Principal(Principal.Kind.DEVICE, ORG, SITE, "gun-1", "03");
  static final Principal NO_ORG = new Principal(Principal.Kind.WORKER, null, SITE, null, "04");

  @Test
  void namesAreOwnedSegmentBySegment() {
    assertTrue(Authorization.owns(SYSTEM, ORG));
    assertTrue(Authorization.owns(SYSTEM, SITE + "/devices/x"));
    assertFalse(Authorization.owns(SYSTEM, "organizations/abcd"), "a longer id is another");
    assertFalse(Authorization.owns(SYSTEM, "organizations/abcd/sites/yard"));
    assertTrue(Authorization.owns(WORKER, SITE + "/devices/x"));
    assertFalse(Authorization.owns(WORKER, ORG + "/sites/yard2"));
    assertFalse(Authorization.owns(WORKER, ORG));
    assertTrue(Authorization.owns(DEVICE, SITE + "/devices/gun-1"));
    assertTrue(Authorization.owns(DEVICE, SITE), "its site, to read the site's figures");
    assertFalse(Authorization.owns(DEVICE, SITE + "/devices/gun-2"), "never another device");
    assertFalse(Authorization.owns(SYSTEM, null));
    assertTrue(Authorization.owns(Principal.LOCAL, "organizations/anyone"));
    assertTrue(Authorization.owns(new Principal(Principal.Kind.OPERATOR, null, null, null, "9"),
        "organizations/anyone"));
    assertEquals(SITE + "/devices/gun-1", DEVICE.name());
    assertEquals(SITE + "/devices/gun-1", new Principal(Principal.Kind.DEVICE, ORG, SITE,
        SITE + "/devices/gun-1", "05").name(), "a full device name is taken as it is");
  }

  @Test
  void actingSitesAndMakers() {
    Step.Registration own = new Step.Registration(UnitLevel.PACK, Chemistry.LFP, 1, 1, 1, 1, ORG);
    Step.Registration other = new Step.Registration(UnitLevel.PACK, Chemistry.LFP, 1, 1, 1, 1,
        "organizations/xyz");
    assertDoesNotThrow(() -> Authorization.checkActingSite(SYSTEM, ORG + "/sites/any", own));
    assertThrows(Authorization.Denied.class,
        () -> Authorization.checkActingSite(SYSTEM, "organizations/abcd/sites/any", own));
    assertThrows(Authorization.Denied.class,
        () -> Authorization.checkActingSite(SYSTEM, ORG + "/sites/any", other));
    assertDoesNotThrow(() -> Authorization.checkActingSite(WORKER, SITE, own));
    assertThrows(Authorization.Denied.class,
        () -> Authorization.checkActingSite(WORKER, ORG + "/sites/other", own));
    assertThrows(Authorization.Denied.class,
        () -> Authorization.checkActingSite(NO_ORG, SITE, own), "no organisation, no maker");
  }

  @Test
  void unitsHeldShippedOrOfAParty() {
    UnitState held = state(LifecycleState.GRADED, ORG, null);
    UnitState others = state(LifecycleState.GRADED, "organizations/xyz", null);
    assertDoesNotThrow(() -> Authorization.checkUnit(WORKER, StepType.SHIPMENT, "C", held, true,
        Set.of()));
    Authorization.Denied d = assertThrows(Authorization.Denied.class,
        () -> Authorization.checkUnit(WORKER, StepType.SHIPMENT, "C", others, true, Set.of()));
    assertFalse(d.getMessage().contains("xyz"), d.getMessage());
    assertEquals(d.getMessage(), assertThrows(Authorization.Denied.class,
        () -> Authorization.checkUnit(WORKER, StepType.SHIPMENT, "C", null, true, Set.of()))
        .getMessage(), "the same for a unit that does not exist");
    assertThrows(Authorization.Denied.class, () -> Authorization.checkUnit(NO_ORG,
        StepType.SHIPMENT, "C", held, true, Set.of()));

    UnitState shipped = state(LifecycleState.IN_TRANSIT, "organizations/xyz", SITE);
    assertDoesNotThrow(() -> Authorization.checkUnit(SYSTEM, StepType.RECEIPT, "C", shipped,
        false, Set.of()));
    assertThrows(Authorization.Denied.class, () -> Authorization.checkUnit(SYSTEM,
        StepType.RECEIPT, "C", state(LifecycleState.IN_TRANSIT, ORG, "organizations/xyz/sites/s"),
        false, Set.of()));

    assertDoesNotThrow(() -> Authorization.checkUnit(SYSTEM, StepType.CORRECTION, "C", others,
        false, Set.of(ORG)));
    assertThrows(Authorization.Denied.class, () -> Authorization.checkUnit(SYSTEM,
        StepType.CORRECTION, "C", others, false, Set.of("organizations/xyz")));
    assertDoesNotThrow(() -> Authorization.checkUnit(SYSTEM, StepType.COLLECTION, "C", others,
        false, Set.of()), "taking a unit over needs only the acting site");
  }

  private static UnitState state(LifecycleState s, String custodian, String destination) {
    return new UnitState("C", UnitLevel.PACK, Chemistry.LFP, s, custodian, null, null,
        destination, null, null, null, 1, new byte[32], 1, 1, null, EuStatus.ORIGINAL);
  }
}
