package dev.mtforge.cli;

import dev.mtforge.jobs.config.JobConfig;
import dev.mtforge.jobs.prepare.ParagraphSentenceSplitter;
import dev.mtforge.jobs.prepare.PrepareCorpusJob;
import dev.mtforge.jobs.warehouse.Warehouse;
import dev.mtforge.udfs.langid.LanguageCheckSettings;
import dev.mtforge.udfs.readers.SourceFormat;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code mtforge prepare}: ingests raw parallel data into parallel_sentences (see
 * {@link PrepareCorpusJob}).
 *
 * <pre>{@code bin/mtforge prepare --source flores200=data/flores200 --source alma-json=data/human_written_data}</pre>
 */
@Command(
    name = "prepare",
    mixinStandardHelpOptions = true,
    description = "Read raw parallel data (Flores-200, FLORES+, NTREX-128, WMT txt/SGML/XML, ALMA JSON,"
        + " X-ALMA parquet) into parallel_sentences; filter training splits into rejected_pairs; remove"
        + " training pairs found in test sets; store WMT system outputs; refresh data_stats. Re-running"
        + " with the same input changes nothing.")
public final class PrepareCommand implements Callable<Integer> {
  @Mixin SparkOptions sparkOptions;
  @Mixin RegistryOptions registryOptions;
  @Spec CommandSpec spec;

  @Option(
      names = "--source",
      required = true,
      paramLabel = "<format>=<path>",
      converter = SourceConverter.class,
      description = "Input folder or file (local or s3a://) and its layout: flores200, flores-plus, ntrex128,"
          + " wmt-txt, wmt-sgml, wmt-xml, alma-json, xalma-parquet. A folder is read as published: files that"
          + " are not data of the format (README, LICENSE, metadata) and languages not in the registry are"
          + " skipped and listed in the log. Repeatable.")
  List<Map.Entry<SourceFormat, String>> sources;

  @Option(names = "--split", paramLabel = "<name>",
      description = "Split for every source instead of the one the files give (prepare.split).")
  String split;

  @Option(names = "--dataset", paramLabel = "<name>",
      description = "Dataset name for every source instead of the format's default (prepare.dataset).")
  String dataset;

  @Option(names = "--train-splits", paramLabel = "<a,b>",
      description = "Splits that are filtered (prepare.train-splits). Default: " + PrepareCorpusJob.TRAIN_SPLITS_DEFAULT + ".")
  String trainSplits;

  @Option(names = "--test-splits", paramLabel = "<a,b>",
      description = "Splits training data must not overlap (prepare.test-splits). Default: " + PrepareCorpusJob.TEST_SPLITS_DEFAULT + ".")
  String testSplits;

  @Option(names = "--max-length-ratio", paramLabel = "<ratio>",
      description = "Reject training pairs whose longer side is more than this many times the shorter"
          + " (prepare.max-length-ratio). Default: 3.0.")
  String maxLengthRatio;

  @Option(names = "--split-sentences",
      description = "Also split the source paragraphs of test splits into sentences (paragraph_sentences) with"
          + " Spark NLP's rule-based SentenceDetector, for paragraph-level test sets such as WMT23 en-de"
          + " (prepare.split-sentences). Needs " + ParagraphSentenceSplitter.COORDINATE + " on the class path.")
  Boolean splitSentences;

  @Option(names = "--tokenizer", paramLabel = "<path>",
      description = "HF tokenizer.json, or a folder holding one (local or s3a://), for token counts and"
          + " fertility in data_stats (prepare.tokenizer). Default: none.")
  String tokenizer;

  @Option(names = "--language-check", paramLabel = "<mode>",
      description = "lingua for the wrong_language filter: high (most accurate), low (several times faster) or"
          + " off (script check only) (prepare.language-check). Default: high.")
  String languageCheck;

  @Option(names = "--language-min-letters", paramLabel = "<n>",
      description = "Letters a side needs (names shared with the other side not counted) before lingua may call it"
          + " another language; shorter sides only get the script check (prepare.language-min-letters)."
          + " Default: " + LanguageCheckSettings.MIN_LETTERS_DEFAULT + ".")
  String languageMinLetters;

  @Option(names = "--language-min-margin", paramLabel = "<0..1>",
      description = "wrong_language only when lingua's confidence in the expected language is this far below its"
          + " confidence in the language it detects (1.0) (prepare.language-min-margin). Default: "
          + LanguageCheckSettings.MIN_MARGIN_DEFAULT + ".")
  String languageMinMargin;

  public static void main(String[] args) {
    System.exit(MtforgeCli.run(new PrepareCommand(), args));
  }

  @Override
  public Integer call() {
    if (Boolean.TRUE.equals(splitSentences)) {
      requireSparkNlp(); // before a Spark session starts; a config-file value is checked below
    }
    SparkSession spark = sparkOptions.session("prepare");
    Warehouse warehouse = sparkOptions.openWarehouse(spark);
    PrepareCorpusJob job = new PrepareCorpusJob(warehouse, registryOptions.registry(), sparkOptions.run());
    sources.forEach(s -> job.source(s.getKey(), s.getValue()));
    JobConfig config = sparkOptions.jobConfig(spark.sparkContext().getConf());
    option(job, config, PrepareCorpusJob.SPLIT, split);
    option(job, config, PrepareCorpusJob.DATASET, dataset);
    option(job, config, PrepareCorpusJob.TRAIN_SPLITS, trainSplits);
    option(job, config, PrepareCorpusJob.TEST_SPLITS, testSplits);
    option(job, config, PrepareCorpusJob.MAX_LENGTH_RATIO, maxLengthRatio);
    option(job, config, PrepareCorpusJob.MIN_LENGTH_FOR_RATIO, null);
    String splitFlag = splitSentences == null ? null : splitSentences.toString();
    option(job, config, PrepareCorpusJob.SPLIT_SENTENCES, splitFlag);
    if (Boolean.parseBoolean(splitFlag != null ? splitFlag : config.get(PrepareCorpusJob.SPLIT_SENTENCES).orElse("false"))) {
      requireSparkNlp();
    }

    option(job, config, PrepareCorpusJob.TOKENIZER, tokenizer);
    option(job, config, PrepareCorpusJob.LANGUAGE_CHECK, languageCheck);
    option(job, config, PrepareCorpusJob.LANGUAGE_MIN_LETTERS, languageMinLetters);
    option(job, config, PrepareCorpusJob.LANGUAGE_MIN_MARGIN, languageMinMargin);
    PrepareCorpusJob.Result result = job.execute();
    PrintWriter out = spec.commandLine().getOut();
    out.print(describe(result));
    out.flush();
    return 0;
  }

  /** A missing Spark NLP is a deployment mistake, reported like a usage error (exit 2). */
  private void requireSparkNlp() {
    try {
      ParagraphSentenceSplitter.requireSparkNlp();
    } catch (IllegalStateException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
  }

  /** The summary the command prints. */
  static String describe(PrepareCorpusJob.Result result) {
    StringBuilder text = new StringBuilder();
    text.append(String.format("Read %d rows: %d sentence rows inserted, %d training pairs rejected, %d system output rows inserted.%n",
        result.rowsRead(), result.sentencesInserted(), result.rejected(), result.systemOutputsInserted()));
    if (!result.rejectedByReason().isEmpty()) {
      text.append("Rejected by reason: ").append(join(result.rejectedByReason())).append(System.lineSeparator());
    }
    if (!result.contaminationByTestSet().isEmpty()) {
      text.append("Contamination by test set: ").append(join(result.contaminationByTestSet())).append(System.lineSeparator());
    }
    if (result.paragraphSentencesInserted() > 0) {
      text.append(String.format("%d paragraph sentence rows inserted.%n", result.paragraphSentencesInserted()));
    }
    return text.toString();
  }

  private static String join(Map<String, Long> counts) {
    return new java.util.TreeMap<>(counts).entrySet().stream()
        .map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", "));
  }

  /** Parses {@code FORMAT=PATH} while the command line is parsed, so mistakes exit with code 2. */
  static final class SourceConverter implements CommandLine.ITypeConverter<Map.Entry<SourceFormat, String>> {
    @Override
    public Map.Entry<SourceFormat, String> convert(String value) {
      int eq = value.indexOf('=');
      if (eq <= 0 || eq == value.length() - 1) {
        throw new CommandLine.TypeConversionException("'" + value + "' is not <format>=<path>");
      }
      try {
        return Map.entry(SourceFormat.parse(value.substring(0, eq)), value.substring(eq + 1));
      } catch (IllegalArgumentException e) {
        throw new CommandLine.TypeConversionException(e.getMessage());
      }
    }
  }

  private static void option(PrepareCorpusJob job, JobConfig config, String key, String flag) {
    String value = flag != null ? flag : config.get(key).orElse(null);
    if (value != null) {
      job.option(key, value);
    }
  }
}
