package io.cxexporter.bench;

import com.sun.net.httpserver.HttpServer;
import io.cxexporter.connector.ConnectorException;
import io.cxexporter.connector.RequestListener;
import io.cxexporter.connector.http.ApiClient;
import io.cxexporter.connector.http.HttpSettings;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import okhttp3.HttpUrl;

/**
 * Heap while a vendor streams a 50 MB page (chunked, no length) at an {@link ApiClient} with the
 * default {@code max_response_bytes} (32 MiB): the page is refused as a bad response after at most
 * the cap was read. Peak heap is the sum of the heap pools' peak usage over the request, after
 * resetting the peaks at a GC'd baseline; the bound is cap + baseline + a few MiB of buffers.
 */
public final class HugeResponseBench implements Benchmark {
  static final long PAGE_BYTES = 50_000_000;

  @Override
  public String name() {
    return "huge_response";
  }

  @Override
  public Map<String, Object> run(boolean quick, Path work) throws Exception {
    AtomicLong served = new AtomicLong();
    HttpServer vendor = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    vendor.createContext(
        "/tickets",
        x -> {
          x.getResponseHeaders().add("Content-Type", "application/json");
          x.sendResponseHeaders(200, 0);
          byte[] chunk = new byte[64 * 1024];
          Arrays.fill(chunk, (byte) ' ');
          try (OutputStream out = x.getResponseBody()) {
            out.write("{\"tickets\":[".getBytes(StandardCharsets.UTF_8));
            while (served.get() < PAGE_BYTES) {
              out.write(chunk);
              served.addAndGet(chunk.length);
            }
          } catch (IOException clientWentAway) {
            // the client stopped at the cap
          }
        });
    vendor.start();
    try {
      Map<String, Object> out = new LinkedHashMap<>();
      out.put("huge_response_page_bytes", PAGE_BYTES);
      for (long cap : new long[] {HttpSettings.DEFAULT_MAX_RESPONSE_BYTES, 4L * 1024 * 1024}) {
        served.set(0);
        String key = cap == HttpSettings.DEFAULT_MAX_RESPONSE_BYTES ? "" : "_cap_4mib";
        HttpSettings settings =
            new HttpSettings(
                HttpSettings.DEFAULTS.connectTimeout(),
                HttpSettings.DEFAULTS.readTimeout(),
                HttpSettings.DEFAULTS.callTimeout(),
                HttpSettings.DEFAULTS.maxAttempts(),
                HttpSettings.DEFAULTS.maxWait(),
                cap);
        ApiClient api =
            ApiClient.builder(settings, RequestListener.NONE, Clock.systemUTC()).build();
        HttpUrl url = HttpUrl.get("http://127.0.0.1:" + vendor.getAddress().getPort() + "/tickets");
        long baseline = HeapBench.liveHeap();
        ManagementFactory.getMemoryPoolMXBeans().forEach(MemoryPoolMXBean::resetPeakUsage);
        String result;
        try {
          api.get("tickets", url);
          result = "read whole";
        } catch (ConnectorException e) {
          result = e.kind().name().toLowerCase(java.util.Locale.ROOT) + ": " + e.getMessage();
        }
        long peak = 0;
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
          if (p.getType() == MemoryType.HEAP) {
            peak += p.getPeakUsage().getUsed();
          }
        }
        System.err.printf(
            "   50 MB page, cap %,d: %s; vendor wrote %,d bytes; peak heap %,d over %,d%n",
            cap, result, served.get(), peak, baseline);
        out.put("huge_response_result" + key, result);
        out.put("huge_response_cap_bytes" + key, cap);
        out.put("huge_response_vendor_wrote_bytes" + key, served.get());
        out.put("huge_response_peak_heap_over_baseline_bytes" + key, peak - baseline);
      }
      out.put(
          "huge_response_note",
          "peak heap over a GC'd baseline (sum of heap pools' peaks, garbage included) while a 50"
              + " MB chunked page is refused at max_response_bytes: it follows the cap, not the"
              + " page");
      return out;
    } finally {
      vendor.stop(0);
    }
  }
}
