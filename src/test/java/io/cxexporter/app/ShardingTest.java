package io.cxexporter.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Which connector runs on which shard, and the flags that say which shard this is. The pinned
 * values are the documented hash (README, Sharding): a change to any of them moves connectors
 * between shards on upgrade, so it must never happen silently.
 */
class ShardingTest {

  @Test
  void theHashIsFnv1a64OverUtf8AsTheSpecsTestVectorsSay() {
    // the FNV reference test vectors (draft-eastlake-fnv, fnv_test.c)
    assertThat(Sharding.fnv1a64("")).isEqualTo(0xcbf29ce484222325L);
    assertThat(Sharding.fnv1a64("a")).isEqualTo(0xaf63dc4c8601ec8cL);
    assertThat(Sharding.fnv1a64("foobar")).isEqualTo(0x85944171f73967e8L);
    // UTF-8 bytes, not UTF-16 chars
    assertThat(Sharding.fnv1a64("kundendienst-müller")).isEqualTo(0x0ea30c07a65a22e9L);
  }

  @Test
  void pinnedShardsOfSomeNames() {
    // the README's worked example: demo hashes to 0xa5e41b674276d396 (top bit set: an unsigned
    // remainder, a signed % would say 2 of 3)
    assertThat(Sharding.fnv1a64("demo")).isEqualTo(0xa5e41b674276d396L);
    assertThat(Sharding.shardOf("demo", 3)).isEqualTo(0);
    assertThat(Sharding.shardOf("demo", 5)).isEqualTo(3);
    Map<String, Integer> ofThree =
        Map.of("acme", 2, "zendesk", 2, "brand-eu", 0, "brand-us", 0, "kundendienst-müller", 2);
    ofThree.forEach(
        (name, shard) -> assertThat(Sharding.shardOf(name, 3)).as(name).isEqualTo(shard));
    assertThat(Sharding.shardOf("zendesk", 5)).isEqualTo(0);
    assertThat(Sharding.shardOf("acme", 2)).isEqualTo(1);
  }

  @Test
  void aConnectorsShardDoesNotDependOnTheOtherConnectors() {
    List<ConnectorSpec> few = specs("a", "b", "c");
    List<ConnectorSpec> more = specs("a", "x", "b", "y", "c", "z");
    Sharding s = new Sharding(1, 3);
    List<String> fewHere = names(s.mine(few));
    List<String> moreHere = names(s.mine(more));
    assertThat(moreHere).containsAll(fewHere);
    assertThat(moreHere.stream().filter(n -> !List.of("x", "y", "z").contains(n)))
        .containsExactlyElementsOf(fewHere);
  }

  @Test
  void theShardsPartitionTheConnectorsInConfigOrder() {
    List<ConnectorSpec> all =
        specs(IntStream.range(0, 30).mapToObj(i -> "demo-" + i).toArray(String[]::new));
    List<String> union = new ArrayList<>();
    for (int n = 0; n < 3; n++) {
      List<String> here = names(new Sharding(n, 3).mine(all));
      assertThat(here).as("shard %d", n).isNotEmpty();
      assertThat(union).as("shard %d", n).doesNotContainAnyElementsOf(here);
      assertThat(here.stream().map(names(all)::indexOf).toList()).as("config order").isSorted();
      union.addAll(here);
    }
    assertThat(union).containsExactlyInAnyOrderElementsOf(names(all));
    assertThat(Sharding.NONE.mine(all)).isEqualTo(all);
  }

  @Test
  void flagsGiveTheShard() {
    assertThat(Sharding.fromFlags(null, 1, false, Map.<String, String>of()::get))
        .isEqualTo(Sharding.NONE);
    assertThat(Sharding.fromFlags(2, 3, false, Map.<String, String>of()::get))
        .isEqualTo(new Sharding(2, 3));
    assertThat(Sharding.fromFlags(null, 3, false, Map.<String, String>of()::get))
        .isEqualTo(new Sharding(0, 3));
  }

  @Test
  void badFlagsNameTheFlag() {
    assertThatThrownBy(() -> Sharding.fromFlags(3, 3, false, k -> null))
        .hasMessage("--shard: must be between 0 and 2 (zero-indexed, --total-shards=3), got 3");
    assertThatThrownBy(() -> Sharding.fromFlags(-1, 3, false, k -> null))
        .hasMessage("--shard: must be between 0 and 2 (zero-indexed, --total-shards=3), got -1");
    assertThatThrownBy(() -> Sharding.fromFlags(null, 0, false, k -> null))
        .hasMessage("--total-shards: must be at least 1, got 0");
    assertThatThrownBy(() -> Sharding.fromFlags(1, 3, true, Map.of("POD_NAME", "cx-1")::get))
        .hasMessage("--shard.from-pod-name: cannot be used together with --shard");
  }

  @Test
  void thePodNameGivesTheShard() {
    assertThat(Sharding.fromFlags(null, 3, true, Map.of("POD_NAME", "cx-exporter-2")::get))
        .isEqualTo(new Sharding(2, 3));
    assertThat(Sharding.fromFlags(null, 3, true, Map.of("POD_NAME", "cx-exporter-a-2")::get))
        .isEqualTo(new Sharding(2, 3));
    assertThat(Sharding.fromFlags(null, 12, true, Map.of("POD_NAME", "cx-exporter-11")::get))
        .isEqualTo(new Sharding(11, 12));
    assertThat(
            Sharding.fromFlags(
                null, 3, true, Map.of("POD_NAME", "cx-exporter-1", "HOSTNAME", "host-0")::get))
        .as("POD_NAME first")
        .isEqualTo(new Sharding(1, 3));
    assertThat(Sharding.fromFlags(null, 3, true, Map.of("HOSTNAME", "cx-exporter-1")::get))
        .as("else HOSTNAME")
        .isEqualTo(new Sharding(1, 3));
  }

  @Test
  void aPodNameWithoutATrailingNumberOrOutOfRangeIsRefused() {
    assertThatThrownBy(
            () -> Sharding.fromFlags(null, 3, true, Map.of("POD_NAME", "cx-exporter")::get))
        .hasMessage(
            "--shard.from-pod-name: pod name \"cx-exporter\" (POD_NAME) does not end in"
                + " -<number>, as a StatefulSet's pods do");
    assertThatThrownBy(
            () -> Sharding.fromFlags(null, 3, true, Map.of("HOSTNAME", "cx-exporter-2a")::get))
        .hasMessage(
            "--shard.from-pod-name: pod name \"cx-exporter-2a\" (HOSTNAME) does not end in"
                + " -<number>, as a StatefulSet's pods do");
    assertThatThrownBy(
            () -> Sharding.fromFlags(null, 3, true, Map.of("POD_NAME", "cx-exporter-3")::get))
        .hasMessage(
            "--shard.from-pod-name: must be between 0 and 2 (zero-indexed, --total-shards=3),"
                + " got 3 from POD_NAME=cx-exporter-3");
    assertThatThrownBy(() -> Sharding.fromFlags(null, 3, true, k -> null))
        .hasMessage("--shard.from-pod-name: neither POD_NAME nor HOSTNAME is set");
  }

  @Test
  void theStartLineSaysHowManyRunHere() {
    assertThat(new Sharding(1, 3).describe(10, 30)).isEqualTo("shard 1 of 3: 10 of 30 connectors");
    assertThat(new Sharding(0, 1).describe(30, 30)).isEqualTo("not sharded: 30 connectors");
  }

  private static List<ConnectorSpec> specs(String... names) {
    List<ConnectorSpec> out = new ArrayList<>();
    for (String n : names) {
      out.add(new ConnectorSpec(n, "demo", Duration.ofMinutes(1), ctx -> null));
    }
    return out;
  }

  private static List<String> names(List<ConnectorSpec> specs) {
    return specs.stream().map(ConnectorSpec::name).toList();
  }
}
