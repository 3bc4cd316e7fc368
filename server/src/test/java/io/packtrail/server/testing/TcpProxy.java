package io.packtrail.server.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A TCP proxy on loopback between the server's pool and PostgreSQL, so a test can take the
 * database away (and give it back) without stopping the PostgreSQL other tests share. While cut,
 * open connections are closed and new ones are closed as soon as they are accepted.
 */
public final class TcpProxy implements AutoCloseable {
  private static final byte[] COMMIT = "COMMIT".getBytes(StandardCharsets.US_ASCII);

  private final ServerSocket listener;
  private final InetSocketAddress target;
  private final List<Socket> open = new ArrayList<>();
  private boolean cut;
  private boolean cutAtCommit;
  /** Null, or whether the commit that freezes its connection is forwarded first. */
  private Boolean freezeAtCommit;

  /** One proxied connection; once frozen, neither way is forwarded and neither is closed. */
  private static final class Link {
    volatile boolean frozen;
  }

  public TcpProxy(String targetHost, int targetPort) throws IOException {
    this.target = new InetSocketAddress(targetHost, targetPort);
    this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread accepter = new Thread(this::accept, "tcp-proxy-accept");
    accepter.setDaemon(true);
    accepter.start();
  }

  public String hostAndPort() {
    return "127.0.0.1:" + listener.getLocalPort();
  }

  /** Takes the database away: every connection breaks and new ones are dropped at once. */
  public synchronized void cut() {
    cut = true;
    cutAtCommit = false;
    for (Socket s : open) {
      closeQuietly(s);
    }
    open.clear();
  }

  /** Gives the database back. */
  public synchronized void restore() {
    cut = false;
  }

  /**
   * Cuts (as {@link #cut}) at the first client message containing COMMIT, before it is
   * forwarded: the server sees its commit round trip break and cannot know the outcome.
   */
  public synchronized void cutAtNextCommit() {
    cutAtCommit = true;
  }

  /**
   * Makes the connection of the next client message containing COMMIT half-open, as a frozen
   * or unplugged host does: from then on nothing passes either way and no end reaches the
   * other, PostgreSQL's session waits in its transaction and the client's reads wait for an
   * answer. With {@code forwardCommit} the commit reaches PostgreSQL and only its answer is
   * lost; without, the commit is lost too. Other connections pass as before.
   */
  public synchronized void freezeAtNextCommit(boolean forwardCommit) {
    freezeAtCommit = forwardCommit;
  }

  private void accept() {
    while (!listener.isClosed()) {
      try {
        Socket client = listener.accept();
        synchronized (this) {
          if (cut) {
            closeQuietly(client);
            continue;
          }
        }
        Socket server = new Socket();
        server.connect(target);
        synchronized (this) {
          open.add(client);
          open.add(server);
        }
        Link link = new Link();
        pump(client, server, true, link);
        pump(server, client, false, link);
      } catch (IOException e) {
        // listener closed, or the target refused: the client sees its connection drop
      }
    }
  }

  private void pump(Socket from, Socket to, boolean towardsDatabase, Link link) {
    Thread t = new Thread(() -> {
      // the last bytes of the previous read lead each buffer, so a word split between two
      // reads is still seen
      int carry = COMMIT.length - 1;
      byte[] buffer = new byte[carry + 65536];
      int kept = 0;
      // the streams are not closed by a try-with-resources: closing one closes its socket, and a
      // frozen link's end must not reach the other side
      try {
        InputStream in = from.getInputStream();
        OutputStream out = to.getOutputStream();
        int n;
        while ((n = in.read(buffer, carry, buffer.length - carry)) >= 0) {
          if (link.frozen) {
            continue; // swallowed
          }
          if (towardsDatabase && contains(buffer, carry - kept, kept + n, COMMIT)) {
            if (takeCommitCut()) {
              return;
            }
            Boolean forward = takeCommitFreeze();
            if (forward != null) {
              if (forward) {
                out.write(buffer, carry, n);
                out.flush();
              }
              link.frozen = true;
              continue;
            }
          }
          out.write(buffer, carry, n);
          kept = Math.min(carry, kept + n);
          System.arraycopy(buffer, carry + n - kept, buffer, carry - kept, kept);
          out.flush();
        }
      } catch (IOException e) {
        // one side closed
      } finally {
        // a frozen link's end does not reach the other side (until close() or cut())
        closeQuietly(from);
        if (!link.frozen) {
          closeQuietly(to);
        }
      }
    }, "tcp-proxy-pump");
    t.setDaemon(true);
    t.start();
  }

  private synchronized boolean takeCommitCut() {
    if (!cutAtCommit) {
      return false;
    }
    cut();
    return true;
  }

  private synchronized Boolean takeCommitFreeze() {
    Boolean forward = freezeAtCommit;
    freezeAtCommit = null;
    return forward;
  }

  private static boolean contains(byte[] buffer, int from, int length, byte[] needle) {
    outer:
    for (int i = from; i + needle.length <= from + length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (buffer[i + j] != needle[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException e) {
      // already closed
    }
  }

  @Override
  public synchronized void close() throws IOException {
    listener.close();
    cut();
  }
}
