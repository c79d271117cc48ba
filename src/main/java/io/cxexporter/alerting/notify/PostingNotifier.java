package io.cxexporter.alerting.notify;

import java.util.Set;

/**
 * What every notifier here shares: its configured name and type, its severity filter and route,
 * whether the receiver needs firing alerts re-sent, and the {@link JsonPoster} it sends with.
 */
abstract class PostingNotifier implements Notifier {
  private final String name;
  private final String type;
  private final Set<String> severities;
  private final Route route;
  private final boolean resendWhileFiring;
  final JsonPoster poster;

  PostingNotifier(
      String name,
      String type,
      Set<String> severities,
      Route route,
      boolean resendWhileFiring,
      JsonPoster poster) {
    this.name = name;
    this.type = type;
    this.severities = Set.copyOf(severities);
    this.route = route;
    this.resendWhileFiring = resendWhileFiring;
    this.poster = poster;
  }

  @Override
  public final String name() {
    return name;
  }

  @Override
  public final String type() {
    return type;
  }

  @Override
  public final Set<String> severities() {
    return severities;
  }

  @Override
  public final Route route() {
    return route;
  }

  @Override
  public final boolean resendWhileFiring() {
    return resendWhileFiring;
  }
}
