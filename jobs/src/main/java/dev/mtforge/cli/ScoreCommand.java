package dev.mtforge.cli;

import dev.mtforge.schemas.InvalidInputException;
import dev.mtforge.udfs.metrics.Bleu;
import dev.mtforge.udfs.metrics.BootstrapConfidence;
import dev.mtforge.udfs.metrics.Chrf;
import dev.mtforge.udfs.metrics.Metric;
import dev.mtforge.udfs.metrics.PairedTest;
import dev.mtforge.udfs.metrics.PythonFormat;
import dev.mtforge.udfs.metrics.Score;
import dev.mtforge.udfs.metrics.Signature;
import dev.mtforge.udfs.metrics.Ter;
import dev.mtforge.udfs.metrics.TextFiles;
import dev.mtforge.udfs.tokenize.PythonText;
import dev.mtforge.udfs.tokenize.Tokenizers;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code mtforge score}: a drop-in for the {@code sacrebleu} command on files (no Spark, starts in
 * well under a second). Flags, defaults and output follow sacreBLEU 2.6; the signature's version
 * field names mtforge.
 *
 * <pre>{@code bin/mtforge score ref.de -i hyp.de -m bleu chrf ter -f text}</pre>
 */
@Command(
    name = "score",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Score system outputs against references with sacreBLEU 2.6's BLEU, chrF/chrF++ and TER"
          + " (same numbers, same output), and with COMET (-m comet / cometkiwi --source SRC"
          + " --comet-model PKG). Needs no Spark.",
      "Exit codes: 0 success, 2 usage error, 3 input rejected (missing file, bad UTF-8, line"
          + " counts differ)."
    })
public final class ScoreCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(paramLabel = "REF", arity = "0..*",
      description = "Reference file(s), one segment per line (none for -m cometkiwi alone).")
  List<Path> refs = new ArrayList<>();

  @Mixin CometScoreOptions comet;

  /** COMET's segment statistics per metric and system (hypothesis list identity); empty without COMET. */
  private Map<Metric, Map<List<String>, List<long[]>>> cometStats = Map.of();

  @Option(names = {"-i", "--input"}, paramLabel = "HYP", arity = "1..*", required = true,
      description = "System output file(s); several are compared (paired tests take the first as baseline).")
  List<Path> inputs = new ArrayList<>();

  @Option(names = {"-m", "--metrics"}, paramLabel = "<metric>", arity = "1..*",
      description = "bleu, chrf, ter, comet and/or cometkiwi (default: ${DEFAULT-VALUE}).")
  List<String> metrics = new ArrayList<>(List.of("bleu"));

  @Option(names = {"-nr", "--num-refs"}, paramLabel = "<n>", defaultValue = "1",
      description = "Split each reference line on tabs into this many references (default: ${DEFAULT-VALUE}).")
  int numRefs;

  @Option(names = {"-l", "--language-pair"}, paramLabel = "<src-tgt>",
      description = "Language pair; the target picks the default BLEU tokenizer (zh, ja-mecab, else 13a).")
  String languagePair;

  @Option(names = {"-sl", "--sentence-level"}, description = "Score each segment (one metric, one system).")
  boolean sentenceLevel;

  @Option(names = {"-tok", "--tokenize"}, paramLabel = "<tok>",
      description = "BLEU tokenizer: 13a, intl, zh, char, none, ja-mecab, flores101, flores200.")
  String tokenize;

  @Option(names = "--spm-model", paramLabel = "<path>",
      description = "SentencePiece model file for -tok flores101/flores200 (cannot be downloaded).")
  String spmModel;

  @Option(names = {"-lc", "--lowercase"}, description = "Case-insensitive BLEU.")
  boolean lowercase;

  @Option(names = {"-s", "--smooth-method"}, paramLabel = "<method>", defaultValue = "exp",
      description = "BLEU smoothing: none, floor, add-k, exp (default: ${DEFAULT-VALUE}).")
  String smoothMethod;

  @Option(names = {"-sv", "--smooth-value"}, paramLabel = "<value>",
      description = "Smoothing value for floor (0.1) and add-k (1).")
  Double smoothValue;

  @Option(names = "--force", description = "Accepted for compatibility; mtforge never warns about tokenized input.")
  boolean force;

  @Option(names = {"-cc", "--chrf-char-order"}, paramLabel = "<n>", defaultValue = "6",
      description = "chrF character n-gram order (default: ${DEFAULT-VALUE}).")
  int chrfCharOrder;

  @Option(names = {"-cw", "--chrf-word-order"}, paramLabel = "<n>", defaultValue = "0",
      description = "chrF word n-gram order; 2 gives chrF++ (default: ${DEFAULT-VALUE}).")
  int chrfWordOrder;

  @Option(names = "--chrf-beta", paramLabel = "<n>", defaultValue = "2",
      description = "chrF recall weight (default: ${DEFAULT-VALUE}).")
  int chrfBeta;

  @Option(names = "--chrf-whitespace", description = "Keep whitespace in chrF character n-grams.")
  boolean chrfWhitespace;

  @Option(names = "--chrf-lowercase", description = "Case-insensitive chrF.")
  boolean chrfLowercase;

  @Option(names = "--chrf-eps-smoothing", description = "chrF epsilon smoothing (chrF++.py, NLTK, Moses).")
  boolean chrfEpsSmoothing;

  @Option(names = "--ter-case-sensitive", description = "Case-sensitive TER.")
  boolean terCaseSensitive;

  @Option(names = "--ter-asian-support", description = "TER: special treatment of Asian characters.")
  boolean terAsianSupport;

  @Option(names = "--ter-no-punct", description = "TER: remove punctuation.")
  boolean terNoPunct;

  @Option(names = "--ter-normalized", description = "TER: tercom normalization.")
  boolean terNormalized;

  @Option(names = {"-par", "--paired-ar"}, description = "Paired approximate randomization test against the first system.")
  boolean pairedAr;

  @Option(names = {"-pbs", "--paired-bs"}, description = "Paired bootstrap resampling test against the first system.")
  boolean pairedBs;

  @Option(names = {"-parn", "--paired-ar-n"}, paramLabel = "<n>", defaultValue = "10000",
      description = "Approximate randomization trials (default: ${DEFAULT-VALUE}).")
  int pairedArN;

  @Option(names = {"-pbsn", "--paired-bs-n"}, paramLabel = "<n>", defaultValue = "1000",
      description = "Bootstrap resamples (default: ${DEFAULT-VALUE}).")
  int pairedBsN;

  @Option(names = {"-ci", "--confidence"}, description = "Report a 95%% confidence interval from bootstrap resampling (one system).")
  boolean confidence;

  @Option(names = {"-cin", "--confidence-n"}, paramLabel = "<n>", defaultValue = "1000",
      description = "Bootstrap resamples for --confidence (default: ${DEFAULT-VALUE}).")
  int confidenceN;

  @Option(names = "--seed", paramLabel = "<n>",
      description = "Seed of the bootstrap and paired tests (default: $SACREBLEU_SEED, else 12345, as sacreBLEU).")
  Long seed;

  @Option(names = {"-w", "--width"}, paramLabel = "<n>", defaultValue = "1",
      description = "Decimals printed (default: ${DEFAULT-VALUE}).")
  int width;

  @Option(names = {"-f", "--format"}, paramLabel = "<fmt>", defaultValue = "json",
      description = "json or text (default: ${DEFAULT-VALUE}, as sacreBLEU; $SACREBLEU_FORMAT overrides).")
  String format;

  @Option(names = {"-b", "--score-only"}, description = "Print only the score.")
  boolean scoreOnly;

  @Option(names = {"-sh", "--short"}, description = "Short signatures.")
  boolean shortSignature;

  @Option(names = {"-q", "--quiet"}, description = "Accepted for compatibility (mtforge prints no progress).")
  boolean quiet;

  @Option(names = {"-nc", "--no-color"},
      description = "Accepted for compatibility: mtforge never colours, as sacreBLEU writing to a pipe or file.")
  boolean noColor;

  public static void main(String[] args) {
    System.exit(MtforgeCli.run(new ScoreCommand(), args));
  }

  @Override
  public Integer call() {
    String fmt = System.getenv().getOrDefault("SACREBLEU_FORMAT", format).toLowerCase(Locale.ROOT);
    if (!fmt.equals("json") && !fmt.equals("text")) {
      fmt = format.toLowerCase(Locale.ROOT);
    }
    if (!fmt.equals("json") && !fmt.equals("text")) {
      throw new ParameterException(spec.commandLine(), "Invalid value for option '--format': '" + format + "' (expected json or text)");
    }
    if (pairedAr && pairedBs) {
      throw new ParameterException(spec.commandLine(), "--paired-ar and --paired-bs are mutually exclusive");
    }
    boolean paired = pairedAr || pairedBs;
    boolean withComet = metrics.stream().anyMatch(CometScoreOptions::isComet);
    if (refs.isEmpty() && !metrics.stream().allMatch(m -> m.equalsIgnoreCase("cometkiwi"))) {
      throw new ParameterException(spec.commandLine(), "Missing required parameter: 'REF'");
    }
    if (withComet && !spec.commandLine().getParseResult().hasMatchedOption("--width")) {
      width = 4; // COMET prints 0.8654
    }
    if (sentenceLevel && metrics.size() > 1) {
      throw new ParameterException(spec.commandLine(), "Only one metric can be used in sentence-level mode.");
    }
    if (numRefs != 1 && refs.size() > 1) {
      throw new ParameterException(spec.commandLine(), "--num-refs splits one tab-separated reference file; got " + refs.size() + " files");
    }

    if (inputs.size() == 1 && !sentenceLevel && !paired && numRefs == 1 && !confidence && !withComet) {
      return streamSingleSystem(fmt);
    }
    List<List<String>> refStreams = readReferences();
    List<String> names = new ArrayList<>();
    List<List<String>> systems = new ArrayList<>();
    for (Path input : inputs) {
      String name = input.toString();
      if (names.contains(name)) {
        if (paired && name.equals(names.get(0))) {
          continue; // sacreBLEU skips a system given again as the baseline
        }
        throw new ParameterException(spec.commandLine(), "'" + name + "' already used to name a system.");
      }
      names.add(name);
      systems.add(TextFiles.readLines(input));
    }
    if (sentenceLevel && systems.size() > 1) {
      throw new ParameterException(spec.commandLine(), "Only one system can be evaluated in sentence-level mode.");
    }
    if (sentenceLevel && (paired || confidence)) {
      throw new ParameterException(spec.commandLine(), "Statistical tests are unavailable in sentence-level mode.");
    }
    if (paired && systems.size() == 1) {
      throw new ParameterException(spec.commandLine(), "Paired tests require multiple input systems given to --input (-i).");
    }
    if (systems.size() > 1 && confidence) {
      // sacreBLEU 2.6 refuses too; --paired-bs reports each system's mean and interval
      throw new ParameterException(spec.commandLine(), "Use paired tests (--paired) for multiple systems.");
    }
    for (int s = 0; s < systems.size(); s++) {
      for (int r = 0; r < refStreams.size(); r++) {
        if (systems.get(s).size() != refStreams.get(r).size()) {
          throw new InvalidInputException(
              "Cannot score " + names.get(s) + ": it has " + systems.get(s).size() + " lines but reference "
                  + referenceName(r) + " has " + refStreams.get(r).size(),
              names.get(s), null);
        }
      }
    }

    // sacreBLEU orders single-system output by metric key (BLEU, CHRF, TER), paired output as given
    Map<String, Metric> byKey = new LinkedHashMap<>();
    for (String m : metrics) {
      byKey.put(m.toUpperCase(Locale.ROOT), buildMetric(m));
    }
    PrintWriter out = spec.commandLine().getOut();
    List<List<String>> segmentRefs = transpose(refStreams, systems.get(0).size());
    int refCount = refCount(segmentRefs);
    if (withComet) {
      List<dev.mtforge.udfs.metrics.Comet> neural = new ArrayList<>();
      byKey.values().forEach(m -> {
        if (m instanceof dev.mtforge.udfs.metrics.Comet c) {
          neural.add(c);
        }
      });
      cometStats = comet.score(spec, neural, names, systems, segmentRefs);
    }

    if (sentenceLevel) {
      Metric metric = byKey.values().iterator().next();
      String sig = signature(metric, refCount);
      List<String> hyps = systems.get(0);
      List<long[]> stats = segmentStats(metric, hyps, segmentRefs);
      for (int i = 0; i < hyps.size(); i++) {
        Score score = metric.score(stats.get(i));
        if (metric instanceof dev.mtforge.udfs.metrics.Comet && fmt.equals("json") && !scoreOnly) {
          // one JSON object per line, in order, with the full-precision score
          out.println("{\"segment\": " + (i + 1) + ", \"score\": " + PythonFormat.repr(score.score()) + "}");
          continue;
        }
        out.println(scoreOnly ? score.formatScoreOnly(width) : score.formatText(width, sig));
      }
      out.flush();
      return 0;
    }

    if (systems.size() == 1) {
      List<String> results = new ArrayList<>();
      BootstrapConfidence bootstrap = confidence ? BootstrapConfidence.of(confidenceN, effectiveSeed()) : null;
      for (Metric metric : new TreeMap<>(byKey).values()) {
        Score score;
        Signature sig;
        if (bootstrap == null) {
          score = metric.score(corpusStats(metric, systems.get(0), segmentRefs));
          sig = metric.signature(refCount);
        } else {
          List<long[]> stats = segmentStats(metric, systems.get(0), segmentRefs);
          score = metric.score(Metric.sum(stats, metric.statsSize()));
          if (confidenceN > 1) {
            // sacreBLEU resamples only for n > 1, and prints the interval only when its mean > 0
            BootstrapConfidence.Interval ci = bootstrap.estimate(metric, stats);
            score = score.withConfidence(ci.mean(), ci.halfWidth());
            sig = bootstrap.signature(metric, refCount);
          } else {
            sig = metric.signature(refCount);
          }
        }
        if (fmt.equals("json")) {
          results.add(scoreOnly ? score.formatScoreOnly(width) : score.formatJson(width, sig.format()));
        } else {
          results.add(scoreOnly ? score.formatScoreOnly(width) : score.formatText(width, shortSignature ? sig.formatShort() : sig.format()));
        }
      }
      printSingle(out, results, fmt);
      out.flush();
      return 0;
    }

    if (!paired) {
      printSystemsTable(out, names, systems, segmentRefs, byKey, refCount, fmt);
    } else {
      printPaired(out, names, systems, segmentRefs, byKey, refCount, fmt);
    }
    out.flush();
    return 0;
  }

  /**
   * One system, corpus scores: streams the files in lockstep and scores batches of segments in
   * parallel, so memory stays flat whatever the corpus size. Statistics are integer sums, so the
   * result does not depend on the batching.
   */
  private int streamSingleSystem(String fmt) {
    Map<String, Metric> byKey = new TreeMap<>();
    for (String m : metrics) {
      byKey.put(m.toUpperCase(Locale.ROOT), buildMetric(m));
    }
    List<Metric> list = new ArrayList<>(byKey.values());
    long[][] totals = new long[list.size()][];
    for (int k = 0; k < list.size(); k++) {
      totals[k] = new long[list.get(k).statsSize()];
    }
    List<TextFiles.LineReader> refReaders = new ArrayList<>();
    try (TextFiles.LineReader hyp = TextFiles.open(inputs.get(0))) {
      for (Path ref : refs) {
        refReaders.add(TextFiles.open(ref));
      }
      final int batch = 4096;
      List<String> hyps = new ArrayList<>(batch);
      List<List<String>> segRefs = new ArrayList<>(batch);
      while (true) {
        hyps.clear();
        segRefs.clear();
        String h;
        while (hyps.size() < batch && (h = hyp.next()) != null) {
          List<String> rs = new ArrayList<>(refReaders.size());
          for (TextFiles.LineReader r : refReaders) {
            String line = r.next();
            if (line == null) {
              throw lengthMismatch(hyp, r);
            }
            rs.add(line);
          }
          hyps.add(h);
          segRefs.add(rs);
        }
        if (hyps.isEmpty()) {
          break;
        }
        for (int k = 0; k < list.size(); k++) {
          Metric metric = list.get(k);
          long[] sum = POOL.submit(() ->
              java.util.stream.IntStream.range(0, hyps.size())
                  .parallel()
                  .mapToObj(i -> metric.segmentStats(hyps.get(i), segRefs.get(i)))
                  .reduce(new long[metric.statsSize()], ScoreCommand::plus, ScoreCommand::plus)).join();
          Metric.add(totals[k], sum);
        }
      }
      for (TextFiles.LineReader r : refReaders) {
        if (r.next() != null) {
          throw lengthMismatch(hyp, r);
        }
      }
    } finally {
      refReaders.forEach(TextFiles.LineReader::close);
    }
    List<String> results = new ArrayList<>();
    for (int k = 0; k < list.size(); k++) {
      Metric metric = list.get(k);
      Score score = metric.score(totals[k]);
      if (fmt.equals("json")) {
        results.add(scoreOnly ? score.formatScoreOnly(width) : score.formatJson(width, metric.signature(refs.size()).format()));
      } else {
        results.add(scoreOnly ? score.formatScoreOnly(width) : score.formatText(width, signature(metric, refs.size())));
      }
    }
    PrintWriter out = spec.commandLine().getOut();
    printSingle(out, results, fmt);
    out.flush();
    return 0;
  }

  /**
   * Scores batches in parallel. Not the common pool: its workers drop their thread-locals after
   * every task, and the metrics keep their per-thread scratch buffers (tokens, n-gram tables) in
   * thread-locals.
   */
  private static final java.util.concurrent.ForkJoinPool POOL =
      new java.util.concurrent.ForkJoinPool(Runtime.getRuntime().availableProcessors());

  private static long[] plus(long[] a, long[] b) {
    long[] c = a.clone();
    Metric.add(c, b);
    return c;
  }

  private InvalidInputException lengthMismatch(TextFiles.LineReader hyp, TextFiles.LineReader ref) {
    // finish counting both files so the message gives their real lengths
    while (hyp.next() != null) {
      // counting
    }
    while (ref.next() != null) {
      // counting
    }
    String name = inputs.get(0).toString();
    return new InvalidInputException(
        "Cannot score " + name + ": it has " + hyp.lineNumber() + " lines but reference "
            + ref.path() + " has " + ref.lineNumber(),
        name, null);
  }

  private List<List<String>> readReferences() {
    List<List<String>> streams = new ArrayList<>();
    if (numRefs == 1) {
      for (Path ref : refs) {
        streams.add(TextFiles.readLines(ref));
      }
      return streams;
    }
    for (int k = 0; k < numRefs; k++) {
      streams.add(new ArrayList<>());
    }
    List<String> lines = TextFiles.readLines(refs.get(0));
    for (int i = 0; i < lines.size(); i++) {
      String[] fields = lines.get(i).split("\t", numRefs);
      if (fields.length != numRefs) {
        throw new InvalidInputException(
            refs.get(0) + ":" + (i + 1) + ": expected " + numRefs + " tab-separated references, found " + fields.length,
            refs.get(0) + ":" + (i + 1), null);
      }
      for (int k = 0; k < numRefs; k++) {
        streams.get(k).add(fields[k]);
      }
    }
    return streams;
  }

  private String referenceName(int r) {
    return numRefs == 1 ? refs.get(r).toString() : refs.get(0) + " (field " + (r + 1) + ")";
  }

  private Metric buildMetric(String name) {
    return switch (name.toLowerCase(Locale.ROOT)) {
      case "bleu" -> {
        String tok = tokenize;
        if (tok == null) {
          String target = languagePair != null && languagePair.contains("-") ? languagePair.split("-", 2)[1] : null;
          tok = Tokenizers.defaultFor(target);
        }
        dev.mtforge.udfs.tokenize.Tokenizer tokenizer;
        try {
          tokenizer = Tokenizers.create(tok, spmModel);
        } catch (IllegalArgumentException e) {
          throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        Bleu.Builder b =
            Bleu.builder()
                .tokenizer(tokenizer)
                .lowercase(lowercase)
                .smoothMethod(smoothMethod)
                .smoothValue(smoothValue)
                .effectiveOrder(sentenceLevel);
        yield b.build();
      }
      case "chrf" ->
          Chrf.builder()
              .charOrder(chrfCharOrder)
              .wordOrder(chrfWordOrder)
              .beta(chrfBeta)
              .lowercase(chrfLowercase)
              .whitespace(chrfWhitespace)
              .epsSmoothing(chrfEpsSmoothing)
              .build();
      case "comet", "cometkiwi" -> comet.metric(spec, name);
      case "ter" ->
          Ter.builder()
              .normalized(terNormalized)
              .noPunct(terNoPunct)
              .asianSupport(terAsianSupport)
              .caseSensitive(terCaseSensitive)
              .build();
      default ->
          throw new ParameterException(
              spec.commandLine(), "Unknown metric '" + name + "' for option '--metrics'; known: bleu, chrf, ter, comet, cometkiwi");
    };
  }

  private String signature(Metric metric, int refCount) {
    return shortSignature ? metric.signature(refCount).formatShort() : metric.signature(refCount).format();
  }

  private static List<List<String>> transpose(List<List<String>> streams, int n) {
    List<List<String>> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      List<String> refs = new ArrayList<>(streams.size());
      for (List<String> s : streams) {
        refs.add(s.get(i));
      }
      out.add(refs);
    }
    return out;
  }

  private static int refCount(List<List<String>> segmentRefs) {
    return segmentRefs.isEmpty() ? 1 : segmentRefs.get(0).size();
  }

  private long[] corpusStats(Metric metric, List<String> hyps, List<List<String>> refs) {
    if (cometStats.containsKey(metric)) {
      return Metric.sum(cometStats.get(metric).get(hyps), metric.statsSize());
    }
    long[] totals = new long[metric.statsSize()];
    for (int i = 0; i < hyps.size(); i++) {
      Metric.add(totals, metric.segmentStats(hyps.get(i), refs.get(i)));
    }
    return totals;
  }

  private List<long[]> segmentStats(Metric metric, List<String> hyps, List<List<String>> refs) {
    if (cometStats.containsKey(metric)) {
      return cometStats.get(metric).get(hyps);
    }
    List<long[]> stats = new ArrayList<>(hyps.size());
    for (int i = 0; i < hyps.size(); i++) {
      stats.add(metric.segmentStats(hyps.get(i), refs.get(i)));
    }
    return stats;
  }

  /** sacreBLEU's print_single_results: a JSON list, or text lines aligned on '='. */
  private static void printSingle(PrintWriter out, List<String> results, String fmt) {
    if (fmt.equals("json")) {
      out.println(results.size() > 1 ? "[\n" + String.join(",\n", results) + "\n]" : results.get(0));
      return;
    }
    if (results.size() == 1) {
      out.println(results.get(0));
      return;
    }
    List<Integer> lens = new ArrayList<>();
    for (String line : results) {
      int eq = line.indexOf('=');
      if (eq < 0) {
        out.println(line);
      } else {
        lens.add(PythonText.length(line.substring(0, eq)) - 1);
      }
    }
    if (!lens.isEmpty()) {
      int w = lens.stream().max(Integer::compare).orElse(0);
      for (int k = 0; k < lens.size(); k++) {
        String line = results.get(k);
        int cut = line.offsetByCodePoints(0, lens.get(k));
        String left = line.substring(0, cut);
        out.println(" ".repeat(Math.max(0, w - lens.get(k))) + left + line.substring(cut));
      }
    }
  }

  private void printSystemsTable(PrintWriter out, List<String> names, List<List<String>> systems,
      List<List<String>> refs, Map<String, Metric> byKey, int refCount, String fmt) {
    Map<String, Metric> sorted = new TreeMap<>(byKey);
    List<String> header = new ArrayList<>(List.of("System"));
    List<List<String>> rows = new ArrayList<>();
    for (Metric m : sorted.values()) {
      header.add(m.name());
    }
    for (int s = 0; s < systems.size(); s++) {
      List<String> row = new ArrayList<>(List.of(names.get(s)));
      for (Metric m : sorted.values()) {
        row.add(m.score(corpusStats(m, systems.get(s), refs)).formatScoreOnly(width));
      }
      rows.add(row);
    }
    if (fmt.equals("json")) {
      // sacreBLEU: json.dumps([{"system": name, <metric>: "<score>"}], indent=4)
      StringBuilder json = new StringBuilder("[\n");
      for (int s = 0; s < rows.size(); s++) {
        json.append("    {\n        \"system\": ").append(quote(names.get(s)));
        for (int c = 1; c < header.size(); c++) {
          json.append(",\n        ").append(quote(header.get(c))).append(": ").append(quote(rows.get(s).get(c)));
        }
        json.append("\n    }").append(s + 1 < rows.size() ? ",\n" : "\n");
      }
      out.println(json.append("]"));
      return;
    }
    out.print(FancyGrid.render(header, rows));
    out.println();
    printSignatures(out, sorted.values(), m -> signature(m, refCount));
  }

  private void printPaired(PrintWriter out, List<String> names, List<List<String>> systems,
      List<List<String>> refs, Map<String, Metric> byKey, int refCount, String fmt) {
    long effectiveSeed = effectiveSeed();
    PairedTest test = pairedBs ? PairedTest.bootstrap(pairedBsN, effectiveSeed) : PairedTest.approximateRandomization(pairedArN, effectiveSeed);
    Map<String, List<PairedTest.Result>> results = new LinkedHashMap<>();
    Map<String, Metric> metricsByName = new LinkedHashMap<>();
    for (Metric m : byKey.values()) {
      List<List<long[]>> stats = new ArrayList<>();
      for (List<String> sys : systems) {
        stats.add(segmentStats(m, sys, refs));
      }
      results.put(m.name(), test.run(m, stats.get(0), stats.subList(1, stats.size())));
      metricsByName.put(m.name(), m);
    }
    List<String> displayNames = new ArrayList<>(names);
    displayNames.set(0, "Baseline: " + names.get(0));
    if (fmt.equals("json")) {
      // sacreBLEU: json.dumps([{system, <metric>: Result.__dict__}], indent=4)
      StringBuilder json = new StringBuilder("[\n");
      for (int s = 0; s < systems.size(); s++) {
        json.append("    {\n        \"system\": ").append(quote(displayNames.get(s)));
        for (Map.Entry<String, List<PairedTest.Result>> e : results.entrySet()) {
          PairedTest.Result r = e.getValue().get(s);
          json.append(",\n        ").append(quote(e.getKey())).append(": {\n")
              .append("            \"score\": ").append(PythonFormat.repr(r.score())).append(",\n")
              .append("            \"p_value\": ").append(num(r.pValue())).append(",\n")
              .append("            \"mean\": ").append(num(r.mean())).append(",\n")
              .append("            \"ci\": ").append(num(r.ci())).append("\n        }");
        }
        json.append("\n    }").append(s + 1 < systems.size() ? ",\n" : "\n");
      }
      out.println(json.append("]"));
      return;
    }
    List<String> header = new ArrayList<>(List.of("System"));
    for (String name : results.keySet()) {
      header.add(pairedBs ? name + " (μ ± 95% CI)" : name);
    }
    List<List<String>> rows = new ArrayList<>();
    for (int s = 0; s < systems.size(); s++) {
      List<String> row = new ArrayList<>(List.of(displayNames.get(s)));
      for (List<PairedTest.Result> rs : results.values()) {
        PairedTest.Result r = rs.get(s);
        String cell = PythonFormat.fixed(r.score(), width);
        if (r.mean() != null) {
          cell += " (" + PythonFormat.fixed(r.mean(), width) + " ± " + PythonFormat.fixed(r.ci(), width) + ")";
        }
        if (r.pValue() != null) {
          // sacreBLEU's fancy_grid puts the p-value on a second line of the cell
          cell += "\n(p = " + PythonFormat.fixed(r.pValue(), 4) + ")" + (r.pValue() > 0.05 ? "" : "*");
        }
        row.add(cell);
      }
      rows.add(row);
    }
    out.print(FancyGrid.render(header, rows));
    out.println();
    String msg = pairedBs
        ? "Paired bootstrap resampling test with " + pairedBsN + " resampling trials"
        : "Paired approximate randomization test with " + pairedArN + " trials";
    out.println("-".repeat(msg.length()) + "\n" + msg + "\n" + "-".repeat(msg.length()));
    out.println(" - Each system is pairwise compared to " + displayNames.get(0) + ".");
    out.println(pairedBs
        ? "   Actual system score / bootstrap estimated true mean / 95% CI are provided for each metric."
        : "   Actual system score is provided for each metric.");
    out.println();
    out.println(" - Null hypothesis: the system and the baseline translations are essentially");
    out.println("   generated by the same underlying process. For a given system and the baseline,");
    out.println("   the p-value is roughly the probability of the absolute score difference (delta)");
    out.println("   or higher occurring due to chance, under the assumption that the null hypothesis is correct.");
    out.println();
    out.println(" - Assuming a significance threshold of 0.05, the null hypothesis can be rejected");
    out.println("   for p-values < 0.05 (marked with \"*\"). This means that the delta is unlikely to be attributed");
    out.println("   to chance, hence the system is significantly \"different\" than the baseline.");
    out.println("   Otherwise, the p-values are highlighted in red.");
    out.println();
    out.println(" - NOTE: Significance does not tell whether a system is \"better\" than the baseline but rather");
    out.println("   emphasizes the \"difference\" of the systems in terms of the replicability of the delta.");
    out.println();
    printSignatures(out, metricsByName.values(), m -> {
      var sig = test.signature(m, refCount);
      return shortSignature ? sig.formatShort() : sig.format();
    });
  }

  private static void printSignatures(PrintWriter out, Iterable<Metric> metrics, java.util.function.Function<Metric, String> sig) {
    out.println("-----------------");
    out.println("Metric signatures");
    out.println("-----------------");
    for (Metric m : metrics) {
      out.printf(" - %-10s %s%n", m.name(), sig.apply(m));
    }
  }

  /** {@code --seed}, else {@code $SACREBLEU_SEED}, else sacreBLEU's 12345. */
  private long effectiveSeed() {
    return seed != null ? seed : Long.parseLong(System.getenv().getOrDefault("SACREBLEU_SEED", "12345"));
  }

  private static String num(Double v) {
    return v == null ? "null" : PythonFormat.repr(v);
  }

  /** A JSON string as Python's {@code json.dumps} writes it (ensure_ascii: non-ASCII as \\uXXXX). */
  private static String quote(String s) {
    StringBuilder out = new StringBuilder("\"");
    for (char c : new String(com.fasterxml.jackson.core.io.JsonStringEncoder.getInstance().quoteAsString(s)).toCharArray()) {
      if (c > 0x7e) {
        out.append(String.format("\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    return out.append('"').toString();
  }
}
