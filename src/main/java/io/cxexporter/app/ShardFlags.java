package io.cxexporter.app;

import java.util.function.Function;
import picocli.CommandLine.Option;

/**
 * The sharding flags, shared by the exporter and {@code history} (a picocli mixin): {@code
 * --shard}, {@code --total-shards} and {@code --shard.from-pod-name}, with kube-state-metrics'
 * names and meaning. See {@link Sharding}.
 */
final class ShardFlags {
  @Option(
      names = "--shard",
      paramLabel = "N",
      description =
          "This replica's shard, zero-indexed (default 0): it runs only the connectors whose name"
              + " hashes to N (FNV-1a 64 mod --total-shards).")
  Integer shard;

  @Option(
      names = "--total-shards",
      paramLabel = "M",
      defaultValue = "1",
      description = "The number of shards; 1 turns sharding off (default ${DEFAULT-VALUE}).")
  int totalShards;

  @Option(
      names = "--shard.from-pod-name",
      description =
          "Take the shard from the number after the last - of the pod name (environment"
              + " POD_NAME, else HOSTNAME), as a StatefulSet names its pods: cx-exporter-2 is 2.")
  boolean fromPodName;

  /** The environment, for {@code --shard.from-pod-name} (tests replace it). */
  Function<String, String> env = System::getenv;

  /** Whether any of the flags was given. */
  boolean given() {
    return shard != null || totalShards != 1 || fromPodName;
  }

  /**
   * The sharding the flags ask for.
   *
   * @throws IllegalArgumentException when they do not fit, naming the flag
   */
  Sharding sharding() {
    return Sharding.fromFlags(shard, totalShards, fromPodName, env);
  }
}
