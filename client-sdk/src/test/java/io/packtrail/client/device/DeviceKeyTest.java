package io.packtrail.client.device;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Timestamp;
import io.packtrail.v1.Collection;
import io.packtrail.v1.RecordEventRequest;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeviceKeyTest {
  @TempDir
  Path dir;

  @Test
  void aSavedKeyIsOwnerOnlyAndLoadsBack() throws IOException {
    DeviceKey key = DeviceKey.generate();
    Path file = dir.resolve("keys/device.key");
    key.save(file);
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    assertArrayEquals(key.publicKey(), DeviceKey.load(file).publicKey());
    assertThrows(FileAlreadyExistsException.class, () -> DeviceKey.generate().save(file));
    assertArrayEquals(key.publicKey(), DeviceKey.load(file).publicKey(), "not overwritten");
  }

  @Test
  void aKeyOthersMayReadIsRefused() throws IOException {
    Path file = dir.resolve("device.key");
    DeviceKey.generate().save(file);
    for (String mode : new String[] {"rw-r-----", "rw----r--", "rw-rw-rw-"}) {
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(mode));
      IOException e = assertThrows(IOException.class, () -> DeviceKey.load(file));
      assertTrue(e.getMessage().contains("chmod 600"), e.getMessage());
    }
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("r--------"));
    DeviceKey.load(file);
    Files.writeString(file, "not hex\n");
    assertThrows(IOException.class, () -> DeviceKey.load(file));
  }

  @Test
  void theSignerFixesIdAndTimeAndSignsTheStatement() {
    DeviceKey key = DeviceKey.generate();
    DeviceSigner signer = new DeviceSigner(key, "organizations/o-1/sites/s-1/devices/d-1");
    RecordEventRequest signed = signer.sign(RecordEventRequest.newBuilder()
        .setUnit("units/X12MCPM27KLPCLX2M2382320").setActorSite("organizations/o-1/sites/s-1")
        .setCollection(Collection.getDefaultInstance()).build());
    assertEquals(36, signed.getEventId().length());
    assertTrue(signed.hasEventTime());
    assertEquals(signer.device(), signed.getDevice());
    assertTrue(DeviceSignatures.verify(signed, key.publicKey()));
    // changing what was signed breaks it: here the time, below the microsecond it does not
    Timestamp t = signed.getEventTime();
    assertTrue(DeviceSignatures.verify(signed.toBuilder().setEventTime(t.toBuilder()
        .setNanos(t.getNanos() / 1000 * 1000 + 999)).build(), key.publicKey()));
    assertTrue(!DeviceSignatures.verify(signed.toBuilder().setEventTime(t.toBuilder()
        .setSeconds(t.getSeconds() + 1)).build(), key.publicKey()));
    assertThrows(IllegalArgumentException.class, () -> StepStatement.of(
        RecordEventRequest.newBuilder().setEventId("x").build(), signer.device()));
  }
}
