package io.packtrail.server.domain;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class EventChainTest {
  static final Instant T = Instant.parse("2026-03-01T08:00:00.123456789Z");

  @Test
  void canonicalEncodingIsSortedLengthPrefixedUtf8() {
    byte[] bytes = new CanonicalFields().put("b", "2").put("a", "é").encode();
    // a: u16 1, "a", u32 2, "é" (2 bytes); then b
    assertEquals("0001" + "61" + "00000002" + "c3a9" + "0001" + "62" + "00000001" + "32",
        HexFormat.of().formatHex(bytes));
    assertEquals("é", CanonicalFields.decode(bytes).get("a"));
  }

  @Test
  void decodingRefusesKeysOutOfOrderAndTruncation() {
    byte[] good = new CanonicalFields().put("a", "1").put("b", "2").encode();
    byte[] swapped = new byte[good.length];
    System.arraycopy(good, 8, swapped, 0, 8);
    System.arraycopy(good, 0, swapped, 8, 8);
    assertThrows(IllegalArgumentException.class, () -> CanonicalFields.decode(swapped));
    byte[] truncated = java.util.Arrays.copyOf(good, good.length - 1);
    assertThrows(IllegalArgumentException.class, () -> CanonicalFields.decode(truncated));
  }

  @Test
  void timesAndDecimalsHaveOneSpelling() {
    assertEquals("2026-03-01T08:00:00.123456Z", CanonicalFields.time(T));
    assertEquals("2026-03-01T08:00:00.000000Z",
        CanonicalFields.time(Instant.parse("2026-03-01T08:00:00Z")));
    assertEquals("55.500", CanonicalFields.decimal(55.5));
    assertEquals("0.100", CanonicalFields.decimal(0.1));
    assertEquals("2.000", CanonicalFields.decimal(1.9995));
  }

  List<Event> history() {
    Actor factory = new Actor("organizations/maker", "organizations/maker/sites/f",
        java.util.Set.of(OrganizationRole.BATTERY_MAKER));
    Actor station = new Actor("organizations/dealer", "organizations/dealer/sites/s",
        java.util.Set.of(OrganizationRole.DEALER));
    List<Event> events = new ArrayList<>();
    UnitState unit = UnitState.unregistered("CODE");
    Submission[] steps = {
        new Submission(UUID.randomUUID(), "CODE", T, factory.site(), LifecycleTest.REGISTRATION),
        new Submission(UUID.randomUUID(), "CODE", T.plusSeconds(60), station.site(),
            LifecycleTest.SALE)};
    Actor[] actors = {factory, station};
    for (int i = 0; i < steps.length; i++) {
      UnitState after = Lifecycle.apply(unit, steps[i].step(), actors[i],
          steps[i].eventTime());
      EventChain.Sealed sealed = EventChain.seal(steps[i], actors[i], unit, after, 10 + i,
          T.plusSeconds(120), steps[i].digest());
      events.add(sealed.event());
      unit = sealed.unit();
    }
    return events;
  }

  @Test
  void hashesChainFromZeroAsDocumented() throws Exception {
    List<Event> events = history();
    assertArrayEquals(new byte[32], events.get(0).previousHash());
    for (Event e : events) {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update("packtrail/event-chain/v1".getBytes(StandardCharsets.US_ASCII));
      sha.update(e.previousHash());
      sha.update(e.canonicalBytes());
      assertArrayEquals(sha.digest(), e.hash());
    }
    assertArrayEquals(events.get(0).hash(), events.get(1).previousHash());
    assertEquals(-1, EventChain.firstBreak(events));
  }

  @Test
  void canonicalBytesRoundTripToTheSameEvent() {
    for (Event e : history()) {
      Event back = EventChain.fromCanonical(e.canonicalBytes(), e.previousHash(), e.hash(),
          e.requestDigest());
      assertEquals(e.eventId(), back.eventId());
      assertEquals(e.step(), back.step());
      assertEquals(e.eventTime(), back.eventTime());
      assertEquals(e.sequence(), back.sequence());
      assertEquals(e.logIndex(), back.logIndex());
      assertEquals(e.stateBefore(), back.stateBefore());
      assertEquals(e.stateAfter(), back.stateAfter());
    }
  }

  @Test
  void anEditOrAGapBreaksTheChain() {
    List<Event> events = history();
    Event sale = events.get(1);
    byte[] edited = sale.canonicalBytes().clone();
    edited[edited.length - 1] ^= 1;
    List<Event> tampered = List.of(events.get(0), new Event(sale.eventId(), sale.unitCode(),
        sale.sequence(), sale.logIndex(), sale.type(), sale.eventTime(), sale.recordTime(),
        sale.actorOrganization(), sale.actorSite(), sale.stateBefore(), sale.stateAfter(),
        sale.step(), sale.previousHash(), sale.hash(), edited, sale.requestDigest(),
        sale.labelSerial()));
    assertEquals(1, EventChain.firstBreak(tampered));
    assertEquals(0, EventChain.firstBreak(List.of(sale)), "a history must start at sequence 1");
  }

  @Test
  void theRequestDigestCoversWhatTheClientChoseOnly() {
    Submission a = new Submission(UUID.fromString("00000000-0000-0000-0000-000000000001"),
        "CODE", T, "organizations/d/sites/s", LifecycleTest.SALE);
    Submission same = new Submission(a.eventId(), "CODE", T.plusNanos(1), a.actorSite(),
        new Step.Sale("1M8GDM9AXKP042788", "organizations/dealer"));
    Submission other = new Submission(a.eventId(), "CODE", T, a.actorSite(),
        new Step.Sale("11111111111111111", "organizations/dealer"));
    assertArrayEquals(a.digest(), same.digest(), "nanoseconds below microseconds are not kept");
    assertNotEquals(HexFormat.of().formatHex(a.digest()), HexFormat.of().formatHex(other.digest()));
  }
}
