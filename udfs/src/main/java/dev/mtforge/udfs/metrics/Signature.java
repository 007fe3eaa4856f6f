package dev.mtforge.udfs.metrics;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A reproducibility signature in sacreBLEU's format, e.g.
 * {@code nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp|version:mtforge-0.1.0+sacrebleu-2.6.0}.
 *
 * <p>Fields keep sacreBLEU's names and order: the shared ones ({@code nrefs}, {@code bs},
 * {@code ar}, {@code seed}, ...), then the metric's own, and {@code version} last. A field whose
 * value is null is left out. The version says honestly what produced the numbers: this mtforge
 * build, computing sacreBLEU 2.6.0's definitions.
 */
public final class Signature implements Serializable {
  private static final long serialVersionUID = 1L;

  /** The sacreBLEU release whose behaviour the metrics reproduce. */
  public static final String SACREBLEU_COMPAT = "2.6.0";

  /** The {@code version} field: which program computed the score, and whose semantics. */
  public static final String VERSION = "mtforge-" + mtforgeVersion() + "+sacrebleu-" + SACREBLEU_COMPAT;

  private static final List<String> SHARED =
      List.of("nrefs", "bs", "ar", "seed", "test", "lang", "origlang", "subset");
  private static final Map<String, String> SHORT_NAMES =
      Map.ofEntries(
          Map.entry("version", "v"),
          Map.entry("nrefs", "#"),
          Map.entry("test", "t"),
          Map.entry("lang", "l"),
          Map.entry("subset", "S"),
          Map.entry("origlang", "o"),
          Map.entry("bs", "bs"),
          Map.entry("ar", "ar"),
          Map.entry("seed", "rs"));

  private final LinkedHashMap<String, String> fields = new LinkedHashMap<>();
  private final Map<String, String> shortNames;
  private final String version;

  /**
   * A signature with the shared fields (all unset but {@code nrefs}) followed by the metric's own.
   *
   * @param numRefs references per segment, or -1 when it varies (printed {@code var})
   * @param metricFields the metric's fields in order, as (name, value, short name) triples
   */
  Signature(int numRefs, List<String[]> metricFields) {
    this(numRefs, metricFields, VERSION);
  }

  /** The same with another {@code version} value (COMET: {@code mtforge-…+comet-2.2.7}). */
  Signature(int numRefs, List<String[]> metricFields, String version) {
    this.version = version;
    for (String key : SHARED) {
      fields.put(key, null);
    }
    fields.put("nrefs", numRefs == -1 ? "var" : Integer.toString(numRefs));
    Map<String, String> shortNames = new LinkedHashMap<>(SHORT_NAMES);
    for (String[] field : metricFields) {
      fields.put(field[0], field[1]);
      shortNames.put(field[0], field[2]);
    }
    this.shortNames = Collections.unmodifiableMap(shortNames);
  }

  /** Sets or adds a field (e.g. {@code seed} and {@code bs} for a paired test). */
  public Signature with(String key, String value) {
    fields.put(key, value);
    return this;
  }

  /** The value of a field, or null. */
  public String get(String key) {
    return "version".equals(key) ? version : fields.get(key);
  }

  /** The long form, {@code nrefs:1|case:mixed|...|version:...}. */
  public String format() {
    return format(false);
  }

  /** The short form ({@code #:1|c:mixed|...|v:...}) that sacreBLEU prints with {@code --short}. */
  public String formatShort() {
    return format(true);
  }

  private String format(boolean abbreviate) {
    List<String> pairs = new ArrayList<>();
    for (Map.Entry<String, String> e : fields.entrySet()) {
      if (e.getValue() != null) {
        pairs.add((abbreviate ? shortNames.get(e.getKey()) : e.getKey()) + ":" + e.getValue());
      }
    }
    pairs.add((abbreviate ? "v" : "version") + ":" + version);
    return String.join("|", pairs);
  }

  @Override
  public String toString() {
    return format();
  }

  /** This build's version, {@code 0.1.0} (no {@code -SNAPSHOT}). */
  static String mtforgeVersion() {
    String v = Signature.class.getPackage().getImplementationVersion();
    return v == null ? "0.1.0" : v.replace("-SNAPSHOT", "");
  }
}
