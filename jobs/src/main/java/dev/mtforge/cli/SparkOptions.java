package dev.mtforge.cli;

import dev.mtforge.jobs.config.JobConfig;
import dev.mtforge.jobs.progress.SparkProgressLogger;
import dev.mtforge.jobs.warehouse.RunContext;
import dev.mtforge.jobs.warehouse.Warehouse;
import dev.mtforge.udfs.spark.SparkProfile;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.config.Configurator;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Option;

/**
 * Flags shared by every command that runs Spark: where the warehouse is, which master and Spark
 * profile, which job config file, and the run id. Mixed into commands with {@code @Mixin}.
 */
public final class SparkOptions {
  private static final Logger LOG = LoggerFactory.getLogger(SparkOptions.class);
  /** Seconds between progress lines of a running Spark stage; 0 turns progress logging off. */
  public static final String PROGRESS_INTERVAL = "progress.interval-seconds";
  public static final String PROGRESS_INTERVAL_DEFAULT = "10";

  @Option(
      names = "--warehouse",
      paramLabel = "<dir|uri>",
      description = "Warehouse folder or URI (s3a://bucket/prefix). Default: warehouse.location"
          + " from the job config, else ./warehouse.")
  String warehouse;

  @Option(
      names = "--master",
      paramLabel = "<url>",
      description = "Spark master; ignored under spark-submit, which sets its own. Default: ${DEFAULT-VALUE}.",
      defaultValue = "local[*]")
  String master;

  @Option(
      names = "--profile",
      paramLabel = "<name|file>",
      description = "Spark profile from conf/spark/ (local, databricks, emr) or a .properties file."
          + " Default: spark.profile from the job config, else local.")
  String profile;

  @Option(
      names = "--conf",
      paramLabel = "<file>",
      description = "Job config file (properties). Default: conf/mtforge.properties.")
  Path confFile;

  @Option(
      names = "--database",
      paramLabel = "<name>",
      description = "Catalog database for the tables (clusters). Default: the session's current one.")
  String database;

  @Option(
      names = {"-q", "--quiet"},
      description = "Print only results and errors: no progress lines, no job summaries, no Spark warnings.")
  boolean quiet;

  @Option(
      names = "--run-id",
      paramLabel = "<id>",
      description = "Id written to the run_id column of every row (e.g. Airflow's run id). Default: generated.")
  String runId;

  /** The conf/ folder of the installation, if {@code bin/mtforge} told us where it is. */
  public static Path confDir() {
    String home = System.getProperty("mtforge.home");
    if (home == null) {
      return null;
    }
    Path conf = Path.of(home, "conf");
    return Files.isDirectory(conf) ? conf : null;
  }

  /** The job config: --conf, else conf/mtforge.properties, else the copy in the jar. */
  public JobConfig jobConfig(SparkConf sparkConf) {
    if (confFile != null) {
      return JobConfig.load(confFile, sparkConf);
    }
    Path conf = confDir();
    if (conf != null && Files.isRegularFile(conf.resolve(JobConfig.DEFAULT_FILE))) {
      return JobConfig.load(conf.resolve(JobConfig.DEFAULT_FILE), sparkConf);
    }
    return JobConfig.packaged(sparkConf);
  }

  /** Builds (or joins, under spark-submit) the SparkSession with the chosen profile. */
  public SparkSession session(String appName) {
    if (quiet) {
      // Before the session starts, so that none of its start-up warnings get through either.
      Configurator.setLevel("dev.mtforge", Level.WARN);
      Configurator.setRootLevel(Level.ERROR);
    }
    SparkConf sparkConf = new SparkConf(true);
    JobConfig config = jobConfig(sparkConf);
    SparkProfile sparkProfile =
        SparkProfile.load(profile != null ? profile : config.get("spark.profile", SparkProfile.LOCAL), confDir());
    sparkProfile.settings().forEach((k, v) -> {
      if (!sparkConf.contains(k)) {
        sparkConf.set(k, v);
      }
    });
    if (!sparkConf.contains("spark.master")) {
      sparkConf.setMaster(master);
    }
    sparkConf.setIfMissing("spark.app.name", "mtforge " + appName);
    LOG.info("Starting Spark: master={}, profile={}, job config={}", sparkConf.get("spark.master"),
        sparkProfile.name(), config.origin());
    SparkSession spark = SparkSession.builder().config(sparkConf).getOrCreate();
    long interval = Long.parseLong(config.get(PROGRESS_INTERVAL, PROGRESS_INTERVAL_DEFAULT));
    if (interval > 0 && !quiet) {
      SparkProgressLogger.install(spark.sparkContext(), interval);
    }
    return spark;
  }

  /** Opens the warehouse in a session, resolving --warehouse and --database through the config. */
  public Warehouse openWarehouse(SparkSession spark) {
    JobConfig config = jobConfig(spark.sparkContext().getConf());
    String location = warehouse != null ? warehouse : config.get("warehouse.location", "warehouse");
    String db = database != null ? database : config.get("warehouse.database").orElse(null);
    return Warehouse.open(spark, location, db);
  }

  /** The run this command is. */
  public RunContext run() {
    return RunContext.start(runId);
  }
}
