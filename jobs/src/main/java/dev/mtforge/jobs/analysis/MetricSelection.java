package dev.mtforge.jobs.analysis;

import dev.mtforge.schemas.InvalidInputException;
import dev.mtforge.udfs.metrics.MetricSpec;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Which {@code metric} labels of {@code system_scores} an analysis uses. A requested name matches
 * a label case-insensitively, or through evaluate's names ({@code bleu} is {@code BLEU},
 * {@code chrf++} is {@code chrF2++}), so whatever metrics evaluate wrote (COMET's included) can be
 * asked for; with no request, every label the systems were scored with.
 */
final class MetricSelection {
  private MetricSelection() {}

  /**
   * @param requested names from the option, empty for all present
   * @param present the labels the analysed systems have pair scores for
   * @param systems the systems, for the error message
   */
  static List<String> resolve(List<String> requested, Collection<String> present, Collection<String> systems) {
    TreeSet<String> known = new TreeSet<>(present);
    if (requested.isEmpty()) {
      return new ArrayList<>(known);
    }
    List<String> out = new ArrayList<>();
    for (String name : requested) {
      String label = match(name, known).orElseThrow(() -> new InvalidInputException(
          "Cannot analyze metric '" + name + "': table system_scores has no pair scores of it for systems "
              + String.join(", ", systems) + "; metrics present: "
              + (known.isEmpty() ? "none" : String.join(", ", known)) + " (run evaluate --metrics " + name + " first)"));
      if (!out.contains(label)) {
        out.add(label);
      }
    }
    return out;
  }

  private static Optional<String> match(String name, Collection<String> labels) {
    String wanted = name.strip();
    for (String label : labels) {
      if (label.equalsIgnoreCase(wanted)) {
        return Optional.of(label);
      }
    }
    if (MetricSpec.NAMES.contains(wanted.toLowerCase(Locale.ROOT))) {
      // the label only: the placeholder model path is never opened
      String label = new MetricSpec(wanted, MetricSpec.AUTO, false, "-").label();
      return labels.contains(label) ? Optional.of(label) : Optional.empty();
    }
    return Optional.empty();
  }
}
