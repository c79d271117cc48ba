package io.cxexporter.connector.http;

import com.fasterxml.jackson.databind.JsonNode;
import okhttp3.Headers;
import okhttp3.HttpUrl;

/** A parsed 2xx answer: the JSON body, the headers (for Link pagination) and the URL asked. */
public record ApiResponse(HttpUrl url, int code, Headers headers, JsonNode body) {}
