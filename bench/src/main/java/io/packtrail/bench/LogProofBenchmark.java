package io.packtrail.bench;

import com.google.protobuf.ByteString;
import io.packtrail.client.PacktrailClient;
import io.packtrail.client.log.Checkpoint;
import io.packtrail.client.log.Merkle;
import io.packtrail.client.log.VerifierKey;
import io.packtrail.v1.GetInclusionProofResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Inclusion and consistency proofs in a log of millions of leaves. {@code --load} first fills a
 * migrated, empty database with {@code --entries} registry entries generated inside PostgreSQL
 * (placeholder entries of type {@code bench}, about 150 bytes each with their index); the
 * server's integrator then builds the tree (its tiles take 32 bytes per leaf). The benchmark
 * waits until a checkpoint covers them, checks that checkpoint's signature and a sample of
 * proofs with the SDK, then measures one call at a time: inclusion proofs of random leaves in
 * the latest tree, in random older tree sizes, and consistency proofs from random sizes.
 */
@Command(name = "log-proof-benchmark", mixinStandardHelpOptions = true,
    description = "Proof latency of the verifiable log at millions of leaves.")
public final class LogProofBenchmark implements Callable<Integer> {
  @Option(names = "--target", defaultValue = "127.0.0.1:50061", description = "server address")
  String target;

  @Option(names = "--load", description = "generate the entries first (needs --db-url)")
  boolean load;

  @Option(names = "--db-url", description = "JDBC URL of the server's database, for --load")
  String url;

  @Option(names = "--db-user", defaultValue = "postgres")
  String user;

  @Option(names = "--db-password", defaultValue = "")
  String password;

  @Option(names = "--entries", defaultValue = "10000000", description = "leaves in the log")
  long entries;

  @Option(names = "--duration", defaultValue = "30", description = "measured seconds per query")
  int durationSeconds;

  @Option(names = "--warmup", defaultValue = "10", description = "unmeasured seconds first")
  int warmupSeconds;

  public static void main(String[] args) {
    System.exit(new CommandLine(new LogProofBenchmark()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    if (load) {
      long start = System.nanoTime();
      try (Connection c = DriverManager.getConnection(url, user, password);
          Statement s = c.createStatement()) {
        // one index space: the log head moves past the generated entries
        s.execute("INSERT INTO registry_entry (log_index, entry_type, subject, canonical_bytes, "
            + "record_time) SELECT i, 'bench', 'bench/' || i, convert_to('entry.type=bench;"
            + "log.index=' || i || ';bench.payload=' || md5(i::text), 'UTF8'), now() "
            + "FROM generate_series((SELECT next_index FROM log_head), "
            + "(SELECT next_index FROM log_head) + " + entries + " - 1) AS i");
        s.execute("UPDATE log_head SET next_index = next_index + " + entries);
      }
      System.out.printf("generated %,d entries in %.0f s%n", entries,
          (System.nanoTime() - start) / 1e9);
    }
    try (PacktrailClient client = PacktrailClient.connect(target)) {
      VerifierKey key = VerifierKey.parse(client.getLogKey().getVerifierKey());
      long waitStart = System.nanoTime();
      io.packtrail.v1.Checkpoint latest = client.getCheckpoint();
      while (latest.getTreeSize() < entries) {
        Thread.sleep(2000);
        latest = client.getCheckpoint();
        System.out.printf("integrated %,d of %,d%n", latest.getTreeSize(), entries);
      }
      System.out.printf("checkpoint of %,d leaves after %.0f s%n", latest.getTreeSize(),
          (System.nanoTime() - waitStart) / 1e9);
      Checkpoint signed = Checkpoint.verify(latest.getNote(), key);
      long size = signed.size();
      byte[] root = signed.rootHash();
      SplittableRandom random = new SplittableRandom(42);
      for (int i = 0; i < 100; i++) { // the answers are right before they are timed
        long index = random.nextLong(size);
        GetInclusionProofResponse p = client.getInclusionProof(index, size);
        Merkle.verifyInclusion(p.getLeafHash().toByteArray(), index, size,
            bytes(p.getHashesList()), root);
      }
      OneClientLatency latency = new OneClientLatency(warmupSeconds, durationSeconds);
      latency.printHeader();
      latency.measure("GetInclusionProof, random leaf, latest size",
          () -> client.getInclusionProof(random.nextLong(size), size).getHashesCount());
      latency.measure("GetInclusionProof, random leaf, random size", () -> {
        long at = 1 + random.nextLong(size);
        return client.getInclusionProof(random.nextLong(at), at).getHashesCount();
      });
      latency.measure("GetConsistencyProof, random size to latest",
          () -> client.getConsistencyProof(1 + random.nextLong(size), size).getHashesCount());
    }
    return 0;
  }

  private static List<byte[]> bytes(List<ByteString> hashes) {
    return hashes.stream().map(ByteString::toByteArray).toList();
  }

}
