package dev.mtforge.jobs.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mtforge.cli.MtforgeCli;
import dev.mtforge.testing.S3ProxyServer;
import dev.mtforge.testing.SparkTestSession;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.Appender;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.WriterAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.layout.PatternLayout;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * S3 credentials given through Spark/Hadoop configuration never reach logs, error messages, table
 * rows or the report: a pipeline (init, prepare, translate, evaluate, report) runs on an
 * {@code s3a://} warehouse served by s3proxy with a recognisable secret, with every logger of the
 * JVM at INFO, then everything it produced is searched for the secret (and the access key).
 */
class SecretsTest {
  private static final String ACCESS_KEY = "AKIAMTFORGERELIAB7Q";
  private static final String SECRET_KEY = "mtforgeSECRETq7ZpW9vLr3KdN8sTyU2eHb";
  private static final Path HOME = SparkTestSession.repoRoot();
  private static S3ProxyServer s3;
  private static Path work;

  @BeforeAll
  static void startS3() throws Exception {
    work = SparkTestSession.newFolder("secrets");
    s3 = S3ProxyServer.start(work, ACCESS_KEY, SECRET_KEY);
    s3.createBucket("secrets");
    s3.configure(SparkTestSession.get().sparkContext().hadoopConfiguration());
  }

  @AfterAll
  static void stopS3() {
    if (s3 != null) {
      s3.close();
    }
  }

  private record Run(int code, String out, String err) {}

  private static Run cli(List<String> output, String... args) {
    SparkSession.setActiveSession(SparkTestSession.get());
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = MtforgeCli.commandLine(new MtforgeCli()).setOut(new PrintWriter(out)).setErr(new PrintWriter(err))
        .execute(args);
    output.add(out.toString());
    output.add(err.toString());
    return new Run(code, out.toString(), err.toString());
  }

  @Test
  void credentialsAppearInNoLogMessageRowOrReport() throws Exception {
    String warehouse = "s3a://secrets/wh";
    List<String> output = new ArrayList<>();
    StringWriter logs = new StringWriter();
    try (LogCapture capture = new LogCapture(logs)) {
      String[] common = {"--warehouse", warehouse, "--database", "secrets_test", "--run-id", "secrets"};
      assertThat(cli(output, concat(new String[] {"init"}, common)).code()).isZero();
      assertThat(cli(output, concat(new String[] {"prepare", "--source",
          "wmt-sgml=" + HOME.resolve("sample-data/prepare/wmt-sgml")}, common)).code()).isZero();
      assertThat(cli(output, concat(new String[] {"translate", "--model", HOME.resolve("sample-data/models/tiny-llama").toString(),
          "--test-set", "newstest2019", "--routing", "none", "--num-beams", "1", "--max-new-tokens", "8"}, common)).code())
          .isZero();
      assertThat(cli(output, concat(new String[] {"evaluate", "--metrics", "bleu"}, common)).code()).isZero();
      assertThat(cli(output, concat(new String[] {"report"}, common)).code()).isZero();
      // errors: a missing input on S3, and a table the SQL command cannot find
      Run missing = cli(output, concat(new String[] {"prepare", "--source", "flores200=s3a://secrets/nothing-here"}, common));
      assertThat(missing.code()).isEqualTo(3);
      assertThat(missing.err()).startsWith("mtforge prepare: ");
      assertThat(cli(output, "sql", "--warehouse", warehouse, "--database", "secrets_test",
          "SELECT * FROM no_such_table").code()).isNotZero();
    }
    assertThat(logs.toString()).contains("Wrote translations").contains(warehouse);

    List<String> rows = new ArrayList<>();
    SparkSession spark = SparkTestSession.get();
    for (String table : List.of("languages", "parallel_sentences", "translations", "segment_scores",
        "system_scores", "data_stats", "rejected_pairs")) {
      spark.read().format("delta").load(warehouse + "/" + table).toJSON().collectAsList().forEach(rows::add);
    }
    assertThat(rows).isNotEmpty();
    List<String> report = files(warehouse + "/reports");
    assertThat(report).isNotEmpty();
    List<String> blobs = blobs(s3.baseDir());

    for (String secret : List.of(SECRET_KEY, ACCESS_KEY)) {
      assertThat(logs.toString()).as("logs").doesNotContain(secret);
      assertThat(output).as("CLI output and error messages").noneMatch(text -> text.contains(secret));
      assertThat(rows).as("table rows").noneMatch(text -> text.contains(secret));
      assertThat(report).as("report files").noneMatch(text -> text.contains(secret));
      assertThat(blobs).as("bytes stored on S3").noneMatch(text -> text.contains(secret));
    }
  }

  @Test
  void aChildCliWithWrongCredentialsInItsSparkProfileNeverPrintsTheSecret() throws IOException {
    Path profile = work.resolve("wrong-key.properties");
    Files.writeString(profile, String.join("\n",
        "spark.sql.extensions io.delta.sql.DeltaSparkSessionExtension",
        "spark.sql.catalog.spark_catalog org.apache.spark.sql.delta.catalog.DeltaCatalog",
        "spark.ui.enabled false",
        "spark.hadoop.fs.s3a.endpoint " + s3.endpoint(),
        "spark.hadoop.fs.s3a.path.style.access true",
        "spark.hadoop.fs.s3a.connection.ssl.enabled false",
        "spark.hadoop.fs.s3a.aws.credentials.provider org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider",
        "spark.hadoop.fs.s3a.access.key " + ACCESS_KEY + "X",
        "spark.hadoop.fs.s3a.secret.key " + SECRET_KEY,
        "spark.hadoop.fs.s3a.attempts.maximum 1",
        "spark.hadoop.fs.s3a.retry.limit 1", ""));
    Path log = work.resolve("wrong-key.log");
    ChildCli.Outcome outcome = ChildCli.ofThisJvm(HOME).run(List.of("init", "--warehouse", "s3a://secrets/denied",
        "--profile", profile.toString()), work, log, Duration.ofMinutes(4));
    String stderr = Files.readString(log);
    assertThat(outcome.exitCode()).as(stderr).isNotZero();
    assertThat(stderr).contains("secrets").doesNotContain(SECRET_KEY);
  }

  private static String[] concat(String[] a, String[] b) {
    return Stream.concat(Stream.of(a), Stream.of(b)).toArray(String[]::new);
  }

  private static List<String> files(String folder) throws IOException {
    org.apache.hadoop.fs.Path root = new org.apache.hadoop.fs.Path(folder);
    FileSystem fs = root.getFileSystem(SparkTestSession.get().sparkContext().hadoopConfiguration());
    List<String> contents = new ArrayList<>();
    RemoteIterator<LocatedFileStatus> it = fs.listFiles(root, true);
    while (it.hasNext()) {
      try (InputStream in = fs.open(it.next().getPath())) {
        contents.add(new String(in.readAllBytes(), StandardCharsets.ISO_8859_1));
      }
    }
    return contents;
  }

  private static List<String> blobs(Path dir) throws IOException {
    List<String> contents = new ArrayList<>();
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) walk.filter(Files::isRegularFile)::iterator) {
        contents.add(new String(Files.readAllBytes(p), StandardCharsets.ISO_8859_1));
      }
    }
    return contents;
  }

  /** Every log event of the JVM at INFO and above into a writer, for the duration of a block. */
  private static final class LogCapture implements AutoCloseable {
    private final LoggerContext context = (LoggerContext) LogManager.getContext(false);
    private final LoggerConfig root = context.getConfiguration().getRootLogger();
    private final Level level = root.getLevel();
    private final Appender appender;
    private final List<Appender> removed = new ArrayList<>();

    LogCapture(StringWriter target) {
      Configuration config = context.getConfiguration();
      appender = WriterAppender.newBuilder().setName("secrets-capture").setTarget(target)
          .setLayout(PatternLayout.newBuilder().withPattern("%p %c %m %ex%n").build()).build();
      appender.start();
      config.addAppender(appender);
      removed.addAll(root.getAppenders().values());
      removed.forEach(a -> root.removeAppender(a.getName())); // keep Spark's INFO out of the build log
      root.addAppender(appender, Level.ALL, null);
      root.setLevel(Level.INFO);
      context.updateLoggers();
    }

    @Override
    public void close() {
      root.removeAppender(appender.getName());
      removed.forEach(a -> root.addAppender(a, null, null));
      root.setLevel(level);
      context.updateLoggers();
      appender.stop();
    }
  }
}
