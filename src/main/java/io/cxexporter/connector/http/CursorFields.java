package io.cxexporter.connector.http;

import io.cxexporter.model.Cursor;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A stored cursor as named fields, {@code key=value;key=value}: the one encoding every connector's
 * cursor uses, so cursors stay readable in the state file and on the status page. Values are
 * opaque; {@code ;} and {@code %} in them are percent-escaped.
 *
 * <pre>{@code
 * CursorFields f = CursorFields.parse(new Cursor("t=1795000000;after=abc"));
 * f.get("t");                         // Optional[1795000000]
 * f.with("after", "def").cursor();    // t=1795000000;after=def
 * }</pre>
 */
public final class CursorFields {
  private static final CursorFields EMPTY = new CursorFields(Map.of());
  private final Map<String, String> fields;

  private CursorFields(Map<String, String> fields) {
    this.fields = fields;
  }

  /** No fields. */
  public static CursorFields empty() {
    return EMPTY;
  }

  /**
   * The fields of a stored cursor; {@link Cursor#START} has none. A part without {@code =} is kept
   * under the empty key, so a foreign cursor is never silently read as ours.
   */
  public static CursorFields parse(Cursor c) {
    if (c.isStart() || c.value().isEmpty()) {
      return EMPTY;
    }
    Map<String, String> m = new LinkedHashMap<>();
    for (String part : c.value().split(";", -1)) {
      int eq = part.indexOf('=');
      if (eq < 0) {
        m.put("", unescape(part));
      } else {
        m.put(part.substring(0, eq), unescape(part.substring(eq + 1)));
      }
    }
    return new CursorFields(Collections.unmodifiableMap(m));
  }

  /** The value of {@code key}, if present (it may be empty). */
  public Optional<String> get(String key) {
    return Optional.ofNullable(fields.get(key));
  }

  /** The keys present, in order. */
  public java.util.Set<String> keys() {
    return fields.keySet();
  }

  /** These fields with {@code key=value} set (appended when new); a null value removes the key. */
  public CursorFields with(String key, String value) {
    Map<String, String> m = new LinkedHashMap<>(fields);
    if (value == null) {
      m.remove(key);
    } else {
      m.put(key, value);
    }
    return new CursorFields(Collections.unmodifiableMap(m));
  }

  /** The stored form. */
  public Cursor cursor() {
    StringBuilder b = new StringBuilder();
    for (Map.Entry<String, String> e : fields.entrySet()) {
      if (b.length() > 0) {
        b.append(';');
      }
      b.append(e.getKey()).append('=').append(escape(e.getValue()));
    }
    return new Cursor(b.toString());
  }

  @Override
  public String toString() {
    return cursor().value();
  }

  private static String escape(String v) {
    return v.indexOf(';') < 0 && v.indexOf('%') < 0 ? v : v.replace("%", "%25").replace(";", "%3B");
  }

  private static String unescape(String v) {
    return v.indexOf('%') < 0 ? v : v.replace("%3B", ";").replace("%25", "%");
  }
}
