package io.packtrail.client.audit;

import java.nio.charset.StandardCharsets;
import io.packtrail.client.log.LogVerificationException;
import io.packtrail.client.log.SignedNote;
import io.packtrail.client.log.VerifierKey;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

/**
 * An offline audit bundle (docs/formats.md section 13): the history of a unit, or of every unit
 * a material lot came from, the registry entries that judge those events, each one's inclusion
 * proof in the tree of one signed checkpoint, the signed labels the steps scanned, and the log's
 * verifier key. A line-based UTF-8 text, so a second implementation can read it without a
 * protobuf library:
 *
 * <pre>
 * packtrail-audit-bundle/v2
 * subject {units/CODE or materialLots/ID}
 * log-key {verifier key}
 * checkpoint {base64 of the signed note}
 * unit {code} {event count}
 * event {log index} {chain hash, hex} {base64 canonical bytes} {proof}
 * ... more units, each followed by its events
 * registry {log index} {base64 canonical bytes} {proof}
 * label {serial} {base64 signed payload bytes} {signature, hex}
 * </pre>
 *
 * <p>{proof} is the inclusion proof's hashes in lower-case hex joined by commas, or {@code -}
 * when empty. Each unit's events come in sequence order, the registry entries in log order, the
 * labels in serial order.
 */
public record AuditBundle(String subject, String logKey, String checkpointNote,
    List<UnitHistory> units, List<Entry> registryEntries, List<Label> labels) {

  /** The first line. */
  public static final String HEADER = "packtrail-audit-bundle/v2";
  /** The first line of the format before labels were carried; refused with a reason. */
  static final String HEADER_V1 = "packtrail-audit-bundle/v1";

  public AuditBundle {
    units = List.copyOf(units);
    registryEntries = List.copyOf(registryEntries);
    labels = List.copyOf(labels);
  }

  /**
   * A label a step scanned, as its issuer signed it (docs/formats.md section 7): the serialized
   * {@code LabelPayload} exactly as signed, and the 64-byte Ed25519 signature.
   */
  public record Label(long serial, byte[] payload, byte[] signature) {
    public Label {
      payload = payload.clone();
      signature = signature.clone();
    }

    @Override
    public byte[] payload() {
      return payload.clone();
    }

    @Override
    public byte[] signature() {
      return signature.clone();
    }
  }

  /** One unit's events as the bundle carries them, and its event count when written. */
  public record UnitHistory(String code, long eventCount, List<Entry> events) {
    public UnitHistory {
      events = List.copyOf(events);
    }
  }

  /** An entry of the log with its inclusion proof; {@code chainHash} is null for a registry entry. */
  public record Entry(long logIndex, byte[] canonicalBytes, byte[] chainHash, List<byte[]> proof) {
    public Entry {
      canonicalBytes = canonicalBytes.clone();
      chainHash = chainHash == null ? null : chainHash.clone();
      proof = proof.stream().map(byte[]::clone).toList();
    }

    @Override
    public byte[] canonicalBytes() {
      return canonicalBytes.clone();
    }

    @Override
    public byte[] chainHash() {
      return chainHash == null ? null : chainHash.clone();
    }
  }

  /** The bundle's text. */
  public String encode() {
    StringBuilder s = new StringBuilder(HEADER).append('\n');
    s.append("subject ").append(subject).append('\n');
    s.append("log-key ").append(logKey).append('\n');
    s.append("checkpoint ").append(B64.encodeToString(checkpointNote.getBytes(
        StandardCharsets.UTF_8))).append('\n');
    for (UnitHistory u : units) {
      s.append("unit ").append(u.code()).append(' ').append(u.eventCount()).append('\n');
      for (Entry e : u.events()) {
        s.append("event ").append(e.logIndex()).append(' ').append(HEX.formatHex(e.chainHash))
            .append(' ').append(B64.encodeToString(e.canonicalBytes)).append(' ')
            .append(proof(e.proof())).append('\n');
      }
    }
    for (Entry e : registryEntries) {
      s.append("registry ").append(e.logIndex()).append(' ')
          .append(B64.encodeToString(e.canonicalBytes)).append(' ').append(proof(e.proof()))
          .append('\n');
    }
    for (Label l : labels) {
      s.append("label ").append(Long.toUnsignedString(l.serial())).append(' ')
          .append(B64.encodeToString(l.payload)).append(' ').append(HEX.formatHex(l.signature))
          .append('\n');
    }
    return s.toString();
  }

  /**
   * Reads a bundle's text; refuses anything that is not exactly the format, naming the line.
   *
   * @throws BundleException (check {@link BundleException.Check#MALFORMED})
   */
  public static AuditBundle parse(String text) throws BundleException {
    if (!text.endsWith("\n")) {
      throw malformed(0, "the bundle does not end with a line feed (truncated?)");
    }
    String[] lines = text.substring(0, text.length() - 1).split("\n", -1);
    if (lines[0].equals(HEADER_V1)) {
      throw malformed(1, "a " + HEADER_V1 + " bundle, written before bundles carried the signed "
          + "labels of the steps: write it again with 'trace CODE --bundle FILE'");
    }
    if (!lines[0].equals(HEADER)) {
      throw malformed(1, "the first line is not '" + HEADER + "'");
    }
    if (lines.length < 4) {
      throw malformed(lines.length, "a bundle has at least the lines header, subject, log-key "
          + "and checkpoint");
    }
    String subject = fields(lines, 2, "subject", 2)[1];
    if (!subject.matches("(units|materialLots)/[^/]+")) {
      throw malformed(2, "the subject is units/CODE or materialLots/ID, not '"
          + abbreviate(subject) + "'");
    }
    String key = fields(lines, 3, "log-key", 2)[1];
    String note;
    byte[] noteBytes = base64(fields(lines, 4, "checkpoint", 2)[1], 4,
        "the checkpoint is not base64");
    try {
      SignedNote.parse(noteBytes); // UTF-8 (strictly) and a note's form, or refused here
    } catch (LogVerificationException e) {
      throw malformed(4, "the checkpoint is not a signed note: " + e.getMessage());
    }
    note = new String(noteBytes, StandardCharsets.UTF_8);
    List<UnitHistory> units = new ArrayList<>();
    String code = null;
    long count = 0;
    List<Entry> events = new ArrayList<>();
    List<Entry> registry = new ArrayList<>();
    List<Label> labels = new ArrayList<>();
    for (int i = 4; i < lines.length; i++) {
      int line = i + 1;
      String kind = lines[i].split(" ", 2)[0];
      if (kind.equals("unit") || kind.equals("event")) {
        if (!registry.isEmpty()) {
          throw malformed(line, "a " + kind + " line after the registry lines");
        }
      }
      if (!labels.isEmpty() && !kind.equals("label")) {
        throw malformed(line, "a " + kind + " line after the label lines");
      }
      if (kind.equals("unit")) {
        if (code != null) {
          units.add(new UnitHistory(code, count, events));
        }
        String[] f = fields(lines, line, "unit", 3);
        code = f[1];
        count = number(f[2], line, "the event count");
        events = new ArrayList<>();
      } else if (kind.equals("event")) {
        if (code == null) {
          throw malformed(line, "an event line before any unit line");
        }
        String[] f = fields(lines, line, "event", 5);
        events.add(new Entry(number(f[1], line, "the log index"), base64(f[3], line),
            hash(f[2], line), proof(f[4], line)));
      } else if (kind.equals("registry")) {
        String[] f = fields(lines, line, "registry", 4);
        registry.add(new Entry(number(f[1], line, "the log index"), base64(f[2], line), null,
            proof(f[3], line)));
      } else if (kind.equals("label")) {
        String[] f = fields(lines, line, "label", 4);
        if (!f[1].matches("[1-9][0-9]{0,19}")) {
          throw malformed(line, "the label serial '" + abbreviate(f[1]) + "' is not a decimal "
              + "integer");
        }
        long serial;
        try {
          serial = Long.parseUnsignedLong(f[1]);
        } catch (NumberFormatException e) {
          throw malformed(line, "the label serial " + f[1] + " is beyond 64 bits");
        }
        if (!labels.isEmpty() && Long.compareUnsigned(labels.get(labels.size() - 1).serial(),
            serial) >= 0) {
          throw malformed(line, "label " + f[1] + " after label " + Long.toUnsignedString(
              labels.get(labels.size() - 1).serial()) + ": labels come once each, by serial");
        }
        if (f[3].length() != 128 || !f[3].matches("[0-9a-f]+")) {
          throw malformed(line, "the label signature is not 64 bytes in lower-case hex");
        }
        labels.add(new Label(serial, base64(f[2], line, "the signed label payload is not base64"),
            HEX.parseHex(f[3])));
      } else {
        throw malformed(line, "unknown line '" + abbreviate(lines[i]) + "' (expected unit, "
            + "event, registry or label)");
      }
    }
    if (code != null) {
      units.add(new UnitHistory(code, count, events));
    }
    return new AuditBundle(subject, key, note, units, registry, labels);
  }

  private static final Base64.Encoder B64 = Base64.getEncoder();
  private static final HexFormat HEX = HexFormat.of();

  private static String proof(List<byte[]> proof) {
    if (proof.isEmpty()) {
      return "-";
    }
    return String.join(",", proof.stream().map(HEX::formatHex).toList());
  }

  private static List<byte[]> proof(String text, int line) throws BundleException {
    List<byte[]> hashes = new ArrayList<>();
    if (text.equals("-")) {
      return hashes;
    }
    for (String h : text.split(",", -1)) {
      hashes.add(hash(h, line));
    }
    return hashes;
  }

  private static byte[] hash(String hex, int line) throws BundleException {
    if (hex.length() != 64 || !hex.equals(hex.toLowerCase(java.util.Locale.ROOT))) {
      throw malformed(line, "'" + abbreviate(hex) + "' is not a 32-byte hash in lower-case hex");
    }
    try {
      return HEX.parseHex(hex);
    } catch (IllegalArgumentException e) {
      throw malformed(line, "'" + abbreviate(hex) + "' is not a 32-byte hash in lower-case hex");
    }
  }

  private static byte[] base64(String text, int line) throws BundleException {
    return base64(text, line, "the canonical bytes are not base64");
  }

  private static byte[] base64(String text, int line, String refusal) throws BundleException {
    try {
      return VerifierKey.decodeBase64(text, "it"); // standard and padded, as section 13 says
    } catch (LogVerificationException e) {
      throw malformed(line, refusal + " (standard, padded)");
    }
  }

  private static long number(String text, int line, String what) throws BundleException {
    if (!text.matches("0|[1-9][0-9]{0,17}")) {
      throw malformed(line, what + " '" + abbreviate(text) + "' is not a decimal integer");
    }
    return Long.parseLong(text);
  }

  private static String[] fields(String[] lines, int line, String keyword, int count)
      throws BundleException {
    String[] f = lines[line - 1].split(" ", -1);
    if (!f[0].equals(keyword)) {
      throw malformed(line, "expected the '" + keyword + "' line, found '"
          + abbreviate(lines[line - 1]) + "'");
    }
    if (f.length != count) {
      throw malformed(line, "a '" + keyword + "' line has " + (count - 1) + " fields separated "
          + "by one space, this one " + (f.length - 1));
    }
    return f;
  }

  private static String abbreviate(String s) {
    return s.length() <= 40 ? s : s.substring(0, 40) + "...";
  }

  private static BundleException malformed(int line, String message) {
    return new BundleException(BundleException.Check.MALFORMED,
        (line > 0 ? "line " + line + ": " : "") + message);
  }
}
