package io.cxexporter.connector.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.cxexporter.config.Problems;
import io.cxexporter.config.Settings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import okhttp3.HttpUrl;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link OAuth2#read}: the keys of an OAuth2 {@code auth} block and the problems they report. */
class OAuth2ConfigTest {
  static final HttpUrl DEFAULT = HttpUrl.get("https://api.helpscout.net/v2/oauth2/token");
  @TempDir Path dir;
  final Problems problems = new Problems();

  Optional<OAuth2> read(Map<String, Object> auth, HttpUrl defaultTokenUrl) {
    Settings connector =
        Settings.root(Map.of("connectors", List.of(Map.of("auth", auth))), problems, k -> null, dir)
            .objects("connectors")
            .get(0);
    Optional<OAuth2> o = OAuth2.read(connector.object("auth"), defaultTokenUrl);
    connector.finish();
    return o;
  }

  @Test
  void readsClientCredentialsWithASecretFile() throws Exception {
    Files.writeString(dir.resolve("secret"), "cs-SECRET\n");

    OAuth2 o =
        read(
                Map.of(
                    "token_url", "https://login.example.com/oauth2/token",
                    "client_id", "app-1",
                    "client_secret_file", "secret",
                    "scope", "api refresh_token",
                    "client_auth", "basic"),
                null)
            .orElseThrow();

    assertThat(problems.messages()).isEmpty();
    assertThat(o.grant).isEqualTo(OAuth2.Grant.CLIENT_CREDENTIALS);
    assertThat(o.tokenUrl).isEqualTo(HttpUrl.get("https://login.example.com/oauth2/token"));
    assertThat(o.clientSecret.reveal()).isEqualTo("cs-SECRET");
    assertThat(o.scope).isEqualTo("api refresh_token");
    assertThat(o.basicClientAuth).isTrue();
  }

  @Test
  void aRefreshTokenChoosesTheRefreshGrantAndTheVendorsTokenUrl() {
    OAuth2 o =
        read(Map.of("client_id", "app-1", "refresh_token", "rt-SECRET"), DEFAULT).orElseThrow();

    assertThat(problems.messages()).isEmpty();
    assertThat(o.grant).isEqualTo(OAuth2.Grant.REFRESH_TOKEN);
    assertThat(o.tokenUrl).isEqualTo(DEFAULT);
    assertThat(o.refreshToken.reveal()).isEqualTo("rt-SECRET");
    assertThat(o.clientSecret).as("a public client").isNull();
    assertThat(o.basicClientAuth).isFalse();
  }

  @Test
  void problemsNameTheirPaths() {
    Optional<OAuth2> o =
        read(Map.of("token_url", "login.example.com", "client_auth", "jwt", "scpoe", "x"), null);

    assertThat(o).isEmpty();
    assertThat(problems.messages())
        .containsExactly(
            "connectors[0].auth.token_url: expected an http(s) URL like"
                + " https://login.example.com/oauth2/token, got \"login.example.com\"",
            "connectors[0].auth.client_id: required",
            "connectors[0].auth.client_secret: required (or client_secret_file)",
            "connectors[0].auth.client_auth: expected form or basic, got \"jwt\"",
            "connectors[0].auth.scpoe: unknown key");
  }

  @Test
  void theTokenUrlIsRequiredWhenTheVendorHasNone() {
    assertThat(read(Map.of("client_id", "app-1", "client_secret", "cs-SECRET"), null)).isEmpty();
    assertThat(problems.messages()).containsExactly("connectors[0].auth.token_url: required");
  }

  @Test
  void basicClientAuthNeedsASecret() {
    Optional<OAuth2> o =
        read(Map.of("client_id", "app-1", "refresh_token", "rt", "client_auth", "basic"), DEFAULT);

    assertThat(o).isEmpty();
    assertThat(problems.messages())
        .containsExactly(
            "connectors[0].auth.client_auth: basic needs client_secret (or client_secret_file)");
  }

  @Test
  void anUnreadableRefreshTokenFileIsAProblemWithoutItsContents() {
    Optional<OAuth2> o =
        read(Map.of("client_id", "app-1", "refresh_token_file", "missing"), DEFAULT);

    assertThat(o).isEmpty();
    assertThat(problems.messages())
        .containsExactly(
            "connectors[0].auth.refresh_token_file: cannot read file "
                + dir.resolve("missing")
                + " (NoSuchFileException)");
  }
}
