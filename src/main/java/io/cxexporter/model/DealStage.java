package io.cxexporter.model;

/** Where a CRM deal stands: still open, won or lost. */
public enum DealStage {
  OPEN,
  WON,
  LOST
}
