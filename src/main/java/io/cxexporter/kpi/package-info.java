/**
 * KPIs as pure functions of the stored records and an injected clock: backlog, windows in calendar
 * and business hours, SLA outcomes, transitions for counters. {@link io.cxexporter.kpi.KpiEngine}
 * is the entry point; it does no I/O.
 */
package io.cxexporter.kpi;
