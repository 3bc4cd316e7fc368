package io.packtrail.scanner;

import io.packtrail.server.testing.PlaintextFlag;
import org.junit.jupiter.api.Test;

class PlaintextFlagTest {
  @Test
  void theFlagMeansPlaintextWhateverTheEnvironmentSays() {
    PlaintextFlag.assertMeansWhatItSays(ScannerCli::new, cli -> cli.plaintext);
  }
}
