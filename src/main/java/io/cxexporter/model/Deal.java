package io.cxexporter.model;

import java.time.Instant;
import java.util.Objects;

/**
 * A CRM deal or opportunity.
 *
 * @param closedAt when it was won or lost; null while open
 * @param amount its value, or null
 */
public record Deal(
    String id,
    Instant updatedAt,
    Instant createdAt,
    DealStage stage,
    Instant closedAt,
    Double amount)
    implements Record {
  public Deal {
    Checks.id(id, "id");
    Objects.requireNonNull(updatedAt, "updatedAt");
    Objects.requireNonNull(createdAt, "createdAt");
    Checks.time(updatedAt, "updatedAt");
    Checks.time(createdAt, "createdAt");
    Checks.time(closedAt, "closedAt");
    Objects.requireNonNull(stage, "stage");
    if (stage != DealStage.OPEN && closedAt == null) {
      throw new IllegalArgumentException("deal " + id + " is " + stage + " without closedAt");
    }
  }
}
