package io.cxexporter.connector.http;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.sun.net.httpserver.HttpServer;
import io.cxexporter.config.Problems;
import io.cxexporter.config.Settings;
import io.cxexporter.connector.ConnectorException;
import io.cxexporter.testing.RecordingRequests;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import okhttp3.HttpUrl;
import okio.Buffer;
import okio.BufferedSource;
import okio.Okio;
import okio.Source;
import okio.Timeout;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A hostile or broken vendor cannot exhaust memory: a body over {@code max_response_bytes} and JSON
 * nested over {@link ResponseBodies#MAX_NESTING_DEPTH} levels are bad responses, read no further.
 */
class ResponseCapsTest {
  static final long MB = 1_000_000;

  WireMockServer vendor;
  HttpServer streaming;
  final AtomicLong served = new AtomicLong();
  final RecordingRequests requests = new RecordingRequests();

  @BeforeEach
  void start() throws IOException {
    vendor = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
    vendor.start();
    // 50 MB of a ticket page, written as it is asked for: never held whole on either side
    streaming = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    streaming.createContext(
        "/tickets",
        x -> {
          boolean declared = x.getRequestURI().getQuery() != null;
          x.getResponseHeaders().add("Content-Type", "application/json");
          x.sendResponseHeaders(200, declared ? 50 * MB : 0);
          byte[] chunk = new byte[64 * 1024];
          Arrays.fill(chunk, (byte) ' ');
          try (OutputStream out = x.getResponseBody()) {
            out.write("{\"tickets\":[".getBytes(StandardCharsets.UTF_8));
            long sent = 12;
            while (sent < 50 * MB) {
              int n = (int) Math.min(chunk.length, 50 * MB - sent);
              out.write(chunk, 0, n);
              sent += n;
              served.addAndGet(n);
            }
          } catch (IOException clientWentAway) {
            // expected: the client stops reading at the cap
          }
        });
    streaming.start();
  }

  @AfterEach
  void stop() {
    vendor.stop();
    streaming.stop(0);
  }

  ApiClient client(long maxResponseBytes) {
    HttpSettings s =
        new HttpSettings(
            Duration.ofSeconds(5),
            Duration.ofSeconds(5),
            Duration.ofSeconds(30),
            4,
            Duration.ofSeconds(60),
            maxResponseBytes);
    return ApiClient.builder(s, requests, Clock.systemUTC()).sleeper(d -> {}).build();
  }

  HttpUrl streamingUrl(String query) {
    return HttpUrl.get("http://127.0.0.1:" + streaming.getAddress().getPort() + "/tickets" + query);
  }

  @Test
  void aFiftyMegabytePageIsABadResponseReadOnlyToTheCap() {
    ConnectorException e =
        catchThrowableOfType(
            ConnectorException.class,
            () -> client(HttpSettings.DEFAULT_MAX_RESPONSE_BYTES).get("tickets", streamingUrl("")));

    assertThat(e.kind()).isEqualTo(ConnectorException.Kind.BAD_RESPONSE);
    assertThat(e.getMessage())
        .isEqualTo(
            "response from tickets is over max_response_bytes (33554432 bytes); not read further");
    assertThat(requests.requests()).as("asked once, not retried").containsExactly("tickets 200");
    assertThat(served.get())
        .as("the vendor could not write the whole 50 MB: the client stopped at the cap")
        .isLessThan(HttpSettings.DEFAULT_MAX_RESPONSE_BYTES + 8L * 1024 * 1024); // 34 MiB measured
  }

  @Test
  void aDeclaredLengthOverTheCapIsRefusedBeforeReading() {
    ConnectorException e =
        catchThrowableOfType(
            ConnectorException.class, () -> client(1024 * 1024).get("tickets", streamingUrl("?n")));

    assertThat(e.kind()).isEqualTo(ConnectorException.Kind.BAD_RESPONSE);
    assertThat(e.getMessage()).contains("over max_response_bytes (1048576 bytes)");
  }

  @Test
  void theBoundedReaderHoldsAtMostTheCapAndOneSegment() {
    AtomicLong pulled = new AtomicLong();
    Source endless =
        new Source() {
          @Override
          public long read(Buffer sink, long byteCount) {
            long n = Math.min(byteCount, 8192);
            for (long i = 0; i < n; i++) {
              sink.writeByte(' ');
            }
            pulled.addAndGet(n);
            return n;
          }

          @Override
          public Timeout timeout() {
            return Timeout.NONE;
          }

          @Override
          public void close() {}
        };
    BufferedSource in = Okio.buffer(endless);
    long cap = 4L * 1024 * 1024;

    ConnectorException e =
        catchThrowableOfType(
            ConnectorException.class, () -> ResponseBodies.readBounded(-1, in, cap, "tickets"));

    assertThat(e.kind()).isEqualTo(ConnectorException.Kind.BAD_RESPONSE);
    assertThat(pulled.get()).as("bytes read of an endless body").isBetween(cap + 1, cap + 8192);
  }

  @Test
  void aGzipBodyThatInflatesPastTheCapIsABadResponse() {
    // 2 MB of spaces gzip to a few kB; OkHttp asks for gzip and inflates transparently
    vendor.stubFor(
        get("/zip")
            .willReturn(
                okJson("{\"tickets\":[" + " ".repeat(2_000_000) + "]}")
                    .withHeader("Content-Encoding", "gzip")
                    .withBody(gzip("{\"tickets\":[" + " ".repeat(2_000_000) + "]}"))));

    ConnectorException e =
        catchThrowableOfType(
            ConnectorException.class,
            () -> client(1024 * 1024).get("tickets", HttpUrl.get(vendor.baseUrl() + "/zip")));

    assertThat(e.kind()).isEqualTo(ConnectorException.Kind.BAD_RESPONSE);
    assertThat(e.getMessage()).contains("over max_response_bytes (1048576 bytes)");
    assertThat(vendor.getAllServeEvents().get(0).getResponse().getBody().length)
        .as("the compressed body is small")
        .isLessThan(100_000);
  }

  static byte[] gzip(String text) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    try (java.util.zip.GZIPOutputStream z = new java.util.zip.GZIPOutputStream(out)) {
      z.write(text.getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  @Test
  void aBodyUnderTheCapIsReadWhole() throws Exception {
    vendor.stubFor(get("/t").willReturn(okJson("{\"tickets\":[" + "{},".repeat(1000) + "{}]}")));

    ApiResponse r = client(8 * 1024).get("t", HttpUrl.get(vendor.baseUrl() + "/t"));

    assertThat(r.body().path("tickets").size()).isEqualTo(1001);
  }

  @Test
  void jsonNestedTenThousandDeepIsABadResponseNamingTheCap() {
    vendor.stubFor(
        get("/deep")
            .willReturn(okJson("{\"tickets\":" + "[".repeat(10_000) + "]".repeat(10_000) + "}")));

    ConnectorException e =
        catchThrowableOfType(
            ConnectorException.class,
            () ->
                client(HttpSettings.DEFAULT_MAX_RESPONSE_BYTES)
                    .get("tickets", HttpUrl.get(vendor.baseUrl() + "/deep")));

    assertThat(e.kind()).isEqualTo(ConnectorException.Kind.BAD_RESPONSE);
    assertThat(e.getMessage())
        .startsWith("JSON from tickets is over a cap (nesting 64 levels")
        .contains("nesting depth (65)");
    assertThat(requests.requests()).containsExactly("tickets 200");
  }

  @Test
  void jsonNestedSixtyFourDeepIsRead() throws Exception {
    vendor.stubFor(get("/ok").willReturn(okJson("[".repeat(64) + "]".repeat(64))));

    ApiResponse r =
        client(HttpSettings.DEFAULT_MAX_RESPONSE_BYTES)
            .get("t", HttpUrl.get(vendor.baseUrl() + "/ok"));

    assertThat(r.body().isArray()).isTrue();
  }

  @Test
  void maxResponseBytesIsAConnectorSetting() {
    Problems p = new Problems();
    Settings s = Settings.root(Map.of("max_response_bytes", "1048576"), p, k -> null, Path.of("."));
    assertThat(HttpSettings.read(s).maxResponseBytes()).isEqualTo(1_048_576);
    assertThat(HttpSettings.DEFAULTS.maxResponseBytes()).isEqualTo(32L * 1024 * 1024);

    Settings bad = Settings.root(Map.of("max_response_bytes", "10"), p, k -> null, Path.of("."));
    assertThat(HttpSettings.read(bad).maxResponseBytes())
        .isEqualTo(HttpSettings.DEFAULT_MAX_RESPONSE_BYTES);
    assertThat(p.messages())
        .containsExactly("max_response_bytes: must be between 1024 and 1073741824, got 10");
  }
}
