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
   * path as this JVM.
   */
  static List<String> command(List<String> flags, String mainClass, List<String> args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(flags);
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(mainClass);
    cmd.addAll(args);
    return cmd;
  }
}
