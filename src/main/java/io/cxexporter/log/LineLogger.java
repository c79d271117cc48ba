package io.cxexporter.log;

import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.FormattingTuple;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;

/** A logger that writes each event as one line through {@link LogSettings}. */
final class LineLogger extends LegacyAbstractLogger {
  private static final long serialVersionUID = 1L;

  /** What the line calls the logger: the class's simple name, as the old log lines did. */
  private final String shortName;

  LineLogger(String name) {
    this.name = name;
    this.shortName = name.substring(name.lastIndexOf('.') + 1);
  }

  @Override
  public boolean isTraceEnabled() {
    return LogSettings.enabled(name, Level.TRACE);
  }

  @Override
  public boolean isDebugEnabled() {
    return LogSettings.enabled(name, Level.DEBUG);
  }

  @Override
  public boolean isInfoEnabled() {
    return LogSettings.enabled(name, Level.INFO);
  }

  @Override
  public boolean isWarnEnabled() {
    return LogSettings.enabled(name, Level.WARN);
  }

  @Override
  public boolean isErrorEnabled() {
    return LogSettings.enabled(name, Level.ERROR);
  }

  @Override
  protected String getFullyQualifiedCallerName() {
    return null;
  }

  @Override
  protected void handleNormalizedLoggingCall(
      Level level, Marker marker, String pattern, Object[] args, Throwable throwable) {
    FormattingTuple ft = MessageFormatter.arrayFormat(pattern, args);
    Throwable t = throwable != null ? throwable : ft.getThrowable();
    LogSettings.write(level, shortName, String.valueOf(ft.getMessage()), t);
  }
}
