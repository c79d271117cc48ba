package io.cxexporter.alerting.ha;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.Resource;
import java.net.HttpURLConnection;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link DeliveryRecord} in an annotation of the {@code <lease>-log} Lease, read and written
 * with optimistic concurrency (the Lease's {@code resourceVersion}; a conflict reads again). A
 * second Lease, because the elector rewrites the first one at every renewal; a Lease, because that
 * is all the replicas' RBAC lets them touch ({@code get}, {@code create}, {@code update}). The log
 * Lease's {@code holderIdentity} shows the owner, so {@code kubectl get lease} tells who writes.
 */
final class SharedDeliveryLog {
  /** The annotation that holds the encoded record. */
  static final String ANNOTATION = "cx-exporter.io/delivery-log";

  private static final Logger LOG = LoggerFactory.getLogger(SharedDeliveryLog.class);
  private static final int ATTEMPTS = 5;

  private final KubernetesClient client;
  private final String namespace;
  private final String name;
  private final String identity;

  SharedDeliveryLog(KubernetesClient client, String namespace, String name, String identity) {
    this.client = client;
    this.namespace = namespace;
    this.name = name;
    this.identity = identity;
  }

  String name() {
    return name;
  }

  private Resource<Lease> lease() {
    return client.leases().inNamespace(namespace).withName(name);
  }

  /**
   * Makes this replica the owner of the record, and returns what its previous owner left (empty
   * when there was no record yet: the Lease is then created with {@code local}).
   *
   * @throws KubernetesClientException when the API cannot be reached or keeps conflicting
   */
  Optional<DeliveryRecord> claim(DeliveryRecord local) {
    for (int attempt = 1; ; attempt++) {
      try {
        Lease l = lease().get();
        if (l == null) {
          create(local.ownedBy(identity));
          return Optional.empty();
        }
        Optional<DeliveryRecord> previous = decode(l);
        DeliveryRecord next = previous.orElse(local).ownedBy(identity);
        write(l, next);
        return previous;
      } catch (KubernetesClientException e) {
        if (!isConflict(e) || attempt >= ATTEMPTS) {
          throw e;
        }
      }
    }
  }

  /**
   * Writes {@code record} when this replica still owns the log.
   *
   * @return false when another replica has claimed it since (nothing written)
   * @throws KubernetesClientException when the API cannot be reached or keeps conflicting
   */
  boolean publish(DeliveryRecord record) {
    DeliveryRecord mine = record.ownedBy(identity);
    for (int attempt = 1; ; attempt++) {
      try {
        Lease l = lease().get();
        if (l == null) {
          create(mine); // deleted by hand: this leader's record is the best there is
          return true;
        }
        String owner = l.getSpec() == null ? null : l.getSpec().getHolderIdentity();
        if (!identity.equals(owner)) {
          return false;
        }
        write(l, mine);
        return true;
      } catch (KubernetesClientException e) {
        if (!isConflict(e) || attempt >= ATTEMPTS) {
          throw e;
        }
      }
    }
  }

  /** The record in the Lease, for tests and the status of a take-over. */
  Optional<DeliveryRecord> read() {
    Lease l = lease().get();
    return l == null ? Optional.empty() : decode(l);
  }

  private void create(DeliveryRecord record) {
    client
        .leases()
        .inNamespace(namespace)
        .resource(
            new LeaseBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace(namespace)
                .addToAnnotations(ANNOTATION, record.encode())
                .addToLabels("app.kubernetes.io/name", "cx-exporter")
                .endMetadata()
                .withNewSpec()
                .withHolderIdentity(record.owner())
                .endSpec()
                .build())
        .create();
  }

  /** Replaces the Lease at the version it was read: a concurrent write makes this a 409. */
  private void write(Lease read, DeliveryRecord record) {
    Map<String, String> annotations =
        new HashMap<>(
            read.getMetadata().getAnnotations() == null
                ? Map.of()
                : read.getMetadata().getAnnotations());
    annotations.put(ANNOTATION, record.encode());
    Lease next =
        new LeaseBuilder(read)
            .editMetadata()
            .withAnnotations(annotations)
            .endMetadata()
            .editOrNewSpec()
            .withHolderIdentity(record.owner())
            .endSpec()
            .build();
    client.leases().inNamespace(namespace).resource(next).update();
  }

  private Optional<DeliveryRecord> decode(Lease l) {
    Map<String, String> a = l.getMetadata().getAnnotations();
    String text = a == null ? null : a.get(ANNOTATION);
    if (text == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(DeliveryRecord.decode(text));
    } catch (IllegalArgumentException e) {
      LOG.warn(
          "lease {}/{}: annotation {} is not a delivery log ({}); starting from this replica's own",
          namespace,
          name,
          ANNOTATION,
          e.getMessage());
      return Optional.empty();
    }
  }

  private static boolean isConflict(KubernetesClientException e) {
    return e.getCode() == HttpURLConnection.HTTP_CONFLICT;
  }
}
