package io.packtrail.bench;

import io.packtrail.client.device.DeviceCheck;
import io.packtrail.client.label.Ed25519Keys;
import io.packtrail.client.canonical.Canonical;
import io.packtrail.client.device.DeviceSignatures;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * 50 device signatures verified with the device key decoded for each (as BundleVerifier did)
 * and decoded once (as it does now), in alternating rounds of 20 operations (the first of the
 * pair swapping each round, 5 unmeasured rounds first), so a shared machine's drift falls on both;
 * prints the medians and quartiles. Usage: java -cp bench/target/packtrail-bench.jar
 * io.packtrail.bench.KeyDecodeInterleaved ROUNDS
 */
public final class KeyDecodeInterleaved {
  private KeyDecodeInterleaved() {}

  public static void main(String[] a) {
    Ed25519Keys.KeyPair k = Ed25519Keys.generate();
    List<DeviceCheck.Statement> st = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      TreeMap<String, String> f = new TreeMap<>(Map.of("device", "d", "unit.code", "U" + i, "event.type", "inspection"));
      TreeMap<String, String> s = new TreeMap<>(f);
      s.keySet().removeAll(DeviceCheck.NOT_SIGNED);
      f.put("device.signature", HexFormat.of().formatHex(Ed25519Keys.sign(DeviceSignatures.TAG, Canonical.encode(s), k.privateKey())));
      st.add((DeviceCheck.Statement) DeviceCheck.of(Canonical.encode(f)));
    }
    int rounds = Integer.parseInt(a[0]), reps = 20;
    long[] each = new long[rounds], once = new long[rounds];
    int ok = 0;
    for (int r = -5; r < rounds; r++) {
      for (int pass = 0; pass < 2; pass++) {
        boolean eachFirst = (r & 1) == 0;
        boolean doEach = (pass == 0) == eachFirst;
        long t = System.nanoTime();
        for (int x = 0; x < reps; x++) {
          if (doEach) { for (var s : st) ok += s.verifies(k.publicKey()) ? 1 : 0; }
          else { var key = Ed25519Keys.decode(k.publicKey()).orElseThrow(); for (var s : st) ok += s.verifies(key) ? 1 : 0; }
        }
        long d = (System.nanoTime() - t) / reps;
        if (r >= 0) { if (doEach) each[r] = d; else once[r] = d; }
      }
    }
    Arrays.sort(each); Arrays.sort(once);
    System.out.printf("ok=%d rounds=%d; 50 verifications per op, ms: decoded each time median %.2f (p25 %.2f, p75 %.2f); decoded once median %.2f (p25 %.2f, p75 %.2f)%n", ok, rounds,
        each[rounds/2]/1e6, each[rounds/4]/1e6, each[3*rounds/4]/1e6, once[rounds/2]/1e6, once[rounds/4]/1e6, once[3*rounds/4]/1e6);
  }
}
