package io.packtrail.client.label;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class Base45TextTest {

  /** The examples of RFC 9285 sections 4.3 and 4.4. */
  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "AB|BB8",
      "Hello!!|%69 VD92EX0",
      "base-45|UJCLQE7W581",
      "ietf!|QED8WEX0"})
  void rfc9285Examples(String plain, String encoded) {
    assertEquals(encoded, Base45Text.encode(plain.getBytes(StandardCharsets.US_ASCII)));
    assertEquals(plain, new String(Base45Text.decode(encoded), StandardCharsets.US_ASCII));
  }

  @ParameterizedTest
  @CsvSource({"FGW,ffff", "U5,ff", "00,00", "000,0000"})
  void largestAndSmallestGroupsDecode(String encoded, String hex) {
    assertArrayEquals(HexFormat.of().parseHex(hex), Base45Text.decode(encoded));
  }

  @Test
  void emptyIsEmpty() {
    assertEquals("", Base45Text.encode(new byte[0]));
    assertArrayEquals(new byte[0], Base45Text.decode(""));
  }

  @Test
  void randomBytesRoundTrip() {
    Random random = new Random(45);
    for (int length = 0; length < 300; length++) {
      byte[] bytes = new byte[length];
      random.nextBytes(bytes);
      assertArrayEquals(bytes, Base45Text.decode(Base45Text.encode(bytes)));
    }
  }

  /** RFC 9285 section 6: a triplet above 65535 (or a final pair above 255) is invalid. */
  @ParameterizedTest
  @ValueSource(strings = {"GGW", "ZZZZZZ", ":::", "BB8GGW", "V5", "::", "BB8V5"})
  void refusesGroupsOutOfRange(String encoded) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Base45Text.decode(encoded));
    assertTrue(e.getMessage().contains("exceeds"), e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"bb8", "BB8=", "BB\n8", "BB_", "\u00e9BB", "BB\u00008", "BB8\t"})
  void refusesCharactersOutsideTheAlphabet(String encoded) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Base45Text.decode(encoded));
    assertTrue(e.getMessage().contains("not in the Base45 alphabet"), e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"A", "BB8A", "%69 VD92EX0AB"})
  void refusesADanglingCharacter(String encoded) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Base45Text.decode(encoded));
    assertTrue(e.getMessage().contains("dangling"), e.getMessage());
  }

  @Test
  void alphabetIsRfc9285s() {
    assertEquals(45, Base45Text.ALPHABET.length());
    // Value 44 is ':' and value 0 is '0': "0:" would be 44*45 = 1980, a byte overflow.
    assertEquals(':', Base45Text.ALPHABET.charAt(44));
  }
}
