package io.cxexporter.alerting.notify;

import static org.assertj.core.api.Assertions.assertThat;

import io.cxexporter.util.HttpClients;
import org.junit.jupiter.api.Test;

class JsonPosterClientTest {
  @Test
  void notifiersSendThroughTheSharedPoolWithTheirOwnTimeouts() {
    assertThat(JsonPoster.SHARED.connectionPool()).isSameAs(HttpClients.shared().connectionPool());
    assertThat(JsonPoster.SHARED.dispatcher()).isSameAs(HttpClients.shared().dispatcher());
    assertThat(JsonPoster.SHARED.connectTimeoutMillis()).isEqualTo(5_000);
    assertThat(JsonPoster.SHARED.callTimeoutMillis()).isEqualTo(15_000);
    assertThat(JsonPoster.SHARED.followRedirects()).isFalse();
    assertThat(JsonPoster.SHARED.followSslRedirects()).isFalse();
  }
}
