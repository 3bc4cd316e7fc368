package io.packtrail.client.label;

import static io.packtrail.client.label.LabelFixtures.ISSUER_PUBLIC;
import static io.packtrail.client.label.LabelFixtures.ISSUER_SEED;
import static io.packtrail.client.label.LabelFixtures.UNIT_CODE;
import static io.packtrail.client.label.LabelFixtures.payload;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.packtrail.client.label.LabelFormatException.Check;
import io.packtrail.v1.LabelPayload;
import io.packtrail.v1.SignedLabel;
import io.packtrail.v1.UnitLevel;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LabelCodecTest {

  private static final SignedLabel VALID = LabelCodec.sign(payload(ISSUER_PUBLIC).build(), ISSUER_SEED);

  @Test
  void roundTripsEveryPayloadField() {
    LabelPayload payload = LabelPayload.newBuilder()
        .setUnitCode("03HCB0D0000001A1K0000023")
        .setLevel(UnitLevel.UNIT_LEVEL_CELL)
        .setSerial(-1L) // 2^64 - 1: serial is uint64
        .setIssuer("some-org")
        .setKeyId(ByteString.copyFrom(new byte[] {1, 2, 3, 4}))
        .setIssuedAt(4102444800L)
        .build();
    SignedLabel signed = LabelCodec.sign(payload, ISSUER_SEED);
    String text = LabelCodec.encode(signed);
    assertTrue(text.startsWith(LabelCodec.PREFIX));

    LabelCodec.Decoded decoded = LabelCodec.decodeWithPayload(text);
    assertEquals(signed, decoded.envelope());
    assertEquals(signed, LabelCodec.decode(text));
    LabelPayload back = decoded.payload();
    assertEquals(payload, back);
    assertEquals("03HCB0D0000001A1K0000023", back.getUnitCode());
    assertEquals(UnitLevel.UNIT_LEVEL_CELL, back.getLevel());
    assertEquals("18446744073709551615", Long.toUnsignedString(back.getSerial()));
    assertEquals("some-org", back.getIssuer());
    assertArrayEquals(new byte[] {1, 2, 3, 4}, back.getKeyId().toByteArray());
    assertEquals(4102444800L, back.getIssuedAt());
  }

  @Test
  void signsTheSerializedPayloadBytes() {
    assertEquals(payload(ISSUER_PUBLIC).build().toByteString(), VALID.getPayload());
    assertTrue(Ed25519Keys.verify(Ed25519Keys.LABEL_TAG, VALID.getPayload().toByteArray(),
        VALID.getSignature().toByteArray(), ISSUER_PUBLIC));
  }

  @Test
  void refusesOverLongTextBeforeDecoding() {
    // The length is the first check: over-long text that would also fail the prefix and Base45
    // checks is refused as too long, so it is never decoded.
    String huge = "pt1;" + "a".repeat(20_000_000);
    assertEquals(Check.TOO_LONG, check(huge));
    assertEquals(Check.TOO_LONG, check(LabelCodec.PREFIX + "0".repeat(LabelCodec.MAX_TEXT_LENGTH - 3)));
    // At the cap the text gets past the length check (and fails a later one).
    assertEquals(Check.BASE45, check(LabelCodec.PREFIX + "a".repeat(LabelCodec.MAX_TEXT_LENGTH - 4)));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "PT1", "pt1:BB8", "PT2:BB8", "PT1;BB8", " PT1:BB8", "BB8", "https://example.com/PT1:BB8"})
  void refusesMissingOrOtherPrefix(String text) {
    assertEquals(Check.PREFIX, check(text));
  }

  @ParameterizedTest
  @ValueSource(strings = {"PT1:bb8", "PT1:A", "PT1:GGW", "PT1:BB8\n"})
  void refusesBadBase45(String text) {
    assertEquals(Check.BASE45, check(text));
  }

  @Test
  void refusesBytesThatAreNotASignedLabel() {
    assertEquals(Check.ENVELOPE, check(encodeRaw(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff})));
    // A length running past the end.
    assertEquals(Check.ENVELOPE, check(encodeRaw(new byte[] {0x0a, 0x7f, 0x01})));
    // The empty text decodes to an empty envelope: no signature.
    assertEquals(Check.SIGNATURE_SIZE, check(LabelCodec.PREFIX));
  }

  @Test
  void refusesNonCanonicalEnvelopes() {
    byte[] bytes = VALID.toByteArray();
    byte[] unknownField = Arrays.copyOf(bytes, bytes.length + 2);
    unknownField[bytes.length] = 0x18; // field 3, varint
    unknownField[bytes.length + 1] = 0x01;
    assertEquals(Check.ENVELOPE, check(encodeRaw(unknownField)));

    byte[] signatureTwice = SignedLabel.newBuilder(VALID).build().toByteString()
        .concat(SignedLabel.newBuilder().setSignature(VALID.getSignature()).build().toByteString())
        .toByteArray();
    assertEquals(Check.ENVELOPE, check(encodeRaw(signatureTwice)));

    byte[] reordered = SignedLabel.newBuilder().setSignature(VALID.getSignature()).build().toByteString()
        .concat(SignedLabel.newBuilder().setPayload(VALID.getPayload()).build().toByteString())
        .toByteArray();
    assertEquals(Check.ENVELOPE, check(encodeRaw(reordered)));
  }

  @Test
  void refusesSignaturesOfTheWrongSize() {
    for (int size : new int[] {0, 1, 63, 65, 128}) {
      SignedLabel label = VALID.toBuilder().setSignature(ByteString.copyFrom(new byte[size])).build();
      assertEquals(Check.SIGNATURE_SIZE, check(LabelCodec.encode(label)), "size " + size);
    }
  }

  @Test
  void refusesPayloadsThatAreNotALabelPayload() {
    assertEquals(Check.PAYLOAD, check(LabelCodec.encode(VALID.toBuilder().clearPayload().build())));
    SignedLabel garbage = VALID.toBuilder().setPayload(ByteString.copyFrom(new byte[] {(byte) 0xff, 0x01})).build();
    assertEquals(Check.PAYLOAD, check(LabelCodec.encode(garbage)));
  }

  /** The payload is signed, but signed bytes that are not protobuf's own encoding are refused. */
  @Test
  void refusesNonCanonicalPayloadsEvenWhenSigned() {
    byte[] canonical = payload(ISSUER_PUBLIC).build().toByteArray();
    byte[][] variants = {
      concat(canonical, new byte[] {0x38, 0x01}), // unknown field 7
      concat(canonical, LabelPayload.newBuilder().setLevel(UnitLevel.UNIT_LEVEL_CELL).build()
          .toByteArray()), // level twice: protobuf keeps the last
      concat(new byte[] {0x10, (byte) 0x82, 0x00}, // level 2 as a padded varint, field first
          payload(ISSUER_PUBLIC).clearLevel().build().toByteArray()),
      concat(canonical, new byte[] {0x15, 2, 0, 0, 0}), // field 2 (level) as fixed32
      concat(new byte[] {0x10, 0x00}, canonical), // a default value written out
    };
    for (byte[] variant : variants) {
      LabelPayload parsed = assertDoesNotThrow(() -> LabelPayload.parseFrom(variant));
      assertEquals(UNIT_CODE, parsed.getUnitCode(), "protobuf alone accepts the variant");
      SignedLabel signed = SignedLabel.newBuilder().setPayload(ByteString.copyFrom(variant))
          .setSignature(ByteString.copyFrom(
              Ed25519Keys.sign(Ed25519Keys.LABEL_TAG, variant, ISSUER_SEED)))
          .build();
      assertEquals(Check.PAYLOAD, check(LabelCodec.encode(signed)),
          HexFormat.of().formatHex(variant));
    }
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] joined = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, joined, a.length, b.length);
    return joined;
  }

  @Test
  void refusesKeyIdsOfTheWrongSize() {
    for (int size : new int[] {0, 3, 5, 32}) {
      LabelPayload payload = payload(ISSUER_PUBLIC).setKeyId(ByteString.copyFrom(new byte[size])).build();
      assertEquals(Check.KEY_ID_SIZE, check(LabelFixtures.labelText(payload, ISSUER_SEED)), "size " + size);
    }
  }

  private static String encodeRaw(byte[] envelope) {
    return LabelCodec.PREFIX + Base45Text.encode(envelope);
  }

  private static Check check(String text) {
    return assertThrows(LabelFormatException.class, () -> LabelCodec.decode(text)).check();
  }
}
