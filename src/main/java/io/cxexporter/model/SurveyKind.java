package io.cxexporter.model;

import java.util.Locale;

/** The kind of a survey response: CSAT rating, Net Promoter Score or Customer Effort Score. */
public enum SurveyKind {
  CSAT,
  NPS,
  CES;

  /** The label value: {@code csat}, {@code nps} or {@code ces}. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
