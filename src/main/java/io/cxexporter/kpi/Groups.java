package io.cxexporter.kpi;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * One aggregate for the whole source and one per value of each dimension: the shape of every {@code
 * cx_kpi_*} family (never a cross product of dimensions).
 */
final class Groups<A> {
  final A whole;
  final List<Map<String, A>> perDimension = new ArrayList<>();
  private final Supplier<A> factory;

  Groups(int dimensions, Supplier<A> factory) {
    this.factory = factory;
    this.whole = factory.get();
    for (int i = 0; i < dimensions; i++) {
      perDimension.add(new TreeMap<>());
    }
  }

  /** Applies {@code f} to the whole-source aggregate and to each of the record's dimensions. */
  void add(List<String> dims, Consumer<A> f) {
    f.accept(whole);
    for (int i = 0; i < dims.size(); i++) {
      f.accept(perDimension.get(i).computeIfAbsent(dims.get(i), k -> factory.get()));
    }
  }

  /** Makes sure the value has an aggregate (an empty one when it had none). */
  A ensure(int dim, String value) {
    return perDimension.get(dim).computeIfAbsent(value, k -> factory.get());
  }
}
