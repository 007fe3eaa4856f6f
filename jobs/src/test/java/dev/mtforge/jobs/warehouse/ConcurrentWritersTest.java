package dev.mtforge.jobs.warehouse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mtforge.jobs.evaluate.EvaluateTranslationsJob;
import dev.mtforge.jobs.prepare.PrepareCorpusJob;
import dev.mtforge.jobs.translate.TranslateTestSetJob;
import dev.mtforge.jobs.translate.TranslateTestSetJobTest;
import dev.mtforge.schemas.languages.LanguageRegistry;
import dev.mtforge.schemas.tables.TableContract;
import dev.mtforge.schemas.tables.Tables;
import dev.mtforge.testing.SparkTestSession;
import dev.mtforge.udfs.readers.SourceFormat;
import io.delta.exceptions.ConcurrentAppendException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.Test;

/**
 * Jobs writing the same tables at the same time, as two Airflow runs started by mistake would:
 * each completes (Delta's optimistic-concurrency conflicts are retried, the writes being
 * idempotent MERGEs) or fails with a clear message, and no row is lost or written twice. The jobs
 * run in two threads of one session; Delta detects the conflicts from the log as it would between
 * processes.
 */
class ConcurrentWritersTest {
  private static final LanguageRegistry REGISTRY =
      LanguageRegistry.load(SparkTestSession.repoRoot().resolve("conf"));

  /** Runs the tasks at the same moment; returns each one's failure or null. */
  private static List<Throwable> together(List<Callable<?>> tasks) throws InterruptedException {
    ExecutorService pool = Executors.newFixedThreadPool(tasks.size());
    CountDownLatch start = new CountDownLatch(1);
    List<Future<?>> futures = new ArrayList<>();
    for (Callable<?> task : tasks) {
      futures.add(pool.submit(() -> {
        start.await();
        SparkSession.setActiveSession(SparkTestSession.get());
        return task.call();
      }));
    }
    start.countDown();
    List<Throwable> failures = new ArrayList<>();
    for (Future<?> future : futures) {
      try {
        future.get();
        failures.add(null);
      } catch (java.util.concurrent.ExecutionException e) {
        failures.add(e.getCause());
      }
    }
    pool.shutdown();
    return failures;
  }

  private static void assertNoDuplicateKeys(Warehouse warehouse, TableContract table) {
    Column[] key = table.keyColumns().stream().map(c -> functions.col("`" + c + "`")).toArray(Column[]::new);
    assertThat(warehouse.read(table).groupBy(key).count().filter("count > 1").count())
        .as("keys of %s written twice", table.name()).isZero();
  }

  private static TranslateTestSetJob translate(Warehouse warehouse, String runId) {
    return new TranslateTestSetJob(warehouse, REGISTRY, RunContext.start(runId))
        .option(TranslateTestSetJob.MODEL, TranslateTestSetJobTest.MODEL.toString())
        .option(TranslateTestSetJob.TEST_SET, "sample:devtest")
        .option(TranslateTestSetJob.ROUTING, "none")
        .option(TranslateTestSetJob.NUM_BEAMS, "1")
        .option(TranslateTestSetJob.MAX_NEW_TOKENS, "8")
        .option(TranslateTestSetJob.BATCH_SIZE, "4")
        .option(TranslateTestSetJob.COMMIT_SEGMENTS, "4");
  }

  @Test
  void conflictsOfIdempotentWritesAreRetriedAndGiveUpWithAClearMessage() {
    AtomicInteger calls = new AtomicInteger();
    String result = ConcurrentCommits.retry("translations", "merge", () -> {
      if (calls.incrementAndGet() < 3) {
        throw new ConcurrentAppendException("Files were added to the table by a concurrent update.");
      }
      return "done";
    });
    assertThat(result).isEqualTo("done");
    assertThat(calls).hasValue(3);

    assertThatThrownBy(() -> ConcurrentCommits.retry("segment_scores", "merge", () -> {
      throw new ConcurrentAppendException("Files were added to the table by a concurrent update.");
    }))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("Cannot merge table segment_scores: 8 attempts conflicted with concurrent writers (last:"
            + " ConcurrentAppendException); another job keeps writing to it, re-run this one when it has finished");
    // anything else is not retried
    AtomicInteger other = new AtomicInteger();
    assertThatThrownBy(() -> ConcurrentCommits.retry("t", "merge", () -> {
      other.incrementAndGet();
      throw new IllegalArgumentException("bad");
    })).hasMessage("bad");
    assertThat(other).hasValue(1);
    // a race Delta reports otherwise (a table another writer is still creating) when told apart
    AtomicInteger creating = new AtomicInteger();
    assertThat(ConcurrentCommits.retry("merges", "create", () -> {
      if (creating.incrementAndGet() < 3) {
        throw new IllegalStateException("DELTA_CREATE_TABLE_WITH_NON_EMPTY_LOCATION");
      }
      return "created";
    }, e -> e.getMessage().contains("NON_EMPTY_LOCATION"))).isEqualTo("created");
    assertThat(creating).hasValue(3);
    // Spark's AnalysisException (Delta's create refusal among them) is a checked exception that
    // Scala code throws undeclared; a plain checked exception stands for it
    AtomicInteger analysis = new AtomicInteger();
    assertThat(ConcurrentCommits.retry("merges", "create", () -> {
      if (analysis.incrementAndGet() < 2) {
        throw sneaky(new Exception("[DELTA_CREATE_TABLE_WITH_NON_EMPTY_LOCATION] Cannot create table"));
      }
      return "created";
    }, e -> e.getMessage().contains("NON_EMPTY_LOCATION"))).isEqualTo("created");
    assertThat(analysis).hasValue(2);
    assertThatThrownBy(() -> ConcurrentCommits.retry("merges", "create", () -> {
      throw sneaky(new Exception("[TABLE_OR_VIEW_NOT_FOUND] t"));
    }, e -> e.getMessage().contains("NON_EMPTY_LOCATION"))).hasMessage("[TABLE_OR_VIEW_NOT_FOUND] t");
  }

  @SuppressWarnings("unchecked")
  private static <E extends Exception> RuntimeException sneaky(Exception e) throws E {
    throw (E) e;
  }

  @Test
  void twoTranslateRunsOfOneSystemIdAtOnceLoseAndDuplicateNothing() throws Exception {
    Warehouse warehouse = TranslateTestSetJobTest.warehouseWithTestSet("concurrent-translate");
    List<Throwable> failures = together(List.of(
        () -> translate(warehouse, "first").execute(), () -> translate(warehouse, "second").execute()));
    assertThat(failures).containsOnlyNulls();
    assertNoDuplicateKeys(warehouse, Tables.TRANSLATIONS);
    assertThat(warehouse.read(Tables.TRANSLATIONS).count()).isEqualTo(10);
    assertThat(warehouse.read(Tables.TRANSLATIONS).select("system_id").distinct().collectAsList())
        .extracting(r -> r.getString(0)).containsExactly("tiny-llama-none");
  }

  @Test
  void twoEvaluatesAndAPrepareBesideThemLoseAndDuplicateNothing() throws Exception {
    Warehouse warehouse = TranslateTestSetJobTest.warehouseWithTestSet("concurrent-evaluate");
    translate(warehouse, "t").execute();
    Callable<?> evaluate = () -> new EvaluateTranslationsJob(warehouse, REGISTRY, RunContext.start("e"))
        .option(EvaluateTranslationsJob.METRICS, "bleu,chrf").execute();
    Callable<?> prepare = () -> new PrepareCorpusJob(warehouse, REGISTRY, RunContext.start("p"))
        .source(SourceFormat.WMT_SGML, SparkTestSession.repoRoot().resolve("sample-data/prepare/wmt-sgml").toString())
        .execute();
    List<Throwable> failures = together(List.of(evaluate, evaluate, prepare));
    assertThat(failures).containsOnlyNulls();
    for (TableContract table : List.of(Tables.SEGMENT_SCORES, Tables.SYSTEM_SCORES, Tables.PARALLEL_SENTENCES,
        Tables.DATA_STATS)) {
      assertNoDuplicateKeys(warehouse, table);
    }
    // 10 segments x 2 metrics; the sample test set (10 rows) plus the SGML test set (5 rows)
    assertThat(warehouse.read(Tables.SEGMENT_SCORES).count()).isEqualTo(20);
    assertThat(warehouse.read(Tables.PARALLEL_SENTENCES).count()).isEqualTo(15);

    // A later evaluate computes the same scores: it changes no row.
    long systemScores = warehouse.read(Tables.SYSTEM_SCORES).count();
    new EvaluateTranslationsJob(warehouse, REGISTRY, RunContext.start("e2"))
        .option(EvaluateTranslationsJob.METRICS, "bleu,chrf").execute();
    assertThat(warehouse.read(Tables.SEGMENT_SCORES).filter("run_id = 'e2'").count()).isZero();
    assertThat(warehouse.read(Tables.SYSTEM_SCORES).count()).isEqualTo(systemScores);
  }
}
