package dev.mtforge.jobs.systems;

import dev.mtforge.schemas.tables.SystemStrategy;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import scala.collection.JavaConverters;

/**
 * One row of the {@code systems} table (without lineage): what a system id of
 * {@code translations} is. See the contract in {@code Tables.SYSTEMS}.
 *
 * @param systemId the system id
 * @param madeBy {@link #TRANSLATE} or {@link #IMPORT}
 * @param strategy how it was trained
 * @param model model package name, or the model named at import; null when unknown
 * @param trainingLanguages non-pivot languages its adapters were trained on, sorted; empty for
 *     the base model; null when unknown
 * @param adapters language pair ({@code de-en}) to the adapter id that translated it
 * @param decoding generation settings by name ({@code num_beams}, {@code max_new_tokens}, ...)
 * @param promptTemplate the prompt's name ({@code alma}, {@code alma-chat}), null when unknown
 * @param promptText the prompt with {@code {src_lang}}, {@code {tgt_lang}} and {@code {source}}
 *     placeholders, null when unknown
 * @param pivotLang the language a pivoted system translates through; null for direct systems
 */
public record SystemRow(
    String systemId,
    String madeBy,
    SystemStrategy strategy,
    String model,
    List<String> trainingLanguages,
    Map<String, String> adapters,
    Map<String, String> decoding,
    String promptTemplate,
    String promptText,
    String pivotLang) {

  /** {@code made_by} of systems written by {@code translate}. */
  public static final String TRANSLATE = "translate";
  /** {@code made_by} of systems written by {@code import-translations}. */
  public static final String IMPORT = "import";

  public SystemRow {
    Objects.requireNonNull(systemId, "systemId");
    Objects.requireNonNull(madeBy, "madeBy");
    Objects.requireNonNull(strategy, "strategy");
    trainingLanguages = trainingLanguages == null ? null : List.copyOf(new TreeSet<>(trainingLanguages));
    adapters = Collections.unmodifiableMap(new TreeMap<>(adapters == null ? Map.of() : adapters));
    decoding = Collections.unmodifiableMap(new TreeMap<>(decoding == null ? Map.of() : decoding));
  }

  /**
   * This row recorded over an earlier one of the same system (a translate run that added
   * directions): adapters and training languages are the union, the rest is this row's.
   */
  public SystemRow over(SystemRow earlier) {
    if (earlier == null) {
      return this;
    }
    Map<String, String> allAdapters = new TreeMap<>(earlier.adapters());
    allAdapters.putAll(adapters);
    List<String> languages = trainingLanguages;
    if (languages != null && earlier.trainingLanguages() != null) {
      TreeSet<String> union = new TreeSet<>(earlier.trainingLanguages());
      union.addAll(languages);
      languages = new ArrayList<>(union);
    }
    return new SystemRow(systemId, madeBy, strategy, model, languages, allAdapters, decoding, promptTemplate,
        promptText, pivotLang);
  }

  /** The row in the column order of {@code Tables.SYSTEMS.dataSchema()}. */
  public Row toRow() {
    return RowFactory.create(systemId, madeBy, strategy.label(), model,
        trainingLanguages == null ? null : JavaConverters.asScalaBuffer(new ArrayList<>(trainingLanguages)).toList(),
        JavaConverters.mapAsScalaMap(new TreeMap<>(adapters)),
        JavaConverters.mapAsScalaMap(new TreeMap<>(decoding)),
        promptTemplate, promptText, pivotLang);
  }

  /** A row read from the table (columns by name). */
  public static SystemRow fromRow(Row row) {
    int languages = row.fieldIndex("training_languages");
    int adapters = row.fieldIndex("adapters");
    int decoding = row.fieldIndex("decoding");
    return new SystemRow(
        row.getString(row.fieldIndex("system_id")),
        row.getString(row.fieldIndex("made_by")),
        SystemStrategy.parse(row.getString(row.fieldIndex("strategy"))),
        row.getString(row.fieldIndex("model")),
        row.isNullAt(languages) ? null : row.getList(languages),
        row.isNullAt(adapters) ? Map.of() : row.getJavaMap(adapters),
        row.isNullAt(decoding) ? Map.of() : row.getJavaMap(decoding),
        row.getString(row.fieldIndex("prompt_template")),
        row.getString(row.fieldIndex("prompt_text")),
        row.getString(row.fieldIndex("pivot_lang")));
  }
}
