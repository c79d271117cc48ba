package io.cxexporter.log;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import org.slf4j.event.Level;

/**
 * How a log event becomes one line: {@code logfmt} ({@code time=… level=info logger=App msg="…"})
 * or {@code json} (one object per line with {@code time}, {@code level}, {@code logger}, {@code
 * msg} and, with an exception, {@code exception}: its stack trace). Both escape newlines, so an
 * event is always exactly one line.
 */
public enum LogFormat {
  LOGFMT {
    @Override
    String line(Instant time, Level level, String logger, String msg, Throwable t) {
      StringBuilder b = new StringBuilder(96 + msg.length());
      b.append("time=").append(TIME.format(time));
      b.append(" level=").append(levelName(level));
      b.append(" logger=").append(logfmt(logger));
      b.append(" msg=").append(logfmt(msg));
      if (t != null) {
        b.append(" exception=").append(logfmt(stackTrace(t)));
      }
      return b.append('\n').toString();
    }
  },
  JSON {
    @Override
    String line(Instant time, Level level, String logger, String msg, Throwable t) {
      StringBuilder b = new StringBuilder(96 + msg.length());
      b.append("{\"time\":\"").append(TIME.format(time));
      b.append("\",\"level\":\"").append(levelName(level));
      b.append("\",\"logger\":\"").append(json(logger));
      b.append("\",\"msg\":\"").append(json(msg));
      if (t != null) {
        b.append("\",\"exception\":\"").append(json(stackTrace(t)));
      }
      return b.append("\"}\n").toString();
    }
  };

  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSXXX").withZone(ZoneOffset.UTC);

  /** The line of one event, newline included. */
  abstract String line(Instant time, Level level, String logger, String msg, Throwable t);

  /** The flag's spelling: {@code logfmt} or {@code json}. */
  public String flag() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * The format a flag names.
   *
   * @throws IllegalArgumentException naming the accepted values
   */
  public static LogFormat of(String flag) {
    for (LogFormat f : values()) {
      if (f.flag().equals(flag)) {
        return f;
      }
    }
    throw new IllegalArgumentException(
        "--log.format: expected logfmt or json, got \"" + flag + "\"");
  }

  private static String levelName(Level level) {
    return level.name().toLowerCase(Locale.ROOT);
  }

  private static String json(String s) {
    return new String(JsonStringEncoder.getInstance().quoteAsString(s));
  }

  /** A logfmt value: bare when it needs no quotes, else quoted with {@code \" \\ \n} escaped. */
  static String logfmt(String s) {
    boolean bare = !s.isEmpty();
    for (int i = 0; i < s.length() && bare; i++) {
      char c = s.charAt(i);
      bare = c > ' ' && c != '"' && c != '=' && c != '\\' && c != 0x7f;
    }
    if (bare) {
      return s;
    }
    StringBuilder b = new StringBuilder(s.length() + 8).append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> {
          if (c < ' ') {
            b.append(String.format("\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    return b.append('"').toString();
  }

  private static String stackTrace(Throwable t) {
    StringWriter w = new StringWriter();
    t.printStackTrace(new PrintWriter(w));
    return w.toString().stripTrailing();
  }
}
