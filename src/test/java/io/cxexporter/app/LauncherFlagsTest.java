package io.cxexporter.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The JVM flags of {@code ./cx-exporter} and the {@code Dockerfile} (README "JVM flags"): the same
 * lean defaults in both, and {@code JAVA_OPTS} replaces them. The launcher runs against a stand-in
 * {@code java} on the {@code PATH} that prints its arguments, next to an existing jar, so nothing
 * is built or started.
 */
class LauncherFlagsTest {
  private static final Pattern LAUNCHER = Pattern.compile("(?m)^default_java_opts=\"([^\"]*)\"");
  private static final Pattern DOCKER = Pattern.compile("(?m)^ENV JAVA_OPTS=\"([^\"]*)\"");

  @Test
  void theLauncherAndTheImageGiveTheSameLeanFlags() throws IOException {
    String launcher = defaults();
    Matcher docker = DOCKER.matcher(Files.readString(Path.of("Dockerfile")));
    assertThat(docker.find()).as("ENV JAVA_OPTS in the Dockerfile").isTrue();
    assertThat(docker.group(1)).isEqualTo(launcher);
    assertThat(launcher.split(" "))
        .contains("-XX:+UseSerialGC", "-Xms16m", "-XX:+ExitOnOutOfMemoryError")
        .anyMatch(f -> f.startsWith("-XX:MaxRAMPercentage="));
  }

  @Test
  void javaOptsReplacesTheDefaults(@TempDir Path dir) throws Exception {
    Path home = Files.createDirectories(dir.resolve("cx"));
    Files.copy(Path.of("cx-exporter"), home.resolve("cx-exporter"));
    Files.createDirectories(home.resolve("target"));
    Files.writeString(home.resolve("target/cx-exporter.jar"), "not built here");
    Path bin = Files.createDirectories(dir.resolve("bin"));
    Path java = bin.resolve("java");
    Files.writeString(java, "#!/bin/sh\necho \"$@\"\n");
    Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
    String jar = home.resolve("target/cx-exporter.jar").toString();

    assertThat(run(home, bin, null)).isEqualTo(defaults() + " -jar " + jar + " --config.check");
    assertThat(run(home, bin, "-Xmx2g -XX:+UseG1GC"))
        .isEqualTo("-Xmx2g -XX:+UseG1GC -jar " + jar + " --config.check");
    assertThat(run(home, bin, "")).isEqualTo("-jar " + jar + " --config.check");
  }

  private static String defaults() throws IOException {
    Matcher m = LAUNCHER.matcher(Files.readString(Path.of("cx-exporter")));
    assertThat(m.find()).as("default_java_opts in ./cx-exporter").isTrue();
    return m.group(1);
  }

  /** The stand-in java's arguments when the launcher runs with {@code javaOpts} (null: unset). */
  private static String run(Path home, Path bin, String javaOpts) throws Exception {
    ProcessBuilder pb =
        new ProcessBuilder(List.of("sh", home.resolve("cx-exporter").toString(), "--config.check"))
            .redirectErrorStream(true);
    Map<String, String> env = pb.environment();
    env.put("PATH", bin + ":" + env.getOrDefault("PATH", "/usr/bin:/bin"));
    env.remove("JAVA_OPTS");
    if (javaOpts != null) {
      env.put("JAVA_OPTS", javaOpts);
    }
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    return out;
  }
}
