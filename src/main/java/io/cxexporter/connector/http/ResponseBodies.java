package io.cxexporter.connector.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cxexporter.connector.ConnectorException;
import io.cxexporter.connector.ConnectorException.Kind;
import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import okhttp3.MediaType;
import okhttp3.Response;
import okhttp3.ResponseBody;
import okio.BufferedSource;

/**
 * How {@link ApiClient} reads an answer's body into a JSON tree within bounds: at most {@code
 * max_response_bytes} bytes (after gzip decoding), nesting at most {@value #MAX_NESTING_DEPTH}
 * levels, strings of at most {@value #MAX_STRING_CHARS} characters. Anything over a cap, and
 * anything that is not JSON, is a {@code BAD_RESPONSE} naming the endpoint and the cap.
 */
final class ResponseBodies {
  /** The deepest JSON nesting read; vendor pages nest a dozen levels at most. */
  static final int MAX_NESTING_DEPTH = 64;

  /** The longest JSON string read (a ticket description is kilobytes). */
  static final int MAX_STRING_CHARS = 4 * 1024 * 1024;

  private static final ObjectMapper JSON =
      new ObjectMapper(
          JsonFactory.builder()
              .streamReadConstraints(
                  StreamReadConstraints.builder()
                      .maxNestingDepth(MAX_NESTING_DEPTH)
                      .maxStringLength(MAX_STRING_CHARS)
                      .build())
              .build());

  private ResponseBodies() {}

  /**
   * The body as bytes when it is UTF-8 (the JSON parser reads them directly, no string copy), else
   * as a string decoded with the declared charset; never more than {@code cap} bytes are read.
   *
   * @throws ConnectorException BAD_RESPONSE when the body is longer than {@code cap}
   */
  static Object read(String endpoint, Response r, long cap) throws IOException, ConnectorException {
    ResponseBody b = r.body();
    if (b == null) {
      return new byte[0];
    }
    byte[] bytes = readBounded(b.contentLength(), b.source(), cap, endpoint);
    MediaType type = b.contentType();
    Charset cs = type == null ? null : type.charset();
    return cs == null || cs.equals(StandardCharsets.UTF_8) ? bytes : new String(bytes, cs);
  }

  /**
   * Reads {@code source} to its end, holding at most {@code cap} bytes plus one buffer segment: a
   * declared length over the cap is refused before reading, an undeclared one (chunked) as soon as
   * the cap is passed.
   *
   * @param declared the {@code Content-Length}, or -1
   * @throws ConnectorException BAD_RESPONSE naming the cap
   */
  static byte[] readBounded(long declared, BufferedSource source, long cap, String endpoint)
      throws IOException, ConnectorException {
    if (declared > cap || source.request(cap + 1)) {
      throw new ConnectorException(
          Kind.BAD_RESPONSE,
          "response from "
              + endpoint
              + " is over max_response_bytes ("
              + cap
              + " bytes); not read further",
          null,
          null);
    }
    return source.readByteArray();
  }

  static JsonNode parse(String endpoint, Object body, BodyReader reader) throws ConnectorException {
    try (JsonParser p =
        body instanceof byte[] bytes
            ? JSON.createParser(bytes)
            : JSON.createParser((String) body)) {
      JsonNode n = reader.read(p);
      if (n == null || n.isMissingNode()) {
        throw new ConnectorException(Kind.BAD_RESPONSE, "empty body from " + endpoint);
      }
      return n;
    } catch (JsonParseException e) {
      if (body instanceof byte[] bytes
          && String.valueOf(e.getOriginalMessage()).startsWith("Invalid UTF-8")) {
        // one bad byte in one subject must not block the stream: decode with replacement
        // characters (U+FFFD) and parse again; only this rare page pays for the string copy
        return parse(endpoint, new String(bytes, StandardCharsets.UTF_8), reader);
      }
      throw malformed(endpoint, e);
    } catch (StreamConstraintsException e) {
      throw new ConnectorException(
          Kind.BAD_RESPONSE,
          "JSON from "
              + endpoint
              + " is over a cap (nesting "
              + MAX_NESTING_DEPTH
              + " levels, strings "
              + MAX_STRING_CHARS
              + " characters): "
              + e.getOriginalMessage(),
          null,
          null);
    } catch (JsonProcessingException e) {
      throw malformed(endpoint, e);
    } catch (IOException e) {
      throw new ConnectorException(
          Kind.BAD_RESPONSE, "unreadable body from " + endpoint + " (" + e + ")", null, null);
    }
  }

  private static ConnectorException malformed(String endpoint, JsonProcessingException e) {
    return new ConnectorException(
        Kind.BAD_RESPONSE,
        "malformed JSON from " + endpoint + " (" + e.getOriginalMessage() + ")",
        null,
        null);
  }
}
