package io.cxexporter.connector.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.cxexporter.connector.RequestLimits;
import java.time.Duration;
import okhttp3.HttpUrl;
import org.junit.jupiter.api.Test;

/** What {@code probe} relies on in the kit: capped HTTP settings and redacted request lines. */
class ProbeLimitsTest {
  @Test
  void limitsLowerTheSettingsAndNeverRaiseThem() {
    HttpSettings capped = HttpSettings.DEFAULTS.cappedBy(RequestLimits.PROBE);
    assertThat(capped)
        .isEqualTo(
            new HttpSettings(
                Duration.ofSeconds(10),
                Duration.ofSeconds(10),
                Duration.ofSeconds(10),
                2,
                Duration.ofSeconds(2)));
    HttpSettings small =
        new HttpSettings(
            Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(3), 1, Duration.ZERO);
    assertThat(small.cappedBy(RequestLimits.PROBE)).isEqualTo(small);
    assertThat(small.cappedBy(null)).isSameAs(small);
  }

  @Test
  void onlyTheQueryParametersTheCredentialsSetAreRedacted() {
    HttpUrl plain = HttpUrl.get("https://api.example.com/v1/cases?p=0&q=a%20b");
    HttpUrl sent = plain.newBuilder().setQueryParameter("api_key", "k SECRET").build();
    assertThat(ApiClient.redactedUrl(plain, sent))
        .isEqualTo("https://api.example.com/v1/cases?p=0&q=a%20b&api_key=<redacted>");
    HttpUrl replaced = plain.newBuilder().setQueryParameter("p", "SECRET").build();
    assertThat(ApiClient.redactedUrl(plain, replaced))
        .isEqualTo("https://api.example.com/v1/cases?q=a%20b&p=<redacted>");
    assertThat(ApiClient.redactedUrl(plain, plain)).isEqualTo(plain.toString());
  }
}
