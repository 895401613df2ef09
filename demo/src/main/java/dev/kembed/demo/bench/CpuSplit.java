package dev.kembed.demo.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where this JVM's CPU time went during a phase, by thread role: stream threads, inference
 * workers (kembed's and the embedder's helpers), the index feeder, the in-process broker, and the
 * rest. {@link #start()} snapshots every live thread's CPU time; {@link #stop()} returns the
 * differences summed by role, plus "unattributed" = process CPU minus the Java threads (GC, JIT,
 * threads that ended, and native ONNX Runtime threads if any).
 */
final class CpuSplit {
  private final ThreadMXBean mx = ManagementFactory.getThreadMXBean();
  private final Map<Long, Long> before = new HashMap<>();
  private final Map<Long, String> names = new HashMap<>();
  private long processBefore;
  private long wallBefore;

  static CpuSplit start() {
    CpuSplit s = new CpuSplit();
    s.snapshot(s.before);
    s.processBefore = processCpu();
    s.wallBefore = System.nanoTime();
    return s;
  }

  static String role(String thread) {
    if (thread.contains("StreamThread")) {
      return "stream threads";
    }
    if (thread.startsWith("kembed-inference") || thread.startsWith("kembed-embed")) {
      return "inference";
    }
    if (thread.startsWith("kembed-index")) {
      return "index feeder";
    }
    if (thread.startsWith("data-plane") || thread.contains("request-handler") || thread.contains("kafka-network-thread") || thread.contains("raft")
        || thread.contains("broker") || thread.contains("controller") || thread.contains("kafka-log") || thread.contains("ReplicaFetcher")
        || thread.contains("LogDirFailure") || thread.contains("kafka-scheduler") || thread.contains("group-coordinator") || thread.contains("transaction")
        || thread.startsWith("ExpirationReaper") || thread.contains("quorum") || thread.contains("event-handler") || thread.contains("executor-")) {
      return "broker";
    }
    if (thread.startsWith("bench")) {
      return "bench driver";
    }
    return "other (clients, main)";
  }

  /** CPU seconds by role since {@link #start()}, and the phase's wall seconds as "wall". */
  Map<String, Double> stop() {
    Map<Long, Long> after = new HashMap<>();
    snapshot(after);
    Map<String, Double> byRole = new LinkedHashMap<>();
    for (String r : new String[] {"inference", "stream threads", "index feeder", "broker", "bench driver", "other (clients, main)"}) {
      byRole.put(r, 0.0);
    }
    double javaThreads = 0;
    for (var e : after.entrySet()) {
      long delta = e.getValue() - before.getOrDefault(e.getKey(), 0L);
      if (delta > 0) {
        byRole.merge(role(names.get(e.getKey())), delta / 1e9, Double::sum);
        javaThreads += delta / 1e9;
      }
    }
    double process = (processCpu() - processBefore) / 1e9;
    byRole.put("unattributed (GC, JIT, ended threads)", Math.max(0, process - javaThreads));
    byRole.put("process total", process);
    byRole.put("wall", (System.nanoTime() - wallBefore) / 1e9);
    return byRole;
  }

  private void snapshot(Map<Long, Long> into) {
    for (ThreadInfo t : mx.getThreadInfo(mx.getAllThreadIds())) {
      if (t == null) {
        continue;
      }
      long cpu = mx.getThreadCpuTime(t.getThreadId());
      if (cpu >= 0) {
        into.put(t.getThreadId(), cpu);
        names.put(t.getThreadId(), t.getThreadName());
      }
    }
  }

  private static long processCpu() {
    var os = ManagementFactory.getOperatingSystemMXBean();
    return os instanceof com.sun.management.OperatingSystemMXBean sun ? sun.getProcessCpuTime() : 0;
  }
}
