/**
 * The {@code hubspot} connector: tickets, feedback submissions (NPS, CSAT, CES), companies as
 * customers and deals, each read with HubSpot's CRM search sorted by {@code hs_lastmodifieddate}
 * ({@link io.cxexporter.connector.hubspot.Search}), stage meanings and owner names from cached
 * lookups ({@link io.cxexporter.connector.hubspot.Directory}), churn from a configured company
 * property or the lifecycle stage's history ({@link
 * io.cxexporter.connector.hubspot.CompaniesStream}). Built with {@link
 * io.cxexporter.connector.hubspot.HubspotConnectorFactory}; see {@code docs/connectors/hubspot.md}.
 */
package io.cxexporter.connector.hubspot;
