package io.cxexporter.model;

import java.util.Locale;

/** Vendor-neutral ticket status. */
public enum TicketStatus {
  NEW,
  OPEN,
  PENDING,
  ON_HOLD,
  SOLVED,
  CLOSED;

  /** True for statuses that count in the backlog (new, open, pending, on hold). */
  public boolean isOpen() {
    return this != SOLVED && this != CLOSED;
  }

  private final String label = name().toLowerCase(Locale.ROOT);

  /** The label value, e.g. {@code on_hold}. */
  public String label() {
    return label;
  }
}
