package io.packtrail.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DurableFilesTest {
  @TempDir
  Path dir;

  static List<String> names(Path dir) throws Exception {
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void aPrivateFileIsOwnerOnlyWholeAndNeverReplaced() throws Exception {
    Path key = dir.resolve("keys/device.key");
    DurableFiles.createPrivate(key, "seed\n".getBytes(StandardCharsets.US_ASCII));
    assertEquals("seed\n", Files.readString(key));
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(key)));
    assertThrows(FileAlreadyExistsException.class, () -> DurableFiles.createPrivate(key,
        "other\n".getBytes(StandardCharsets.US_ASCII)));
    assertEquals("seed\n", Files.readString(key), "the first key stays");
    assertEquals(List.of("device.key"), names(key.getParent()), "no temporary file is left");
  }

  @Test
  void aReplacedFileHoldsTheNewBytesAndNoTemporaryFileIsLeft() throws Exception {
    Path list = dir.resolve("trust-list.bin");
    DurableFiles.replace(list, new byte[] {1, 2, 3});
    DurableFiles.replace(list, new byte[] {4, 5});
    assertArrayEquals(new byte[] {4, 5}, Files.readAllBytes(list));
    assertEquals(List.of("trust-list.bin"), names(dir));
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(list)));
    Path report = dir.resolve("report.html");
    DurableFiles.replaceShared(report, new byte[] {1});
    assertEquals("rw-r--r--", PosixFilePermissions.toString(
        Files.getPosixFilePermissions(report)), "a report is for others to read");
  }

  @Test
  void aStreamedFileIsPublishedInPlaceOfTheTarget() throws Exception {
    Path out = dir.resolve("events.csv");
    Files.writeString(out, "old\n");
    Path part = dir.resolve("events.csv.part");
    Files.writeString(part, "new\n");
    DurableFiles.publish(part, out);
    assertEquals("new\n", Files.readString(out));
    assertEquals(List.of("events.csv"), names(dir));
  }
}
