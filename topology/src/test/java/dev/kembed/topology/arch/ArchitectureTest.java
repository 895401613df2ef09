package dev.kembed.topology.arch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The build rule for the service's architecture, read from the sources themselves (no ArchUnit):
 * the service's main code refers to no broker, test kit, demo, Scala or log4j2 class (Maven's
 * enforcer rule bans the same artifacts from its classpath), and the packages of {@code
 * dev.kembed.topology} depend on each other without a cycle, so none can "run back up" the way
 * {@code cli} and {@code demo} once imported each other.
 */
class ArchitectureTest {
  private static final Path MAIN = Path.of("src/main/java");
  private static final String ROOT = "dev.kembed.topology";
  private static final List<String> FORBIDDEN =
      List.of(
          "dev.kembed.demo.",
          "dev.kembed.testkit.",
          "org.apache.kafka.common.test.",
          "kafka.server.",
          "kafka.utils.",
          "scala.",
          "org.apache.logging.log4j.");
  // A qualified type name: lower-case package segments, then an upper-case simple name.
  private static final Pattern QUALIFIED = Pattern.compile("\\b((?:[a-z_][a-z0-9_]*\\.)+)[A-Z]");

  @Test
  void serviceCodeRefersToNoBrokerTestKitDemoScalaOrLog4j() {
    List<String> violations = new ArrayList<>();
    sources()
        .forEach(
            file -> {
              for (String pkg : referencedPackages(file)) {
                for (String banned : FORBIDDEN) {
                  if (pkg.startsWith(banned)) {
                    violations.add(MAIN.relativize(file) + " -> " + pkg);
                  }
                }
              }
            });
    assertEquals(List.of(), violations);
  }

  @Test
  void topologyPackagesFormNoCycle() {
    Map<String, Set<String>> graph = packageGraph();
    assertTrue(graph.size() >= 5, "the scan found the packages: " + graph.keySet());
    List<String> cycle = findCycle(graph);
    assertEquals(List.of(), cycle, "package cycle (each imports the next)");
  }

  @Test
  void theCycleFinderFindsACycle() {
    Map<String, Set<String>> g = new TreeMap<>();
    g.put("a", Set.of("b"));
    g.put("b", Set.of("c"));
    g.put("c", Set.of("a"));
    g.put("d", Set.of("a"));
    assertEquals(List.of("a", "b", "c", "a"), findCycle(g));
    g.put("c", Set.of());
    assertEquals(List.of(), findCycle(g));
  }

  private static Map<String, Set<String>> packageGraph() {
    Map<String, Set<String>> graph = new TreeMap<>();
    sources()
        .forEach(
            file -> {
              String from = packageOf(file);
              Set<String> edges = graph.computeIfAbsent(from, p -> new TreeSet<>());
              for (String pkg : referencedPackages(file)) {
                String to = pkg.substring(0, pkg.length() - 1);
                if ((to.equals(ROOT) || to.startsWith(ROOT + ".")) && !to.equals(from)) {
                  edges.add(to);
                }
              }
            });
    return graph;
  }

  /** A cycle as its packages in order with the first repeated at the end, or empty. */
  static List<String> findCycle(Map<String, Set<String>> graph) {
    Map<String, Integer> state = new TreeMap<>(); // 1 on the current path, 2 done
    for (String start : graph.keySet()) {
      List<String> path = new ArrayList<>();
      List<String> cycle = visit(start, graph, state, path);
      if (!cycle.isEmpty()) {
        return cycle;
      }
    }
    return List.of();
  }

  private static List<String> visit(
      String node, Map<String, Set<String>> graph, Map<String, Integer> state, List<String> path) {
    Integer s = state.get(node);
    if (s != null && s == 2) {
      return List.of();
    }
    if (s != null && s == 1) {
      List<String> cycle = new ArrayList<>(path.subList(path.indexOf(node), path.size()));
      cycle.add(node);
      return cycle;
    }
    state.put(node, 1);
    path.add(node);
    for (String next : graph.getOrDefault(node, Set.of())) {
      List<String> cycle = visit(next, graph, state, path);
      if (!cycle.isEmpty()) {
        return cycle;
      }
    }
    path.remove(path.size() - 1);
    state.put(node, 2);
    return List.of();
  }

  private static String packageOf(Path file) {
    return MAIN.relativize(file.getParent()).toString().replace('/', '.').replace('\\', '.');
  }

  /** Packages (with a trailing dot) of every qualified type name in the file, imports included. */
  private static Set<String> referencedPackages(Path file) {
    Set<String> out = new TreeSet<>();
    try {
      for (String line : Files.readAllLines(file)) {
        String code = line.strip();
        if (code.startsWith("*") || code.startsWith("//") || code.startsWith("/*")) {
          continue; // Javadoc and comments may name anything
        }
        Matcher m = QUALIFIED.matcher(code);
        while (m.find()) {
          out.add(m.group(1));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  private static List<Path> sources() {
    try (Stream<Path> files = Files.walk(MAIN)) {
      return files.filter(f -> f.toString().endsWith(".java")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
