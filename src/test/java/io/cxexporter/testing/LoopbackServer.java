package io.cxexporter.testing;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import org.awaitility.core.ConditionTimeoutException;

/**
 * A real server binary from a Debian package, started on 127.0.0.1 and a free port with its output
 * in {@code dir/<name>.log}, ready once {@code /-/ready} answers 200 (Prometheus, Alertmanager).
 */
public abstract class LoopbackServer implements AutoCloseable {
  private final Process process;
  private final int port;
  private final Path log;

  /**
   * Starts {@code binary} with the arguments {@code args} builds for the chosen port, and waits up
   * to 30 s for it to be ready.
   */
  protected LoopbackServer(
      String binary, String debianPackage, Path dir, IntFunction<List<String>> args)
      throws IOException {
    Path bin = Tools.require(binary, debianPackage);
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    log = dir.resolve(binary + ".log");
    List<String> cmd = new ArrayList<>();
    cmd.add(bin.toString());
    cmd.addAll(args.apply(port));
    process =
        new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    try {
      await(binary + " answering /-/ready")
          .atMost(Duration.ofSeconds(30))
          .until(() -> process.isAlive() && answers());
    } catch (ConditionTimeoutException e) {
      close();
      throw new AssertionError(binary + " did not get ready:\n" + log(), e);
    }
  }

  private boolean answers() {
    try {
      return Http.get(port, "/-/ready").statusCode() == 200;
    } catch (IllegalStateException e) {
      return false; // not listening yet
    }
  }

  public int port() {
    return port;
  }

  /** Its log so far, for assertion messages. */
  public String log() {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }
}
