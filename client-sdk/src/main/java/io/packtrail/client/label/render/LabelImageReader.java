package io.packtrail.client.label.render;

import com.google.zxing.BarcodeFormat;
import com.google.zxing.BinaryBitmap;
import com.google.zxing.DecodeHintType;
import com.google.zxing.LuminanceSource;
import com.google.zxing.ReaderException;
import com.google.zxing.Result;
import com.google.zxing.client.j2se.BufferedImageLuminanceSource;
import com.google.zxing.common.GlobalHistogramBinarizer;
import com.google.zxing.common.HybridBinarizer;
import com.google.zxing.multi.qrcode.QRCodeMultiReader;
import com.google.zxing.qrcode.QRCodeReader;

import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/** Reads a label's QR text back from an image (photo, scan, or rendered PNG). */
public final class LabelImageReader {

  private static final Map<DecodeHintType, Object> HINTS = Map.of(
      DecodeHintType.TRY_HARDER, Boolean.TRUE,
      DecodeHintType.POSSIBLE_FORMATS, List.of(BarcodeFormat.QR_CODE));

  private LabelImageReader() {}

  /** The QR's exact text, or empty if the image holds no readable QR code. */
  public static Optional<String> read(BufferedImage image) {
    LuminanceSource source = new BufferedImageLuminanceSource(image);
    // Hybrid (local thresholds) suits uneven lighting; global histogram suits blurred or
    // low-resolution symbols where local blocks see too little contrast; last, our own
    // global (Otsu) threshold on a grayscale copy.
    List<Supplier<BinaryBitmap>> variants = List.of(
        () -> new BinaryBitmap(new HybridBinarizer(source)),
        () -> new BinaryBitmap(new GlobalHistogramBinarizer(source)),
        () -> new BinaryBitmap(new HybridBinarizer(new BufferedImageLuminanceSource(binarized(image)))));
    for (Supplier<BinaryBitmap> variant : variants) {
      Optional<String> text = decode(variant.get());
      if (text.isPresent()) {
        return text;
      }
    }
    return Optional.empty();
  }

  /**
   * Photos larger than this are read subsampled to about this many pixels: a label fills enough
   * of any sensible photo to stay readable, and a 200-megapixel photo decoded whole would take
   * gigabytes of memory (the image, then luminance and threshold copies of it).
   */
  static final long MAX_PIXELS = 16_000_000L;
  /** Larger images are refused: no camera makes them, and decompressing them takes minutes. */
  static final long REFUSED_PIXELS = 1_000_000_000L;

  /**
   * Reads an image file. Missing, unreadable, non-image or absurdly large files are an
   * {@link IOException}; an image without a readable QR code is {@link Optional#empty()}.
   */
  public static Optional<String> read(Path imageFile) throws IOException {
    return read(load(imageFile));
  }

  /** The image of a file as {@link #read(Path)} decodes it: subsampled when it is large. */
  static BufferedImage load(Path imageFile) throws IOException {
    BufferedImage image;
    try (ImageInputStream in = ImageIO.createImageInputStream(imageFile.toFile())) {
      if (in == null) {
        throw new IOException("cannot open it");
      }
      Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
      if (!readers.hasNext()) {
        throw new IOException("not a supported image format (PNG, JPEG, GIF, BMP): " + imageFile);
      }
      ImageReader reader = readers.next();
      try {
        reader.setInput(in, true, true);
        // the size is in the file's header: checked before any pixel is decoded
        long width = reader.getWidth(0);
        long height = reader.getHeight(0);
        long pixels = width * height;
        if (pixels > REFUSED_PIXELS) {
          throw new IOException("the image is " + width + " x " + height + " pixels, more than "
              + REFUSED_PIXELS / 1_000_000 + " megapixels: " + imageFile);
        }
        ImageReadParam param = reader.getDefaultReadParam();
        int step = (int) Math.ceil(Math.sqrt((double) pixels / MAX_PIXELS));
        if (step > 1) {
          param.setSourceSubsampling(step, step, 0, 0);
        }
        image = reader.read(0, param);
      } finally {
        reader.dispose();
      }
    } catch (IOException e) {
      throw new IOException("cannot read image file " + imageFile + ": " + e.getMessage(), e);
    }
    return image;
  }

  private static Optional<String> decode(BinaryBitmap bitmap) {
    try {
      return Optional.of(new QRCodeReader().decode(bitmap, HINTS).getText());
    } catch (ReaderException | RuntimeException e) {
      // zxing signals "not found / bad checksum" by exceptions, and odd images can trip
      // internal runtime errors; both just mean "try something else".
    }
    try {
      // QRCodeReader's detector keeps only its best three finder-pattern candidates and
      // misses ~2% of valid symbols whose data region mimics a finder pattern (zxing
      // issues #914, #1763); the multi reader tries the other combinations.
      Result[] results = new QRCodeMultiReader().decodeMultiple(bitmap, HINTS);
      return results.length == 0 ? Optional.empty() : Optional.of(results[0].getText());
    } catch (ReaderException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /** Grayscale copy thresholded at Otsu's level, as a black/white image. */
  static BufferedImage binarized(BufferedImage image) {
    int w = image.getWidth(), h = image.getHeight();
    int[] lum = new int[w * h];
    int[] hist = new int[256];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int argb = image.getRGB(x, y);
        int a = argb >>> 24;
        int r = (argb >> 16) & 0xff, g = (argb >> 8) & 0xff, b = argb & 0xff;
        int l = (r * 299 + g * 587 + b * 114) / 1000;
        l = (l * a + 255 * (255 - a)) / 255; // transparent counts as white paper
        lum[y * w + x] = l;
        hist[l]++;
      }
    }
    int t = otsu(hist, w * h);
    BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_BINARY);
    for (int i = 0; i < lum.length; i++) {
      out.setRGB(i % w, i / w, lum[i] <= t ? 0xff000000 : 0xffffffff);
    }
    return out;
  }

  private static int otsu(int[] hist, int total) {
    long sumAll = 0;
    for (int i = 0; i < 256; i++) {
      sumAll += (long) i * hist[i];
    }
    long sumB = 0;
    int wB = 0, best = 127;
    double bestVar = -1;
    for (int t = 0; t < 256; t++) {
      wB += hist[t];
      if (wB == 0) continue;
      int wF = total - wB;
      if (wF == 0) break;
      sumB += (long) t * hist[t];
      double mB = (double) sumB / wB, mF = (double) (sumAll - sumB) / wF;
      double var = (double) wB * wF * (mB - mF) * (mB - mF);
      if (var > bestVar) {
        bestVar = var;
        best = t;
      }
    }
    return best;
  }
}
