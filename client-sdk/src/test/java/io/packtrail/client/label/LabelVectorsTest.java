package io.packtrail.client.label;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.packtrail.v1.LabelKeyStatus;
import io.packtrail.v1.LabelPayload;
import io.packtrail.v1.LabelStatus;
import io.packtrail.v1.SignedLabel;
import io.packtrail.v1.SignedTrustList;
import io.packtrail.v1.TrustList;
import io.packtrail.v1.TrustedLabelKey;
import io.packtrail.v1.UnitLevel;
import io.packtrail.v1.WithdrawnLabel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The test vectors of docs/formats.md section 7. Ed25519 signatures are deterministic, so every
 * value is fixed; the values were also reproduced independently (Python cryptography/OpenSSL with
 * hand-written protobuf and Base45). If this test changes, the document must change with it.
 */
class LabelVectorsTest {

  private static final HexFormat HEX = HexFormat.of();

  static final String ISSUER_SEED = "0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20";
  static final String ISSUER_PUBLIC = "79b5562e8fe654f94078b112e8a98ba7901f853ae695bed7e0e3910bad049664";
  static final String ISSUER_KEY_ID = "65b60673";
  static final String ROOT_SEED = "2122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f40";
  static final String ROOT_PUBLIC = "e7f162a10bec559afea195e4dce84b69568d5d2cb0963eb446c0685e2b17f2f0";
  static final String ROOT_KEY_ID = "c945cbf2";

  static final String PAYLOAD = "0a185831324d43504d32374b4c50434c58324d3233383233323010021887ad4b220d67616e73752d"
      + "626174746572792a0465b606733080f2d6ca06";
  static final String SIGNATURE = "c830a489d02056e8dfa2cd9d035003abd76ce061474c40105bb8bccd5ab2033f"
      + "3a6c66cdbf872964cbb824bb3a4cb2bc67915ec388f7e1a42a6f655e8d34540d";
  static final String TEXT = "PT1:9D1JC1W6B7G6.M87Y9P:66T9%M8X6B7Y9HL6QF6NF6312O43%+LWD453DF/DR EUJCMWE5$CDEF0P0N0"
      + "NDPEPDG-6ROY0O88W660JH/34ZJT7QKA%J85AQWLHYDIDCZS9232.FNA/PVMMV:7UVDL0Q-3HIXCPCN5UNEV9  N:GIGW"
      + "O7FV-XKW3E+.BVR6D0";

  static final String TRUST_LIST = "08011080f2d6ca061880affacb0622450a0465b60673120d67616e73752d626174746572791a20"
      + "79b5562e8fe654f94078b112e8a98ba7901f853ae695bed7e0e3910bad0496642080f2d6ca062880d9dbd906300"
      + "12a0708b197d3031003";
  static final String TRUST_LIST_SIGNATURE = "cf17d0bafce2b5547ca1c7c0fc097413016c7ee7816a204b8521e258a903451e"
      + "fc36a2afcc4a3c9ba6795d4370764bce18db7f4f84e3ffb3a2d76b34e67a1808";

  private static final LabelPayload VECTOR_PAYLOAD = LabelPayload.newBuilder()
      .setUnitCode("X12MCPM27KLPCLX2M2382320")
      .setLevel(UnitLevel.UNIT_LEVEL_MODULE)
      .setSerial(1234567)
      .setIssuer("gansu-battery")
      .setKeyId(ByteString.fromHex(ISSUER_KEY_ID))
      .setIssuedAt(1767225600L) // 2026-01-01T00:00:00Z
      .build();

  private static final TrustList VECTOR_TRUST_LIST = TrustList.newBuilder()
      .setVersion(1)
      .setIssuedAt(1767225600L)  // 2026-01-01T00:00:00Z
      .setExpiresAt(1769904000L) // 2026-02-01T00:00:00Z
      .addKeys(TrustedLabelKey.newBuilder()
          .setKeyId(ByteString.fromHex(ISSUER_KEY_ID))
          .setIssuer("gansu-battery")
          .setPublicKey(ByteString.fromHex(ISSUER_PUBLIC))
          .setNotBefore(1767225600L) // 2026-01-01T00:00:00Z
          .setNotAfter(1798761600L)  // 2027-01-01T00:00:00Z
          .setStatus(LabelKeyStatus.LABEL_KEY_STATUS_ACTIVE))
      .addWithdrawnLabels(WithdrawnLabel.newBuilder()
          .setSerial(7654321)
          .setStatus(LabelStatus.LABEL_STATUS_SUPERSEDED))
      .build();

  @Test
  void seedsGiveThesePublicKeysAndKeyIds() {
    assertEquals(ISSUER_SEED, HEX.formatHex(LabelFixtures.bytesFrom(0x01)));
    assertEquals(ROOT_SEED, HEX.formatHex(LabelFixtures.bytesFrom(0x21)));
    assertEquals(ISSUER_PUBLIC, HEX.formatHex(Ed25519Keys.publicKeyOf(HEX.parseHex(ISSUER_SEED))));
    assertEquals(ROOT_PUBLIC, HEX.formatHex(Ed25519Keys.publicKeyOf(HEX.parseHex(ROOT_SEED))));
    assertEquals(ISSUER_KEY_ID, HEX.formatHex(Ed25519Keys.keyId(HEX.parseHex(ISSUER_PUBLIC))));
    assertEquals(ROOT_KEY_ID, HEX.formatHex(Ed25519Keys.keyId(HEX.parseHex(ROOT_PUBLIC))));
  }

  @Test
  void labelVector() {
    assertEquals(PAYLOAD, HEX.formatHex(VECTOR_PAYLOAD.toByteArray()));
    SignedLabel signed = LabelCodec.sign(VECTOR_PAYLOAD, HEX.parseHex(ISSUER_SEED));
    assertEquals(PAYLOAD, HEX.formatHex(signed.getPayload().toByteArray()));
    assertEquals(SIGNATURE, HEX.formatHex(signed.getSignature().toByteArray()));
    assertEquals("0a3b" + PAYLOAD + "1240" + SIGNATURE, HEX.formatHex(signed.toByteArray()));
    assertEquals(TEXT, LabelCodec.encode(signed));
    assertEquals(195, TEXT.length());
    assertEquals(TEXT, LabelFixtures.vectorLabel());
    assertEquals(VECTOR_PAYLOAD, LabelCodec.decodeWithPayload(TEXT).payload());
  }

  @Test
  void trustListVector() throws TrustListException {
    SignedTrustList signed = TrustLists.sign(VECTOR_TRUST_LIST, HEX.parseHex(ROOT_SEED), HEX.parseHex(ROOT_PUBLIC));
    assertEquals(TRUST_LIST, HEX.formatHex(signed.getTrustList().toByteArray()));
    assertEquals(TRUST_LIST_SIGNATURE, HEX.formatHex(signed.getSignature().toByteArray()));
    assertEquals(ROOT_KEY_ID, HEX.formatHex(signed.getRootKeyId().toByteArray()));

    Instant now = Instant.parse("2026-01-15T00:00:00Z");
    TrustList verified = TrustLists.verify(signed, HEX.parseHex(ROOT_PUBLIC), now);
    Verification verification = new LabelVerifier(verified, () -> now).verify(TEXT);
    assertTrue(verification.isValid(), verification.detail());
  }

  /** The document shows exactly the values this test checks (docs/formats.md section 7). */
  @Test
  void formatsDocumentShowsTheseVectors() throws Exception {
    String doc = Files.readString(formatsDocument(), StandardCharsets.UTF_8);
    int from = doc.indexOf("## 7. Signed QR labels");
    String section = doc.substring(doc.indexOf("### Test vectors", from),
        doc.indexOf("### Printing", from));
    Map<String, String> table = new HashMap<>();
    for (String line : section.split("\n")) {
      Matcher row = Pattern.compile("^\\| ([^|]+) \\| `([0-9a-f]+)` \\|$").matcher(line);
      if (row.matches()) {
        table.put(row.group(1), row.group(2));
      }
    }
    assertEquals(Map.of("issuer private key (seed)", ISSUER_SEED, "issuer public key",
        ISSUER_PUBLIC, "issuer key id", ISSUER_KEY_ID, "root private key (seed)", ROOT_SEED,
        "root public key", ROOT_PUBLIC, "root key id", ROOT_KEY_ID), table);

    List<String> blocks = new ArrayList<>();
    Matcher fence = Pattern.compile("```\\n(.*?)```", Pattern.DOTALL).matcher(section);
    while (fence.find()) {
      blocks.add(fence.group(1));
    }
    assertEquals(4, blocks.size(), "payload, signature, text, trust list");
    StringBuilder payload = new StringBuilder();
    for (String line : blocks.get(0).split("\n")) {
      payload.append(line.split("\\s{2,}")[0].replace(" ", "")); // hex, then a comment
    }
    assertEquals(PAYLOAD, payload.toString());
    assertEquals(SIGNATURE, blocks.get(1).replaceAll("\\s", ""));
    assertEquals(TEXT, blocks.get(2).strip());
    Map<String, StringBuilder> trust = new LinkedHashMap<>();
    String name = null;
    for (String line : blocks.get(3).split("\n")) {
      if (!line.startsWith(" ")) {
        name = line.split("\\s+")[0];
        trust.put(name, new StringBuilder());
        line = line.substring(name.length());
      }
      trust.get(name).append(line.replaceAll("\\s", ""));
    }
    assertEquals(TRUST_LIST, trust.get("trust_list").toString());
    assertEquals(TRUST_LIST_SIGNATURE, trust.get("signature").toString());
    assertEquals(ROOT_KEY_ID, trust.get("root_key_id").toString());
  }

  private static Path formatsDocument() {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path candidate = dir.resolve("docs").resolve("formats.md");
      if (Files.isRegularFile(candidate)) {
        return candidate;
      }
    }
    throw new IllegalStateException("docs/formats.md not found");
  }
}
