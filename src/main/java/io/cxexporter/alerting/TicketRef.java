package io.cxexporter.alerting;

import java.time.Duration;
import java.time.Instant;

/**
 * A ticket behind an alert, for notifications: no secrets, only what an agent needs to act.
 *
 * @param id the vendor's ticket id
 * @param subject the subject when the connector has it, else null
 * @param group the ticket's group, or null
 * @param age how long the ticket has been open (or took, for a solved ticket)
 * @param dueAt when its SLA target falls due, or null
 * @param url a link to the ticket built from the connector's base URL, or null
 */
public record TicketRef(
    String id, String subject, String group, Duration age, Instant dueAt, String url) {}
