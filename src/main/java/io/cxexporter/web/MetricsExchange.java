package io.cxexporter.web;

import io.javalin.http.Context;
import io.prometheus.metrics.exporter.common.PrometheusHttpExchange;
import io.prometheus.metrics.exporter.common.PrometheusHttpRequest;
import io.prometheus.metrics.exporter.common.PrometheusHttpResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Enumeration;

/**
 * Adapts a Javalin request to client_java's {@code PrometheusScrapeHandler} (through {@code
 * ScrapeHandler}), which does the content negotiation (text 0.0.4, OpenMetrics, protobuf), {@code
 * name[]} filtering and gzip.
 */
final class MetricsExchange implements PrometheusHttpExchange {
  private final Context ctx;

  MetricsExchange(Context ctx) {
    this.ctx = ctx;
  }

  @Override
  public PrometheusHttpRequest getRequest() {
    return new PrometheusHttpRequest() {
      @Override
      public String getQueryString() {
        return ctx.queryString();
      }

      @Override
      public Enumeration<String> getHeaders(String name) {
        return ctx.req().getHeaders(name);
      }

      @Override
      public String getMethod() {
        return ctx.req().getMethod();
      }

      @Override
      public String getRequestPath() {
        return ctx.path();
      }
    };
  }

  @Override
  public PrometheusHttpResponse getResponse() {
    return new PrometheusHttpResponse() {
      @Override
      public void setHeader(String name, String value) {
        ctx.res().setHeader(name, value);
      }

      @Override
      public OutputStream sendHeadersAndGetBody(int statusCode, int contentLength)
          throws IOException {
        ctx.res().setStatus(statusCode);
        if (contentLength > 0) {
          ctx.res().setContentLength(contentLength);
        }
        return ctx.res().getOutputStream();
      }
    };
  }

  @Override
  public void handleException(IOException e) throws IOException {
    throw e;
  }

  @Override
  public void handleException(RuntimeException e) {
    throw e;
  }

  @Override
  public void close() {}
}
