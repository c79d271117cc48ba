/**
 * The built-in {@code demo} connector: a simulated support team and CRM that goes through the same
 * sync, store and KPI path as a real vendor, so {@code /metrics} and the bundled dashboards show
 * something believable on a fresh machine with no account.
 *
 * <pre>{@code
 * connectors:
 *   - name: demo
 *     type: demo
 *     backfill: 30d          # history before start-up (1h..400d)
 *     seed: 42               # same seed + same clock = same records
 *     tickets_per_day: 240
 *     speedup: 1             # >1: live tickets arrive and resolve that many times faster
 *     timezone: Europe/Ljubljana   # the team works Mon-Fri 08:00-17:00 there
 *     page_size: 500
 * }</pre>
 *
 * <p>How it fits together: {@link io.cxexporter.connector.demo.DemoConnectorFactory} reads the
 * options; a {@code World} (one per simulation origin) owns {@code Generator}s that draw the
 * records born in each UTC hour ({@code TicketGenerator} with {@code TicketLife}, {@code
 * NpsGenerator}, {@code CustomerGenerator}, {@code DealGenerator}); every record is drawn as a
 * {@code History} of all its future versions, indexed by event time in an {@code EventIndex}; and
 * the {@code Pager} cuts pages out of that index by time, as of the injected clock. Nothing depends
 * on wall time or on the order of reads, so tests pin it down with a fixed clock.
 */
package io.cxexporter.connector.demo;
