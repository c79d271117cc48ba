package io.cxexporter.app;

import java.io.IOException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.regex.PatternSyntaxException;

/**
 * Expands one {@code connector_files} glob into the files it matches, sorted by path.
 *
 * <pre>{@code
 * ConnectorFiles.match("conf.d/*.yml", Path.of("/etc/cx"));   // [/etc/cx/conf.d/a.yml, ...]
 * }</pre>
 *
 * <p>The glob is {@link java.nio.file.FileSystem#getPathMatcher Java's}: {@code *} and {@code ?}
 * stay within one folder, {@code **} crosses folders, {@code {a,b}} and {@code [ab]} as usual. The
 * folder before the first wildcard must exist; entries whose name starts with a dot are skipped
 * (hidden files, and the {@code ..data} links Kubernetes puts in a mounted ConfigMap, so each file
 * is read once); symbolic links are followed. A pattern without a wildcard names one file, which
 * must exist.
 */
final class ConnectorFiles {
  private ConnectorFiles() {}

  /**
   * The regular files {@code pattern} matches, absolute and normalized, in sorted order.
   *
   * @param baseDir what a relative pattern is relative to (the main config's folder)
   * @throws IllegalArgumentException naming what is wrong: a bad glob, a missing folder or file
   */
  static List<Path> match(String pattern, Path baseDir) {
    String[] parts = pattern.split("/", -1);
    int first = 0;
    while (first < parts.length && !hasWildcard(parts[first])) {
      first++;
    }
    Path literal = Path.of(pattern.startsWith("/") ? "/" : "");
    for (int i = 0; i < first; i++) {
      literal = literal.resolve(parts[i]);
    }
    Path fixed = baseDir.resolve(literal).toAbsolutePath().normalize();
    if (first == parts.length) {
      if (!Files.isRegularFile(fixed)) {
        throw new IllegalArgumentException("no such file " + fixed);
      }
      return List.of(fixed);
    }
    if (!Files.isDirectory(fixed)) {
      throw new IllegalArgumentException("no such folder " + fixed);
    }
    String glob = String.join("/", java.util.Arrays.copyOfRange(parts, first, parts.length));
    PathMatcher matcher;
    try {
      matcher = fixed.getFileSystem().getPathMatcher("glob:" + glob);
    } catch (PatternSyntaxException e) {
      throw new IllegalArgumentException("not a valid glob: " + e.getDescription());
    }
    int depth = glob.contains("**") ? Integer.MAX_VALUE : parts.length - first;
    List<Path> out = new ArrayList<>();
    try {
      Files.walkFileTree(
          fixed,
          EnumSet.of(FileVisitOption.FOLLOW_LINKS),
          depth,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
              return !dir.equals(fixed) && hidden(dir)
                  ? FileVisitResult.SKIP_SUBTREE
                  : FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
              if (attrs.isRegularFile()
                  && !hidden(file)
                  && matcher.matches(fixed.relativize(file))) {
                out.add(file.normalize());
              }
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
              if (e instanceof FileSystemLoopException) {
                return FileVisitResult.CONTINUE; // a link back up: its files are read once anyway
              }
              throw e;
            }
          });
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "cannot list " + fixed + " (" + e.getClass().getSimpleName() + ")");
    }
    out.sort(null);
    return out;
  }

  private static boolean hasWildcard(String part) {
    return part.chars().anyMatch(c -> c == '*' || c == '?' || c == '[' || c == '{');
  }

  private static boolean hidden(Path p) {
    return p.getFileName() != null && p.getFileName().toString().startsWith(".");
  }
}
