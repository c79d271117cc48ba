package io.cxexporter.model;

import java.time.Instant;
import java.util.Objects;

/**
 * A CRM customer (account or company): active from {@code since}, churned at {@code churnedAt}.
 *
 * @param mrr monthly recurring revenue, or null when the vendor does not give it
 */
public record Customer(String id, Instant updatedAt, Instant since, Instant churnedAt, Double mrr)
    implements Record {
  public Customer {
    Checks.id(id, "id");
    Objects.requireNonNull(updatedAt, "updatedAt");
    Objects.requireNonNull(since, "since");
    Checks.time(updatedAt, "updatedAt");
    Checks.time(since, "since");
    Checks.time(churnedAt, "churnedAt");
  }

  /** True when the customer was a customer at {@code t} (joined at or before, not churned yet). */
  public boolean activeAt(Instant t) {
    return !since.isAfter(t) && (churnedAt == null || churnedAt.isAfter(t));
  }
}
