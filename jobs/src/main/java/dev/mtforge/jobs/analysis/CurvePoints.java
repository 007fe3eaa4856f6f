package dev.mtforge.jobs.analysis;

import dev.mtforge.jobs.systems.SystemRow;
import dev.mtforge.schemas.languages.LanguageRegistry;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * The curse-of-multilinguality curve as {@code analysis_curves} rows: per system, test set,
 * metric and direction ({@code xx-en}, {@code en-xx}, {@code xx-yy}, {@code all}), the mean pair
 * score against the number of training languages the {@code systems} table gives it. The anchor
 * score averages only the pairs every system of the analysis was scored on, so systems trained
 * on more languages are compared on the same pairs too (the paper's appendix B.2).
 */
final class CurvePoints {
  private CurvePoints() {}

  static List<Row> rows(String baselineId, List<String> systemIds, List<PairScore> scores,
      Map<String, SystemRow> systems, LanguageRegistry registry) {
    // (dataset, split, metric, direction) -> system -> pair -> score
    Map<List<String>, Map<String, Map<String, Double>>> byCurve = new TreeMap<>(CurvePoints::compare);
    for (PairScore s : scores) {
      String direction = DeltaAggregation.direction(registry, s.srcLang(), s.tgtLang());
      for (String d : List.of(direction, "all")) {
        byCurve.computeIfAbsent(List.of(s.dataset(), s.split(), s.metric(), d), k -> new TreeMap<>())
            .computeIfAbsent(s.systemId(), k -> new TreeMap<>())
            .put(s.pair(), s.score());
      }
    }
    List<Row> out = new ArrayList<>();
    for (Map.Entry<List<String>, Map<String, Map<String, Double>>> curve : byCurve.entrySet()) {
      Set<String> anchor = null;
      for (String id : systemIds) {
        Set<String> pairs = curve.getValue().getOrDefault(id, Map.of()).keySet();
        if (anchor == null) {
          anchor = new HashSet<>(pairs);
        } else {
          anchor.retainAll(pairs);
        }
      }
      for (Map.Entry<String, Map<String, Double>> system : curve.getValue().entrySet()) {
        Map<String, Double> pairs = system.getValue();
        double mean = pairs.values().stream().mapToDouble(Double::doubleValue).average().orElseThrow();
        Set<String> anchored = anchor == null ? Set.of() : anchor;
        Double anchorMean = anchored.isEmpty() ? null
            : anchored.stream().mapToDouble(pairs::get).average().orElseThrow();
        SystemRow row = systems.get(system.getKey());
        List<String> key = curve.getKey();
        out.add(RowFactory.create(baselineId, system.getKey(), key.get(0), key.get(1), key.get(2), key.get(3),
            row == null ? null : row.strategy().label(),
            row == null || row.trainingLanguages() == null ? null : row.trainingLanguages().size(),
            mean, pairs.size(), anchorMean, anchored.size()));
      }
    }
    return out;
  }

  private static int compare(List<String> a, List<String> b) {
    for (int i = 0; i < a.size(); i++) {
      int c = a.get(i).compareTo(b.get(i));
      if (c != 0) {
        return c;
      }
    }
    return 0;
  }
}
