package dev.mtforge.jobs.translate;

import dev.mtforge.jobs.systems.AdapterLanguages;
import dev.mtforge.jobs.systems.SystemRow;
import dev.mtforge.schemas.tables.SystemStrategy;
import dev.mtforge.udfs.inference.PromptFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** The {@code systems} row of a translate run: its routing, adapters, decoding and prompt. */
final class TranslatedSystem {
  private TranslatedSystem() {}

  /**
   * @param routes the run's routes ({@code r_src, r_tgt, adapter_id}; null adapter = base model)
   */
  static SystemRow row(TranslateTestSetJob.Settings s, String systemId, String modelName, PromptFormat format,
      Dataset<Row> routes, AdapterLanguages languages) {
    Map<String, String> adapters = new TreeMap<>();
    for (Row r : routes.select("r_src", "r_tgt", "adapter_id").collectAsList()) {
      if (!r.isNullAt(2)) {
        adapters.put(r.getString(0) + "-" + r.getString(1), r.getString(2));
      }
    }
    Map<String, String> decoding = new LinkedHashMap<>();
    decoding.put("num_beams", Integer.toString(s.numBeams));
    decoding.put("max_new_tokens", Integer.toString(s.maxNewTokens));
    decoding.put("length_penalty", Double.toString(s.lengthPenalty));
    decoding.put("early_stopping", switch (s.earlyStopping) { // as Hugging Face spells them
      case TRUE -> "true";
      case HEURISTIC -> "false";
      case NEVER -> "never";
    });
    decoding.put("chat_template", Boolean.toString(format.chat()));
    decoding.put("prompt", format.name());
    decoding.put("shots", Integer.toString(s.shots));
    if (s.shots > 0) {
      decoding.put("shot_split", s.shotSplit);
    }
    String template = format.name() + (s.shots > 0 ? "-" + s.shots + "shot" : "");
    // the prompt code itself writes the template, so the row cannot drift from what was sent
    String text = format.prompt("{src_lang}", "{tgt_lang}", "{source}");
    return new SystemRow(systemId, SystemRow.TRANSLATE, SystemStrategy.parse(s.routing.label()), modelName,
        languages.union(adapters.values()).orElse(null), adapters, decoding, template, text, s.pivot);
  }
}
