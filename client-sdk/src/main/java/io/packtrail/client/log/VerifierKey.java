package io.packtrail.client.log;

import io.packtrail.client.label.Ed25519Keys;
import io.packtrail.client.log.LogVerificationException.Reason;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.math.ec.rfc8032.Ed25519;

/**
 * A public key that verifies signed-note signatures (C2SP signed-note), with its key name and
 * signature type: {@link #TYPE_ED25519} (0x01) for notes such as the log's checkpoints, {@link
 * #TYPE_COSIGNATURE} (0x04) for a witness's timestamped cosignatures (C2SP tlog-cosignature).
 *
 * <p>Its text form, the verifier key, is {@code <name>+<key hash, 8 lower-case hex
 * digits>+<base64(type || 32-byte Ed25519 public key)>}; the key hash is the first 4 bytes of
 * SHA-256(name || 0x0A || type || public key).
 */
public final class VerifierKey {

  /** Ed25519 signatures over the note text (signed-note signature type 0x01). */
  public static final int TYPE_ED25519 = 0x01;
  /** Timestamped Ed25519 cosignatures, cosignature/v1 (signed-note signature type 0x04). */
  public static final int TYPE_COSIGNATURE = 0x04;
  /** The key hash (key ID) that starts every signature: 4 bytes. */
  public static final int KEY_HASH_SIZE = 4;
  /** The longest key name accepted, in UTF-8 bytes (the name is the log's origin or a witness's name). */
  public static final int MAX_NAME_BYTES = 256;

  private static final HexFormat HEX = HexFormat.of();

  private final String name;
  private final int type;
  private final byte[] publicKey;
  private final byte[] keyHash;
  private final Ed25519PublicKeyParameters decoded;

  private VerifierKey(String name, int type, byte[] publicKey, Ed25519PublicKeyParameters decoded) {
    this.name = name;
    this.type = type;
    this.publicKey = publicKey.clone();
    this.keyHash = keyHash(name, type, publicKey);
    this.decoded = decoded;
  }

  /**
   * The verifier key of a log (type 0x01) named {@code name} with this raw 32-byte Ed25519
   * public key.
   *
   * @throws IllegalArgumentException for an invalid key name or public key
   */
  public static VerifierKey of(String name, byte[] publicKey) {
    return of(name, TYPE_ED25519, publicKey);
  }

  /** The verifier key of a cosigner (witness, type 0x04) named {@code name} with this public key. */
  public static VerifierKey ofCosigner(String name, byte[] publicKey) {
    return of(name, TYPE_COSIGNATURE, publicKey);
  }

  private static VerifierKey of(String name, int type, byte[] publicKey) {
    String problem = keyNameProblem(name);
    if (problem != null) {
      throw new IllegalArgumentException(problem);
    }
    Ed25519PublicKeyParameters decoded = decode(publicKey);
    if (decoded == null) {
      throw new IllegalArgumentException("not a valid Ed25519 public key (32 bytes, a curve point)");
    }
    return new VerifierKey(name, type, publicKey, decoded);
  }

  /**
   * Parses a verifier key string {@code <name>+<hash>+<base64 key>}.
   *
   * @throws LogVerificationException (MALFORMED) naming what is wrong: the parts, the name, the
   *     hash digits, the base64, the signature type, the key, or a key hash that does not match
   */
  public static VerifierKey parse(String vkey) throws LogVerificationException {
    if (vkey == null || vkey.length() > MAX_NAME_BYTES + 64) {
      throw malformed("verifier key is " + (vkey == null ? "missing" : "longer than " + (MAX_NAME_BYTES + 64)
          + " characters"));
    }
    // the name and the hash hold no '+'; the base64 key may
    String[] parts = vkey.split("\\+", 3);
    if (parts.length != 3) {
      throw malformed("verifier key has " + parts.length + " parts separated by '+', not 3 (name+hash+key)");
    }
    String name = parts[0];
    String problem = keyNameProblem(name);
    if (problem != null) {
      throw malformed("verifier key: " + problem);
    }
    if (!parts[1].matches("[0-9a-fA-F]{8}")) {
      throw malformed("verifier key hash '" + parts[1] + "' is not 8 hex digits");
    }
    byte[] key = decodeBase64(parts[2], "verifier key");
    if (key.length == 0) {
      throw malformed("verifier key has no signature type byte");
    }
    int type = key[0] & 0xff;
    if (type != TYPE_ED25519 && type != TYPE_COSIGNATURE) {
      throw malformed(String.format("verifier key has signature type 0x%02x; only 0x01 (Ed25519) and 0x04"
          + " (Ed25519 cosignature) are supported", type));
    }
    byte[] publicKey = Arrays.copyOfRange(key, 1, key.length);
    if (publicKey.length != Ed25519Keys.KEY_SIZE) {
      throw malformed("verifier key has a " + publicKey.length + "-byte public key, not 32");
    }
    Ed25519PublicKeyParameters decoded = decode(publicKey);
    if (decoded == null) {
      throw malformed("verifier key's public key is not a valid Ed25519 public key");
    }
    VerifierKey parsed = new VerifierKey(name, type, publicKey, decoded);
    // exactly the lower-case form (section 12): one key, one verifier-key string
    if (!HEX.formatHex(parsed.keyHash).equals(parts[1])) {
      throw malformed("verifier key hash " + parts[1] + " does not match its name and key (expected "
          + HEX.formatHex(parsed.keyHash) + ")");
    }
    return parsed;
  }

  /** The verifier key string {@code <name>+<8 hex digits>+<base64(type || public key)>}. */
  public String encode() {
    byte[] key = new byte[1 + publicKey.length];
    key[0] = (byte) type;
    System.arraycopy(publicKey, 0, key, 1, publicKey.length);
    return name + "+" + HEX.formatHex(keyHash) + "+" + Base64.getEncoder().encodeToString(key);
  }

  /** The 4-byte key hash (key ID): SHA-256(name || 0x0A || type || public key)[:4]. */
  public byte[] keyHash() {
    return keyHash.clone();
  }

  public String name() {
    return name;
  }

  /** The signature type byte: {@link #TYPE_ED25519} or {@link #TYPE_COSIGNATURE}. */
  public int type() {
    return type;
  }

  /** The raw 32-byte Ed25519 public key. */
  public byte[] publicKey() {
    return publicKey.clone();
  }

  /** Whether a signature line names this key: same key name and same key hash. */
  public boolean matches(SignedNote.Signature signature) {
    return name.equals(signature.keyName()) && MessageDigest.isEqual(keyHash, signature.keyHash());
  }

  /** Whether {@code signature} is a valid Ed25519 signature of {@code message} under this key. */
  boolean verifies(byte[] message, byte[] signature) {
    return signature.length == Ed25519Keys.SIGNATURE_SIZE
        && decoded.verify(Ed25519.Algorithm.Ed25519, null, message, 0, message.length, signature, 0);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof VerifierKey other && name.equals(other.name) && type == other.type
        && Arrays.equals(publicKey, other.publicKey);
  }

  @Override
  public int hashCode() {
    return name.hashCode() * 31 + Arrays.hashCode(publicKey) + type;
  }

  @Override
  public String toString() {
    return encode();
  }

  /** SHA-256(name || 0x0A || type || publicKey)[:4]. */
  static byte[] keyHash(String name, int type, byte[] publicKey) {
    MessageDigest sha = Merkle.sha256();
    sha.update(name.getBytes(StandardCharsets.UTF_8));
    sha.update((byte) 0x0A);
    sha.update((byte) type);
    sha.update(publicKey);
    return Arrays.copyOf(sha.digest(), KEY_HASH_SIZE);
  }

  /** Raw Ed25519 (RFC 8032) signature of {@code message} with a 32-byte seed. */
  static byte[] sign(byte[] privateKey, byte[] message) {
    if (privateKey.length != Ed25519Keys.KEY_SIZE) {
      throw new IllegalArgumentException("an Ed25519 private key has 32 bytes, not " + privateKey.length);
    }
    byte[] signature = new byte[Ed25519Keys.SIGNATURE_SIZE];
    new Ed25519PrivateKeyParameters(privateKey)
        .sign(Ed25519.Algorithm.Ed25519, null, message, 0, message.length, signature, 0);
    return signature;
  }

  /**
   * Why {@code name} is not a valid key name, or null if it is: non-empty, at most {@link
   * #MAX_NAME_BYTES} UTF-8 bytes, no Unicode space, no '+', no control character.
   */
  public static String keyNameProblem(String name) {
    if (name == null || name.isEmpty()) {
      return "key name is empty";
    }
    if (name.getBytes(StandardCharsets.UTF_8).length > MAX_NAME_BYTES) {
      return "key name is longer than " + MAX_NAME_BYTES + " bytes";
    }
    for (int i = 0; i < name.length(); ) {
      int c = name.codePointAt(i);
      if (c == '+') {
        return "key name '" + name + "' contains '+'";
      }
      if (Character.isWhitespace(c) || Character.isSpaceChar(c) || c == 0x85) {
        return "key name '" + name + "' contains a space (U+" + String.format(java.util.Locale.ROOT, "%04X", c)
            + ")";
      }
      if (c < 0x20 || (c >= 0xD800 && c <= 0xDFFF)) {
        return "key name contains a control character or invalid UTF-16";
      }
      i += Character.charCount(c);
    }
    return null;
  }

  /** Strict standard base64 (RFC 4648 section 4, padded, canonical). */
  /**
   * Base64 as Packtrail's formats write it (RFC 4648 section 4, standard alphabet, padded), and
   * only so: an encoding with padding missing or nonzero unused bits is refused, so that one
   * value has one text.
   */
  public static byte[] decodeBase64(String text, String what) throws LogVerificationException {
    byte[] bytes;
    try {
      bytes = Base64.getDecoder().decode(text);
    } catch (IllegalArgumentException e) {
      throw malformed(what + " is not base64: " + e.getMessage());
    }
    if (!Base64.getEncoder().encodeToString(bytes).equals(text)) {
      throw malformed(what + " is not canonical padded base64");
    }
    return bytes;
  }

  private static Ed25519PublicKeyParameters decode(byte[] publicKey) {
    if (publicKey == null || !Ed25519Keys.isValidPublicKey(publicKey)) {
      return null;
    }
    return new Ed25519PublicKeyParameters(publicKey);
  }

  private static LogVerificationException malformed(String message) {
    return new LogVerificationException(Reason.MALFORMED, message);
  }
}
