package io.packtrail.bench;

import io.packtrail.server.testing.PlaintextFlag;
import org.junit.jupiter.api.Test;

class PlaintextFlagTest {
  @Test
  void theFlagMeansPlaintextWhateverTheEnvironmentSays() {
    PlaintextFlag.assertMeansWhatItSays(LoadGenerator::new, cli -> cli.plaintext);
  }
}
