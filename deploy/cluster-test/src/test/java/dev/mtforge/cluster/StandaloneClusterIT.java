package dev.mtforge.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
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
 *   <li>the whole sample pipeline ({@code demo}: every stage, COMET on executors, the analysis and
 *       the report) as one application, warehouse on S3 (s3proxy); with
 *       {@code -Dmtforge.cluster.apps=stages}, each of its stages as its own application instead,
 *       as Airflow submits them (12 applications, ~6 minutes more: outside CI);
 *   <li>meanwhile, the README's commands, {@code bin/mtforge demo} and {@code bin/mtforge sql}, in
 *       a folder of their own (so {@code ./warehouse} is there), with Spark interpreted: the
 *       reference;
 *   <li>the cluster's tables equal the reference's: Spark's generated code on executors and its
 *       interpreted evaluation in local mode agree;
 *   <li>each executor JVM loads the translation model once, however many tasks it runs.
 * </ul>
 *
 * Executors see only Spark's jars and what the application ships, so a class missing from the
 * shaded jar, state that exists only on the driver (a broadcast the session's Kryo serializer
 * empties) or a task closure that does not serialize fails here as it would on Databricks or EMR.
 * Logs of every JVM stay under {@code target/cluster-it}. {@code -Dmtforge.cluster.reuse=true}
 * checks the results of the previous run there without running anything again.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StandaloneClusterIT {
  private static final String RUN_ID = "cluster-it";
  private static final String BUCKET = "mtforge";
  private static final String S3_WAREHOUSE = "s3a://" + BUCKET + "/warehouse";
  private static final Duration STAGE_TIMEOUT = Duration.ofMinutes(10);
  /** What ModelCache logs when it loads a model (once per JVM and model spec). */
  private static final String MODEL_LOADED = "ModelCache: Loaded causal-lm ";
  /** An accumulator every translating task of TranslatePartitions adds to. */
  private static final String TRANSLATE_ACCUMULATOR = "mtforge.padded-prompt-tokens";
  /** C1 only: these JVMs live for seconds to minutes, and C2 compiling would cost CI more than it saves. */
  static final String SHORT_LIVED_JVM = "-XX:TieredStopAtLevel=1";
  /**
   * The reference runs Spark interpreted, as the unit tests do (docs/DESIGN.md), and the cluster
   * with Spark's defaults (generated code compiled on the executors, against classes of the
   * shipped jar): equal tables check both, and the reference costs CI less CPU.
   */
  static final Map<String, String> INTERPRETED_SPARK =
      Map.of("spark.sql.codegen.wholeStage", "false", "spark.sql.codegen.factoryMode", "NO_CODEGEN");
  private static final ObjectMapper JSON = new ObjectMapper();
  /** The README's commands run here, so their default {@code ./warehouse} is {@code reference/warehouse}. */
  private static final String REFERENCE = "reference";

  private final Path repo = Path.of(System.getProperty("mtforge.repo.root", "../.."));
  private final Path jar = repo.resolve("jobs/target/mtforge.jar");
  private final Path samples = repo.resolve("sample-data");
  private final Path dir = Path.of(System.getProperty("mtforge.cluster.dir", "target/cluster-it")).toAbsolutePath();
  private final Path events = dir.resolve("events");
  private final boolean reuse = Boolean.getBoolean("mtforge.cluster.reuse");
  private final boolean eachStage = "stages".equals(System.getProperty("mtforge.cluster.apps", "demo"));
  private final List<String> clusterJars = new ArrayList<>();
  private SparkHome home;
  private StandaloneCluster cluster;
  private S3Proxy s3;
  private BinMtforge readme;
  private Process reference;

  @BeforeAll
  void startCluster() throws Exception {
    assertThat(jar).as("the shaded jar (mvn package)").isRegularFile();
    if (!reuse) {
      deleteTree(dir);
    }
    Files.createDirectories(events);
    home = new SparkHome(Path.of(System.getProperty("mtforge.spark.home", "target/spark-home")),
        System.getProperty("mtforge.jvm.flags", "") + " " + SHORT_LIVED_JVM);
    // The cluster's conf/: mtforge's log4j2 settings, so executors log model loads at INFO.
    Files.createDirectories(home.conf());
    Files.copy(repo.resolve("conf/log4j2.properties"), home.conf().resolve("log4j2.properties"),
        StandardCopyOption.REPLACE_EXISTING);
    try (Stream<Path> jars = Files.list(Path.of(System.getProperty("mtforge.cluster.jars", "target/cluster-jars")))) {
      jars.map(Path::toString).sorted().forEach(clusterJars::add);
    }
    s3 = S3Proxy.start(dir.resolve("s3"), BUCKET);
    if (!reuse) {
      // The reference runs beside the cluster: both wait on I/O and JVM start-up much of the time.
      // the CLI's SparkConf reads spark.* system properties
      String interpreted = INTERPRETED_SPARK.entrySet().stream()
          .map(e -> "-D" + e.getKey() + "=" + e.getValue()).collect(Collectors.joining(" "));
      readme = new BinMtforge(repo, dir.resolve(REFERENCE), "-Xmx3g " + SHORT_LIVED_JVM + " " + interpreted);
      reference = readme.start(dir.resolve("reference-demo.log"), "demo", "--run-id", RUN_ID);
      cluster = StandaloneCluster.start(home, dir, 2, 2, "2g");
    }
  }

  @AfterAll
  void stopCluster() {
    if (reference != null && reference.isAlive()) {
      StandaloneCluster.stop(reference);
    }
    if (s3 != null) {
      s3.close();
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  @Order(1)
  void thePipelineRunsOnTheClusterWithTheWarehouseOnS3() throws Exception {
    Assumptions.assumeFalse(reuse, "reusing the previous run's results");
    // bin/mtforge reads the registry from the checkout's conf/, and so does the cluster's driver
    // (without --languages, the copy in the jar: the same rows, another `source`)
    String languages = repo.resolve("conf").toString();
    if (!eachStage) {
      submit("s3-demo", List.of("demo", "--samples", samples.toString(), "--languages", languages));
      return;
    }
    List<List<String>> stages = new ArrayList<>();
    stages.add(List.of("init", "--languages", languages));
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
    // the rest of demo: all 90 directions of the multi-way sample, COMET on executors, the analysis
    stages.add(List.of("prepare", "--source", "flores200=" + samples.resolve("multiway").resolve("flores200"),
        "--dataset", "flores-multiway"));
    stages.add(List.of("translate", "--model", model, "--test-set", "flores-multiway:devtest",
        "--directions", "all", "--num-beams", "1", "--max-new-tokens", "64"));
    Path comet = samples.resolve("models").resolve("tiny-comet");
    stages.add(List.of("evaluate", "--metrics", "bleu,chrf++,comet,cometkiwi",
        "--comet-model", comet.resolve("comet-da").toString(),
        "--cometkiwi-model", comet.resolve("cometkiwi-da").toString()));
    stages.add(List.of("analyze", "--baseline", "tiny-llama-none", "--systems", "tiny-llama-datm"));
    stages.add(List.of("report"));
    int n = 0;
    for (List<String> stage : stages) {
      submit("s3-" + (++n) + "-" + stage.get(0), stage);
    }
  }

  /** Submits one application with the warehouse on S3 and keeps the path of its event log. */
  private void submit(String name, List<String> command) throws IOException, InterruptedException {
    List<String> args = new ArrayList<>(command);
    args.addAll(List.of("--warehouse", S3_WAREHOUSE));
    Set<Path> before = eventLogs();
    int code = home.submit(submitArgs(name, cluster.masterUrl(), s3.sparkConf(), args.toArray(String[]::new)),
        "1536m", dir.resolve(name + ".log"), STAGE_TIMEOUT);
    assertThat(code).as("exit code of %s (log %s)", command.get(0), dir.resolve(name + ".log")).isZero();
    Set<Path> after = eventLogs();
    after.removeAll(before);
    assertThat(after).as("event log of %s", name).hasSize(1);
    Files.writeString(dir.resolve(name + ".eventlog"), after.iterator().next().toString());
  }

  @Test
  @Order(2)
  void theReadmeCommandsInLocalModeAreTheReference() throws Exception {
    Assumptions.assumeFalse(reuse, "reusing the previous run's results");
    Path log = dir.resolve("reference-demo.log");
    assertThat(SparkHome.await(reference, log, STAGE_TIMEOUT))
        .as("exit code of bin/mtforge demo (log %s)", log).isZero();
    Path sqlLog = dir.resolve("reference-sql.log");
    assertThat(readme.run(sqlLog, STAGE_TIMEOUT, "sql", "--format", "json", "SHOW TABLES"))
        .as("exit code of bin/mtforge sql (log %s)", sqlLog).isZero();
    // JSON lines of the result among the log lines on stderr
    List<String> listed = new ArrayList<>();
    for (String line : Files.readAllLines(sqlLog)) {
      if (line.startsWith("{")) {
        listed.add(JSON.readTree(line).path("tableName").asText());
      }
    }
    assertThat(listed).as("SHOW TABLES after the demo (log %s)", sqlLog)
        .contains("languages", "parallel_sentences", "translations", "segment_scores", "system_scores", "merges");
  }

  @Test
  @Order(3)
  void tablesEqualLocalMode() throws Exception {
    SparkSession.Builder builder = SparkSession.builder()
        .master("local[2]")
        .appName("compare warehouses")
        .config("spark.ui.enabled", "false")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension")
        .config("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog")
        .config("spark.sql.session.timeZone", "UTC")
        // Small tables: a few shuffle partitions, Delta's log replayed in one (defaults 200 and 50).
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.databricks.delta.snapshotPartitions", "1");
    // a few reads of small tables in a fresh JVM: compiling code for them costs more than it saves
    INTERPRETED_SPARK.forEach(builder::config);
    SparkSession spark = builder.getOrCreate();
    List<String> conf = s3.sparkConf();
    for (int i = 0; i + 1 < conf.size(); i += 2) {
      String[] kv = conf.get(i + 1).substring("spark.hadoop.".length()).split("=", 2);
      spark.sparkContext().hadoopConfiguration().set(kv[0], kv[1]);
    }
    try {
      // both warehouses at once: a read waits on Delta's log replay and, for S3, on s3proxy
      CompletableFuture<WarehouseSnapshot> onS3 = CompletableFuture.supplyAsync(() -> read(spark, S3_WAREHOUSE));
      WarehouseSnapshot reference = read(spark, dir.resolve(REFERENCE).resolve("warehouse").toString());
      assertThat(reference.tables()).containsKeys("parallel_sentences", "translations", "merges", "system_scores",
          "systems", "analysis_deltas");
      // 100 of flores200 (base on four directions, DATM on de-en), 360 of the 90 multi-way directions
      assertThat(reference.tables().get("translations")).hasSize(460);
      assertThat(reference.tables().get("merges")).hasSize(2);
      WarehouseSnapshot cluster = onS3.join();
      assertThat(cluster.differences(reference)).as("tables on the cluster (%s) against local mode", S3_WAREHOUSE)
          .isEmpty();
      assertThat(cluster.rows()).isEqualTo(reference.rows());
    } finally {
      spark.stop();
    }
  }

  @Test
  @Order(4)
  void eachExecutorLoadsTheModelOnceHoweverManyTasksItRuns() throws Exception {
    List<Path> workDirs = List.of(dir.resolve("worker-0"), dir.resolve("worker-1"));
    List<String> translating =
        eachStage ? List.of("s3-6-translate", "s3-7-translate", "s3-9-translate") : List.of("s3-demo");
    for (String app : translating) {
      Path eventLog = Path.of(Files.readString(dir.resolve(app + ".eventlog")).strip());
      Map<String, Integer> tasks = ExecutorEvidence.tasksPerExecutor(eventLog, TRANSLATE_ACCUMULATOR);
      Map<String, Long> loads = ExecutorEvidence.logLines(workDirs, ExecutorEvidence.appId(eventLog), MODEL_LOADED);
      assertThat(tasks.keySet()).as("executors that translated in %s", app).hasSize(2);
      assertThat(tasks.values().stream().mapToInt(Integer::intValue).sum())
          .as("translate tasks of %s: more than one per executor", app)
          .isGreaterThan(tasks.size());
      for (String executor : tasks.keySet()) {
        assertThat(loads.get(executor))
            .as("model loads in executor %s of %s, which ran %d translate tasks", executor, app, tasks.get(executor))
            .isEqualTo(1L);
      }
    }
  }

  private static WarehouseSnapshot read(SparkSession spark, String location) {
    try {
      return WarehouseSnapshot.read(spark, location);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read the warehouse " + location, e);
    }
  }

  /** SparkSubmit arguments of one application: client mode, event log on, Delta and S3A as jars. */
  private List<String> submitArgs(String name, String master, List<String> conf, String... mtforgeArgs) {
    List<String> args = new ArrayList<>(List.of("--master", master, "--deploy-mode", "client",
        "--name", "mtforge " + name,
        "--conf", "spark.executor.memory=1g",
        "--conf", "spark.executor.extraJavaOptions=" + SHORT_LIVED_JVM,
        "--conf", "spark.eventLog.enabled=true",
        "--conf", "spark.eventLog.dir=" + events.toUri(),
        "--jars", String.join(",", clusterJars)));
    args.addAll(conf);
    args.addAll(List.of("--class", "dev.mtforge.cli.MtforgeCli", jar.toString()));
    args.addAll(List.of(mtforgeArgs));
    args.addAll(List.of("--run-id", RUN_ID));
    return args;
  }

  private Set<Path> eventLogs() throws IOException {
    try (Stream<Path> files = Files.list(events)) {
      // app-…: applications of the standalone master (the local-mode reference logs local-…).
      return new HashSet<>(files.filter(f -> f.getFileName().toString().startsWith("app-")
          && !f.getFileName().toString().endsWith(".inprogress")).toList());
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
