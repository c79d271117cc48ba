package io.cxexporter.model;

import java.time.Instant;
import java.util.Objects;

/**
 * A tombstone: the record with this id was deleted at the vendor (for example a Zendesk ticket with
 * {@code status: deleted}). Applying it removes the record from the backlog and every KPI.
 */
public record Deleted(String id, Instant updatedAt) implements Record {
  public Deleted {
    Checks.id(id, "id");
    Objects.requireNonNull(updatedAt, "updatedAt");
  }
}
