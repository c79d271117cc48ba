package io.cxexporter.model;

import java.util.Locale;

/** The two SLA targets a ticket is measured against. */
public enum SlaTarget {
  FIRST_RESPONSE,
  RESOLUTION;

  /** The label value: {@code first_response} or {@code resolution}. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
