/**
 * High availability of the alerting agent ({@code alerting.ha.kubernetes_lease}): the replicas of a
 * shard elect one notifier with a Kubernetes Lease ({@code LeaderElection}, fabric8's {@code
 * LeaderElector}), and the leader hands its delivery log to the next through a second Lease ({@code
 * DeliveryRecord}), so a hand-over neither repeats nor loses a notification it knows of.
 */
package io.cxexporter.alerting.ha;
