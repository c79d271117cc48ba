package io.cxexporter.bench;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A fresh JVM on this JVM's class path, for benchmarks that time a real process. */
final class ChildJvm {
  private ChildJvm() {}

  /** This JVM's heap and collector flags ({@code -Xmx}, {@code -Xms}, {@code -XX:+Use...GC}). */
  static List<String> heapFlags() {
    List<String> out = new ArrayList<>();
    for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (a.startsWith("-Xmx") || a.startsWith("-Xms") || a.matches("-XX:\\+Use\\w+GC")) {
        out.add(a);
      }
    }
    return out;
  }

  /**
   * {@code java <flags> -cp <this class path> <mainClass> <args>}: the same {@code java} and class
   * path as this JVM, its entries made absolute so that a child may run in a folder of its own
   * ({@code bench/run.sh} passes {@code target/classes} and the like, relative to the checkout).
   */
  static List<String> command(List<String> flags, String mainClass, List<String> args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(flags);
    cmd.add("-cp");
    List<String> cp = new ArrayList<>();
    for (String e : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
      cp.add(Path.of(e).toAbsolutePath().toString());
    }
    cmd.add(String.join(java.io.File.pathSeparator, cp));
    cmd.add(mainClass);
    cmd.addAll(args);
    return cmd;
  }

  /**
   * The body of a 200 answer to GET {@code path} on the child's loopback port, or null (not
   * listening yet, or not 200): the benches poll with it until the child is ready.
   *
   * @param readTimeoutMillis how long one answer may take (a full scrape of 1,000 connectors: a
   *     minute)
   */
  static String get(int port, String path, int readTimeoutMillis) {
    try {
      java.net.HttpURLConnection c =
          (java.net.HttpURLConnection)
              java.net.URI.create("http://127.0.0.1:" + port + path).toURL().openConnection();
      c.setConnectTimeout(1000);
      c.setReadTimeout(readTimeoutMillis);
      if (c.getResponseCode() != 200) {
        return null;
      }
      try (var in = c.getInputStream()) {
        return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      }
    } catch (java.io.IOException e) {
      return null;
    }
  }
}
