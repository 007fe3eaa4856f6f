package dev.mtforge.jobs.systems;

import dev.mtforge.jobs.warehouse.Warehouse;
import dev.mtforge.schemas.languages.Language;
import dev.mtforge.schemas.languages.LanguageRegistry;
import dev.mtforge.schemas.tables.Tables;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.apache.spark.sql.Row;

/**
 * The languages an adapter was trained on (without the pivot, English), from what the warehouse
 * knows, in this order: its {@code training_shards} row (the languages of its training set); its
 * {@code adapters} row ({@code language}, else the members of {@code group_id}); for a merged
 * adapter, the union of its {@code merges} inputs. A multilingual adapter registered without a
 * shard is unknown.
 */
public final class AdapterLanguages {
  private final LanguageRegistry registry;
  private final Map<String, List<String>> shards = new HashMap<>();
  private final Map<String, Row> adapters = new HashMap<>();
  private final Map<String, List<String>> mergeInputs = new HashMap<>();

  private AdapterLanguages(LanguageRegistry registry) {
    this.registry = registry;
  }

  /** Reads the three tables (small: one row per adapter or merge). */
  public static AdapterLanguages load(Warehouse warehouse, LanguageRegistry registry) {
    AdapterLanguages out = new AdapterLanguages(registry);
    for (Row r : warehouse.read(Tables.TRAINING_SHARDS).select("adapter_id", "languages").collectAsList()) {
      out.shards.put(r.getString(0), r.getList(1));
    }
    for (Row r : warehouse.read(Tables.ADAPTERS).select("adapter_id", "language", "group_id").collectAsList()) {
      out.adapters.put(r.getString(0), r);
    }
    for (Row r : warehouse.read(Tables.MERGES).selectExpr("output_adapter_id", "transform(inputs, i -> i.adapter_id)")
        .collectAsList()) {
      out.mergeInputs.put(r.getString(0), r.getList(1));
    }
    return out;
  }

  /** The languages of one adapter, sorted; empty when the warehouse cannot tell. */
  public Optional<List<String>> of(String adapterId) {
    return resolve(adapterId, new HashSet<>());
  }

  /**
   * The union over several adapters (a system's); an empty collection gives an empty list (the
   * base model), and one unknown adapter makes the union unknown.
   */
  public Optional<List<String>> union(Collection<String> adapterIds) {
    TreeSet<String> all = new TreeSet<>();
    for (String id : adapterIds) {
      Optional<List<String>> languages = of(id);
      if (languages.isEmpty()) {
        return Optional.empty();
      }
      all.addAll(languages.get());
    }
    return Optional.of(new ArrayList<>(all));
  }

  private Optional<List<String>> resolve(String adapterId, Set<String> seen) {
    if (!seen.add(adapterId)) {
      return Optional.empty(); // a merge that lists itself: nothing to learn from it
    }
    List<String> shard = shards.get(adapterId);
    if (shard != null) {
      return Optional.of(withoutPivot(shard));
    }
    List<String> inputs = mergeInputs.get(adapterId);
    if (inputs != null) {
      TreeSet<String> all = new TreeSet<>();
      for (String input : inputs) {
        Optional<List<String>> languages = resolve(input, seen);
        if (languages.isEmpty()) {
          return Optional.empty();
        }
        all.addAll(languages.get());
      }
      return Optional.of(new ArrayList<>(all));
    }
    Row adapter = adapters.get(adapterId);
    if (adapter == null) {
      return Optional.empty();
    }
    if (!adapter.isNullAt(1)) {
      return Optional.of(withoutPivot(List.of(adapter.getString(1))));
    }
    if (!adapter.isNullAt(2)) {
      return Optional.of(withoutPivot(registry.group(adapter.getInt(2)).members().stream().map(Language::code).toList()));
    }
    return Optional.empty();
  }

  private List<String> withoutPivot(Collection<String> codes) {
    String pivot = registry.pivot().code();
    return codes.stream().filter(c -> !c.equals(pivot)).sorted().distinct().toList();
  }
}
