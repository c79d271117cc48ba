package io.cxexporter.connector.http;

import io.cxexporter.config.Settings;
import io.cxexporter.model.TicketStatus;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import okhttp3.HttpUrl;

/**
 * The keys every HTTP connector reads the same way: {@code name}, {@code base_url} and {@code
 * backfill}, plus request budgets, so each vendor's options record starts from one validated block
 * and writes its messages once. The HTTP settings ({@code timeouts}, {@code max_attempts}, {@code
 * max_wait}) are {@link HttpSettings#read}, read last so problems come in the block's usual order.
 *
 * <pre>{@code
 * CommonOptions common = CommonOptions.read(s, "zendesk", "https://acme.zendesk.com");
 * int perMinute = CommonOptions.budget(s, "export_requests_per_minute", 10, 1000);
 * HttpSettings http = HttpSettings.read(s);
 * }</pre>
 *
 * @param name the connector's name ({@code source} label)
 * @param baseUrl the vendor's API root; null only when a problem was reported
 * @param backfill how far back a first sync reads
 */
public record CommonOptions(String name, HttpUrl baseUrl, Duration backfill) {

  /** The default {@code backfill}. */
  public static final Duration DEFAULT_BACKFILL = Duration.ofDays(90);

  /**
   * Reads the common keys; problems go to {@code s}.
   *
   * @param defaultName the name when the block has none (tests; the config requires one)
   * @param urlExample shown in the message for a bad {@code base_url}
   */
  public static CommonOptions read(Settings s, String defaultName, String urlExample) {
    String name = s.string("name", defaultName);
    HttpUrl base = baseUrl(s, urlExample);
    Duration backfill = s.duration("backfill", DEFAULT_BACKFILL);
    return new CommonOptions(name, base, backfill);
  }

  /** A required http(s) {@code base_url}; null (with a problem) when missing or malformed. */
  public static HttpUrl baseUrl(Settings s, String urlExample) {
    String text = s.string("base_url");
    HttpUrl base = text == null ? null : HttpUrl.parse(text);
    if (text != null && base == null) {
      s.problem(
          "base_url", "expected an http(s) URL like " + urlExample + ", got \"" + text + "\"");
    }
    return base;
  }

  /**
   * {@code overlap}: how far before the newest record read each new pass starts (records a vendor
   * indexes late, clock skew); 0s to 1h, default a minute.
   */
  public static Duration overlap(Settings s) {
    Duration overlap = s.duration("overlap", Duration.ofMinutes(1));
    if (overlap.isNegative() || overlap.compareTo(Duration.ofHours(1)) > 0) {
      s.problem("overlap", "expected 0s to 1h, got " + overlap);
      return Duration.ofMinutes(1);
    }
    return overlap;
  }

  /**
   * A map from a vendor's status or stage (label or id) to a normalized status, such as Freshdesk's
   * {@code custom_statuses} or HubSpot's {@code stage_statuses}; a value that is not a status is a
   * problem naming its entry.
   */
  public static Map<String, TicketStatus> statuses(Settings s, String key) {
    Map<String, TicketStatus> out = new LinkedHashMap<>();
    Settings c = s.object(key);
    for (String name : c.keys()) {
      String v = c.string(name, "");
      TicketStatus status = null;
      for (TicketStatus t : TicketStatus.values()) {
        if (t.label().equals(v.trim().toLowerCase(Locale.ROOT))) {
          status = t;
        }
      }
      if (status == null) {
        c.problem(
            name, "expected one of new, open, pending, on_hold, solved, closed, got \"" + v + "\"");
      } else {
        out.put(name, status);
      }
    }
    return out;
  }

  /**
   * A request budget such as {@code requests_per_minute}: 1 to {@code max}, default {@code def}.
   */
  public static int budget(Settings s, String key, int def, int max) {
    return s.intValue(key, def, 1, max);
  }
}
