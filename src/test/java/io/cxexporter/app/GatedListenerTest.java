package io.cxexporter.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.cxexporter.connector.RequestListener;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The pipeline's generation-gated listener forwards every report of {@link RequestListener}: a
 * default method it forgot would silently drop that metric for every connector (it once dropped
 * {@code onClockSkew}).
 */
class GatedListenerTest {
  @Test
  void forwardsEveryMethodOfTheListener() throws Exception {
    Class<?> gated =
        Pipeline.gated(RequestListener.NONE, new io.cxexporter.sync.Generation()).getClass();

    List<String> missing =
        Arrays.stream(RequestListener.class.getMethods())
            .filter(m -> !Modifier.isStatic(m.getModifiers()))
            .filter(m -> !overrides(gated, m))
            .map(Method::getName)
            .toList();

    assertThat(missing).as("RequestListener methods the gated listener does not forward").isEmpty();
  }

  private static boolean overrides(Class<?> c, Method m) {
    try {
      return c.getDeclaredMethod(m.getName(), m.getParameterTypes()) != null;
    } catch (NoSuchMethodException e) {
      return false;
    }
  }
}
