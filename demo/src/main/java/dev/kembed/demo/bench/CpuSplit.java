package dev.kembed.demo.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where this JVM's CPU time went during a phase, by thread role: stream threads, inference workers
 * (kembed's and the embedder's helpers), the index feeder, the in-process broker, and the rest.
 * {@link #start()} snapshots every live thread's CPU time; {@link #stop()} returns the differences
 * summed by role. The JVM's own threads (JIT compilers, GC workers) are not Java threads, so on
 * Linux their CPU is read from {@code /proc/self/task}; "unattributed" is process CPU minus all of
 * that (threads that ended, native ONNX Runtime and RocksDB threads).
 */
final class CpuSplit {
  /**
   * Not a role: the bytes the stream threads allocated in the phase, in GB, beside the CPU seconds
   * ({@link #stop()}). Unlike CPU time it hardly moves with the machine's load, so a change to the
   * per-record work shows in it where the CPU time's noise hides it.
   */
  static final String STREAM_ALLOCATED_GB = "stream threads allocated GB";

  /**
   * Not a role either: the process's minor page faults in the phase, in thousands (NaN off Linux).
   * Each is a first write to a page the process had not touched (a heap growing, RocksDB memtables,
   * new buffers); on a virtual machine that can cost tens of microseconds apiece ({@link
   * MemoryProbe}), so a phase with many of them is slower for a reason that is not kembed's code.
   */
  static final String PAGE_FAULTS_K = "minor page faults, thousands";

  private final ThreadMXBean mx = ManagementFactory.getThreadMXBean();
  private final Map<Long, Long> before = new HashMap<>();
  private final Map<Long, Long> allocatedBefore = new HashMap<>();
  private final Map<Long, String> names = new HashMap<>();
  private long processBefore;
  private long faultsBefore;
  private long wallBefore;
  private Map<String, Long> jvmBefore = Map.of();

  static CpuSplit start() {
    CpuSplit s = new CpuSplit();
    s.snapshot(s.before);
    s.allocated(s.allocatedBefore);
    s.jvmBefore = jvmThreads();
    s.processBefore = processCpu();
    s.faultsBefore = minorFaults();
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
    if (thread.startsWith("data-plane")
        || thread.contains("request-handler")
        || thread.contains("kafka-network-thread")
        || thread.contains("raft")
        || thread.contains("broker")
        || thread.contains("controller")
        || thread.contains("kafka-log")
        || thread.contains("ReplicaFetcher")
        || thread.contains("LogDirFailure")
        || thread.contains("kafka-scheduler")
        || thread.contains("group-coordinator")
        || thread.contains("transaction")
        || thread.startsWith("ExpirationReaper")
        || thread.contains("quorum")
        || thread.contains("event-handler")
        || thread.contains("executor-")) {
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
    for (String r :
        new String[] {
          "inference",
          "stream threads",
          "index feeder",
          "broker",
          "bench driver",
          "other (clients, main)"
        }) {
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
    Map<String, Long> jvmAfter = jvmThreads();
    for (String r : new String[] {"JIT compiler", "GC"}) {
      double seconds =
          Math.max(0, jvmAfter.getOrDefault(r, 0L) - jvmBefore.getOrDefault(r, 0L))
              / TICKS_PER_SECOND;
      byRole.put(r, seconds);
      javaThreads += seconds;
    }
    byRole.put("unattributed (ended threads, native)", Math.max(0, process - javaThreads));
    byRole.put("process total", process);
    byRole.put("wall", (System.nanoTime() - wallBefore) / 1e9);
    long faults = minorFaults();
    byRole.put(PAGE_FAULTS_K, faults < 0 ? Double.NaN : (faults - faultsBefore) / 1e3);
    Map<Long, Long> allocatedAfter = new HashMap<>();
    allocated(allocatedAfter);
    long streamBytes = 0;
    for (var e : allocatedAfter.entrySet()) {
      String name = names.get(e.getKey());
      if (name != null && "stream threads".equals(role(name))) {
        streamBytes += Math.max(0, e.getValue() - allocatedBefore.getOrDefault(e.getKey(), 0L));
      }
    }
    byRole.put(STREAM_ALLOCATED_GB, allocatedAfter.isEmpty() ? Double.NaN : streamBytes / 1e9);
    return byRole;
  }

  // Bytes allocated so far by each live thread; empty where the JVM does not count them.
  private void allocated(Map<Long, Long> into) {
    if (mx instanceof com.sun.management.ThreadMXBean sun
        && sun.isThreadAllocatedMemorySupported()
        && sun.isThreadAllocatedMemoryEnabled()) {
      long[] ids = mx.getAllThreadIds();
      long[] bytes = sun.getThreadAllocatedBytes(ids);
      for (int i = 0; i < ids.length; i++) {
        if (bytes[i] >= 0) {
          into.put(ids[i], bytes[i]);
        }
      }
    }
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

  // USER_HZ: 100 on every Linux this runs on (sysconf(_SC_CLK_TCK) is not reachable from Java).
  private static final double TICKS_PER_SECOND = 100.0;

  /** CPU ticks of the JVM's compiler and GC threads, by role; empty where /proc is not there. */
  static Map<String, Long> jvmThreads() {
    Map<String, Long> ticks = new HashMap<>();
    java.io.File[] tasks = new java.io.File("/proc/self/task").listFiles();
    if (tasks == null) {
      return ticks;
    }
    for (java.io.File task : tasks) {
      try {
        String stat = java.nio.file.Files.readString(task.toPath().resolve("stat"));
        String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
        String[] f = fieldsAfterName(stat);
        String role = jvmRole(name);
        if (role != null) {
          ticks.merge(role, Long.parseLong(f[11]) + Long.parseLong(f[12]), Long::sum);
        }
      } catch (java.io.IOException | RuntimeException e) {
        // the thread ended between the listing and the read
      }
    }
    return ticks;
  }

  /**
   * Waits until the JIT compiler threads have used under 5 % of a core for two seconds in a row, or
   * {@code max} has passed; returns the seconds waited. Compilation of what a warm-up made hot is
   * queued and runs on its own threads over the following seconds, so without this wait a timed
   * phase right after the warm-up pays it (2.8 CPU-s of a 15.8 CPU-s burst on 2 cores).
   */
  static double awaitJitQuiet(java.time.Duration max) throws InterruptedException {
    long t0 = System.nanoTime();
    long deadline = t0 + max.toNanos();
    long previous = jvmThreads().getOrDefault("JIT compiler", 0L);
    int quiet = 0;
    while (quiet < 2 && System.nanoTime() < deadline) {
      Thread.sleep(1_000);
      long now = jvmThreads().getOrDefault("JIT compiler", 0L);
      quiet = (now - previous) / TICKS_PER_SECOND < 0.05 ? quiet + 1 : 0;
      previous = now;
    }
    return (System.nanoTime() - t0) / 1e9;
  }

  static String jvmRole(String nativeThreadName) {
    if (nativeThreadName.startsWith("C1 CompilerThre")
        || nativeThreadName.startsWith("C2 CompilerThre")) {
      return "JIT compiler";
    }
    if (nativeThreadName.startsWith("GC Thread")
        || nativeThreadName.startsWith("G1 ")
        || nativeThreadName.startsWith("VM Thread")) {
      return "GC";
    }
    return null;
  }

  /** The process's minor page faults so far (/proc/self/stat's tenth field); -1 without /proc. */
  static long minorFaults() {
    try {
      String stat = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/self/stat"));
      return parseMinorFaults(stat);
    } catch (java.io.IOException | RuntimeException e) {
      return -1;
    }
  }

  static long parseMinorFaults(String stat) {
    return Long.parseLong(fieldsAfterName(stat)[7]);
  }

  // A /proc stat line's fields after the command name (which may hold spaces and parentheses),
  // from the third, the state: minflt is [7], utime and stime [11] and [12].
  private static String[] fieldsAfterName(String stat) {
    return stat.substring(stat.lastIndexOf(')') + 2).split(" ");
  }

  private static long processCpu() {
    var os = ManagementFactory.getOperatingSystemMXBean();
    return os instanceof com.sun.management.OperatingSystemMXBean sun ? sun.getProcessCpuTime() : 0;
  }
}
