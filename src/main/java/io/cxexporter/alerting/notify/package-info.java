/**
 * Notifications for the alerting agent: {@link io.cxexporter.alerting.notify.Notifier}s for
 * Alertmanager (v2 API), webhooks (Alertmanager's webhook payload, version 4), Slack incoming
 * webhooks and PagerDuty Events v2, read from {@code alerting.notifiers} by {@link
 * io.cxexporter.alerting.notify.Notifiers}, and the {@link
 * io.cxexporter.alerting.notify.Dispatcher} that queues, filters, de-duplicates ({@link
 * io.cxexporter.alerting.notify.SentLog}), retries and counts ({@code cx_notifications_total},
 * {@link io.cxexporter.alerting.notify.NotifyMetrics}). Each notifier may have a {@link
 * io.cxexporter.alerting.notify.Route} ({@code match}, {@code match_re}); the dispatcher also
 * delivers SLA reminders once per notifier ({@link io.cxexporter.alerting.notify.ReminderLog},
 * {@code cx_reminders_total}).
 *
 * <p>Secrets (webhook URLs, routing keys) stay in {@link io.cxexporter.config.Secret}s until a
 * request is built: no log line, exception message, {@code toString()} or metric shows them.
 */
package io.cxexporter.alerting.notify;
