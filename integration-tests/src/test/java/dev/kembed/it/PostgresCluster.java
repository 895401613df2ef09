package dev.kembed.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A private PostgreSQL 15 cluster from Debian's {@code postgresql} package: {@code initdb} into a
 * directory under {@code target/}, started with {@code pg_ctl} on a free loopback port (trust
 * authentication, user {@code postgres}). PostgreSQL refuses to run as root, so as root every
 * command runs as the {@code postgres} user through {@code runuser}.
 */
final class PostgresCluster implements AutoCloseable {
  private final Path bin;
  private final Path data;
  private final int port;

  private PostgresCluster(Path bin, Path data, int port) {
    this.bin = bin;
    this.data = data;
    this.port = port;
  }

  static PostgresCluster start() throws Exception {
    Path bin = Path.of(System.getProperty("kembed.pg.bin", "/usr/lib/postgresql/15/bin"));
    if (!Files.isExecutable(bin.resolve("initdb"))) {
      throw new IllegalStateException(
          bin + "/initdb missing: install Debian's postgresql (.ci/run does)");
    }
    Path dir = ChildProcesses.workDir("postgres");
    Path data = dir.resolve("data");
    if (isRoot()) {
      run(List.of("chown", "postgres:postgres", dir.toString()), dir.resolve("chown.log"), false);
    }
    int port = ChildProcesses.freePort();
    run(
        List.of(
            bin.resolve("initdb").toString(),
            "-D",
            data.toString(),
            "-U",
            "postgres",
            "--auth=trust",
            "-E",
            "UTF8",
            "--no-sync"),
        dir.resolve("initdb.log"),
        true);
    run(
        List.of(
            bin.resolve("pg_ctl").toString(),
            "-D",
            data.toString(),
            "-l",
            dir.resolve("postgres.log").toString(),
            "-w",
            "-t",
            "120",
            "-o",
            "-p " + port + " -k " + dir + " -c listen_addresses=127.0.0.1 -c fsync=off",
            "start"),
        dir.resolve("pg_ctl.log"),
        true);
    return new PostgresCluster(bin, data, port);
  }

  String jdbcUrl() {
    return "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
  }

  private static boolean isRoot() {
    return "root".equals(System.getProperty("user.name"));
  }

  private static void run(List<String> command, Path log, boolean asPostgres)
      throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    if (asPostgres && isRoot()) {
      cmd.addAll(List.of("runuser", "-u", "postgres", "--"));
    }
    cmd.addAll(command);
    // The log sits next to the data; as root it is written by this JVM, so the postgres user need
    // not.
    Process p = ChildProcesses.start(cmd, log);
    if (!p.waitFor(180, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException(
          String.join(" ", cmd) + " failed:\n" + ChildProcesses.tail(log));
    }
  }

  @Override
  public void close() throws Exception {
    run(
        List.of(
            bin.resolve("pg_ctl").toString(),
            "-D",
            data.toString(),
            "-m",
            "immediate",
            "-w",
            "stop"),
        data.getParent().resolve("stop.log"),
        true);
  }
}
