package dev.mtforge.jobs.systems;

import static org.apache.spark.sql.functions.col;

import dev.mtforge.jobs.warehouse.RunContext;
import dev.mtforge.jobs.warehouse.Warehouse;
import dev.mtforge.schemas.InvalidOptionException;
import dev.mtforge.schemas.languages.LanguageRegistry;
import dev.mtforge.schemas.tables.SystemStrategy;
import dev.mtforge.schemas.tables.Tables;
import dev.mtforge.udfs.inference.PromptFormat;
import dev.mtforge.udfs.inference.PromptTemplates;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the {@code systems} rows of systems that {@code translations} has and {@code systems}
 * lacks (translated before the table existed), from what their translation rows say: strategy,
 * model, the adapter of each pair, and the {@code decoding} label
 * ({@code beam5:max256:lp1.0:es=false[:chat|:llamax|:prompt-<hash>][:Kshot]}) parsed back into
 * settings. Rows that are already recorded are left as they are, so running it again writes
 * nothing.
 *
 * <pre>{@code new BackfillSystemsJob(warehouse, registry, run).option(BackfillSystemsJob.SYSTEMS, "a,b").execute();}</pre>
 */
public final class BackfillSystemsJob {
  private static final Logger LOG = LoggerFactory.getLogger(BackfillSystemsJob.class);

  /** Comma-separated system ids to back-fill; empty = every system of translations. */
  public static final String SYSTEMS = "systems.ids";
  private static final Set<String> VALID_OPTIONS = Set.of(SYSTEMS);

  private final Warehouse warehouse;
  private final LanguageRegistry registry;
  private final RunContext run;
  private final Map<String, String> options = new LinkedHashMap<>();

  public BackfillSystemsJob(Warehouse warehouse, LanguageRegistry registry, RunContext run) {
    this.warehouse = Objects.requireNonNull(warehouse, "warehouse");
    this.registry = Objects.requireNonNull(registry, "registry");
    this.run = Objects.requireNonNull(run, "run");
  }

  /** Sets an option; an unknown key fails here. */
  public BackfillSystemsJob option(String key, String value) {
    if (!VALID_OPTIONS.contains(key)) {
      throw new InvalidOptionException("Unknown option '" + key + "' for back-fill; known: " + new TreeSet<>(VALID_OPTIONS));
    }
    if (value != null) {
      options.put(key, value);
    }
    return this;
  }

  /** @param systemIds the systems written, sorted */
  public record Result(List<String> systemIds) {}

  public Result execute() {
    List<String> wanted = new ArrayList<>();
    for (String id : options.getOrDefault(SYSTEMS, "").split(",")) {
      if (!id.isBlank()) {
        wanted.add(id.strip());
      }
    }
    Dataset<Row> translations = warehouse.read(Tables.TRANSLATIONS);
    if (!wanted.isEmpty()) {
      translations = translations.where(col("system_id").isin(wanted.toArray()));
    }
    Dataset<Row> known = warehouse.read(Tables.SYSTEMS).select("system_id");
    Dataset<Row> missing = translations.join(known, translations.col("system_id").equalTo(known.col("system_id")), "left_anti");
    List<Row> summaries =
        missing.groupBy("system_id")
            .agg(functions.max("strategy"), functions.max("model"),
                functions.array_sort(functions.collect_set("decoding")),
                functions.collect_set(functions.when(col("adapter_id").isNotNull(),
                    functions.struct(functions.concat_ws("-", col("src_lang"), col("tgt_lang")), col("adapter_id")))),
                functions.max(functions.when(col("source").startsWith("import:"), 1).otherwise(0)))
            .orderBy("system_id")
            .collectAsList();
    if (summaries.isEmpty()) {
      return new Result(List.of());
    }
    AdapterLanguages languages = AdapterLanguages.load(warehouse, registry);
    List<SystemRow> rows = new ArrayList<>();
    for (Row r : summaries) {
      rows.add(system(r, languages));
    }
    new SystemsTable(warehouse).record(rows, run, "backfill:translations");
    List<String> ids = rows.stream().map(SystemRow::systemId).toList();
    LOG.info("Back-filled {} systems rows from translations: {}", ids.size(), ids);
    return new Result(ids);
  }

  private static SystemRow system(Row r, AdapterLanguages languages) {
    String id = r.getString(0);
    boolean imported = r.getInt(5) == 1;
    SystemStrategy strategy = SystemStrategy.EXTERNAL;
    if (!r.isNullAt(1)) {
      try {
        strategy = SystemStrategy.parse(r.getString(1));
      } catch (IllegalArgumentException e) {
        LOG.warn("System {}: strategy '{}' in translations is unknown; recorded as external", id, r.getString(1));
      }
    }
    Map<String, String> adapters = new TreeMap<>();
    for (Row a : r.<Row>getList(4)) {
      adapters.put(a.getString(0), a.getString(1));
    }
    List<String> decodings = r.getList(3);
    if (decodings.size() > 1) {
      LOG.warn("System {} was translated with several decodings {}; the first is recorded", id, decodings);
    }
    Map<String, String> decoding = decodings.isEmpty() ? Map.of() : decoding(decodings.get(0));
    String template = null;
    String text = null;
    if (!imported && !decodings.isEmpty()) {
      String shots = decoding.getOrDefault("shots", "0");
      // a user template file is known only by its hash: no name or text to record
      Optional<PromptFormat> format = PromptTemplates.named(decoding.get("prompt"));
      template = format.map(f -> f.name() + ("0".equals(shots) ? "" : "-" + shots + "shot")).orElse(null);
      text = format.map(f -> f.prompt("{src_lang}", "{tgt_lang}", "{source}")).orElse(null);
    }
    return new SystemRow(id, imported ? SystemRow.IMPORT : SystemRow.TRANSLATE, strategy, r.getString(2),
        strategy == SystemStrategy.NONE ? List.of()
            : adapters.isEmpty() ? null : languages.union(adapters.values()).orElse(null),
        adapters, decoding, template, text, null);
  }

  /**
   * The settings of a {@code decoding} label ({@code GenerationSettings.describe()} plus the
   * translate job's prompt ({@code :chat}, {@code :llamax}, {@code :prompt-<hash>}) and {@code :Kshot}
   * suffixes); unknown parts are kept under
   * {@code label}.
   */
  static Map<String, String> decoding(String label) {
    Map<String, String> out = new TreeMap<>();
    out.put("label", label);
    out.put("chat_template", "false");
    out.put("shots", "0");
    out.put("prompt", PromptFormat.ALMA.name());
    for (String part : label.split(":")) {
      if (part.equals("greedy")) {
        out.put("num_beams", "1");
      } else if (part.matches("beam\\d+")) {
        out.put("num_beams", part.substring(4));
      } else if (part.matches("max\\d+")) {
        out.put("max_new_tokens", part.substring(3));
      } else if (part.startsWith("lp")) {
        out.put("length_penalty", part.substring(2));
      } else if (part.startsWith("es=")) {
        out.put("early_stopping", part.substring(3));
      } else if (part.equals("chat")) {
        out.put("chat_template", "true");
        out.put("prompt", PromptFormat.X_ALMA.name());
      } else if (part.equals(PromptFormat.LLAMAX.name())) {
        out.put("prompt", PromptFormat.LLAMAX.name());
      } else if (part.startsWith("prompt-")) {
        out.put("prompt", part); // a template file, named by its hash
      } else if (part.matches("\\d+shot")) {
        out.put("shots", part.substring(0, part.length() - 4));
      }
    }
    return out;
  }
}
