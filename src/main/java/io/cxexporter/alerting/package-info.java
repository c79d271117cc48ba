/**
 * The alerting agent: KPI rules from {@code alerting:} evaluated in-process over the KPI snapshot
 * ({@code RuleEvaluator}), their state persisted in the store, and notifications with the tickets
 * behind them, and per-ticket SLA reminders ({@code SlaReminders}), delivered to Alertmanager,
 * webhooks, Slack and PagerDuty ({@code notify}).
 */
package io.cxexporter.alerting;
