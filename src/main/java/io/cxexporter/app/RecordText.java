package io.cxexporter.app;

import io.cxexporter.config.Settings;
import io.cxexporter.model.Deleted;
import io.cxexporter.model.Record;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

/**
 * A model record as {@code probe} shows it: its kind and id, then every field that is not null, one
 * per line, named as in the config ({@code created_at}) with values as the config writes them
 * ({@code on_hold}, {@code 4h}).
 *
 * <pre>
 * ticket 5001
 *   created_at=2026-11-18T08:00:00Z
 *   status=solved
 * tombstone 5004
 *   updated_at=2026-11-18T09:00:00Z
 * </pre>
 */
final class RecordText {
  private RecordText() {}

  /** The heading line ({@code ticket 5001}) followed by one line per field. */
  static List<String> lines(Record r) {
    List<String> out = new ArrayList<>();
    out.add(kind(r) + " " + r.id());
    for (RecordComponent c : r.getClass().getRecordComponents()) {
      if (c.getName().equals("id")) {
        continue;
      }
      Object v = value(c, r);
      if (v != null) {
        out.add(snake(c.getName()) + "=" + text(v));
      }
    }
    return out;
  }

  /** {@code ticket}, {@code survey_response}, ..., {@code tombstone} for a {@link Deleted}. */
  static String kind(Record r) {
    return r instanceof Deleted ? "tombstone" : snake(r.getClass().getSimpleName());
  }

  private static Object value(RecordComponent c, Object r) {
    try {
      return c.getAccessor().invoke(r);
    } catch (IllegalAccessException | InvocationTargetException e) {
      throw new IllegalStateException("cannot read " + c.getName(), e);
    }
  }

  private static String text(Object v) {
    if (v instanceof Enum<?> e) {
      return e.name().toLowerCase(Locale.ROOT);
    }
    if (v instanceof Duration d) {
      return Settings.formatDuration(d);
    }
    if (v instanceof Collection<?> list) {
      List<String> items = new ArrayList<>();
      list.forEach(i -> items.add(text(i)));
      return "[" + String.join(", ", items) + "]";
    }
    if (v instanceof java.lang.Record nested) {
      List<String> fields = new ArrayList<>();
      for (RecordComponent c : nested.getClass().getRecordComponents()) {
        Object f = value(c, nested);
        if (f != null) {
          fields.add(snake(c.getName()) + "=" + text(f));
        }
      }
      return "{" + String.join(" ", fields) + "}";
    }
    return String.valueOf(v);
  }

  /** {@code createdAt} → {@code created_at}, {@code SurveyResponse} → {@code survey_response}. */
  static String snake(String camel) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < camel.length(); i++) {
      char ch = camel.charAt(i);
      if (Character.isUpperCase(ch)) {
        if (i > 0) {
          b.append('_');
        }
        b.append(Character.toLowerCase(ch));
      } else {
        b.append(ch);
      }
    }
    return b.toString();
  }
}
