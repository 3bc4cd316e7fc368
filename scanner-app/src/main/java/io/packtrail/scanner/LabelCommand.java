package io.packtrail.scanner;

import io.packtrail.client.PacktrailClient;
import io.packtrail.client.label.LabelVerifier;
import io.packtrail.client.label.TrustListException;
import io.packtrail.client.label.Verification;
import io.packtrail.client.label.render.LabelImageReader;
import io.packtrail.client.label.render.LabelRenderer;
import io.packtrail.v1.BatchIssueLabelsResponse;
import io.packtrail.v1.IssueLabelRequest;
import io.packtrail.v1.IssueLabelResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** `label print` and `label verify`. */
@Command(name = "label", mixinStandardHelpOptions = true,
    description = "Print signed QR labels, and verify labels offline.",
    subcommands = {LabelCommand.Print.class, LabelCommand.Verify.class})
final class LabelCommand {
  @ParentCommand
  ScannerCli cli;

  /** File formats of `label print`. */
  enum Format { png, svg, sheet }

  @Command(name = "print", mixinStandardHelpOptions = true,
      description = "Ask the server to issue labels for registered units and render them.")
  static final class Print implements Callable<Integer> {
    @ParentCommand
    LabelCommand parent;

    @Parameters(arity = "1..1000", paramLabel = "CODE", description = "GB/T 34014 unit codes")
    List<String> codes;

    @Option(names = "--out", required = true, description = "directory for the label files")
    Path out;

    @Option(names = "--reissue", description = "when a unit already has a label, issue a new "
        + "one that supersedes it (for a damaged or lost label); without it such units are "
        + "not issued, named with the existing label's serial (exit 1)")
    boolean reissue;

    @Option(names = "--format", defaultValue = "png",
        description = "png (one file a label), svg (one file a label), sheet (A4 pages, PNG "
            + "at 300 dpi and SVG); default ${DEFAULT-VALUE}")
    Format format;

    @Override
    public Integer call() throws Exception {
      List<IssueLabelRequest> requests = new ArrayList<>();
      for (String code : codes) {
        requests.add(IssueLabelRequest.newBuilder().setRequestId(UUID.randomUUID().toString())
            .setUnit("units/" + code).build());
      }
      // the folder first: labels issued (and old ones superseded) with nowhere to print them
      // could only be printed by reissuing them again
      Files.createDirectories(out);
      if (!Files.isWritable(out)) {
        throw new IllegalArgumentException("--out " + out + " is not a folder this user may "
            + "write to");
      }
      List<IssueLabelResult> results = new ArrayList<>();
      try (PacktrailClient client = parent.cli.clientBuilder().build()) {
        BatchIssueLabelsResponse issued = client.issueLabels(requests);
        for (IssueLabelResult r : issued.getResultsList()) {
          Long existing = r.hasError() ? activeLabelOf(r.getError()) : null;
          results.add(existing != null && reissue ? reissued(client, existing) : r);
        }
      }
      List<LabelRenderer.Label> labels = new ArrayList<>();
      int failed = 0;
      for (int i = 0; i < codes.size(); i++) {
        IssueLabelResult r = results.get(i);
        if (r.hasError()) {
          failed++;
          System.err.println(codes.get(i) + ": not issued: " + r.getError().getMessage()
              + (!reissue && activeLabelOf(r.getError()) != null ? " (--reissue prints a new "
              + "label that supersedes it)" : ""));
          continue;
        }
        String code = codes.get(i);
        labels.add(new LabelRenderer.Label(r.getLabel().getText(), code));
        if (format == Format.png) {
          Path file = out.resolve(code + ".png");
          Files.write(file, LabelRenderer.png(r.getLabel().getText(), code, 600));
          System.out.println(r.getLabel().getName() + " " + code + " -> " + file);
        } else if (format == Format.svg) {
          Path file = out.resolve(code + ".svg");
          Files.writeString(file, LabelRenderer.svg(r.getLabel().getText(), code));
          System.out.println(r.getLabel().getName() + " " + code + " -> " + file);
        } else {
          System.out.println(r.getLabel().getName() + " " + code);
        }
      }
      if (format == Format.sheet && !labels.isEmpty()) {
        List<byte[]> pngs = LabelRenderer.sheetPngs(labels);
        List<String> svgs = LabelRenderer.sheetSvg(labels);
        for (int p = 0; p < pngs.size(); p++) {
          Files.write(out.resolve("labels-sheet-" + (p + 1) + ".png"), pngs.get(p));
          Files.writeString(out.resolve("labels-sheet-" + (p + 1) + ".svg"), svgs.get(p));
        }
        System.out.println(labels.size() + " labels on " + pngs.size() + " A4 sheet(s) in " + out);
      }
      return failed == 0 ? 0 : ScannerCli.REFUSED;
    }

    /**
     * The label reissued in place of {@code serial}, or why not: one refused reissue (its key
     * revoked meanwhile, the server away) does not stop the others, nor lose the labels issued
     * and reissued already, which are printed (each reissue superseded a label in use).
     */
    private static IssueLabelResult reissued(PacktrailClient client, long serial) {
      try {
        return IssueLabelResult.newBuilder().setLabel(client.reissueLabel(serial,
            UUID.randomUUID().toString())).build();
      } catch (io.grpc.StatusRuntimeException e) {
        if (ServerLink.passing(e)) {
          // the answer was lost, not refused: the server may have reissued it
          return IssueLabelResult.newBuilder().setError(com.google.rpc.Status.newBuilder()
              .setCode(e.getStatus().getCode().value()).setMessage(Words.status(e) + "; the "
                  + "reissue's outcome is unknown: the old label may be superseded already, "
                  + "and its replacement unprinted ('label print --reissue' again issues "
                  + "another)")).build();
        }
        com.google.rpc.Status status = io.grpc.protobuf.StatusProto.fromThrowable(e);
        return IssueLabelResult.newBuilder().setError(status != null ? status
            : com.google.rpc.Status.newBuilder().setCode(e.getStatus().getCode().value())
                .setMessage(Words.status(e)).build()).build();
      }
    }

    /** The serial of the unit's active label, when that is why issuing failed. */
    private static Long activeLabelOf(com.google.rpc.Status error) {
      for (com.google.protobuf.Any detail : error.getDetailsList()) {
        if (detail.is(com.google.rpc.PreconditionFailure.class)) {
          try {
            for (var v : detail.unpack(com.google.rpc.PreconditionFailure.class)
                .getViolationsList()) {
              if (v.getType().equals("LABEL") && v.getSubject().startsWith("labels/")) {
                return Long.parseLong(v.getSubject().substring("labels/".length()));
              }
            }
          } catch (com.google.protobuf.InvalidProtocolBufferException | NumberFormatException e) {
            return null;
          }
        }
      }
      return null;
    }
  }

  @Command(name = "verify", mixinStandardHelpOptions = true,
      description = "Verify a label offline against the cached trust list.")
  static final class Verify implements Callable<Integer> {
    @ParentCommand
    LabelCommand parent;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Source source;

    static final class Source {
      @Parameters(paramLabel = "TEXT", description = "the label text as scanned (PT1:...)")
      String text;

      @Option(names = "--image", description = "a photo or scan of the label (PNG, JPEG)")
      Path image;
    }

    @Override
    public Integer call() throws Exception {
      String text = source.text;
      if (source.image != null) {
        Optional<String> read;
        try {
          read = LabelImageReader.read(source.image);
        } catch (java.io.IOException | RuntimeException e) {
          // as 'scan --image' answers the same file: a photo unreadable is a label refused
          System.out.println("REFUSED: " + source.image + " cannot be read as an image ("
              + e.getMessage() + ")");
          return ScannerCli.LABEL_REFUSED;
        }
        if (read.isEmpty()) {
          System.out.println("REFUSED: no readable QR code in " + source.image);
          return ScannerCli.LABEL_REFUSED;
        }
        text = read.get();
      }
      LabelVerifier verifier;
      try {
        verifier = new LabelVerifier(new TrustStore(parent.cli.home()).load(Instant.now()));
      } catch (TrustListException e) {
        System.out.println("REFUSED (" + (e.reason() == TrustListException.Reason.EXPIRED
            ? "TRUST_LIST_EXPIRED" : "TRUST_LIST_" + e.reason()) + "): " + e.getMessage()
            + "; run 'packtrail-scanner trust-list fetch'");
        return ScannerCli.LABEL_REFUSED;
      } catch (IOException e) {
        System.err.println(e.getMessage());
        return ScannerCli.SETUP;
      }
      Verification v = verifier.verify(text);
      if (v.isValid()) {
        System.out.println("VALID: " + v.detail());
        return 0;
      }
      System.out.println("REFUSED (" + v.refusal() + "): " + v.detail());
      return ScannerCli.LABEL_REFUSED;
    }
  }
}
