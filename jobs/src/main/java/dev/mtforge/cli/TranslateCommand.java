package dev.mtforge.cli;

import dev.mtforge.jobs.config.JobConfig;
import dev.mtforge.jobs.translate.TranslateTestSetJob;
import dev.mtforge.jobs.warehouse.Warehouse;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import dev.mtforge.udfs.inference.Routing;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code mtforge translate}: translates a test set with a model package and routed adapters.
 * Each flag mirrors a {@link TranslateTestSetJob} option key; an unset flag falls back to the job
 * config file, then {@code spark.mtforge.<key>}, then the job's default.
 */
@Command(
    name = "translate",
    mixinStandardHelpOptions = true,
    description = "Translate test segments of parallel_sentences with an ONNX model package and the"
        + " LoRA adapter each direction's routing picks; write translations. Resumable: a re-run"
        + " translates only the segments missing for the system id.")
public final class TranslateCommand implements Callable<Integer> {
  @Mixin SparkOptions sparkOptions;
  @Mixin RegistryOptions registryOptions;
  @Spec CommandSpec spec;

  @Option(names = "--model", paramLabel = "<dir>",
      description = "Model package folder, local or s3a:// (inference.model).")
  String model;

  @Option(names = "--test-set", paramLabel = "<dataset[:split]>",
      description = "Test set in parallel_sentences, e.g. flores:devtest (inference.test-set).")
  String testSet;

  @Option(names = "--routing", paramLabel = "<routing>", converter = RoutingFlag.class,
      description = "none, multilingual, separate, group, dat or datm (inference.routing). Default: none.")
  String routing;

  @Option(names = "--shots", paramLabel = "<k>",
      description = "Few-shot examples per prompt, from --shot-split, same direction (inference.shots). Default: 0.")
  String shots;

  @Option(names = "--shot-split", paramLabel = "<split|dataset:split>",
      description = "Where few-shot examples come from (inference.shot-split). Default: dev of the test set's dataset.")
  String shotSplit;

  @Option(names = "--directions", paramLabel = "<pairs|all>",
      description = "Comma-separated pairs such as de-en,de-cs, or all: every ordered pair of the test set's"
          + " languages; non-English pairs of a multi-way set (Flores) are read through its English alignment"
          + " (inference.directions). Default: the pairs stored for the test set.")
  String directions;

  // Not --languages: that is the registry folder (RegistryOptions) in every command.
  @Option(names = "--only-languages", paramLabel = "<codes>",
      description = "With --directions all: only these languages, e.g. de,cs,zh (inference.languages).")
  String languages;

  @Option(names = "--pivot", paramLabel = "<lang>",
      description = "Translate pairs without this language through it: src->pivot with the xx->en route, then"
          + " pivot->tgt with the en->xx route; both legs are stored (inference.pivot). Default: none.")
  String pivot;

  @Option(names = "--xx-yy-route", paramLabel = "<base|multilingual>",
      description = "Adapter of non-English pairs that are not pivoted, under routing separate, group, dat or datm"
          + " (inference.xx-yy-route). Default: none (such a pair is an error).")
  String xxYyRoute;

  @Option(names = "--prompt", paramLabel = "<alma|x-alma|llamax|file>",
      description = "Prompt format: alma, x-alma (ALMA in the LLaMA-2 chat template), llamax (Alpaca), or a template"
          + " file with {Src}, {Tgt}, {source}, local or s3a:// (inference.prompt). Default: alma.")
  String prompt;

  @Option(names = "--num-beams", paramLabel = "<n>", description = "Beams; 1 = greedy (inference.num-beams). Default: 5.")
  String numBeams;

  @Option(names = "--max-new-tokens", paramLabel = "<n>",
      description = "Most new tokens per segment (inference.max-new-tokens). Default: 256.")
  String maxNewTokens;

  @Option(names = "--length-penalty", paramLabel = "<x>",
      description = "Beam length penalty (inference.length-penalty). Default: 1.0.")
  String lengthPenalty;

  @Option(names = "--early-stopping", paramLabel = "<rule>",
      description = "true, false or never (inference.early-stopping). Default: false.")
  String earlyStopping;

  @Option(names = "--batch-size", paramLabel = "<n>", description = "Segments per batch (inference.batch-size). Default: 8.")
  String batchSize;

  @Option(names = "--system-id", paramLabel = "<id>",
      description = "system_id of the rows (inference.system-id). Default: <model>-<routing>[-<k>shot][-pivot-<lang>][-<prompt>].")
  String systemId;

  @Option(names = "--chat-template", paramLabel = "<bool>",
      description = "true is --prompt x-alma (inference.chat-template). Default: false.")
  String chatTemplate;

  @Option(names = "--commit-segments", paramLabel = "<n>",
      description = "Segments per commit (inference.commit-segments). Default: 2000.")
  String commitSegments;

  @Option(names = "--device", paramLabel = "<device>", description = "cpu or gpu:N (inference.device). Default: cpu.")
  String device;

  @Option(names = "--threads", paramLabel = "<n>",
      description = "ONNX Runtime threads per task (inference.threads). Default: 1.")
  String threads;

  /** Checks --routing while parsing, so a typo is a usage error (exit 2) before Spark starts. */
  static final class RoutingFlag implements ITypeConverter<String> {
    @Override
    public String convert(String value) {
      try {
        return Routing.parse(value).label();
      } catch (IllegalArgumentException e) {
        throw new CommandLine.TypeConversionException(e.getMessage());
      }
    }
  }

  public static void main(String[] args) {
    System.exit(MtforgeCli.run(new TranslateCommand(), args));
  }

  @Override
  public Integer call() {
    SparkSession spark = sparkOptions.session("translate");
    JobConfig config = sparkOptions.jobConfig(spark.sparkContext().getConf());
    Map<String, String> flags = new LinkedHashMap<>();
    flags.put(TranslateTestSetJob.MODEL, model);
    flags.put(TranslateTestSetJob.TEST_SET, testSet);
    flags.put(TranslateTestSetJob.ROUTING, routing);
    flags.put(TranslateTestSetJob.DIRECTIONS, directions);
    flags.put(TranslateTestSetJob.LANGUAGES, languages);
    flags.put(TranslateTestSetJob.PIVOT, pivot);
    flags.put(TranslateTestSetJob.XX_YY_ROUTE, xxYyRoute);
    flags.put(TranslateTestSetJob.PROMPT, prompt);
    flags.put(TranslateTestSetJob.NUM_BEAMS, numBeams);
    flags.put(TranslateTestSetJob.MAX_NEW_TOKENS, maxNewTokens);
    flags.put(TranslateTestSetJob.LENGTH_PENALTY, lengthPenalty);
    flags.put(TranslateTestSetJob.EARLY_STOPPING, earlyStopping);
    flags.put(TranslateTestSetJob.BATCH_SIZE, batchSize);
    flags.put(TranslateTestSetJob.SYSTEM_ID, systemId);
    flags.put(TranslateTestSetJob.CHAT_TEMPLATE, chatTemplate);
    flags.put(TranslateTestSetJob.SHOTS, shots);
    flags.put(TranslateTestSetJob.SHOT_SPLIT, shotSplit);
    flags.put(TranslateTestSetJob.COMMIT_SEGMENTS, commitSegments);
    flags.put(TranslateTestSetJob.DEVICE, device);
    flags.put(TranslateTestSetJob.THREADS, threads);
    Warehouse warehouse = sparkOptions.openWarehouse(spark);
    TranslateTestSetJob job = new TranslateTestSetJob(warehouse, registryOptions.registry(), sparkOptions.run());
    flags.forEach((key, flag) -> job.option(key, flag != null ? flag : config.get(key).orElse(null)));
    PrintWriter out = spec.commandLine().getOut();
    job.chunkListener((chunk, chunks, rows) -> {
      out.printf("chunk %d/%d: %d segments committed%n", chunk + 1, chunks, rows);
      out.flush();
    });
    TranslateTestSetJob.Result r = job.execute();
    out.printf(
        "System %s: %d segments translated%s, %d already present; %d prompt + %d output tokens in %.1f s"
            + " (%.1f output tokens/s; %.1f per core in tasks, %.1f per task CPU second; padding waste %.1f%%).%n",
        r.systemId(), r.segmentsTranslated(),
        r.pivotedSegments() > 0 ? " (" + r.pivotedSegments() + " through the pivot)" : "", r.segmentsSkipped(), r.promptTokens(), r.outputTokens(),
        r.seconds(), r.outputTokensPerSecond(), r.decodeTokensPerSecond(), r.decodeTokensPerCpuSecond(),
        100 * r.paddingWaste());
    out.flush();
    return 0;
  }
}
