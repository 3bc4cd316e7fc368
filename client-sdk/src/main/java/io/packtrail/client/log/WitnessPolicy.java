package io.packtrail.client.log;

import io.packtrail.client.log.LogVerificationException.Reason;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Trust in a checkpoint that needs more than the log's word: the log's signature and valid
 * cosignatures (C2SP tlog-cosignature) by at least {@code required} of the given witnesses. A
 * log showing one history to some and another to others cannot have both cosigned by a witness
 * that checks consistency, so requiring a witness's cosignature makes a split view visible.
 *
 * <p>Cosignature lines by keys not in the policy are ignored (anyone can append a line). A line
 * by a policy witness that does not verify fails the whole checkpoint (BAD_SIGNATURE): it was
 * tampered with, it is not merely missing.
 */
public final class WitnessPolicy {
  private final List<VerifierKey> witnesses;
  private final int required;

  /** What a checkpoint passing the policy showed: it, and who cosigned it when (Unix seconds). */
  public record Verified(Checkpoint checkpoint, Map<VerifierKey, Long> cosignedBy) {
    public Verified {
      cosignedBy = Collections.unmodifiableMap(new LinkedHashMap<>(cosignedBy));
    }
  }

  /**
   * @param witnesses the trusted witnesses' verifier keys (signature type 0x04), each once
   * @param required how many of them must have cosigned, 0 to {@code witnesses.size()}
   * @throws IllegalArgumentException for a key that is not a cosigner's, a public key twice
   *     (under any names: its holder would count as two witnesses), or a {@code required} out
   *     of range
   */
  public WitnessPolicy(List<VerifierKey> witnesses, int required) {
    java.util.Set<String> publicKeys = new java.util.HashSet<>();
    for (VerifierKey w : witnesses) {
      if (!publicKeys.add(java.util.HexFormat.of().formatHex(w.publicKey()))) {
        throw new IllegalArgumentException("a witness key is listed twice: the public key of "
            + w.name() + " is given more than once (under one name or several), and one key's "
            + "holder must not count as two witnesses");
      }
    }
    for (VerifierKey w : witnesses) {
      if (w.type() != VerifierKey.TYPE_COSIGNATURE) {
        throw new IllegalArgumentException("key " + w.encode() + " is not a witness's key "
            + "(signature type 0x04)");
      }
    }
    if (required < 0 || required > witnesses.size()) {
      throw new IllegalArgumentException("required cosignatures must be 0 to the "
          + witnesses.size() + " witnesses given, not " + required);
    }
    this.witnesses = List.copyOf(witnesses);
    this.required = required;
  }

  /** A policy requiring every one of {@code witnesses}. */
  public static WitnessPolicy all(List<VerifierKey> witnesses) {
    return new WitnessPolicy(witnesses, witnesses.size());
  }

  /**
   * Verifies a checkpoint note carrying the log's signature and the witnesses' cosignature
   * lines: the log's signature and origin ({@link Checkpoint#verify}), then each policy
   * witness's lines.
   *
   * @throws LogVerificationException as {@link Checkpoint#verify}; BAD_SIGNATURE or MALFORMED
   *     for a policy witness's line that does not verify; TOO_FEW_COSIGNATURES naming the
   *     witnesses that did not cosign and the other cosigners the note has
   */
  public Verified verify(String note, VerifierKey logKey) throws LogVerificationException {
    Checkpoint checkpoint = Checkpoint.verify(note, logKey);
    return cosignatures(SignedNote.parse(note), checkpoint, logKey);
  }

  /**
   * The policy's cosignature checks alone, for a note whose log signature the caller verified
   * already ({@code checkpoint} is its body, {@code logKey} the log's key, whose line is not a
   * cosigner's): each policy witness's lines, then the count.
   *
   * @throws LogVerificationException BAD_SIGNATURE or MALFORMED for a policy witness's line that
   *     does not verify; TOO_FEW_COSIGNATURES as {@link #verify(String, VerifierKey)}
   */
  public Verified cosignatures(SignedNote parsed, Checkpoint checkpoint, VerifierKey logKey)
      throws LogVerificationException {
    Map<VerifierKey, Long> cosigned = new LinkedHashMap<>();
    List<String> missing = new ArrayList<>();
    for (VerifierKey w : witnesses) {
      try {
        cosigned.put(w, Cosignature.verify(parsed, w));
      } catch (LogVerificationException e) {
        if (e.reason() != Reason.NOT_SIGNED) {
          throw e;
        }
        missing.add(describe(w));
      }
    }
    if (cosigned.size() < required) {
      List<String> others = ignored(parsed, logKey);
      throw new LogVerificationException(Reason.TOO_FEW_COSIGNATURES, "the checkpoint of "
          + checkpoint.origin() + " at tree size " + checkpoint.size() + " is cosigned by "
          + cosigned.size() + " of the witnesses trusted, " + required + " required; no "
          + "cosignature by " + String.join(", ", missing) + (others.isEmpty() ? ""
              : "; cosignatures by keys not trusted, ignored: " + String.join(", ", others)));
    }
    return new Verified(checkpoint, cosigned);
  }

  /**
   * The cosignature lines of a note that no key of the policy nor {@code logKey} made: ignored
   * by the policy (anyone can append a line), as "name (key hash hex)".
   */
  public List<String> ignored(SignedNote parsed, VerifierKey logKey) {
    List<String> others = new ArrayList<>();
    for (SignedNote.Signature s : parsed.signatures()) {
      if (!logKey.matches(s) && witnesses.stream().noneMatch(w -> w.matches(s))) {
        others.add(s.keyName() + " (key hash " + HexFormat.of().formatHex(s.keyHash()) + ")");
      }
    }
    return others;
  }

  /**
   * Verifies a checkpoint as AuditService serves it: its note with the cosignature lines the log
   * received appended ({@link #note}).
   */
  public Verified verify(io.packtrail.v1.Checkpoint checkpoint, VerifierKey logKey)
      throws LogVerificationException {
    return verify(note(checkpoint), logKey);
  }

  /** The signed note of a served checkpoint with its cosignature lines appended. */
  public static String note(io.packtrail.v1.Checkpoint checkpoint) {
    StringBuilder b = new StringBuilder(checkpoint.getNote());
    for (io.packtrail.v1.Cosignature c : checkpoint.getCosignaturesList()) {
      b.append(c.getSignatureLine());
      if (!c.getSignatureLine().endsWith("\n")) {
        b.append('\n');
      }
    }
    return b.toString();
  }

  public List<VerifierKey> witnesses() {
    return witnesses;
  }

  public int required() {
    return required;
  }

  private static String describe(VerifierKey w) {
    return w.name() + " (key hash " + HexFormat.of().formatHex(w.keyHash()) + ")";
  }
}
