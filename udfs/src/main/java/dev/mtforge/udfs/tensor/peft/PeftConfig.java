package dev.mtforge.udfs.tensor.peft;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The LoRA settings of a PEFT {@code adapter_config.json} that decide the adapter's effect:
 * {@code ΔW = scaling · B · A} per module, with {@code scaling = α / r}, or {@code α / √r} when
 * {@code use_rslora} is set; {@code rank_pattern} / {@code alpha_pattern} override r and α for the
 * modules whose name ends with a pattern key (PEFT's {@code get_pattern_key}: the regex
 * {@code (.*\.)?(key)$}).
 *
 * @param r default rank
 * @param loraAlpha default α
 * @param targetModules module names (empty when {@link #targetModulesRegex} is set)
 * @param targetModulesRegex the regex form of {@code target_modules}, or null
 * @param useRslora rank-stabilised scaling
 * @param rankPattern per-module rank overrides (pattern key → r)
 * @param alphaPattern per-module α overrides (pattern key → α)
 * @param baseModel {@code base_model_name_or_path}, or null
 * @param raw the whole JSON, kept so that a merged adapter's config keeps the other fields
 */
public record PeftConfig(
    int r,
    double loraAlpha,
    List<String> targetModules,
    String targetModulesRegex,
    boolean useRslora,
    Map<String, Integer> rankPattern,
    Map<String, Double> alphaPattern,
    String baseModel,
    ObjectNode raw)
    implements Serializable {

  public PeftConfig {
    if (r <= 0) {
      throw new IllegalArgumentException("LoRA rank r must be positive, got " + r);
    }
    targetModules = List.copyOf(targetModules);
    // Ordered: PEFT takes the first matching pattern key in the JSON's order.
    rankPattern = Collections.unmodifiableMap(new LinkedHashMap<>(rankPattern));
    alphaPattern = Collections.unmodifiableMap(new LinkedHashMap<>(alphaPattern));
  }

  /** The rank of a module ({@code rank_pattern}, else r). */
  public int rank(String module) {
    String key = patternKey(rankPattern, module);
    return key == null ? r : rankPattern.get(key);
  }

  /** The α of a module ({@code alpha_pattern}, else lora_alpha). */
  public double alpha(String module) {
    String key = patternKey(alphaPattern, module);
    return key == null ? loraAlpha : alphaPattern.get(key);
  }

  /** PEFT's scaling of a module: α/r, or α/√r with rsLoRA. */
  public double scaling(String module) {
    int rank = rank(module);
    double alpha = alpha(module);
    return useRslora ? alpha / Math.sqrt(rank) : alpha / rank;
  }

  private static String patternKey(Map<String, ?> patterns, String module) {
    for (String key : patterns.keySet()) {
      if (Pattern.compile("(.*\\.)?(" + key + ")$").matcher(module).matches()) {
        return key;
      }
    }
    return null;
  }

  /** Parses the fields we use; {@link PeftAdapter} turns failures into messages naming the file. */
  static PeftConfig fromJson(ObjectNode json) {
    JsonNode rNode = json.get("r");
    if (rNode == null || !rNode.canConvertToInt()) {
      throw new IllegalArgumentException("missing or non-integer 'r'");
    }
    int r = rNode.intValue();
    JsonNode alphaNode = json.get("lora_alpha");
    double alpha = alphaNode == null || alphaNode.isNull() ? 8 : alphaNode.asDouble(); // PEFT's default is 8
    if (alphaNode != null && !alphaNode.isNull() && !alphaNode.isNumber()) {
      throw new IllegalArgumentException("non-numeric 'lora_alpha': " + alphaNode);
    }
    JsonNode targets = json.get("target_modules");
    List<String> modules = List.of();
    String regex = null;
    if (targets != null && targets.isArray()) {
      modules = new ArrayList<>();
      for (JsonNode t : targets) {
        modules.add(t.asText());
      }
      modules = modules.stream().sorted().toList();
    } else if (targets != null && targets.isTextual()) {
      regex = targets.textValue();
    }
    Map<String, Integer> ranks = new LinkedHashMap<>();
    JsonNode rp = json.get("rank_pattern");
    if (rp != null && rp.isObject()) {
      rp.fields().forEachRemaining(e -> ranks.put(e.getKey(), e.getValue().intValue()));
    }
    Map<String, Double> alphas = new LinkedHashMap<>();
    JsonNode ap = json.get("alpha_pattern");
    if (ap != null && ap.isObject()) {
      ap.fields().forEachRemaining(e -> alphas.put(e.getKey(), e.getValue().doubleValue()));
    }
    JsonNode base = json.get("base_model_name_or_path");
    return new PeftConfig(
        r,
        alpha,
        modules,
        regex,
        json.path("use_rslora").asBoolean(false),
        ranks,
        alphas,
        base == null || base.isNull() ? null : base.asText(),
        json.deepCopy());
  }
}
