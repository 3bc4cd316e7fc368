package io.packtrail.server.security;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeySealerTest {
  static final byte[] PRIVATE = "0123456789abcdef0123456789abcdef".getBytes();
  static final byte[] KEY_ID = {1, 2, 3, 4};

  @Test
  void sealedKeysOpenOnlyWithTheSameKeyAndKeyId() {
    KeySealer sealer = KeySealer.random();
    byte[] sealed = sealer.seal(PRIVATE, KEY_ID);
    assertEquals(12 + 32 + 16, sealed.length, "nonce, ciphertext, tag");
    assertFalse(new String(sealed).contains(new String(PRIVATE)));
    assertArrayEquals(PRIVATE, sealer.open(sealed, KEY_ID));
    assertThrows(IllegalStateException.class, () -> KeySealer.random().open(sealed, KEY_ID));
    assertThrows(IllegalStateException.class, () -> sealer.open(sealed, new byte[] {9, 9, 9, 9}),
        "a sealed key cannot be moved to another key's row");
    sealed[20] ^= 1;
    assertThrows(IllegalStateException.class, () -> sealer.open(sealed, KEY_ID));
  }

  @Test
  void theConfiguredKeyWinsElseAFileIsMadeOnceAndKept(@TempDir Path home) throws Exception {
    Path file = home.resolve("keys/key-encryption.key");
    KeySealer first = KeySealer.fromConfig(null, file);
    assertEquals("rw-------",
        PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    byte[] sealed = first.seal(PRIVATE, KEY_ID);
    assertArrayEquals(PRIVATE, KeySealer.fromConfig("", file).open(sealed, KEY_ID),
        "a restart opens what the last run sealed");

    String configured = Base64.getEncoder().encodeToString(new byte[32]);
    KeySealer fromEnv = KeySealer.fromConfig(configured, file);
    assertThrows(IllegalStateException.class, () -> fromEnv.open(sealed, KEY_ID));
    assertThrows(IllegalArgumentException.class,
        () -> KeySealer.fromConfig(Base64.getEncoder().encodeToString(new byte[16]), file));
    assertEquals("KeySealer[key hidden]", KeySealer.random().toString(), "never printed");
  }
}
