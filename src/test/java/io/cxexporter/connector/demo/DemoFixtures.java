package io.cxexporter.connector.demo;

import io.cxexporter.config.Problems;
import io.cxexporter.config.Settings;
import io.cxexporter.connector.Connector;
import io.cxexporter.connector.ConnectorContext;
import io.cxexporter.connector.ConnectorException;
import io.cxexporter.connector.Page;
import io.cxexporter.connector.Stream;
import io.cxexporter.model.Cursor;
import io.cxexporter.model.Record;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Builds demo connectors the way the config layer does, and reads their streams to the end. */
final class DemoFixtures {
  /** A Wednesday, mid-morning in Ljubljana. */
  static final Instant NOW = Instant.parse("2026-11-18T10:00:00Z");

  static final Clock FIXED = Clock.fixed(NOW, ZoneOffset.UTC);

  private DemoFixtures() {}

  /** The {@code connectors[0]} block of a config holding these options. */
  static Settings settings(Map<String, Object> options, Problems problems) {
    Map<String, Object> block = new LinkedHashMap<>();
    block.put("name", "demo");
    block.put("type", "demo");
    block.putAll(options);
    Map<String, Object> root = Map.of("connectors", List.of(block));
    return Settings.root(root, problems, k -> null, Path.of(".")).objects("connectors").get(0);
  }

  /** A demo connector with these options; fails the test on any config problem. */
  static Connector connector(Clock clock, Map<String, Object> options) {
    Problems problems = new Problems();
    DemoConnectorFactory f = new DemoConnectorFactory();
    DemoConnectorFactory.Parsed parsed = f.parse(settings(options, problems));
    if (!problems.isEmpty()) {
      throw new AssertionError(problems.messages());
    }
    return f.create(parsed, ctx(clock));
  }

  static Connector connector(Clock clock) {
    return connector(clock, Map.of());
  }

  static ConnectorContext ctx(Clock clock) {
    return new ConnectorContext(clock);
  }

  /** The stream called {@code name}. */
  static Stream stream(Connector c, String name) {
    return c.streams().stream()
        .filter(s -> s.name().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no stream " + name));
  }

  /** Reads pages from {@code from} until one is caught up; returns every page. */
  static List<Page> readAll(Stream s, Cursor from) {
    List<Page> pages = new ArrayList<>();
    Cursor c = from;
    for (int i = 0; i < 100_000; i++) {
      Page p = read(s, c);
      pages.add(p);
      c = p.next();
      if (p.caughtUp()) {
        return pages;
      }
    }
    throw new AssertionError(s.name() + " never caught up");
  }

  static Page read(Stream s, Cursor c) {
    try {
      return s.read(c);
    } catch (ConnectorException e) {
      throw new AssertionError(e);
    }
  }

  /** Every record of the pages, in delivery order. */
  static List<Record> records(List<Page> pages) {
    List<Record> out = new ArrayList<>();
    pages.forEach(p -> out.addAll(p.records()));
    return out;
  }

  /** The latest delivered version of each record, by id. */
  static Map<String, Record> latest(List<Page> pages) {
    Map<String, Record> out = new LinkedHashMap<>();
    for (Record r : records(pages)) {
      out.put(r.id(), r);
    }
    return out;
  }

  /** The last cursor of a full read. */
  static Cursor end(List<Page> pages) {
    return pages.get(pages.size() - 1).next();
  }
}
