/**
 * The vendor-neutral records every connector maps its API into: {@link io.cxexporter.model.Ticket},
 * {@link io.cxexporter.model.SurveyResponse}, {@link io.cxexporter.model.Customer}, {@link
 * io.cxexporter.model.Deal}, {@link io.cxexporter.model.SlaEvent} and the {@link
 * io.cxexporter.model.Deleted} tombstone.
 *
 * <p>What a vendor does not provide stays null or empty: a connector never invents a value.
 */
package io.cxexporter.model;
