package io.cxexporter.util;

import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import okhttp3.Call;
import okhttp3.EventListener;
import okhttp3.Response;

/**
 * The HTTP calls in flight on each thread, so that whoever owns a thread can cancel what it is
 * waiting for. A blocked socket read ignores {@link Thread#interrupt()}; {@link Call#cancel()} ends
 * it at once with an {@link java.io.IOException}. The {@linkplain HttpClients#shared() shared
 * client} and every client derived from it report here.
 *
 * <pre>{@code
 * executor.shutdownNow();                  // interrupts sleeps and backoffs
 * HttpCalls.cancelOn(syncThreads);         // ends the reads a vendor left hanging
 * }</pre>
 */
public final class HttpCalls {
  /** Synchronous calls run on the thread that started them, so the starting thread owns them. */
  private static final Map<Call, Thread> RUNNING = new ConcurrentHashMap<>();

  /** What {@link HttpClients#shared()} installs. */
  static final EventListener.Factory LISTENER = call -> new Tracker();

  private HttpCalls() {}

  /**
   * Cancels every call in flight on one of {@code threads}.
   *
   * @return how many calls were cancelled
   */
  public static int cancelOn(Collection<Thread> threads) {
    int n = 0;
    for (Map.Entry<Call, Thread> e : RUNNING.entrySet()) {
      if (threads.contains(e.getValue())) {
        e.getKey().cancel();
        n++;
      }
    }
    return n;
  }

  /** How many calls to {@code port} are in flight, on any thread (tests). */
  public static long runningTo(int port) {
    return RUNNING.keySet().stream().filter(c -> c.request().url().port() == port).count();
  }

  /** Tracks one call from its start to its end (the body read or closed) or failure. */
  private static final class Tracker extends EventListener {
    @Override
    public void callStart(Call call) {
      RUNNING.put(call, Thread.currentThread());
    }

    @Override
    public void callEnd(Call call) {
      RUNNING.remove(call);
    }

    @Override
    public void callFailed(Call call, java.io.IOException ioe) {
      RUNNING.remove(call);
    }

    @Override
    public void responseFailed(Call call, java.io.IOException ioe) {
      RUNNING.remove(call);
    }

    @Override
    public void satisfactionFailure(Call call, Response response) {
      RUNNING.remove(call);
    }
  }
}
