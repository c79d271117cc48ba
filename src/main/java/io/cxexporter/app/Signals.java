package io.cxexporter.app;

import org.slf4j.LoggerFactory;

/** SIGHUP → reload, where the JVM lets us handle it (it does on Linux HotSpot). */
final class Signals {
  private Signals() {}

  @SuppressWarnings("restriction")
  static void onHangup(Runnable action) {
    try {
      sun.misc.Signal.handle(new sun.misc.Signal("HUP"), sig -> action.run());
    } catch (IllegalArgumentException | UnsupportedOperationException e) {
      LoggerFactory.getLogger(Signals.class)
          .warn("SIGHUP reload unavailable here: {}", e.getMessage());
    }
  }
}
