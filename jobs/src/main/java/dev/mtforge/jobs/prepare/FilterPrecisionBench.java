package dev.mtforge.jobs.prepare;

import dev.mtforge.schemas.languages.Language;
import dev.mtforge.schemas.languages.LanguageRegistry;
import dev.mtforge.udfs.filters.FilterSettings;
import dev.mtforge.udfs.filters.PairFilters;
import dev.mtforge.udfs.langid.LanguageCheckSettings;
import dev.mtforge.udfs.langid.LanguageIdentifier;
import dev.mtforge.udfs.readers.RawPair;
import dev.mtforge.udfs.readers.ReadUnit;
import dev.mtforge.udfs.readers.SourceFormat;
import dev.mtforge.udfs.readers.SourceLayout;
import dev.mtforge.udfs.readers.SourcePlan;
import dev.mtforge.udfs.readers.UnitReader;
import dev.mtforge.udfs.spark.HadoopSourceFiles;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ForkJoinPool;
import java.util.stream.Collectors;
import org.apache.hadoop.conf.Configuration;

/**
 * Measures the {@code wrong_script} / {@code wrong_language} filters of prepare on published human
 * translations (not a test): every rejection of a NTREX-128 or Flores pair is a false one (or a
 * real defect of the data set, shown with {@code show=N}), and the recall on {@link WrongPairSet},
 * pairs made wrong from the same data. Reads the folders as published, with prepare's readers,
 * and runs {@link PairFilters#check} exactly as prepare does (lingua restricted to the languages
 * measured plus English). No Spark. Prints markdown tables.
 *
 * <pre>{@code java -cp jobs/target/mtforge.jar dev.mtforge.jobs.prepare.FilterPrecisionBench \
 *     ntrex=/tmp/NTREX flores=/tmp/flores200_dataset languages=cs,de,fr,hi,is,ja,ru,uk,zh \
 *     [step=4] [show=0] [threads=2] [min-letters=N] [min-margin=X]}</pre>
 *
 * <p>{@code bench/filter-precision.sh} runs it; figures are in docs/DATA.md.
 */
public final class FilterPrecisionBench {
  private static final LanguageRegistry REGISTRY = LanguageRegistry.defaults();

  private FilterPrecisionBench() {}

  public static void main(String[] args) throws InterruptedException, ExecutionException {
    Map<String, String> opts = new LinkedHashMap<>();
    for (String arg : args) {
      int eq = arg.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("Expected key=value, got '" + arg + "'");
      }
      opts.put(arg.substring(0, eq), arg.substring(eq + 1));
    }
    List<String> codes = Arrays.stream(opts.getOrDefault("languages", "cs,de,fr,hi,is,ja,ru,uk,zh").split(","))
        .map(String::trim).toList();
    int step = Integer.parseInt(opts.getOrDefault("step", "4"));
    int show = Integer.parseInt(opts.getOrDefault("show", "0"));
    int threads = Integer.parseInt(opts.getOrDefault("threads", "2"));
    LanguageCheckSettings check = new LanguageCheckSettings(
        Integer.parseInt(opts.getOrDefault("min-letters", String.valueOf(LanguageCheckSettings.MIN_LETTERS_DEFAULT))),
        Double.parseDouble(opts.getOrDefault("min-margin", String.valueOf(LanguageCheckSettings.MIN_MARGIN_DEFAULT))));
    FilterSettings settings = new FilterSettings(FilterSettings.MAX_LENGTH_RATIO_DEFAULT,
        FilterSettings.MIN_LENGTH_FOR_RATIO_DEFAULT, check);
    List<Language> languages = new ArrayList<>();
    languages.add(REGISTRY.pivot());
    codes.forEach(c -> languages.add(REGISTRY.language(c)));
    LanguageIdentifier id = LanguageIdentifier.shared(languages);
    ForkJoinPool pool = new ForkJoinPool(threads);

    System.out.printf(Locale.ROOT, "Language check: %s, lingua high accuracy, languages en + %s%n%n", check, codes);
    Map<String, Map<Integer, String>> ntrexTexts = new TreeMap<>();
    long[] ntrexRejected = new long[2]; // rejected human pairs, all human pairs
    for (String source : List.of("ntrex", "flores")) {
      if (!opts.containsKey(source)) {
        continue;
      }
      SourceFormat format = source.equals("ntrex") ? SourceFormat.NTREX128 : SourceFormat.FLORES200;
      Map<String, List<RawPair>> bySet = read(format, opts.get(source), codes);
      System.out.println("| " + source + " | pairs | wrong_script | wrong_language | language or script | rate | other reasons |");
      System.out.println("|---|---:|---:|---:|---:|---:|---|");
      long[] total = new long[4];
      Map<String, Long> otherTotal = new TreeMap<>();
      for (Map.Entry<String, List<RawPair>> set : bySet.entrySet()) {
        List<RawPair> pairs = set.getValue();
        List<List<PairFilters.Problem>> problems = pool.submit(() -> pairs.parallelStream()
            .map(p -> PairFilters.check(p.srcText(), p.tgtText(), p.srcLang(), p.tgtLang(), settings, id))
            .toList()).get();
        // As prepare does: a pair is rejected for its first problem.
        long script = problems.stream().filter(p -> first(p, PairFilters.WRONG_SCRIPT)).count();
        long language = problems.stream().filter(p -> first(p, PairFilters.WRONG_LANGUAGE)).count();
        Map<String, Long> other = problems.stream().filter(p -> !p.isEmpty())
            .map(p -> p.get(0).reason())
            .filter(r -> !r.equals(PairFilters.WRONG_SCRIPT) && !r.equals(PairFilters.WRONG_LANGUAGE))
            .collect(Collectors.groupingBy(r -> r, TreeMap::new, Collectors.counting()));
        other.forEach((k, v) -> otherTotal.merge(k, v, Long::sum));
        long[] row = {pairs.size(), script, language, script + language};
        for (int i = 0; i < 4; i++) {
          total[i] += row[i];
        }
        System.out.println(row(set.getKey(), row, other));
        for (int i = 0, shown = 0; i < pairs.size() && shown < show; i++) {
          List<PairFilters.Problem> p = problems.get(i);
          if (first(p, PairFilters.WRONG_SCRIPT) || first(p, PairFilters.WRONG_LANGUAGE)) {
            shown++;
            System.out.printf("|   | seg %d: %s | %s | %s | | | |%n", pairs.get(i).segId(), p.get(0).detail(),
                clip(pairs.get(i).srcText()), clip(pairs.get(i).tgtText()));
          }
        }
        if (format == SourceFormat.NTREX128) {
          for (RawPair p : pairs) {
            ntrexTexts.computeIfAbsent(p.srcLang(), k -> new TreeMap<>()).put(p.segId(), p.srcText());
            ntrexTexts.computeIfAbsent("en", k -> new TreeMap<>()).put(p.segId(), p.tgtText());
          }
        }
      }
      System.out.println(row("**all**", total, otherTotal));
      if (format == SourceFormat.NTREX128) {
        ntrexRejected[0] = total[3];
        ntrexRejected[1] = total[0];
      }
      System.out.println();
    }
    if (!ntrexTexts.isEmpty()) {
      recall(WrongPairSet.generate(languages, ntrexTexts, step), settings, id, pool, show, ntrexRejected);
    }
    pool.shutdown();
  }

  private static void recall(
      List<WrongPairSet.WrongPair> wrong, FilterSettings settings, LanguageIdentifier id, ForkJoinPool pool, int show,
      long[] humanRejected) throws InterruptedException, ExecutionException {
    List<List<PairFilters.Problem>> problems = pool.submit(() -> wrong.parallelStream()
        .map(w -> PairFilters.check(w.src(), w.tgt(), w.lang(), "en", settings, id)).toList()).get();
    Map<String, Map<WrongPairSet.Kind, long[]>> counts = new TreeMap<>();
    int shown = 0;
    for (int i = 0; i < wrong.size(); i++) {
      WrongPairSet.WrongPair w = wrong.get(i);
      boolean caught = has(problems.get(i), PairFilters.WRONG_SCRIPT) || has(problems.get(i), PairFilters.WRONG_LANGUAGE);
      long[] c = counts.computeIfAbsent(w.lang(), k -> new TreeMap<>()).computeIfAbsent(w.kind(), k -> new long[2]);
      c[0] += caught ? 1 : 0;
      c[1]++;
      if (!caught && shown < show) {
        shown++;
        System.out.printf("missed %s %s (%s): %s | %s%n", w.lang(), w.kind(), w.what(), clip(w.src()), clip(w.tgt()));
      }
    }
    System.out.println("| recall (NTREX-derived) | " + Arrays.stream(WrongPairSet.Kind.values()).map(k -> k.label)
        .collect(Collectors.joining(" | ")) + " |");
    System.out.println("|---" + "|---:".repeat(WrongPairSet.Kind.values().length) + "|");
    Map<WrongPairSet.Kind, long[]> total = new TreeMap<>();
    counts.forEach((lang, byKind) -> {
      StringBuilder line = new StringBuilder("| " + lang + " |");
      for (WrongPairSet.Kind kind : WrongPairSet.Kind.values()) {
        long[] c = byKind.get(kind);
        line.append(' ').append(c == null ? "–" : c[0] + "/" + c[1]).append(" |");
        if (c != null) {
          long[] t = total.computeIfAbsent(kind, k -> new long[2]);
          t[0] += c[0];
          t[1] += c[1];
        }
      }
      System.out.println(line);
    });
    StringBuilder line = new StringBuilder("| **all** |");
    for (WrongPairSet.Kind kind : WrongPairSet.Kind.values()) {
      long[] t = total.get(kind);
      line.append(t == null ? " – |" : String.format(Locale.ROOT, " %.1f %% (%d/%d) |", 100.0 * t[0] / t[1], t[0], t[1]));
    }
    System.out.println(line);
    long caught = total.values().stream().mapToLong(t -> t[0]).sum();
    long generated = total.values().stream().mapToLong(t -> t[1]).sum();
    System.out.printf(Locale.ROOT, "%nRecall %.1f %% (%d of %d generated wrong pairs); precision %.2f %% (%d caught"
            + " against %d of %d NTREX-128 human pairs rejected for language or script)%n",
        100.0 * caught / generated, caught, generated, 100.0 * caught / (caught + humanRejected[0]), caught,
        humanRejected[0], humanRejected[1]);
  }

  /** Pairs of the format's folder for the languages, by {@code dataset/split lang}. */
  private static Map<String, List<RawPair>> read(SourceFormat format, String root, List<String> codes) {
    HadoopSourceFiles files = new HadoopSourceFiles(new Configuration());
    Map<String, List<RawPair>> bySet = new TreeMap<>();
    SourcePlan plan = SourceLayout.scan(format, root, files, REGISTRY, Optional.empty(), Optional.empty());
    System.out.println(plan.describe().replaceAll("\\(([^()]{200})[^()]*\\)", "($1…)") + "\n");
    for (ReadUnit unit : plan.units()) {
      if (codes.contains(unit.srcLang())) {
        bySet.put(unit.dataset() + "/" + unit.split() + " " + unit.srcLang(), UnitReader.read(unit, files));
      }
    }
    return bySet;
  }

  private static boolean has(List<PairFilters.Problem> problems, String reason) {
    return problems.stream().anyMatch(p -> p.reason().equals(reason));
  }

  private static boolean first(List<PairFilters.Problem> problems, String reason) {
    return !problems.isEmpty() && problems.get(0).reason().equals(reason);
  }

  private static String row(String name, long[] r, Map<String, Long> other) {
    return String.format(Locale.ROOT, "| %s | %d | %d | %d | %d | %.2f %% | %s |", name, r[0], r[1], r[2], r[3],
        r[0] == 0 ? 0.0 : 100.0 * r[3] / r[0],
        other.entrySet().stream().map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", ")));
  }

  private static String clip(String text) {
    String oneLine = text.replace('|', '¦');
    return oneLine.length() > 90 ? oneLine.substring(0, 90) + "…" : oneLine;
  }
}
