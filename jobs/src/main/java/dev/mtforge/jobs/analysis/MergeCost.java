package dev.mtforge.jobs.analysis;

import dev.mtforge.jobs.systems.SystemRow;
import dev.mtforge.schemas.languages.LanguageRegistry;
import dev.mtforge.schemas.tables.SystemStrategy;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * DAT against DATM as {@code analysis_merge_cost} rows. Every DATM system of the analysis is
 * compared with every DAT system of the same model, on the pairs whose DATM adapter (from
 * {@code systems.adapters}) is the output of a {@code merges} row: per direction and merge group,
 * and per direction over all groups, the mean pair delta (DATM - DAT) and the parameters the
 * merges removed (inputs minus outputs, counted in the adapter files), so that the cost of
 * merging one direction can be set against another's per parameter (the paper: merging en-xx
 * costs 6.86x more per parameter than xx-en).
 */
final class MergeCost {
  /**
   * A {@code merges} row.
   *
   * @param inputPaths the input adapters' folders
   */
  record Merge(String mergeId, String outputAdapterId, Integer groupId, List<String> inputPaths, String outputPath) {}

  private final LanguageRegistry registry;
  private final AdapterParameters parameters;

  MergeCost(LanguageRegistry registry, AdapterParameters parameters) {
    this.registry = registry;
    this.parameters = parameters;
  }

  List<Row> rows(List<String> systemIds, Map<String, SystemRow> systems, List<PairScore> scores, List<Merge> merges) {
    Map<String, Merge> byOutput = new HashMap<>();
    merges.forEach(m -> byOutput.put(m.outputAdapterId(), m));
    // (system, dataset, split, metric) -> pair -> score
    Map<List<String>, Map<String, Double>> index = new TreeMap<>(Comparator.comparing(k -> String.join("\u0000", k)));
    for (PairScore s : scores) {
      index.computeIfAbsent(List.of(s.systemId(), s.dataset(), s.split(), s.metric()), k -> new HashMap<>())
          .put(s.pair(), s.score());
    }
    List<Row> out = new ArrayList<>();
    for (String datmId : systemIds) {
      SystemRow datm = systems.get(datmId);
      if (datm == null || datm.strategy() != SystemStrategy.DATM) {
        continue;
      }
      Map<String, Merge> mergedPairs = new TreeMap<>();
      datm.adapters().forEach((pair, adapter) -> {
        if (byOutput.containsKey(adapter)) {
          mergedPairs.put(pair, byOutput.get(adapter));
        }
      });
      for (String datId : systemIds) {
        SystemRow dat = systems.get(datId);
        if (dat == null || dat.strategy() != SystemStrategy.DAT || !Objects.equals(dat.model(), datm.model())) {
          continue;
        }
        for (Map.Entry<List<String>, Map<String, Double>> test : index.entrySet()) {
          List<String> k = test.getKey();
          if (!k.get(0).equals(datmId)) {
            continue;
          }
          Map<String, Double> datScores = index.get(List.of(datId, k.get(1), k.get(2), k.get(3)));
          if (datScores != null) {
            out.addAll(rows(datmId, datId, k.get(1), k.get(2), k.get(3), mergedPairs, test.getValue(), datScores));
          }
        }
      }
    }
    return out;
  }

  private List<Row> rows(String datmId, String datId, String dataset, String split, String metric,
      Map<String, Merge> mergedPairs, Map<String, Double> datmScores, Map<String, Double> datScores) {
    // (direction, group or null for the whole direction) -> pairs compared
    Map<String, Map<Integer, List<String>>> cells = new TreeMap<>();
    for (Map.Entry<String, Merge> e : mergedPairs.entrySet()) {
      String pair = e.getKey();
      if (!datmScores.containsKey(pair) || !datScores.containsKey(pair)) {
        continue;
      }
      String[] langs = pair.split("-", 2);
      String direction = DeltaAggregation.direction(registry, langs[0], langs[1]);
      Map<Integer, List<String>> byGroup =
          cells.computeIfAbsent(direction, d -> new TreeMap<>(Comparator.nullsFirst(Comparator.naturalOrder())));
      byGroup.computeIfAbsent(null, g -> new ArrayList<>()).add(pair);
      if (e.getValue().groupId() != null) {
        byGroup.computeIfAbsent(e.getValue().groupId(), g -> new ArrayList<>()).add(pair);
      }
    }
    List<Row> out = new ArrayList<>();
    Double xxEnPerMillion = null;
    for (Map.Entry<String, Map<Integer, List<String>>> direction : cells.entrySet()) {
      for (Map.Entry<Integer, List<String>> cell : direction.getValue().entrySet()) {
        List<String> pairs = cell.getValue();
        double dat = pairs.stream().mapToDouble(datScores::get).average().orElseThrow();
        double datm = pairs.stream().mapToDouble(datmScores::get).average().orElseThrow();
        Set<Merge> used = new LinkedHashSet<>();
        pairs.forEach(p -> used.add(mergedPairs.get(p)));
        Long in = sum(used.stream().flatMap(m -> m.inputPaths().stream()).toList());
        Long outputs = sum(used.stream().map(Merge::outputPath).toList());
        Long merged = in == null || outputs == null ? null : in - outputs;
        double delta = datm - dat;
        Double perMillion = merged == null || merged <= 0 ? null : delta / merged * 1e6;
        if (cell.getKey() == null && direction.getKey().equals("xx-en")) {
          xxEnPerMillion = perMillion;
        }
        int inputs = used.stream().mapToInt(m -> m.inputPaths().size()).sum();
        out.add(RowFactory.create(datmId, datId, dataset, split, metric, direction.getKey(), cell.getKey(),
            pairs.size(), dat, datm, delta, used.size(), inputs, in, outputs, merged, perMillion, null));
      }
    }
    // the ratio needs xx-en's cost, which sorts after en-xx and xx-yy: fill it in afterwards
    List<Row> withRatios = new ArrayList<>();
    for (Row r : out) {
      boolean directionRow = r.isNullAt(6) && !"xx-en".equals(r.getString(5));
      if (directionRow && xxEnPerMillion != null && xxEnPerMillion != 0 && !r.isNullAt(16)) {
        Object[] values = new Object[r.length()];
        for (int i = 0; i < values.length; i++) {
          values[i] = r.get(i);
        }
        values[17] = r.getDouble(16) / xxEnPerMillion;
        withRatios.add(RowFactory.create(values));
      } else {
        withRatios.add(r);
      }
    }
    return withRatios;
  }

  private Long sum(List<String> paths) {
    long total = 0;
    for (String path : paths) {
      OptionalLong count = parameters.count(path);
      if (count.isEmpty()) {
        return null;
      }
      total += count.getAsLong();
    }
    return total;
  }
}
