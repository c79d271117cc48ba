package io.cxexporter.connector;

/** The result of {@link Connector#check()}: whether the source answers with these credentials. */
public record CheckResult(boolean ok, String message) {
  public static CheckResult ok(String message) {
    return new CheckResult(true, message);
  }

  public static CheckResult failed(String message) {
    return new CheckResult(false, message);
  }
}
