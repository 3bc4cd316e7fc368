package io.packtrail.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.packtrail.client.canonical.Canonical;
import io.packtrail.v1.Event;
import io.packtrail.v1.Sale;
import io.packtrail.v1.Registration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * A timeline shown from events' structured fields is checked against their hashed bytes too: a
 * chain whose hashes all link may still show another site, time or unit than it hashed (a server
 * that lies in the structured fields, or an edited offline cache).
 */
class HashChainTest {
  static final String UNIT = "X12PCPM27KLPCLX2M23823320";
  static final Instant T = Instant.parse("2026-12-01T08:30:00.123456Z");

  /** Two events of UNIT, their bytes and hashes as the server makes them. */
  static List<Event> chain(String unit) {
    List<Event> events = new ArrayList<>();
    byte[] previous = new byte[32];
    String[] types = {"registration", "sale"};
    for (int i = 0; i < 2; i++) {
      TreeMap<String, String> f = new TreeMap<>();
      f.put("unit.code", unit);
      f.put("unit.sequence", Integer.toString(i + 1));
      f.put("event.time", Canonical.time(T.plusSeconds(60L * i)));
      f.put("event.type", types[i]);
      f.put("actor.site", "organizations/acme/sites/plant");
      f.put("actor.organization", "organizations/acme");
      byte[] bytes = Canonical.encode(f);
      byte[] hash = HashChain.hash(previous, bytes);
      Event.Builder e = Event.newBuilder().setSequence(i + 1)
          .setEventTime(PacktrailClient.timestamp(T.plusSeconds(60L * i)))
          .setActorSite("organizations/acme/sites/plant").setActorOrganization("organizations/acme")
          .setCanonicalBytes(ByteString.copyFrom(bytes)).setPreviousHash(ByteString.copyFrom(previous))
          .setHash(ByteString.copyFrom(hash));
      if (i == 0) {
        e.setRegistration(Registration.getDefaultInstance());
      } else {
        e.setSale(Sale.getDefaultInstance());
      }
      events.add(e.build());
      previous = hash;
    }
    return events;
  }

  @Test
  void eventsShowingWhatTheyHashedPass() {
    HashChain.Result r = HashChain.verify(UNIT, chain(UNIT), ByteString.EMPTY);
    assertTrue(r.ok(), r.detail());
    assertTrue(r.detail().contains("those its bytes state"), r.detail());
  }

  @Test
  void aStructuredFieldOtherThanTheBytesIsABrokenChain() {
    List<Event> events = new ArrayList<>(chain(UNIT));
    events.set(1, events.get(1).toBuilder().setActorSite("organizations/acme/sites/elsewhere")
        .build());
    assertTrue(HashChain.verify(events, ByteString.EMPTY).ok(), "the hashes alone still link");
    HashChain.Result r = HashChain.verify(UNIT, events, ByteString.EMPTY);
    assertFalse(r.ok());
    assertEquals("event 2 shows actor.site organizations/acme/sites/elsewhere, but its hashed "
        + "bytes state organizations/acme/sites/plant", r.detail());
  }

  /** Beyond a gap (an offline cache) there is no chain, but each event still meets its bytes. */
  @Test
  void anEventBeyondAGapIsStillCheckedAgainstItsOwnBytes() {
    Event second = chain(UNIT).get(1);
    assertTrue(HashChain.shownAsHashed(UNIT, List.of(second)).ok());
    HashChain.Result r = HashChain.shownAsHashed(UNIT, List.of(second.toBuilder()
        .setEventTime(PacktrailClient.timestamp(T.plusSeconds(3600))).build()));
    assertFalse(r.ok());
    assertTrue(r.detail().startsWith("event 2 shows event.time "), r.detail());
  }

  @Test
  void anotherUnitsValidChainUnderThisCodeIsABrokenChain() {
    HashChain.Result r = HashChain.verify(UNIT, chain("X12PCPM27KLPCLX2M23823321"),
        ByteString.EMPTY);
    assertFalse(r.ok());
    assertTrue(r.detail().startsWith("event 1 shows unit.code " + UNIT + ", but its hashed "
        + "bytes state X12PCPM27KLPCLX2M23823321"),
        r.detail());
  }
}
