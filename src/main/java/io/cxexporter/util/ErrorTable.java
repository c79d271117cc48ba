package io.cxexporter.util;

/**
 * What to do with an HTTP status, in one place for every vendor: retry with backoff, wait for the
 * rate limit, stop for credentials, or give up on a request the vendor will never accept.
 */
public final class ErrorTable {
  private ErrorTable() {}

  /** The action for a status. */
  public enum Action {
    /** 2xx/3xx: use the body. */
    OK,
    /** 5xx (but 503), 408: retry with exponential backoff and jitter. */
    RETRY,
    /** 429 and 503: wait for {@code Retry-After} or the vendor's reset header, then retry. */
    RATE_LIMITED,
    /** 401/403: credentials rejected; never retried blindly. */
    AUTH,
    /** Other 4xx: the request itself is wrong; retrying changes nothing. */
    PERMANENT
  }

  /** Classifies a status code. */
  public static Action classify(int code) {
    if (code < 400) {
      return Action.OK;
    }
    if (code == 429 || code == 503) {
      return Action.RATE_LIMITED;
    }
    if (code == 401 || code == 403) {
      return Action.AUTH;
    }
    if (code == 408 || code >= 500) {
      return Action.RETRY;
    }
    return Action.PERMANENT;
  }
}
