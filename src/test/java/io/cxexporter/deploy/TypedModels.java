package io.cxexporter.deploy;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Rendered Kubernetes objects read into fabric8's typed models, with a check that nothing was left
 * over. fabric8's model classes keep a field they do not know in {@code additionalProperties}
 * instead of failing, so a misspelt or misplaced field ({@code readinessprobe}, a probe under the
 * pod instead of the container) would parse silently: {@link #unknownFields} walks the whole typed
 * object and reports every such field by its path.
 *
 * <pre>{@code
 * HasMetadata o = TypedModels.parse(node);          // StatefulSet, Service, ...
 * List<String> unknown = TypedModels.unknownFields(o);   // [] when every field is known
 * }</pre>
 */
final class TypedModels {
  /** The core kinds the manifests may contain, by {@code apiVersion/kind}. */
  static final Map<String, Class<? extends HasMetadata>> KINDS =
      Map.of(
          "v1/ConfigMap", ConfigMap.class,
          "v1/Secret", Secret.class,
          "v1/Service", Service.class,
          "v1/ServiceAccount", ServiceAccount.class,
          "apps/v1/StatefulSet", StatefulSet.class,
          "rbac.authorization.k8s.io/v1/Role", Role.class,
          "rbac.authorization.k8s.io/v1/RoleBinding", RoleBinding.class);

  private static final ObjectMapper MAPPER =
      new ObjectMapper().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  private TypedModels() {}

  static String key(JsonNode object) {
    return object.path("apiVersion").asText() + "/" + object.path("kind").asText();
  }

  /**
   * The object in its typed model.
   *
   * @throws IllegalArgumentException for a kind not in {@link #KINDS}, or a field of the wrong type
   */
  static HasMetadata parse(JsonNode object) {
    Class<? extends HasMetadata> type = KINDS.get(key(object));
    if (type == null) {
      throw new IllegalArgumentException("no typed model for " + key(object));
    }
    try {
      return MAPPER.treeToValue(object, type);
    } catch (java.io.IOException e) {
      throw new IllegalArgumentException(key(object) + ": " + e.getMessage(), e);
    }
  }

  /** Paths of every field that landed in some {@code additionalProperties}; empty if none. */
  static List<String> unknownFields(Object model) {
    List<String> out = new ArrayList<>();
    walk("", model, out);
    return out;
  }

  private static void walk(String path, Object o, List<String> out) {
    if (o == null) {
      return;
    }
    if (o instanceof Collection<?> c) {
      int i = 0;
      for (Object e : c) {
        walk(path + "[" + i++ + "]", e, out);
      }
      return;
    }
    if (o instanceof Map<?, ?> m) {
      m.forEach((k, v) -> walk(path + "[" + k + "]", v, out));
      return;
    }
    if (!o.getClass().getName().startsWith("io.fabric8.kubernetes.api.model.")) {
      return; // strings, numbers, booleans
    }
    List<Method> getters =
        java.util.Arrays.stream(o.getClass().getMethods())
            .filter(m -> m.getParameterCount() == 0 && !Modifier.isStatic(m.getModifiers()))
            .filter(m -> m.getName().startsWith("get") && !m.getName().equals("getClass"))
            .sorted(Comparator.comparing(Method::getName))
            .toList();
    for (Method g : getters) {
      Object value;
      try {
        value = g.invoke(o);
      } catch (IllegalAccessException | InvocationTargetException e) {
        throw new IllegalStateException(o.getClass().getName() + "." + g.getName(), e);
      }
      if (g.getName().equals("getAdditionalProperties")) {
        if (value instanceof Map<?, ?> extra) {
          extra.keySet().forEach(k -> out.add(path + "." + k));
        }
      } else {
        String field = g.getName().substring(3);
        walk(path + "." + Character.toLowerCase(field.charAt(0)) + field.substring(1), value, out);
      }
    }
  }
}
