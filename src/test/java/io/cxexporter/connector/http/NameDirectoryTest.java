package io.cxexporter.connector.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.cxexporter.connector.ConnectorException;
import io.cxexporter.connector.RequestListener;
import io.cxexporter.testing.MutableClock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import org.junit.jupiter.api.Test;

/** Names for labels: never a failed page, refreshed in the background, batched lookups. */
class NameDirectoryTest {
  final MutableClock clock = MutableClock.at("2026-11-18T13:00:00Z");
  final Queue<Runnable> background = new ArrayDeque<>();
  final Map<String, String> vendor = new HashMap<>(Map.of("1", "Billing", "2", "Tier 2"));
  final List<String> calls = new ArrayList<>();
  final List<String> failed = new ArrayList<>();
  final RequestListener failures =
      new RequestListener() {
        @Override
        public void onRequest(String endpoint, String code, Duration latency) {}

        @Override
        public void onRateLimitRemaining(double remaining) {}

        @Override
        public void onLookupFailed(String lookup, String kind, String message) {
          failed.add(lookup + " " + kind + " " + message);
        }

        @Override
        public void onLookupRecovered(String lookup) {
          failed.add(lookup + " recovered");
        }
      };
  boolean down;

  Map<String, String> list() throws ConnectorException {
    calls.add("list");
    if (down) {
      throw new ConnectorException(ConnectorException.Kind.TRANSIENT, "HTTP 502 from groups");
    }
    return Map.copyOf(vendor);
  }

  Map<String, String> batch(List<String> ids) throws ConnectorException {
    calls.add("batch " + ids);
    if (down) {
      throw new ConnectorException(ConnectorException.Kind.TRANSIENT, "HTTP 502 from users");
    }
    Map<String, String> out = new HashMap<>();
    ids.stream().filter(vendor::containsKey).forEach(id -> out.put(id, vendor.get(id)));
    return out;
  }

  NameDirectory groups() {
    return NameDirectory.listed(
        "groups", this::list, Duration.ofHours(1), clock, failures, background::add);
  }

  @Test
  void aListIsLoadedOnceAndAnUnknownIdReloadsItAtMostOnceAMinute() {
    NameDirectory d = groups();
    assertThat(d.name("1")).isEqualTo("Billing");
    assertThat(d.name("2")).isEqualTo("Tier 2");
    assertThat(calls).containsExactly("list");
    vendor.put("3", "New team");
    assertThat(d.name("3"))
        .as("reloaded at once: the list was loaded a minute ago or more")
        .isEqualTo("3");
    clock.advance(Duration.ofMinutes(1));
    assertThat(d.name("3")).isEqualTo("New team");
    assertThat(d.name("404")).isEqualTo("404");
    assertThat(calls).containsExactly("list", "list");
  }

  @Test
  void anOldListIsServedWhileItIsRefreshedInTheBackground() {
    NameDirectory d = groups();
    d.name("1");
    vendor.put("1", "Billing & Refunds");
    clock.advance(Duration.ofHours(1));
    assertThat(d.name("1")).as("old name while the refresh is queued").isEqualTo("Billing");
    assertThat(background).hasSize(1);
    assertThat(d.name("1")).isEqualTo("Billing");
    assertThat(background).as("one refresh at a time").hasSize(1);
    background.poll().run();
    assertThat(d.name("1")).isEqualTo("Billing & Refunds");
  }

  @Test
  void aFailedLookupDegradesToTheIdAndIsTriedAgain() {
    down = true;
    NameDirectory d = groups();
    assertThat(d.name("1")).isEqualTo("1");
    assertThat(failed).containsExactly("groups transient HTTP 502 from groups");
    down = false;
    clock.advance(Duration.ofMinutes(1));
    assertThat(d.name("1")).isEqualTo("Billing");
    assertThat(failed).last().isEqualTo("groups recovered");
  }

  @Test
  void batchedLookupsAskOnlyForUnknownIdsInNumericOrder() {
    NameDirectory d =
        NameDirectory.batched(
            "users", this::batch, 2, Duration.ofDays(1), 1000, clock, failures, background::add);
    d.prefetch(List.of("10", "2", "1"));
    assertThat(calls).containsExactly("batch [1, 2]", "batch [10]");
    assertThat(d.name("1")).isEqualTo("Billing");
    assertThat(d.name("10")).as("unknown to the vendor: the id").isEqualTo("10");
    d.prefetch(List.of("1", "2"));
    assertThat(calls).hasSize(2);
    down = true;
    d.prefetch(List.of("7"));
    assertThat(d.name("7")).isEqualTo("7");
    down = false;
    clock.advance(Duration.ofMinutes(1)); // a failed batch rests a minute
    d.prefetch(List.of("7"));
    assertThat(calls).hasSize(4).last().isEqualTo("batch [7]");
  }

  @Test
  void aFailedBatchRestsAMinuteSoAHangingLookupIsNotAskedOnEveryPage() {
    NameDirectory d =
        NameDirectory.batched(
            "users", this::batch, 100, Duration.ofDays(1), 1000, clock, failures, background::add);
    down = true;
    d.prefetch(List.of("1"));
    d.prefetch(List.of("2")); // the next page, the same second
    clock.advance(Duration.ofSeconds(59));
    d.prefetch(List.of("2"));
    assertThat(calls).as("one failed ask, no ask per page").containsExactly("batch [1]");
    assertThat(d.name("2")).isEqualTo("2");
    down = false;
    clock.advance(Duration.ofSeconds(1));
    d.prefetch(List.of("1", "2"));
    assertThat(calls).last().isEqualTo("batch [1, 2]");
    assertThat(d.name("2")).isEqualTo("Tier 2");
  }
}
