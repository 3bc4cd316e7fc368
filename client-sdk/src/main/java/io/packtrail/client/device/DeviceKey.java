package io.packtrail.client.device;

import io.packtrail.client.DurableFiles;
import io.packtrail.client.label.Ed25519Keys;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.Set;

/**
 * A device's Ed25519 key pair (raw 32-byte RFC 8032 seed and public key, as the label keys of
 * {@link Ed25519Keys}). On disk the private key is one line, the seed in lower-case hex, in a
 * file only its owner may read and write (POSIX mode 600); a key file that its group or others
 * may access is refused, as ssh refuses such a private key.
 */
public final class DeviceKey {
  /** What a device key file may be: read and write by its owner, nothing for anyone else. */
  public static final Set<PosixFilePermission> OWNER_ONLY = DurableFiles.OWNER_ONLY;
  private static final HexFormat HEX = HexFormat.of();

  private final byte[] privateKey;
  private final byte[] publicKey;

  private DeviceKey(byte[] privateKey) {
    this.privateKey = privateKey.clone();
    this.publicKey = Ed25519Keys.publicKeyOf(privateKey);
  }

  /** A fresh key pair from the system's secure random source. */
  public static DeviceKey generate() {
    return new DeviceKey(Ed25519Keys.generate().privateKey());
  }

  /** The key pair of a 32-byte seed (test vectors; a device uses {@link #generate}). */
  public static DeviceKey fromSeed(byte[] seed) {
    if (seed.length != Ed25519Keys.KEY_SIZE) {
      throw new IllegalArgumentException("an Ed25519 seed has 32 bytes, not " + seed.length);
    }
    return new DeviceKey(seed);
  }

  /** The raw 32-byte public key, as EnrollDeviceRequest.public_key wants it. */
  public byte[] publicKey() {
    return publicKey.clone();
  }

  /** The 64-byte signature of a step statement: Ed25519 over the tag, 0x00, the statement. */
  public byte[] sign(byte[] statement) {
    return Ed25519Keys.sign(DeviceSignatures.TAG, statement, privateKey);
  }

  /**
   * This key as a log witness's (the same key file serves a witness, e.g. the scanner's
   * {@code monitor --witness}): the C2SP cosignature of a checkpoint body at {@code timestamp}
   * (Unix seconds) under {@code witnessName} (io.packtrail.client.log.Cosignature).
   */
  public io.packtrail.client.log.SignedNote.Signature cosign(byte[] checkpointBody,
      String witnessName, long timestamp) {
    return io.packtrail.client.log.Cosignature.sign(checkpointBody, witnessName, privateKey,
        timestamp);
  }

  /**
   * Writes the private key to a new file with mode 600 (created with it, never widened first),
   * through a temporary file in the same directory renamed into place, so a crash leaves either
   * no key file or a whole one. Refuses to overwrite an existing file: an enrolled device's key
   * is not replaced by accident.
   *
   * @throws IOException also when the file system has no POSIX permissions
   */
  public void save(Path file) throws IOException {
    if (Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
      throw new FileAlreadyExistsException(file.toString(), null,
          "a device key is there already; remove it on purpose to make a new one");
    }
    DurableFiles.createPrivate(file,
        (HEX.formatHex(privateKey) + "\n").getBytes(StandardCharsets.US_ASCII));
  }

  /**
   * Reads a key written by {@link #save}.
   *
   * @throws IOException when the file is missing, unreadable, malformed, or its group or others
   *     have any permission on it (the message says how to fix that)
   */
  public static DeviceKey load(Path file) throws IOException {
    Set<PosixFilePermission> mode;
    try {
      mode = Files.getPosixFilePermissions(file);
    } catch (UnsupportedOperationException noPosix) {
      throw new IOException("cannot check who may read the device key " + file
          + ": the file system has no POSIX permissions", noPosix);
    }
    Set<PosixFilePermission> others = EnumSet.copyOf(mode);
    others.removeAll(EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE,
        PosixFilePermission.OWNER_EXECUTE));
    if (!others.isEmpty()) {
      throw new IOException("the device key " + file + " is accessible to others (mode "
          + PosixFilePermissions.toString(mode) + "); it must be readable by its owner only: "
          + "chmod 600 " + file);
    }
    String text = Files.readString(file, StandardCharsets.US_ASCII).strip();
    byte[] seed;
    try {
      seed = HEX.parseHex(text);
    } catch (IllegalArgumentException e) {
      throw new IOException("the device key " + file + " is not 64 hex digits", e);
    }
    if (seed.length != Ed25519Keys.KEY_SIZE) {
      throw new IOException("the device key " + file + " is not 64 hex digits");
    }
    try {
      return new DeviceKey(seed);
    } finally {
      Arrays.fill(seed, (byte) 0);
    }
  }
}
