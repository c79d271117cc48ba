package io.cxexporter.log;

import java.io.PrintStream;
import java.time.Clock;
import java.util.Locale;
import org.slf4j.event.Level;

/**
 * The process's log level and format, read by every logger at each event (so loggers made before
 * the command line was parsed follow it too). Until {@link #configure} the level is the system
 * property {@code cx.log.level} (tests set {@code warn}) or {@code info}, the format logfmt.
 */
public final class LogSettings {
  private static volatile Level level = initialLevel();
  private static volatile LogFormat format = LogFormat.LOGFMT;
  private static volatile PrintStream out = System.err;
  private static volatile Clock clock = Clock.systemUTC();

  private LogSettings() {}

  /** Sets the level and the format of every logger. */
  public static void configure(Level level, LogFormat format) {
    LogSettings.level = level;
    LogSettings.format = format;
  }

  /** Writes to {@code out} instead of standard error, with the time from {@code clock} (tests). */
  public static void redirect(PrintStream out, Clock clock) {
    LogSettings.out = out;
    LogSettings.clock = clock;
  }

  /** Writes to standard error again, with the system clock. */
  public static void reset() {
    redirect(System.err, Clock.systemUTC());
  }

  /**
   * Whether {@code logger} logs at {@code at}: Jetty and Javalin only from WARN, as their INFO
   * lines describe the web server's internals, not the exporter.
   */
  static boolean enabled(String logger, Level at) {
    Level min = level;
    if ((logger.startsWith("org.eclipse.jetty") || logger.startsWith("io.javalin"))
        && min.toInt() < Level.WARN.toInt()) {
      min = Level.WARN;
    }
    return at.toInt() >= min.toInt();
  }

  static void write(Level at, String logger, String msg, Throwable t) {
    out.print(format.line(clock.instant(), at, logger, msg, t));
    out.flush();
  }

  private static Level initialLevel() {
    String p = System.getProperty("cx.log.level", "info").toUpperCase(Locale.ROOT);
    try {
      return Level.valueOf(p);
    } catch (IllegalArgumentException e) {
      return Level.INFO;
    }
  }
}
