package io.packtrail.bench;

import com.google.protobuf.ByteString;
import io.packtrail.client.label.Ed25519Keys;
import io.packtrail.client.label.LabelCodec;
import io.packtrail.client.label.LabelVerifier;
import io.packtrail.client.label.Verification;
import io.packtrail.client.label.render.LabelRenderer;
import io.packtrail.v1.LabelKeyStatus;
import io.packtrail.v1.LabelPayload;
import io.packtrail.v1.TrustList;
import io.packtrail.v1.TrustedLabelKey;
import io.packtrail.v1.UnitLevel;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Label throughput on one core: sign+encode (server, issuing), decode+verify (scanner and
 * server, every scan), PNG rendering (printing), next to a bare Ed25519 verify on the same
 * machine. Run: java -cp bench/target/packtrail-bench.jar org.openjdk.jmh.Main LabelBenchmarks
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@Threads(1)
public class LabelBenchmarks {
  private LabelPayload payload;
  private byte[] privateKey;
  private byte[] publicKey;
  private String text;
  private LabelVerifier verifier;
  private byte[] message;
  private byte[] signature;

  @Setup
  public void setUp() {
    System.setProperty("java.awt.headless", "true");
    Ed25519Keys.KeyPair pair = Ed25519Keys.generate();
    privateKey = pair.privateKey();
    publicKey = pair.publicKey();
    byte[] keyId = Ed25519Keys.keyId(publicKey);
    long now = Instant.now().getEpochSecond();
    payload = LabelPayload.newBuilder()
        .setUnitCode("LZBPBL5K7Q2M3XRA50000001")
        .setLevel(UnitLevel.UNIT_LEVEL_PACK)
        .setSerial(1_000_001)
        .setIssuer("lanzhou-power-battery")
        .setKeyId(ByteString.copyFrom(keyId))
        .setIssuedAt(now)
        .build();
    text = LabelCodec.encode(LabelCodec.sign(payload, privateKey));
    verifier = new LabelVerifier(TrustList.newBuilder()
        .setVersion(1).setIssuedAt(now).setExpiresAt(now + 86_400)
        .addKeys(TrustedLabelKey.newBuilder().setKeyId(ByteString.copyFrom(keyId))
            .setIssuer("lanzhou-power-battery").setPublicKey(ByteString.copyFrom(publicKey))
            .setNotBefore(now - 86_400).setNotAfter(now + 86_400 * 365)
            .setStatus(LabelKeyStatus.LABEL_KEY_STATUS_ACTIVE))
        .build());
    message = payload.toByteArray();
    signature = Ed25519Keys.sign(Ed25519Keys.LABEL_TAG, message, privateKey);
    if (!verifier.verify(text).isValid()) {
      throw new IllegalStateException("benchmark label does not verify");
    }
  }

  @Benchmark
  public String signAndEncode() {
    return LabelCodec.encode(LabelCodec.sign(payload, privateKey));
  }

  @Benchmark
  public Verification decodeAndVerify() {
    return verifier.verify(text);
  }

  @Benchmark
  public boolean rawEd25519Verify() {
    return Ed25519Keys.verify(Ed25519Keys.LABEL_TAG, message, signature, publicKey);
  }

  @Benchmark
  @Warmup(iterations = 2, time = 2)
  @Measurement(iterations = 3, time = 2)
  public byte[] renderPng() {
    return LabelRenderer.png(text, "LZBPBL5K7Q2M3XRA50000001", 600);
  }
}
