package io.cxexporter.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class GenerationTest {
  @Test
  void aWriteAfterTheEndDoesNotRun() {
    Generation g = new Generation();
    g.end();

    AtomicBoolean ran = new AtomicBoolean();
    String result = g.write(() -> (ran.getAndSet(true) ? "again" : "ran"), "ended");

    assertThat(result).isEqualTo("ended");
    assertThat(ran).isFalse();
    assertThat(g.live()).isFalse();
  }

  @Test
  void endWaitsForTheWriteInProgress() throws Exception {
    Generation g = new Generation();
    CountDownLatch writing = new CountDownLatch(1);
    CountDownLatch finish = new CountDownLatch(1);
    AtomicBoolean done = new AtomicBoolean();
    Thread writer =
        new Thread(
            () ->
                g.write(
                    () -> {
                      writing.countDown();
                      try {
                        finish.await();
                      } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                      }
                      done.set(true);
                    }));
    writer.start();
    assertThat(writing.await(10, TimeUnit.SECONDS)).isTrue();
    Thread ender = new Thread(g::end);
    ender.start();

    ender.join(200);
    assertThat(ender.isAlive()).as("end waits while a write runs").isTrue();
    finish.countDown();
    ender.join(10_000);

    assertThat(ender.isAlive()).isFalse();
    assertThat(done).as("the write in progress completed before the end").isTrue();
    writer.join(10_000);
  }
}
