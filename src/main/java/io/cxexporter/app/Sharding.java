package io.cxexporter.app;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which connectors this replica runs: shard {@code shard} of {@code total} ({@code --shard}, {@code
 * --total-shards}, the flags and semantics of kube-state-metrics). A connector runs on shard {@link
 * #shardOf(String, int) h(name) mod total}, where h is FNV-1a 64-bit over the UTF-8 bytes of its
 * name, read as an unsigned number: the same on every version and every replica, and unchanged when
 * other connectors are added or removed.
 *
 * <pre>{@code
 * Sharding s = new Sharding(1, 3);       // --shard=1 --total-shards=3
 * s.owns("acme");                        // Sharding.shardOf("acme", 3) == 1
 * List<ConnectorSpec> here = s.mine(config.connectors());
 * }</pre>
 *
 * @param shard this replica's shard, zero-indexed, in {@code [0, total)}
 * @param total how many shards there are; 1 turns sharding off (every connector runs here)
 */
public record Sharding(int shard, int total) {
  /** Sharding off: shard 0 of 1 runs every connector. */
  public static final Sharding NONE = new Sharding(0, 1);

  private static final long FNV64_OFFSET_BASIS = 0xcbf29ce484222325L;
  private static final long FNV64_PRIME = 0x100000001b3L;
  private static final Pattern TRAILING_NUMBER = Pattern.compile("-([0-9]+)$");

  /**
   * @throws IllegalArgumentException when {@code total < 1} or {@code shard} is outside {@code [0,
   *     total)}, naming the flag
   */
  public Sharding {
    if (total < 1) {
      throw new IllegalArgumentException("--total-shards: must be at least 1, got " + total);
    }
    if (shard < 0 || shard >= total) {
      throw new IllegalArgumentException(outside("--shard", shard, total));
    }
  }

  /**
   * The sharding the flags ask for.
   *
   * @param shard {@code --shard}, or null when not given (then 0, or the pod name's number)
   * @param total {@code --total-shards}
   * @param fromPodName {@code --shard.from-pod-name}: the shard is the number after the last {@code
   *     -} of environment variable {@code POD_NAME}, else {@code HOSTNAME}
   * @param env the environment ({@code System::getenv})
   * @throws IllegalArgumentException when the flags do not fit, naming the flag
   */
  public static Sharding fromFlags(
      Integer shard, int total, boolean fromPodName, Function<String, String> env) {
    if (total < 1) {
      throw new IllegalArgumentException("--total-shards: must be at least 1, got " + total);
    }
    if (fromPodName) {
      if (shard != null) {
        throw new IllegalArgumentException(
            "--shard.from-pod-name: cannot be used together with --shard");
      }
      String var = "POD_NAME";
      String pod = env.apply(var);
      if (pod == null || pod.isEmpty()) {
        var = "HOSTNAME";
        pod = env.apply(var);
      }
      if (pod == null || pod.isEmpty()) {
        throw new IllegalArgumentException(
            "--shard.from-pod-name: neither POD_NAME nor HOSTNAME is set");
      }
      int ordinal = ordinalOf(pod, var);
      if (ordinal >= total) {
        throw new IllegalArgumentException(
            outside("--shard.from-pod-name", ordinal + " from " + var + "=" + pod, total));
      }
      return new Sharding(ordinal, total);
    }
    return new Sharding(shard == null ? 0 : shard, total);
  }

  private static String outside(String flag, Object shard, int total) {
    return flag
        + ": must be between 0 and "
        + (total - 1)
        + " (zero-indexed, --total-shards="
        + total
        + "), got "
        + shard;
  }

  /**
   * The StatefulSet ordinal in a pod name: the digits after its last {@code -} ({@code
   * cx-exporter-2} and {@code cx-exporter-a-2} are 2).
   *
   * @param var where the name came from, for the message
   * @throws IllegalArgumentException when the name does not end in {@code -<number>}
   */
  static int ordinalOf(String podName, String var) {
    Matcher m = TRAILING_NUMBER.matcher(podName);
    if (!m.find()) {
      throw new IllegalArgumentException(
          "--shard.from-pod-name: pod name \""
              + podName
              + "\" ("
              + var
              + ") does not end in -<number>, as a StatefulSet's pods do");
    }
    try {
      return Integer.parseInt(m.group(1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "--shard.from-pod-name: pod name \"" + podName + "\" (" + var + "): ordinal too large");
    }
  }

  /** FNV-1a 64-bit of the UTF-8 bytes of {@code name}. */
  public static long fnv1a64(String name) {
    long h = FNV64_OFFSET_BASIS;
    for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
      h ^= b & 0xff;
      h *= FNV64_PRIME;
    }
    return h;
  }

  /** The shard a connector named {@code name} runs on among {@code total}. */
  public static int shardOf(String name, int total) {
    return (int) Long.remainderUnsigned(fnv1a64(name), total);
  }

  /** Whether this shard runs the connector named {@code name}. */
  public boolean owns(String name) {
    return total == 1 || shardOf(name, total) == shard;
  }

  /** The connectors this shard runs, in config order. */
  public List<ConnectorSpec> mine(List<ConnectorSpec> all) {
    return total == 1 ? all : all.stream().filter(c -> owns(c.name())).toList();
  }

  /** Whether sharding is on ({@code total > 1}). */
  public boolean sharded() {
    return total > 1;
  }

  /**
   * {@code shard 1 of 3: 10 of 30 connectors}, or {@code not sharded: 30 connectors}: logged at
   * start and at each reload.
   */
  String describe(int here, int all) {
    if (total == 1) {
      return "not sharded: " + all + " connectors";
    }
    return "shard " + shard + " of " + total + ": " + here + " of " + all + " connectors";
  }
}
