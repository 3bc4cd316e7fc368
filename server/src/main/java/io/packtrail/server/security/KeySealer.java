package io.packtrail.server.security;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Seals private keys for storage: AES-256-GCM under the deployment's key-encryption key, with
 * the key's id as associated data so a sealed key cannot be moved to another row. The
 * key-encryption key comes from configuration and is never stored in the database.
 */
public final class KeySealer {
  private static final int NONCE = 12;
  private static final int TAG_BITS = 128;
  private static final SecureRandom RANDOM = new SecureRandom();

  private final SecretKeySpec key;

  public KeySealer(byte[] keyEncryptionKey) {
    if (keyEncryptionKey.length != 32) {
      throw new IllegalArgumentException("the key-encryption key must be 32 bytes (base64 of 32 "
          + "random bytes), got " + keyEncryptionKey.length);
    }
    this.key = new SecretKeySpec(keyEncryptionKey.clone(), "AES");
  }

  /** A sealer with a fresh random key (tests, throwaway servers). */
  public static KeySealer random() {
    byte[] k = new byte[32];
    RANDOM.nextBytes(k);
    return new KeySealer(k);
  }

  /**
   * The key-encryption key from base64 text when given; otherwise from {@code file}, created with
   * a fresh random key (owner-only permissions) on first use.
   */
  public static KeySealer fromConfig(String base64, Path file) throws IOException {
    if (base64 != null && !base64.isBlank()) {
      byte[] key;
      try {
        key = Base64.getDecoder().decode(base64.trim());
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("the key-encryption key (--key-encryption-key, "
            + "PACKTRAIL_KEY_ENCRYPTION_KEY) is not base64: " + e.getMessage());
      }
      return new KeySealer(key);
    }
    if (!Files.exists(file)) {
      byte[] k = new byte[32];
      RANDOM.nextBytes(k);
      // owner-only from its first byte, whole, and on disk before anything is sealed with it
      try {
        io.packtrail.client.DurableFiles.createPrivate(file,
            (Base64.getEncoder().encodeToString(k) + "\n").getBytes(StandardCharsets.US_ASCII));
      } catch (java.nio.file.FileAlreadyExistsException madeMeanwhile) {
        // another process made it first: that one is the key
      }
    }
    return new KeySealer(Base64.getDecoder().decode(Files.readString(file).trim()));
  }

  public byte[] seal(byte[] privateKey, byte[] keyId) {
    try {
      byte[] nonce = new byte[NONCE];
      RANDOM.nextBytes(nonce);
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
      c.updateAAD(keyId);
      byte[] sealed = c.doFinal(privateKey);
      byte[] out = Arrays.copyOf(nonce, NONCE + sealed.length);
      System.arraycopy(sealed, 0, out, NONCE, sealed.length);
      return out;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("sealing a key failed", e);
    }
  }

  public byte[] open(byte[] sealed, byte[] keyId) {
    try {
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, sealed, 0, NONCE));
      c.updateAAD(keyId);
      return c.doFinal(sealed, NONCE, sealed.length - NONCE);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("a stored private key cannot be opened: wrong "
          + "key-encryption key (PACKTRAIL_KEY_ENCRYPTION_KEY) or tampered data");
    }
  }

  @Override
  public String toString() {
    return "KeySealer[key hidden]";
  }
}
