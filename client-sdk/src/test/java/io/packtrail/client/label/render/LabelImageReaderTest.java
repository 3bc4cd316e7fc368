package io.packtrail.client.label.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.zip.CRC32;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Image files of any size are read within bounded memory, or refused before decoding. */
class LabelImageReaderTest {
  @TempDir
  Path dir;

  @Test
  void aPhotoOverSixteenMegapixelsIsReadSubsampled() throws IOException {
    String text = RenderTestSupport.labelText(7, 224);
    BufferedImage photo = new BufferedImage(5000, 4000, BufferedImage.TYPE_BYTE_GRAY);
    Graphics2D g = photo.createGraphics();
    g.setColor(java.awt.Color.WHITE);
    g.fillRect(0, 0, 5000, 4000);
    g.drawImage(LabelRenderer.render(text, RenderTestSupport.plainCode(7), 800), 2100, 1500,
        null);
    g.dispose();
    Path file = dir.resolve("photo.png");
    ImageIO.write(photo, "png", file.toFile());

    BufferedImage decoded = LabelImageReader.load(file);
    assertEquals(2500, decoded.getWidth(), "20 megapixels read every second pixel");
    assertEquals(2000, decoded.getHeight());
    assertEquals(Optional.of(text), LabelImageReader.read(file));
  }

  @Test
  void anImageOfAGigapixelAndMoreIsRefusedFromItsHeader() throws IOException {
    // a PNG whose header claims 40000 x 40000 pixels, with no pixel data: decoding it whole
    // would need 6.4 GB; the size alone refuses it
    Path file = dir.resolve("huge.png");
    Files.write(file, png(40_000, 40_000));
    IOException refused = assertThrows(IOException.class, () -> LabelImageReader.read(file));
    assertTrue(refused.getMessage().contains("40000 x 40000 pixels"), refused.getMessage());
  }

  /** The PNG signature, an IHDR chunk (8-bit grayscale) and IEND. */
  static byte[] png(int width, int height) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(bytes);
    out.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
    ByteArrayOutputStream header = new ByteArrayOutputStream();
    DataOutputStream h = new DataOutputStream(header);
    h.writeInt(width);
    h.writeInt(height);
    h.write(new byte[] {8, 0, 0, 0, 0}); // bit depth 8, grayscale, deflate, filter 0, no interlace
    chunk(out, "IHDR", header.toByteArray());
    chunk(out, "IEND", new byte[0]);
    return bytes.toByteArray();
  }

  static void chunk(DataOutputStream out, String type, byte[] data) throws IOException {
    byte[] name = type.getBytes(StandardCharsets.US_ASCII);
    out.writeInt(data.length);
    out.write(name);
    out.write(data);
    CRC32 crc = new CRC32();
    crc.update(name);
    crc.update(data);
    out.writeInt((int) crc.getValue());
  }
}
