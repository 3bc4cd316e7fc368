package io.packtrail.server.domain;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A step the server refused, as remembered under its event id so that the same request sent
 * again gets the same answer (docs/formats.md section 5). Only refusals that follow from the
 * request and the state the server judged it against are remembered: {@link
 * InvalidArgumentException}, {@link FailedPreconditionException}, {@link NotFoundException} and
 * {@link AlreadyExistsException} of a unit or lot; never a transient failure.
 *
 * <p>A refusal is kept without the request prefix of a batch item ({@code requests[3].}), so a
 * re-send in another position or as a single call is answered with its own field paths: {@link
 * #withoutPrefix} takes the prefix off, {@link #withPrefix} puts the caller's on. {@link #encode}
 * writes it as text (one line per violation, tab-separated, with {@code \\}, tab and line breaks
 * escaped) for the store.
 */
public final class Refusal {
  private Refusal() {}

  /** The refusal with {@code prefix} taken off every field path it names. */
  public static DomainException withoutPrefix(DomainException e, String prefix) {
    return rename(e, f -> f.startsWith(prefix) ? f.substring(prefix.length()) : f, prefix, "");
  }

  /** The refusal with {@code prefix} put before every field path it names. */
  public static DomainException withPrefix(DomainException e, String prefix) {
    return prefix.isEmpty() ? e : rename(e, f -> prefix + f, "", prefix);
  }

  private static DomainException rename(DomainException e,
      java.util.function.UnaryOperator<String> field, String from, String to) {
    if (e instanceof InvalidArgumentException i) {
      return new InvalidArgumentException(i.violations().stream()
          .map(f -> new FieldViolation(f.field().isEmpty() ? "" : field.apply(f.field()),
              f.description()))
          .toList());
    }
    if (e instanceof FailedPreconditionException p) {
      return new FailedPreconditionException(p.violations().stream().map(v -> {
        if (!v.metadata().containsKey("field")) {
          return v;
        }
        Map<String, String> metadata = new LinkedHashMap<>(v.metadata());
        metadata.put("field", field.apply(metadata.get("field")));
        return new PreconditionViolation(v.type(), v.subject(), v.description(), metadata);
      }).toList());
    }
    if (e instanceof NotFoundException n && n.what().contains("(" + from)) {
      return new NotFoundException(n.resourceName(), n.what().replace("(" + from, "(" + to));
    }
    return e;
  }

  /** The refusal as text for the store; {@link #decode} reads it back. */
  public static String encode(DomainException e) {
    List<List<String>> lines = new ArrayList<>();
    if (e instanceof InvalidArgumentException i) {
      lines.add(List.of("INVALID_ARGUMENT"));
      i.violations().forEach(f -> lines.add(List.of(f.field(), f.description())));
    } else if (e instanceof FailedPreconditionException p) {
      lines.add(List.of("FAILED_PRECONDITION"));
      for (PreconditionViolation v : p.violations()) {
        List<String> line = new ArrayList<>(List.of(v.type(), v.subject(), v.description()));
        new TreeMap<>(v.metadata()).forEach((k, value) -> {
          line.add(k);
          line.add(value);
        });
        lines.add(line);
      }
    } else if (e instanceof NotFoundException n) {
      lines.add(List.of("NOT_FOUND"));
      lines.add(List.of(n.resourceName(), n.what()));
    } else if (e instanceof AlreadyExistsException a) {
      lines.add(List.of("ALREADY_EXISTS"));
      lines.add(List.of(a.resourceName(), a.getMessage()));
    } else {
      throw new IllegalArgumentException("not a refusal to remember: " + e.getClass());
    }
    StringBuilder b = new StringBuilder();
    for (List<String> line : lines) {
      for (int i = 0; i < line.size(); i++) {
        b.append(i == 0 ? "" : "\t").append(escape(line.get(i)));
      }
      b.append('\n');
    }
    return b.toString();
  }

  /** The refusal {@link #encode} wrote. */
  public static DomainException decode(String text) {
    List<List<String>> lines = new ArrayList<>();
    for (String line : text.split("\n")) {
      List<String> fields = new ArrayList<>();
      for (String f : line.split("\t", -1)) {
        fields.add(unescape(f));
      }
      lines.add(fields);
    }
    List<List<String>> rows = lines.subList(1, lines.size());
    return switch (lines.get(0).get(0)) {
      case "INVALID_ARGUMENT" -> new InvalidArgumentException(rows.stream()
          .map(r -> new FieldViolation(r.get(0), r.get(1))).toList());
      case "FAILED_PRECONDITION" -> new FailedPreconditionException(rows.stream().map(r -> {
        Map<String, String> metadata = new LinkedHashMap<>();
        for (int i = 3; i + 1 < r.size(); i += 2) {
          metadata.put(r.get(i), r.get(i + 1));
        }
        return new PreconditionViolation(r.get(0), r.get(1), r.get(2), metadata);
      }).toList());
      case "NOT_FOUND" -> new NotFoundException(rows.get(0).get(0), rows.get(0).get(1));
      case "ALREADY_EXISTS" -> new AlreadyExistsException(rows.get(0).get(0), rows.get(0).get(1));
      default -> throw new IllegalArgumentException("not a stored refusal: " + lines.get(0));
    };
  }

  private static String escape(String s) {
    return s.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r");
  }

  private static String unescape(String s) {
    StringBuilder b = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\\' && i + 1 < s.length()) {
        char n = s.charAt(++i);
        b.append(switch (n) {
          case 't' -> '\t';
          case 'n' -> '\n';
          case 'r' -> '\r';
          default -> n;
        });
      } else {
        b.append(c);
      }
    }
    return b.toString();
  }
}
