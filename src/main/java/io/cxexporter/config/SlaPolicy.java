package io.cxexporter.config;

import io.cxexporter.model.Priority;
import java.time.Duration;

/**
 * Configured SLA targets for one priority; a vendor's own SLA data wins where a ticket has it.
 *
 * @param firstResponse the first-reply target, or null
 * @param resolution the resolution target, or null
 * @param businessHours true when the targets count business hours ({@code kpi.business_hours})
 */
public record SlaPolicy(
    Priority priority, Duration firstResponse, Duration resolution, boolean businessHours) {}
