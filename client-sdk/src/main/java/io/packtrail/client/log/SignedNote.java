package io.packtrail.client.log;

import io.packtrail.client.log.LogVerificationException.Reason;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

/**
 * A C2SP signed note: a text ending in a newline, a blank line, then one or more signature lines
 * {@code "\u2014 <key name> <base64(4-byte key hash || signature)>\n"}. The whole note is UTF-8
 * with no ASCII control character but the newline; the text is separated from the signatures by
 * the last blank line. Notes are bounded: at most {@link #MAX_NOTE_BYTES} bytes and {@link
 * #MAX_SIGNATURES} signature lines (the spec asks verifiers to accept at least 16).
 *
 * <p>Verifying follows the spec: signatures by other keys (another name or key hash) are
 * ignored; every signature by the trusted key must verify; at least one must be there.
 */
public final class SignedNote {

  /** The largest note accepted, in UTF-8 bytes. */
  public static final int MAX_NOTE_BYTES = 64 * 1024;
  /** The most signature lines accepted in one note. */
  public static final int MAX_SIGNATURES = 100;

  private static final String DASH = "\u2014 ";

  /**
   * One signature line: the key name, the 4-byte key hash, and the rest of the decoded bytes
   * (for Ed25519 the 64-byte signature; for a cosignature the 8-byte timestamp and the signature).
   */
  public record Signature(String keyName, byte[] keyHash, byte[] signature) {
    public Signature {
      String problem = VerifierKey.keyNameProblem(keyName);
      if (problem != null) {
        throw new IllegalArgumentException(problem);
      }
      if (keyHash.length != VerifierKey.KEY_HASH_SIZE) {
        throw new IllegalArgumentException("a key hash has 4 bytes, not " + keyHash.length);
      }
      if (signature.length == 0) {
        throw new IllegalArgumentException("a signature is not empty");
      }
      keyHash = keyHash.clone();
      signature = signature.clone();
    }

    @Override
    public byte[] keyHash() {
      return keyHash.clone();
    }

    @Override
    public byte[] signature() {
      return signature.clone();
    }

    /** The signature line, with its final newline. */
    public String line() {
      byte[] both = new byte[keyHash.length + signature.length];
      System.arraycopy(keyHash, 0, both, 0, keyHash.length);
      System.arraycopy(signature, 0, both, keyHash.length, signature.length);
      return DASH + keyName + " " + Base64.getEncoder().encodeToString(both) + "\n";
    }

    /**
     * Parses one signature line, with or without its final newline.
     *
     * @throws LogVerificationException (MALFORMED) naming what is wrong
     */
    public static Signature parseLine(String line) throws LogVerificationException {
      String l = line.endsWith("\n") ? line.substring(0, line.length() - 1) : line;
      if (l.length() > MAX_NOTE_BYTES || l.indexOf('\n') >= 0) {
        throw malformed("a signature line is one line of at most " + MAX_NOTE_BYTES + " characters");
      }
      if (!l.startsWith(DASH)) {
        throw malformed("signature line does not start with an em dash (U+2014) and a space: '"
            + abbreviate(l) + "'");
      }
      String rest = l.substring(DASH.length());
      int space = rest.indexOf(' ');
      if (space < 0) {
        throw malformed("signature line has no space between key name and signature: '" + abbreviate(l) + "'");
      }
      String name = rest.substring(0, space);
      String problem = VerifierKey.keyNameProblem(name);
      if (problem != null) {
        throw malformed("signature line: " + problem);
      }
      byte[] decoded = VerifierKey.decodeBase64(rest.substring(space + 1), "signature of " + name);
      if (decoded.length < VerifierKey.KEY_HASH_SIZE + 1) {
        throw malformed("signature of " + name + " has " + decoded.length
            + " bytes, fewer than a key hash and a signature");
      }
      return new Signature(name, Arrays.copyOf(decoded, VerifierKey.KEY_HASH_SIZE),
          Arrays.copyOfRange(decoded, VerifierKey.KEY_HASH_SIZE, decoded.length));
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Signature s && keyName.equals(s.keyName) && Arrays.equals(keyHash, s.keyHash)
          && Arrays.equals(signature, s.signature);
    }

    @Override
    public int hashCode() {
      return keyName.hashCode() * 31 + Arrays.hashCode(signature);
    }

    @Override
    public String toString() {
      return line().strip();
    }
  }

  private final String text;
  private final List<Signature> signatures;

  private SignedNote(String text, List<Signature> signatures) {
    this.text = text;
    this.signatures = List.copyOf(signatures);
  }

  /**
   * Signs {@code body} (the note text: UTF-8, ending in a newline, no control character but the
   * newline) with the Ed25519 private key (32-byte seed) under {@code keyName}; returns the whole
   * note: the body, a blank line, one signature line.
   *
   * @throws IllegalArgumentException for an invalid body, key name or private key
   */
  public static String sign(byte[] body, String keyName, byte[] privateKey) {
    String text;
    try {
      text = checkText(body);
    } catch (LogVerificationException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
    String problem = VerifierKey.keyNameProblem(keyName);
    if (problem != null) {
      throw new IllegalArgumentException(problem);
    }
    VerifierKey key = VerifierKey.of(keyName, io.packtrail.client.label.Ed25519Keys.publicKeyOf(privateKey));
    Signature signature = new Signature(keyName, key.keyHash(), VerifierKey.sign(privateKey, body));
    return new SignedNote(text, List.of(signature)).encode();
  }

  /**
   * Parses a signed note from its bytes, which must be valid UTF-8 (as {@link #parse(String)}).
   *
   * @throws LogVerificationException (MALFORMED) also for bytes that are not UTF-8
   */
  public static SignedNote parse(byte[] note) throws LogVerificationException {
    if (note.length > MAX_NOTE_BYTES) {
      throw malformed("note has " + note.length + " bytes, more than " + MAX_NOTE_BYTES);
    }
    try {
      return parse(StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(note)).toString());
    } catch (CharacterCodingException e) {
      throw malformed("note is not valid UTF-8");
    }
  }

  /**
   * Parses a signed note (without checking any signature).
   *
   * @throws LogVerificationException (MALFORMED) when the note is too large, not UTF-8, holds a
   *     control character, has no blank line before its signatures, no signature, too many, or a
   *     malformed signature line (the message says which)
   */
  public static SignedNote parse(String note) throws LogVerificationException {
    if (note == null) {
      throw malformed("note is missing");
    }
    if (note.length() > MAX_NOTE_BYTES) {
      throw malformed("note has more than " + MAX_NOTE_BYTES + " bytes");
    }
    byte[] bytes = utf8(note);
    if (bytes.length > MAX_NOTE_BYTES) {
      throw malformed("note has " + bytes.length + " bytes, more than " + MAX_NOTE_BYTES);
    }
    checkNoControl(note);
    int split = note.lastIndexOf("\n\n");
    if (split < 0) {
      throw malformed("note has no blank line between its text and its signatures");
    }
    String text = note.substring(0, split + 1);
    String sigs = note.substring(split + 2);
    if (sigs.isEmpty()) {
      throw malformed("note has no signature line after its blank line");
    }
    if (!sigs.endsWith("\n")) {
      throw malformed("note does not end with a newline");
    }
    String[] lines = sigs.substring(0, sigs.length() - 1).split("\n", -1);
    if (lines.length > MAX_SIGNATURES) {
      throw malformed("note has " + lines.length + " signature lines, more than " + MAX_SIGNATURES);
    }
    List<Signature> signatures = new ArrayList<>(lines.length);
    for (String line : lines) {
      signatures.add(Signature.parseLine(line));
    }
    return new SignedNote(text, signatures);
  }

  /**
   * Checks the note is signed by {@code key}: at least one signature line has its name and key
   * hash, and every such line verifies over the text. Lines of other keys are ignored.
   *
   * @throws LogVerificationException NOT_SIGNED when no line is by the key, BAD_SIGNATURE when one
   *     does not verify, MALFORMED when the key is a cosigner's (use {@link Cosignature#verify})
   */
  public void verify(VerifierKey key) throws LogVerificationException {
    if (key.type() != VerifierKey.TYPE_ED25519) {
      throw new LogVerificationException(Reason.MALFORMED, "key " + key.name()
          + " is a cosigner's key (type 0x04); check its lines with Cosignature.verify");
    }
    byte[] body = body();
    int found = 0;
    for (Signature s : signatures) {
      if (key.matches(s)) {
        found++;
        if (!key.verifies(body, s.signature)) {
          throw new LogVerificationException(Reason.BAD_SIGNATURE,
              "the signature by " + key.name() + " (key hash " + Merkle.hex(key.keyHash())
                  + ") does not verify over the note text");
        }
      }
    }
    if (found == 0) {
      throw new LogVerificationException(Reason.NOT_SIGNED, "note is not signed by " + key.name()
          + " (key hash " + Merkle.hex(key.keyHash()) + "); it has signatures by " + signers());
    }
  }

  /** The note text, with its final newline, without the blank line. */
  public String text() {
    return text;
  }

  /** The note text as UTF-8 bytes: what is signed. */
  public byte[] body() {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  /** The signature lines, in order (not verified). */
  public List<Signature> signatures() {
    return signatures;
  }

  /** This note with one more signature line (e.g. a witness's cosignature) at the end. */
  public SignedNote withSignature(Signature signature) {
    if (signatures.size() >= MAX_SIGNATURES) {
      throw new IllegalArgumentException("a note has at most " + MAX_SIGNATURES + " signatures");
    }
    List<Signature> more = new ArrayList<>(signatures);
    more.add(signature);
    return new SignedNote(text, more);
  }

  /** The note's text form: text, blank line, signature lines. */
  public String encode() {
    StringBuilder b = new StringBuilder(text).append('\n');
    signatures.forEach(s -> b.append(s.line()));
    return b.toString();
  }

  @Override
  public String toString() {
    return encode();
  }

  /** Checks note text bytes: UTF-8, non-empty, ending in a newline, no control character but it. */
  static String checkText(byte[] body) throws LogVerificationException {
    if (body.length == 0) {
      throw malformed("note text is empty");
    }
    if (body.length > MAX_NOTE_BYTES) {
      throw malformed("note text has " + body.length + " bytes, more than " + MAX_NOTE_BYTES);
    }
    String text;
    try {
      text = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(body)).toString();
    } catch (CharacterCodingException e) {
      throw malformed("note text is not valid UTF-8");
    }
    checkNoControl(text);
    if (!text.endsWith("\n")) {
      throw malformed("note text does not end with a newline");
    }
    return text;
  }

  private String signers() {
    List<String> names = new ArrayList<>();
    for (Signature s : signatures) {
      names.add(s.keyName + " (" + Merkle.hex(s.keyHash) + ")");
    }
    return String.join(", ", names);
  }

  private static byte[] utf8(String s) throws LogVerificationException {
    try {
      ByteBuffer b = StandardCharsets.UTF_8.newEncoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .encode(CharBuffer.wrap(s));
      byte[] out = new byte[b.remaining()];
      b.get(out);
      return out;
    } catch (CharacterCodingException e) {
      throw malformed("note is not valid UTF-8 (an unpaired surrogate)");
    }
  }

  private static void checkNoControl(String s) throws LogVerificationException {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x20 && c != '\n') {
        throw malformed(String.format(java.util.Locale.ROOT, "note holds the control character U+%04X at offset %d", (int) c, i));
      }
    }
  }

  private static String abbreviate(String s) {
    return s.length() <= 80 ? s : s.substring(0, 80) + "...";
  }

  private static LogVerificationException malformed(String message) {
    return new LogVerificationException(Reason.MALFORMED, message);
  }
}
