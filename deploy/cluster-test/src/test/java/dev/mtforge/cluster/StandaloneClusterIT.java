package dev.mtforge.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The shaded {@code mtforge.jar} on a Spark standalone cluster of separate JVMs (a master and two
 * workers on 127.0.0.1, started here), submitted through {@code SparkSubmit} in client mode as
 * {@code spark-submit} does, with Delta and S3A passed as {@code --jars}:
 *
 * <ul>
 *   <li>every stage of the sample pipeline as its own application, warehouse on S3 (s3proxy);
 *   <li>{@code demo} as one application, warehouse on local disk;
 *   <li>their tables equal those of {@code demo} in {@code local[2]} (the reference);
 *   <li>each executor JVM loads the translation model once, however many tasks it runs.
 * </ul>
 *
 * Executors see only Spark's jars and what the application ships, so a class missing from the
 * shaded jar, state that exists only on the driver (a broadcast the session's Kryo serializer
 * empties) or a task closure that does not serialize fails here as it would on Databricks or EMR.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StandaloneClusterIT {
  private static final String RUN_ID = "cluster-it";
  private static final String BUCKET = "mtforge";
  private static final Duration STAGE_TIMEOUT = Duration.ofMinutes(10);
  /** What ModelCache logs when it loads a model (once per JVM and model spec). */
  private static final String MODEL_LOADED = "ModelCache: Loaded causal-lm ";

  private final Path repo = Path.of(System.getProperty("mtforge.repo.root", "../.."));
  private final Path jar = repo.resolve("jobs/target/mtforge.jar");
  private final Path samples = repo.resolve("sample-data");
  private final Path dir = Path.of(System.getProperty("mtforge.cluster.dir", "target/cluster-it")).toAbsolutePath();
  private final Path events = dir.resolve("events");
  private final List<String> clusterJars = new ArrayList<>();
  private final Map<String, Path> stageLogs = new LinkedHashMap<>();
  private SparkHome home;
  private StandaloneCluster cluster;
  private S3Proxy s3;

  @BeforeAll
  void startCluster() throws Exception {
    assertThat(jar).as("the shaded jar (mvn package)").isRegularFile();
    deleteTree(dir);
    Files.createDirectories(events);
    home = new SparkHome(Path.of(System.getProperty("mtforge.spark.home", "target/spark-home")),
        System.getProperty("mtforge.jvm.flags", ""));
    // The cluster's conf/: mtforge's log4j2 settings, so executors log model loads at INFO.
    Files.createDirectories(home.conf());
    Files.copy(repo.resolve("conf/log4j2.properties"), home.conf().resolve("log4j2.properties"),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    try (Stream<Path> jars = Files.list(Path.of(System.getProperty("mtforge.cluster.jars", "target/cluster-jars")))) {
      jars.map(Path::toString).sorted().forEach(clusterJars::add);
    }
    cluster = StandaloneCluster.start(home, dir, 2, 2, "2g");
    s3 = S3Proxy.start(dir.resolve("s3"), BUCKET);
  }

  @AfterAll
  void stopCluster() {
    if (s3 != null) {
      s3.close();
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  @Order(1)
  void demoInLocalModeIsTheReference() throws Exception {
    assertThat(submit("reference-demo", "local[2]", "3g", List.of(),
        "demo", "--samples", samples.toString(), "--warehouse", dir.resolve("reference").toString())).isZero();
  }

  @Test
  @Order(2)
  void everyStageRunsAsItsOwnApplicationWithTheWarehouseOnS3() throws Exception {
    String warehouse = "s3a://" + BUCKET + "/warehouse";
    List<String> s3conf = s3.sparkConf();
    List<List<String>> stages = new ArrayList<>();
    stages.add(List.of("init"));
    List<String> prepare = new ArrayList<>(List.of("prepare"));
    for (String format : List.of("flores200", "flores-plus", "ntrex128", "wmt-txt", "wmt-sgml", "wmt-xml", "alma-json",
        "xalma-parquet")) {
      prepare.add("--source");
      prepare.add(format + "=" + samples.resolve("prepare").resolve(format));
    }
    stages.add(prepare);
    stages.add(List.of("build-training", "--strategy", "dat", "--sample", "1012"));
    stages.add(List.of("register-adapters", "--from", samples.resolve("adapters").toString()));
    stages.add(List.of("merge-groups", "--method", "ties", "--density", "0.5"));
    String model = samples.resolve("models/tiny-llama").toString();
    stages.add(List.of("translate", "--model", model, "--test-set", "flores200:devtest",
        "--directions", "de-en,en-de,fr-en,en-fr", "--routing", "none", "--num-beams", "1", "--max-new-tokens", "64"));
    stages.add(List.of("translate", "--model", model, "--test-set", "flores200:devtest",
        "--directions", "de-en", "--routing", "datm", "--num-beams", "1", "--max-new-tokens", "64"));
    stages.add(List.of("evaluate", "--metrics", "bleu,chrf++"));
    stages.add(List.of("report"));
    int n = 0;
    for (List<String> stage : stages) {
      List<String> args = new ArrayList<>(stage);
      args.addAll(List.of("--warehouse", warehouse));
      String name = "s3-" + (++n) + "-" + stage.get(0);
      assertThat(submit(name, cluster.masterUrl(), "1536m", s3conf, args.toArray(String[]::new)))
          .as("exit code of %s (log %s)", stage.get(0), stageLogs.get(name))
          .isZero();
    }
  }

  @Test
  @Order(3)
  void demoRunsAsOneApplicationWithTheWarehouseOnLocalDisk() throws Exception {
    assertThat(submit("cluster-demo", cluster.masterUrl(), "1536m", List.of(),
        "demo", "--samples", samples.toString(), "--warehouse", dir.resolve("cluster-local").toString())).isZero();
  }

  @Test
  @Order(4)
  void tablesEqualLocalMode() throws Exception {
    SparkSession spark = SparkSession.builder()
        .master("local[1]")
        .appName("compare warehouses")
        .config("spark.ui.enabled", "false")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension")
        .config("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog")
        .config("spark.sql.session.timeZone", "UTC")
        .getOrCreate();
    List<String> conf = s3.sparkConf();
    for (int i = 0; i + 1 < conf.size(); i += 2) {
      String[] kv = conf.get(i + 1).substring("spark.hadoop.".length()).split("=", 2);
      spark.sparkContext().hadoopConfiguration().set(kv[0], kv[1]);
    }
    try {
      WarehouseSnapshot reference = WarehouseSnapshot.read(spark, dir.resolve("reference").toString());
      assertThat(reference.tables()).containsKeys("parallel_sentences", "translations", "merges", "system_scores");
      assertThat(reference.tables().get("translations")).isNotEmpty();
      for (String location : List.of("s3a://" + BUCKET + "/warehouse", dir.resolve("cluster-local").toString())) {
        WarehouseSnapshot cluster = WarehouseSnapshot.read(spark, location);
        assertThat(cluster.tables().keySet()).as(location).isEqualTo(reference.tables().keySet());
        for (Map.Entry<String, List<String>> table : reference.tables().entrySet()) {
          assertThat(cluster.tables().get(table.getKey()))
              .as("table %s in %s", table.getKey(), location)
              .containsExactlyElementsOf(table.getValue());
        }
      }
    } finally {
      spark.stop();
    }
  }

  @Test
  @Order(5)
  void eachExecutorLoadsTheModelOnceHoweverManyTasksItRuns() throws Exception {
    int checked = 0;
    for (Map.Entry<String, Path> stage : stageLogs.entrySet()) {
      // the two translate applications, and the demo, whose two translations share one model
      if (!stage.getKey().endsWith("-translate") && !stage.getKey().equals("cluster-demo")) {
        continue;
      }
      Path eventLog = eventLogOf(stage.getKey());
      Map<String, Integer> tasks = ExecutorEvidence.tasksPerExecutor(eventLog, "mtforge.padded-prompt-tokens");
      Map<String, Long> loads =
          ExecutorEvidence.logLines(cluster.workDirs(), ExecutorEvidence.appId(eventLog), MODEL_LOADED);
      assertThat(tasks).as("translate tasks per executor of %s", stage.getKey()).isNotEmpty();
      assertThat(tasks.values().stream().mapToInt(Integer::intValue).max().orElse(0))
          .as("some executor of %s ran several translate tasks", stage.getKey())
          .isGreaterThan(1);
      for (String executor : tasks.keySet()) {
        assertThat(loads.get(executor))
            .as("model loads in executor %s of %s, which ran %d tasks", executor, stage.getKey(), tasks.get(executor))
            .isEqualTo(1L);
      }
      checked++;
    }
    assertThat(checked).as("applications checked").isEqualTo(3);
  }

  /** Runs SparkSubmit for one application; its output goes to {@code <dir>/<name>.log}. */
  private int submit(String name, String master, String driverMemory, List<String> conf, String... mtforgeArgs)
      throws IOException, InterruptedException {
    Set<Path> before = eventLogs();
    List<String> args = new ArrayList<>(List.of("--master", master, "--deploy-mode", "client",
        "--name", "mtforge " + name,
        "--conf", "spark.executor.memory=1g",
        "--conf", "spark.eventLog.enabled=true",
        "--conf", "spark.eventLog.dir=" + events.toUri(),
        "--jars", String.join(",", clusterJars)));
    args.addAll(conf);
    args.addAll(List.of("--class", "dev.mtforge.cli.MtforgeCli", jar.toString()));
    args.addAll(List.of(mtforgeArgs));
    args.addAll(List.of("--run-id", RUN_ID));
    Path log = dir.resolve(name + ".log");
    stageLogs.put(name, log);
    int code = home.submit(args, driverMemory, log, STAGE_TIMEOUT);
    Set<Path> after = eventLogs();
    after.removeAll(before);
    if (after.size() == 1) {
      Files.writeString(dir.resolve(name + ".eventlog"), after.iterator().next().toString());
    }
    return code;
  }

  private Path eventLogOf(String name) throws IOException {
    return Path.of(Files.readString(dir.resolve(name + ".eventlog")).strip());
  }

  private Set<Path> eventLogs() throws IOException {
    try (Stream<Path> files = Files.list(events)) {
      return new HashSet<>(files.filter(f -> !f.getFileName().toString().endsWith(".inprogress")).toList());
    }
  }

  private static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
