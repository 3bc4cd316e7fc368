package io.packtrail.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.packtrail.v1.RecordEventRequest;
import io.packtrail.v1.RegisterUnitRequest;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** What a caller keeps to send a step again after a lost answer. */
class WithIdsTest {
  @Test
  void aStepGetsItsIdAndTimeOnceAndKeepsThem() {
    RecordEventRequest bare = RecordEventRequest.newBuilder().setUnit("units/X").build();
    RecordEventRequest sent = PacktrailClient.withIds(bare);
    assertFalse(sent.getEventId().isEmpty());
    assertEquals(7, UUID.fromString(sent.getEventId()).version());
    assertTrue(sent.hasEventTime());
    assertSame(sent, PacktrailClient.withIds(sent), "sent again: the same id and time");
    // a call with the bare request again would be a new step: a new id
    assertFalse(PacktrailClient.withIds(bare).getEventId().equals(sent.getEventId()));
  }

  @Test
  void aRegistrationGetsItsRequestIdAndTimeOnce() {
    RegisterUnitRequest sent = PacktrailClient.withIds(RegisterUnitRequest.newBuilder()
        .setCode("X").build());
    assertFalse(sent.getRequestId().isEmpty());
    assertTrue(sent.hasEventTime());
    assertSame(sent, PacktrailClient.withIds(sent));
  }

  @Test
  void anIdWithoutATimeIsRefusedForTheTimeWouldDifferAtEachSend() {
    IllegalArgumentException step = org.junit.jupiter.api.Assertions.assertThrows(
        IllegalArgumentException.class, () -> PacktrailClient.withIds(RecordEventRequest
            .newBuilder().setUnit("units/X").setEventId(UUID.randomUUID().toString()).build()));
    assertTrue(step.getMessage().startsWith("event_id is set but event_time is not"),
        step.getMessage());
    IllegalArgumentException registration = org.junit.jupiter.api.Assertions.assertThrows(
        IllegalArgumentException.class, () -> PacktrailClient.withIds(RegisterUnitRequest
            .newBuilder().setCode("X").setRequestId(UUID.randomUUID().toString()).build()));
    assertTrue(registration.getMessage().startsWith("request_id is set but event_time is not"),
        registration.getMessage());
  }
}
