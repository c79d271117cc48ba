package io.cxexporter.store;

/** The state file could not be read or written; nothing of the failed operation was kept. */
public final class StoreException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public StoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
