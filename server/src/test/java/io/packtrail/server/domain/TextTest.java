package io.packtrail.server.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TextTest {
  @Test
  void echoEscapesControlCharactersAndCutsLongInput() {
    assertEquals("a\\u0000b\\u001B", Text.echo("a\0b\u001b"));
    String echoed = Text.echo("x".repeat(100_000));
    assertEquals(Text.MAX_ECHO + 3, echoed.length());
    assertTrue(echoed.endsWith("..."));
    assertEquals("名前😀", Text.echo("名前😀"));
    String cutAtPair = Text.echo("x".repeat(Text.MAX_ECHO - 1) + "😀😀");
    assertFalse(Character.isHighSurrogate(cutAtPair.charAt(cutAtPair.length() - 4)),
        "a surrogate pair is never cut in half: " + cutAtPair);
  }

  @Test
  void checkRefusesControlCharactersAndOverlongText() {
    Violations v = new Violations();
    assertFalse(Text.check(v, "note", "a\0b", 10, true));
    assertTrue(Text.check(v, "note", "line\nline\ttab", 20, true));
    assertFalse(Text.check(v, "name", "line\nline", 20, false));
    assertFalse(Text.checkName(v, "name", "n".repeat(Text.MAX_NAME + 1)));
    assertTrue(Text.check(v, "name", null, 1, false));
    assertEquals(3, v.list().size());
    assertTrue(v.list().get(0).description().contains("U+0000 at index 1"), v.list().toString());
  }
}
