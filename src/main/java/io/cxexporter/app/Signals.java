package io.cxexporter.app;

import org.slf4j.LoggerFactory;

/**
 * SIGHUP → reload, SIGTERM and SIGINT → a clean stop, where the JVM lets us handle them (it does on
 * Linux HotSpot).
 */
final class Signals {
  private Signals() {}

  /** Runs {@code action} on each SIGHUP. */
  static void onHangup(Runnable action) {
    handle("HUP", action);
  }

  /**
   * Runs {@code action} on SIGTERM and SIGINT instead of the JVM's default (run the shutdown hooks,
   * then exit 143 or 130), so a stop asked for by Docker or Kubernetes can end in exit code 0.
   */
  static void onTerminate(Runnable action) {
    handle("TERM", action);
    handle("INT", action);
  }

  @SuppressWarnings("restriction")
  private static void handle(String name, Runnable action) {
    try {
      sun.misc.Signal.handle(new sun.misc.Signal(name), sig -> action.run());
    } catch (IllegalArgumentException | UnsupportedOperationException e) {
      LoggerFactory.getLogger(Signals.class)
          .warn("SIG{} handling unavailable here: {}", name, e.getMessage());
    }
  }
}
