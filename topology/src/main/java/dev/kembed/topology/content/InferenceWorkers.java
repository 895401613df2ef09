package dev.kembed.topology.content;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Where inference runs: either inline on the caller's (stream) thread, or on a small pool of worker
 * threads shared by every embedding task of an instance, so that inference overlaps the stream
 * thread's own work (deserialisation, state, producing). It counts the jobs submitted and not yet
 * finished, which is what "the model is busy" means to {@link AdaptiveBatcher}, and can report its
 * threads' CPU time for {@code kembed bench}.
 */
public final class InferenceWorkers implements AutoCloseable {
  private final Executor executor;
  private final ExecutorService owned;
  private final boolean async;
  private final AtomicInteger pending = new AtomicInteger();
  private final List<Thread> threads = new CopyOnWriteArrayList<>();

  private InferenceWorkers(Executor executor, ExecutorService owned, boolean async) {
    this.executor = executor;
    this.owned = owned;
    this.async = async;
  }

  /** Inference on the calling thread: a submitted job has finished when submit returns. */
  public static InferenceWorkers inline() {
    return new InferenceWorkers(Runnable::run, null, false);
  }

  /** {@code threads} daemon workers named {@code kembed-inference-N}; 0 means {@link #inline()}. */
  public static InferenceWorkers threads(int threads) {
    if (threads <= 0) {
      return inline();
    }
    AtomicInteger n = new AtomicInteger();
    InferenceWorkers[] self = new InferenceWorkers[1];
    ExecutorService pool =
        Executors.newFixedThreadPool(
            threads,
            r -> {
              Thread t = new Thread(r, "kembed-inference-" + n.incrementAndGet());
              t.setDaemon(true);
              self[0].threads.add(t);
              return t;
            });
    self[0] = new InferenceWorkers(pool, pool, true);
    return self[0];
  }

  /** Jobs run on {@code executor}, which a test may drive by hand. */
  public static InferenceWorkers on(Executor executor) {
    return new InferenceWorkers(executor, null, true);
  }

  /** True when jobs run on other threads than the caller's. */
  public boolean async() {
    return async;
  }

  /** True while a submitted job has not finished. */
  public boolean busy() {
    return pending.get() > 0;
  }

  /** Runs {@code job} on a worker; the future completes (also exceptionally) when it has run. */
  public <T> CompletableFuture<T> submit(Supplier<T> job) {
    CompletableFuture<T> f = new CompletableFuture<>();
    pending.incrementAndGet();
    executor.execute(
        () -> {
          try {
            f.complete(job.get());
          } catch (Throwable t) {
            f.completeExceptionally(t);
          } finally {
            pending.decrementAndGet();
          }
        });
    return f;
  }

  /**
   * CPU time the worker threads have used so far, in nanoseconds (0 when inline or unsupported).
   */
  public long cpuNanos() {
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    long sum = 0;
    for (Thread t : threads) {
      long c = mx.getThreadCpuTime(t.getId());
      sum += Math.max(0, c);
    }
    return sum;
  }

  @Override
  public void close() {
    if (owned != null) {
      owned.shutdownNow();
      try {
        owned.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
