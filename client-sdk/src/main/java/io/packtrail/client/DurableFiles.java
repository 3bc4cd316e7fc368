package io.packtrail.client;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Files written whole or not at all, and on disk when the write returns: a temporary file in the
 * same folder, flushed, renamed into place, and the folder flushed. A rename alone is atomic
 * against a crash of the process, not against a power cut: without the flushes the new name can
 * reach the disk before the file's content, leaving an empty key file after "enrolled".
 */
public final class DurableFiles {
  /** Owner read and write only: what private keys are written with. */
  public static final Set<PosixFilePermission> OWNER_ONLY =
      PosixFilePermissions.fromString("rw-------");

  private DurableFiles() {}

  /**
   * Writes {@code bytes} as {@code file}, replacing what is there: mode 600 on POSIX (settings,
   * caches, certificates: this user's).
   */
  public static void replace(Path file, byte[] bytes) throws IOException {
    write(file, bytes, true, OWNER_ONLY);
  }

  /**
   * As {@link #replace}, for a file written to be read by others (a report, an export, an
   * audit bundle): readable by all (mode 644 on POSIX), as a file the shell writes by default.
   */
  public static void replaceShared(Path file, byte[] bytes) throws IOException {
    write(file, bytes, true, PosixFilePermissions.fromString("rw-r--r--"));
  }

  /**
   * Writes a new private file (mode 600): refused when {@code file} exists, and when the file
   * system cannot restrict its permissions.
   */
  public static void createPrivate(Path file, byte[] bytes) throws IOException {
    if (Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
      throw new FileAlreadyExistsException(file.toString(), null,
          "a private key is there already; remove it on purpose to make a new one");
    }
    write(file, bytes, false, OWNER_ONLY);
  }

  /**
   * Puts a file written elsewhere in the same folder (e.g. {@code out.csv.part}, streamed) in
   * place of {@code target}: flushed, renamed over it, the folder flushed.
   */
  public static void publish(Path written, Path target) throws IOException {
    try (FileChannel out = FileChannel.open(written, StandardOpenOption.WRITE)) {
      out.force(true);
    }
    Files.move(written, target, StandardCopyOption.REPLACE_EXISTING,
        StandardCopyOption.ATOMIC_MOVE);
    flushFolder(target.toAbsolutePath().getParent());
  }

  private static void write(Path file, byte[] bytes, boolean replacing,
      Set<PosixFilePermission> mode) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path tmp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp");
    try {
      try {
        // createTempFile makes it 600 on POSIX; then the mode the file is meant to have
        Files.setPosixFilePermissions(tmp, mode);
      } catch (UnsupportedOperationException noPosix) {
        if (!replacing) {
          throw new IOException("cannot protect " + file + ": the file system of " + dir
              + " has no POSIX permissions", noPosix);
        }
      }
      try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        while (buffer.hasRemaining()) {
          out.write(buffer);
        }
        out.force(true);
      }
      if (replacing) {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING,
            StandardCopyOption.ATOMIC_MOVE);
      } else {
        // a hard link is made only where no file is: of two processes creating the same key
        // at once, one fails, and neither replaces a key the other may have used already
        Files.createLink(file, tmp);
      }
    } finally {
      Files.deleteIfExists(tmp); // gone already after the rename; left only by a failure
    }
    flushFolder(dir);
  }

  /** Puts the folder's entries (the rename) on disk; a no-op where folders cannot be opened. */
  private static void flushFolder(Path dir) throws IOException {
    try (FileChannel folder = FileChannel.open(dir, StandardOpenOption.READ)) {
      folder.force(true);
    } catch (UnsupportedOperationException | java.nio.file.AccessDeniedException e) {
      // Windows opens no folders; the rename is still atomic there
    }
  }
}
