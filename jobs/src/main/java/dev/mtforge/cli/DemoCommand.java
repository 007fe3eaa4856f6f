package dev.mtforge.cli;

import dev.mtforge.jobs.analysis.AnalyzeSystemsJob;
import dev.mtforge.jobs.evaluate.EvaluateTranslationsJob;
import dev.mtforge.jobs.report.AnalysisReportJob;

import dev.mtforge.jobs.report.DirectionMatrixJob;
import dev.mtforge.jobs.report.ScoreReportJob;
import dev.mtforge.jobs.init.InitWarehouseJob;
import dev.mtforge.jobs.merge.MergeAdapterGroupsJob;
import dev.mtforge.jobs.merge.RegisterAdaptersJob;
import dev.mtforge.jobs.prepare.PrepareCorpusJob;
import dev.mtforge.jobs.training.BuildTrainingShardsJob;
import dev.mtforge.jobs.translate.TranslateTestSetJob;
import dev.mtforge.jobs.warehouse.RunContext;
import dev.mtforge.jobs.warehouse.Warehouse;
import dev.mtforge.schemas.languages.LanguageRegistry;
import dev.mtforge.udfs.readers.SourceFormat;
import dev.mtforge.udfs.tensor.merge.MergeOptions;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code mtforge demo}: the whole pipeline on the bundled sample data, in one Spark session.
 * Each stage is the same job class its own command runs; re-running the demo adds no rows.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = "Run the pipeline end to end on the bundled sample data (sample-data/) with the"
        + " embedded defaults: local Spark, Delta tables under --warehouse (default ./warehouse)."
        + " Stages: init, prepare, build-training, register-adapters, merge-groups, translate"
        + " (tiny test model; base and DATM, and all 90 directions of a 10-language multi-way sample),"
        + " evaluate (BLEU, chrF++ and COMET with tiny test COMET models), analyze (DATM against base),"
        + " report (bar charts, analysis page and direction matrices).")
public final class DemoCommand implements Callable<Integer> {
  @Mixin SparkOptions sparkOptions;
  @Mixin RegistryOptions registryOptions;
  @Spec CommandSpec spec;

  @Option(
      names = "--samples",
      paramLabel = "<dir>",
      description = "The sample-data folder. Default: sample-data/ of this installation.")
  Path samples;

  public static void main(String[] args) {
    System.exit(MtforgeCli.run(new DemoCommand(), args));
  }

  @Override
  public Integer call() {
    Path data = samples != null ? samples : Path.of(System.getProperty("mtforge.home", "."), "sample-data");
    if (!Files.isDirectory(data.resolve("prepare"))) {
      throw new IllegalArgumentException("Sample data not found in " + data.toAbsolutePath()
          + "; run bin/mtforge from a checkout or pass --samples <dir>");
    }
    PrintWriter out = spec.commandLine().getOut();
    SparkSession spark = sparkOptions.session("demo");
    Warehouse warehouse = sparkOptions.openWarehouse(spark);
    RunContext run = sparkOptions.run();
    LanguageRegistry registry = registryOptions.registry();
    out.printf("mtforge demo: run %s, warehouse %s%n", run.runId(), warehouse.location());

    InitWarehouseJob.Result init =
        new InitWarehouseJob(warehouse, registry, run).registrySource(registryOptions.describe()).execute();
    out.printf("[init] %d tables created, %d languages registered%n",
        init.createdTables().size(), init.registryLanguages());
    out.flush();

    PrepareCorpusJob prepare = new PrepareCorpusJob(warehouse, registry, run);
    for (SourceFormat format : SourceFormat.values()) { // one sample folder per format, named like it
      prepare.source(format, data.resolve("prepare").resolve(format.label()).toString());
    }
    out.print("[prepare] " + PrepareCommand.describe(prepare.execute()));
    out.flush();

    BuildTrainingShardsJob.Result shards =
        new BuildTrainingShardsJob(warehouse, run)
            .option(BuildTrainingShardsJob.STRATEGY, "dat")
            .option(BuildTrainingShardsJob.SAMPLE, "1012")
            .execute();
    out.printf("[build-training] %d %s shards (%d pairs) under %s%n",
        shards.shards(), shards.strategy(), shards.pairs(), shards.output());
    out.flush();

    RegisterAdaptersJob.Result registered =
        new RegisterAdaptersJob(warehouse, registry, run).source(data.resolve("adapters").toString()).execute();
    out.printf("[register-adapters] %d adapters registered (%d new)%n",
        registered.adapterIds().size(), registered.inserted());
    MergeAdapterGroupsJob.Result merged =
        new MergeAdapterGroupsJob(warehouse, run)
            .option(MergeOptions.METHOD, "ties")
            .option(MergeOptions.DENSITY, "0.5")
            .execute();
    for (MergeAdapterGroupsJob.GroupMerge g : merged.merged()) {
      out.printf(Locale.ROOT, "[merge-groups] group %d: %s <- %s (kept %.1f%%, sign conflicts %.1f%%)%n",
          g.groupId(), g.outputAdapterId(), String.join(", ", g.inputs()),
          100 * g.keptFraction(), 100 * g.signConflictRate());
    }
    out.flush();

    Path model = data.resolve("models").resolve("tiny-llama");
    // Base model on four directions, then DATM on de-en: group 1's merged xx-en adapter.
    String base = translate(out, warehouse, registry, run, model, "none", "de-en,en-de,fr-en,en-fr");
    String datm = translate(out, warehouse, registry, run, model, "datm", "de-en");

    // Every direction of a 10-language multi-way sample (90), read through its English alignment.
    out.print("[prepare] multi-way sample: " + PrepareCommand.describe(new PrepareCorpusJob(warehouse, registry, run)
        .source(SourceFormat.FLORES200, data.resolve("multiway").resolve("flores200").toString())
        .option(PrepareCorpusJob.DATASET, "flores-multiway").execute()));
    TranslateTestSetJob.Result all =
        new TranslateTestSetJob(warehouse, registry, run)
            .option(TranslateTestSetJob.MODEL, model.toString())
            .option(TranslateTestSetJob.TEST_SET, "flores-multiway:devtest")
            .option(TranslateTestSetJob.DIRECTIONS, "all")
            .option(TranslateTestSetJob.NUM_BEAMS, "1")
            // the base model's decoding: the same system id, so its systems row stays true
            .option(TranslateTestSetJob.MAX_NEW_TOKENS, "64")
            .execute();
    out.printf("[translate] %s (all directions of flores-multiway): %d segments translated, %d already present%n",
        all.systemId(), all.segmentsTranslated(), all.segmentsSkipped());
    out.flush();

    // tiny random COMET models in the published layout, exported by deploy/export/export_comet.py
    Path comet = data.resolve("models").resolve("tiny-comet");
    EvaluateTranslationsJob.Result scores =
        new EvaluateTranslationsJob(warehouse, registry, run)
            .option(EvaluateTranslationsJob.METRICS, "bleu,chrf++,comet,cometkiwi")
            .option(EvaluateTranslationsJob.COMET_MODEL, comet.resolve("comet-da").toString())
            .option(EvaluateTranslationsJob.COMETKIWI_MODEL, comet.resolve("cometkiwi-da").toString())
            .execute();
    out.printf("[evaluate] %d segment scores, %d system scores%n", scores.segmentScores(),
        scores.systemScores());
    EvaluateTranslationsJob.CometStats c = scores.comet();
    out.printf(Locale.ROOT, "[evaluate] COMET: %d encoder passes for %d scores (%d without shared encodings),"
        + " padding waste %.1f%%%n", c.encoded(), c.segmentScores(), c.unsharedPasses(), 100 * c.paddingWaste());
    for (EvaluateTranslationsJob.PairScore pair : scores.pairs()) {
      if (!pair.dataset().equals("flores-multiway")) { // its 90 directions are in matrix.html
        out.println("[evaluate] " + pair);
      }
    }
    out.flush();

    // the paper's analysis of the two systems: DATM against the base model
    AnalyzeSystemsJob.Result analysis = new AnalyzeSystemsJob(warehouse, registry, run)
        .option(AnalyzeSystemsJob.BASELINE, base).option(AnalyzeSystemsJob.SYSTEMS, datm).execute();
    analysis.summary().forEach(d -> out.println("[analyze] " + d));
    out.flush();

    ScoreReportJob.Result report = new ScoreReportJob(warehouse).execute();
    out.printf("[report] %d charts: %s/index.html%n", report.files().size() - 1, report.output());
    AnalysisReportJob.Result page = new AnalysisReportJob(warehouse, registry).option(AnalysisReportJob.BASELINE, base)
        .execute();
    out.printf("[report] analysis: %s/%s%n", page.output(), AnalysisReportJob.PAGE);

    DirectionMatrixJob.Result matrices = new DirectionMatrixJob(warehouse, registry).execute();
    out.printf("[report] %d direction matrices: %s/%s%n", matrices.matrices(), matrices.output(), DirectionMatrixJob.PAGE);
    out.flush();

    out.printf("Tables: %s%nQuery them: bin/mtforge sql --warehouse %s \"SHOW TABLES\"%n",
        warehouse.tableNames(), warehouse.location());
    out.flush();
    return 0;
  }

  /** Translates and returns the system id. */
  private static String translate(PrintWriter out, Warehouse warehouse, LanguageRegistry registry,
      RunContext run, Path model, String routing, String directions) {
    TranslateTestSetJob.Result translated =
        new TranslateTestSetJob(warehouse, registry, run)
            .option(TranslateTestSetJob.MODEL, model.toString())
            .option(TranslateTestSetJob.TEST_SET, "flores200:devtest")
            .option(TranslateTestSetJob.DIRECTIONS, directions)
            .option(TranslateTestSetJob.ROUTING, routing)
            .option(TranslateTestSetJob.NUM_BEAMS, "1")
            .option(TranslateTestSetJob.MAX_NEW_TOKENS, "64")
            .execute();
    out.printf(Locale.ROOT,
        "[translate] %s (%s): %d segments translated, %d already present, padding waste %.1f%%%n",
        translated.systemId(), directions, translated.segmentsTranslated(),
        translated.segmentsSkipped(), 100 * translated.paddingWaste());
    out.flush();
    return translated.systemId();
  }
}
