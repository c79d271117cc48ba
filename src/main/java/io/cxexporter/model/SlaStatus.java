package io.cxexporter.model;

import java.time.Instant;
import java.util.Objects;

/**
 * A vendor's own SLA data for one target of one ticket. When a ticket carries an {@code SlaStatus}
 * for a target, the KPI engine uses it instead of the configured {@code kpi.sla} targets.
 *
 * @param target which target
 * @param dueAt when the target breaches (or breached); null when the vendor does not say
 * @param fulfilledAt when the target was met or closed; null while it is still running
 * @param breached true when the vendor reports the target as breached
 */
public record SlaStatus(SlaTarget target, Instant dueAt, Instant fulfilledAt, boolean breached) {
  public SlaStatus {
    Objects.requireNonNull(target, "target");
  }
}
