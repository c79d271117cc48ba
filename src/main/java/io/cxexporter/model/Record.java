package io.cxexporter.model;

import java.time.Instant;

/**
 * One normalized record read from a source: a ticket, a survey response, a CRM customer or deal, an
 * SLA clock event, or the notice that a record was deleted.
 *
 * <p>Records are immutable versions: the store keeps the latest version of each {@code (source,
 * stream, id)} and decides which version is newer by {@link #updatedAt()}.
 */
public sealed interface Record permits Ticket, SurveyResponse, Customer, Deal, SlaEvent, Deleted {

  /** The vendor's id of the record, unique within its stream. */
  String id();

  /** When this version of the record was last changed at the vendor. */
  Instant updatedAt();
}
