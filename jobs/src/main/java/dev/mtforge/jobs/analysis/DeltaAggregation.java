package dev.mtforge.jobs.analysis;

import dev.mtforge.jobs.evaluate.Scopes;
import dev.mtforge.schemas.languages.Language;
import dev.mtforge.schemas.languages.LanguageRegistry;
import dev.mtforge.udfs.analysis.PairedComparison;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Turns pair comparisons into {@code analysis_deltas} rows: one per pair (significant when
 * {@code p <= alpha}, sacreBLEU's marking), then per direction, language group and resource level
 * the means of score, baseline score and delta over the pairs, with the significant wins and
 * losses counted. A language in several groups counts in each (as evaluate's group scores);
 * pairs without the pivot ({@code xx-yy}) count only in their direction.
 */
final class DeltaAggregation {
  static final String SYNERGY = "synergy";
  static final String CONFLICT = "conflict";
  static final String NONE = "none";

  private final LanguageRegistry registry;
  private final String baselineId;
  private final double alpha;
  private final int samples;
  private final long seed;

  DeltaAggregation(LanguageRegistry registry, String baselineId, double alpha, int samples, long seed) {
    this.registry = registry;
    this.baselineId = baselineId;
    this.alpha = alpha;
    this.samples = samples;
    this.seed = seed;
  }

  /** {@code xx-en}, {@code en-xx} or {@code xx-yy}, with the registry's pivot as {@code en}. */
  static String direction(LanguageRegistry registry, String src, String tgt) {
    String pivot = registry.pivot().code();
    if (pivot.equals(tgt)) {
      return "xx-en";
    }
    return pivot.equals(src) ? "en-xx" : "xx-yy";
  }

  /** Pair rows first (in input order), then the aggregates in key order. */
  List<DeltaRow> rows(List<PairDelta> pairs) {
    List<DeltaRow> out = new ArrayList<>();
    Scopes<DeltaRow> scopes = new Scopes<>();
    for (PairDelta p : pairs) {
      String direction = direction(registry, p.srcLang(), p.tgtLang());
      String code = direction.equals("xx-en") ? p.srcLang() : direction.equals("en-xx") ? p.tgtLang() : null;
      Optional<Language> language = code == null ? Optional.empty() : registry.find(code);
      Integer group = language.map(l -> l.groups().first()).orElse(null);
      String resource = language.map(l -> l.resource().label()).orElse(null);
      boolean higher = PairedComparison.higherIsBetter(p.metric());
      boolean significant = p.pValue() <= alpha;
      int sign = outcome(p.delta(), higher);
      DeltaRow row = new DeltaRow(baselineId, p.systemId(), p.dataset(), p.split(), p.metric(), "pair", direction,
          p.srcLang(), p.tgtLang(), code, group, resource, p.score(), p.baselineScore(), p.delta(), p.pValue(),
          significant, reading(sign), 1, significant && sign > 0 ? 1 : 0, significant && sign < 0 ? 1 : 0,
          p.segments(), higher, samples, seed);
      out.add(row);
      List<Object> base = List.of(p.systemId(), p.dataset(), p.split(), p.metric());
      scopes.addDirection(base, direction, row);
      if (language.isPresent()) {
        scopes.addLanguage(base, direction, language.get().groups(), resource, row);
      }
    }
    scopes.members().forEach((key, members) -> out.add(aggregate(key, members)));
    return out;
  }

  private DeltaRow aggregate(Scopes.Key key, List<DeltaRow> members) {
    DeltaRow first = members.get(0);
    double score = members.stream().mapToDouble(DeltaRow::score).average().orElseThrow();
    double baseline = members.stream().mapToDouble(DeltaRow::baselineScore).average().orElseThrow();
    double delta = members.stream().mapToDouble(DeltaRow::delta).average().orElseThrow();
    return new DeltaRow(baselineId, first.systemId(), first.dataset(), first.split(), first.metric(),
        key.scope(), key.direction(), null, null, null, key.group(), key.resource(), score,
        baseline, delta, null, null, reading(outcome(delta, first.higherIsBetter())), members.size(),
        members.stream().mapToInt(DeltaRow::wins).sum(), members.stream().mapToInt(DeltaRow::losses).sum(),
        members.stream().mapToLong(DeltaRow::segments).sum(), first.higherIsBetter(), samples, seed);
  }

  /** 1 when the system is better than the baseline, -1 when worse, 0 when tied. */
  private static int outcome(double delta, boolean higherIsBetter) {
    int sign = (int) Math.signum(delta);
    return higherIsBetter ? sign : -sign;
  }

  private static String reading(int outcome) {
    return outcome > 0 ? SYNERGY : outcome < 0 ? CONFLICT : NONE;
  }
}
