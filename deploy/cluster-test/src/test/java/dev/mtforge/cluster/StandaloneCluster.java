package dev.mtforge.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A Spark standalone cluster of separate JVMs on 127.0.0.1: one {@code Master} and N
 * {@code Worker}s started from a Spark home (its {@code jars/} and {@code conf/}) exactly as
 * {@code sbin/start-master.sh} and {@code sbin/start-worker.sh} would, on free ports. Workers
 * launch executors as their own JVMs with the Spark home's class path, so an executor sees only
 * Spark's jars plus what the application ships.
 */
final class StandaloneCluster implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final SparkHome home;
  private final Path dir;
  private final List<Process> processes = new ArrayList<>();
  private final List<Path> workDirs = new ArrayList<>();
  private String masterUrl;

  private StandaloneCluster(SparkHome home, Path dir) {
    this.home = home;
    this.dir = dir;
  }

  /**
   * Starts a master and {@code workers} workers of {@code cores} cores and {@code memory} each and
   * waits (at most 120 s) until every worker has registered.
   */
  static StandaloneCluster start(SparkHome home, Path dir, int workers, int cores, String memory)
      throws IOException, InterruptedException {
    StandaloneCluster cluster = new StandaloneCluster(home, dir);
    try {
      cluster.startAll(workers, cores, memory);
      return cluster;
    } catch (IOException | InterruptedException | RuntimeException e) {
      cluster.close();
      throw e;
    }
  }

  private void startAll(int workers, int cores, String memory) throws IOException, InterruptedException {
    int port = freePort();
    int uiPort = freePort();
    masterUrl = "spark://127.0.0.1:" + port;
    processes.add(home.daemon("org.apache.spark.deploy.master.Master", dir.resolve("master.log"), Map.of(),
        "--host", "127.0.0.1", "--port", Integer.toString(port), "--webui-port", Integer.toString(uiPort)));
    for (int i = 0; i < workers; i++) {
      Path work = Files.createDirectories(dir.resolve("worker-" + i));
      workDirs.add(work);
      processes.add(home.daemon("org.apache.spark.deploy.worker.Worker", dir.resolve("worker-" + i + ".log"), Map.of(),
          "--host", "127.0.0.1", "--port", "0", "--webui-port", "0", "--cores", Integer.toString(cores),
          "--memory", memory, "--work-dir", work.toString(), masterUrl));
    }
    awaitWorkers(uiPort, workers);
  }

  /** {@code spark://127.0.0.1:<port>}. */
  String masterUrl() {
    return masterUrl;
  }

  /** Each worker's work folder: {@code <app id>/<executor id>/stderr} holds an executor's log. */
  List<Path> workDirs() {
    return workDirs;
  }

  private void awaitWorkers(int uiPort, int workers) throws IOException, InterruptedException {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    HttpRequest state = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + uiPort + "/json/"))
        .timeout(Duration.ofSeconds(5)).build();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    int alive = 0;
    while (System.nanoTime() < deadline) {
      for (Process p : processes) {
        if (!p.isAlive()) {
          throw new IllegalStateException("A cluster process exited with " + p.exitValue() + "; logs in " + dir);
        }
      }
      try {
        JsonNode master = JSON.readTree(http.send(state, HttpResponse.BodyHandlers.ofString()).body());
        alive = 0;
        for (JsonNode worker : master.path("workers")) {
          if ("ALIVE".equals(worker.path("state").asText())) {
            alive++;
          }
        }
        if (alive == workers) {
          return;
        }
      } catch (IOException notYet) {
        // the master's web UI is not up yet
      }
      Thread.sleep(500);
    }
    throw new IllegalStateException(alive + " of " + workers + " workers registered within 120 s; logs in " + dir);
  }

  /** Stops the workers (and with them their executors), then the master. */
  @Override
  public void close() {
    for (int i = processes.size() - 1; i >= 0; i--) {
      stop(processes.get(i));
    }
  }

  static void stop(Process process) {
    process.descendants().forEach(ProcessHandle::destroy);
    process.destroy();
    try {
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
