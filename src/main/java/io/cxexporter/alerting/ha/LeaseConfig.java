package io.cxexporter.alerting.ha;

import io.cxexporter.config.Settings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The validated {@code alerting.ha.kubernetes_lease} block: which Lease elects the one replica that
 * notifies, and its timing (the client-go defaults).
 *
 * <pre>{@code
 * alerting:
 *   ha:
 *     kubernetes_lease:
 *       name: cx-exporter-alerts      # required; "-shard-N" is appended when sharded
 *       namespace: monitoring         # default: $POD_NAMESPACE, else the service account's
 *       identity: cx-exporter-0       # default: $POD_NAME, else $HOSTNAME
 *       lease_duration: 15s
 *       renew_deadline: 10s
 *       retry_period: 2s
 * }</pre>
 *
 * @param name the configured Lease name, before {@link #leaseName(String, int, int)}
 * @param namespace where the Leases live
 * @param identity this replica's name in the Lease's {@code holderIdentity}
 * @param leaseDuration how long a follower waits after the last renewal before it takes over
 * @param renewDeadline how long the leader keeps trying to renew before it stops notifying
 * @param retryPeriod the pause between two tries to acquire or renew
 */
public record LeaseConfig(
    String name,
    String namespace,
    String identity,
    Duration leaseDuration,
    Duration renewDeadline,
    Duration retryPeriod) {

  /** Where Kubernetes mounts the pod's namespace with its service account token. */
  public static final Path SERVICE_ACCOUNT_NAMESPACE =
      Path.of("/var/run/secrets/kubernetes.io/serviceaccount/namespace");

  /** fabric8's (and client-go's) jitter on the retry period: renew_deadline must exceed it. */
  static final double JITTER_FACTOR = 1.2;

  /** The longest configured name: room for {@code -shard-NNNN-log} within 253 characters. */
  static final int MAX_NAME = 200;

  private static final Pattern DNS_SUBDOMAIN =
      Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
  private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");

  /**
   * The Lease this process runs for: {@code name} unsharded, {@code name-shard-N} when it runs
   * shard N of M > 1, so that each shard elects its own notifier.
   *
   * @throws IllegalArgumentException when {@code shard} is not in {@code [0, total)}
   */
  public static String leaseName(String name, int shard, int total) {
    if (total < 1 || shard < 0 || shard >= total) {
      throw new IllegalArgumentException("shard " + shard + " of " + total);
    }
    return total == 1 ? name : name + "-shard-" + shard;
  }

  /** The second Lease, which holds the delivery log the leaders hand over: {@code <lease>-log}. */
  public static String logLeaseName(String leaseName) {
    return leaseName + "-log";
  }

  /**
   * Reads {@code alerting.ha.kubernetes_lease}; problems go to the settings with their paths.
   * Returns empty when the block has problems.
   */
  public static Optional<LeaseConfig> read(Settings s) {
    return read(s, SERVICE_ACCOUNT_NAMESPACE);
  }

  /** Like {@link #read(Settings)}, with the service account's namespace file at {@code nsFile}. */
  static Optional<LeaseConfig> read(Settings s, Path nsFile) {
    int before = s.problems().messages().size();
    String name = s.string("name");
    if (name != null && (!DNS_SUBDOMAIN.matcher(name).matches() || name.length() > MAX_NAME)) {
      s.problem(
          "name",
          "must be a Kubernetes object name (lower-case letters, digits, '-' and '.', at most "
              + MAX_NAME
              + " characters), got \""
              + name
              + "\"");
    }
    String namespace = namespace(s, nsFile);
    String identity =
        s.optionalString("identity")
            .or(() -> s.environment("POD_NAME"))
            .or(() -> s.environment("HOSTNAME"))
            .orElse(null);
    if (identity == null || identity.isBlank()) {
      s.problem(
          "identity",
          "required: set it, or POD_NAME (from the downward API) or HOSTNAME in the environment");
    }
    Duration lease = s.duration("lease_duration", Duration.ofSeconds(15));
    Duration renew = s.duration("renew_deadline", Duration.ofSeconds(10));
    Duration retry = s.duration("retry_period", Duration.ofSeconds(2));
    if (retry.toMillis() < 100) {
      s.problem("retry_period", "must be at least 100ms, got " + Settings.formatDuration(retry));
    } else if (renew.toMillis() <= retry.toMillis() * JITTER_FACTOR) {
      s.problem(
          "renew_deadline",
          "must be more than "
              + JITTER_FACTOR
              + " × retry_period ("
              + Settings.formatDuration(retry)
              + "), got "
              + Settings.formatDuration(renew));
    } else if (lease.compareTo(renew) <= 0) {
      s.problem(
          "renew_deadline",
          "must be less than lease_duration ("
              + Settings.formatDuration(lease)
              + "), got "
              + Settings.formatDuration(renew)
              + ": a leader must give up before a follower may take over");
    }
    if (s.problems().messages().size() > before) {
      return Optional.empty();
    }
    return Optional.of(new LeaseConfig(name, namespace, identity, lease, renew, retry));
  }

  private static String namespace(Settings s, Path nsFile) {
    Optional<String> ns =
        s.optionalString("namespace")
            .or(() -> s.environment("POD_NAMESPACE"))
            .or(() -> readFile(nsFile));
    if (ns.isEmpty()) {
      s.problem(
          "namespace",
          "required: set it, or POD_NAMESPACE in the environment, or run in a pod with a service"
              + " account ("
              + nsFile
              + ")");
      return null;
    }
    if (!DNS_LABEL.matcher(ns.get()).matches() || ns.get().length() > 63) {
      s.problem("namespace", "must be a Kubernetes namespace name, got \"" + ns.get() + "\"");
      return null;
    }
    return ns.get();
  }

  private static Optional<String> readFile(Path f) {
    try {
      return Files.isRegularFile(f)
          ? Optional.of(Files.readString(f).trim()).filter(v -> !v.isEmpty())
          : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    }
  }
}
