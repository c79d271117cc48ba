package io.cxexporter.alerting.ha;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The delivery log Lease on fabric8's CRUD mock API: the first claim creates it, a later claim
 * hands the previous owner's record over, and a replica that lost it cannot overwrite it.
 */
@EnableKubernetesMockClient(crud = true, https = false)
class SharedDeliveryLogTest {
  static final Instant T0 = Instant.parse("2026-12-01T12:00:00Z");

  KubernetesMockServer server;
  KubernetesClient client;

  SharedDeliveryLog log(String identity) {
    return new SharedDeliveryLog(client, "monitoring", "cx-alerts-log", identity);
  }

  static DeliveryRecord sent(String... fingerprints) {
    return new DeliveryRecord(
        "",
        List.of(fingerprints).stream().map(f -> new DeliveryRecord.Sent("hook", f, T0)).toList(),
        List.of());
  }

  @Test
  void theFirstClaimCreatesTheLogWithItsOwnDeliveries() {
    assertThat(log("cx-0").claim(sent("a"))).isEmpty();
    Lease l = client.leases().inNamespace("monitoring").withName("cx-alerts-log").get();
    assertThat(l.getSpec().getHolderIdentity()).isEqualTo("cx-0");
    assertThat(log("cx-1").read()).contains(sent("a").ownedBy("cx-0"));
  }

  @Test
  void aClaimHandsThePreviousRecordOverAndFencesTheOldOwner() {
    SharedDeliveryLog a = log("cx-0");
    SharedDeliveryLog b = log("cx-1");
    a.claim(sent());
    assertThat(a.publish(sent("a", "b"))).isTrue();

    assertThat(b.claim(sent("stale"))).contains(sent("a", "b").ownedBy("cx-0"));
    assertThat(b.read()).contains(sent("a", "b").ownedBy("cx-1"));

    assertThat(a.publish(sent("a", "b", "late"))).isFalse(); // lost the Lease meanwhile
    assertThat(b.publish(sent("b"))).isTrue();
    assertThat(a.read()).contains(sent("b").ownedBy("cx-1"));
  }

  @Test
  void anAnnotationThatIsNoRecordIsReplaced() {
    SharedDeliveryLog a = log("cx-0");
    a.claim(sent());
    Lease l = client.leases().inNamespace("monitoring").withName("cx-alerts-log").get();
    l.getMetadata().getAnnotations().put(SharedDeliveryLog.ANNOTATION, "{oops");
    client.resource(l).update();
    assertThat(log("cx-1").claim(sent("mine"))).isEmpty();
    assertThat(a.read()).contains(sent("mine").ownedBy("cx-1"));
  }
}
