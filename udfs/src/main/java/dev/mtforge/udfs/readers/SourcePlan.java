package dev.mtforge.udfs.readers;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * What {@link SourceLayout#scan} found in one source: the units to read and the files it skips.
 *
 * @param root the source folder as given
 * @param format its layout
 * @param units read units, in a stable order
 * @param skipped files that are not read, with the reason
 */
public record SourcePlan(String root, SourceFormat format, List<ReadUnit> units, List<SkippedFile> skipped) {
  public SourcePlan {
    units = List.copyOf(units);
    skipped = List.copyOf(skipped);
  }

  /**
   * One line for the log: how many files are read and, per reason, the skipped files (paths
   * relative to the root): {@code ntrex128 /data/NTREX: 10 files in 9 read units; skipped 3: not
   * ntrex128 data (LANGUAGES.tsv, LICENSE.md, README.md)}.
   */
  public String describe() {
    long files = units.stream()
        .flatMap(u -> Stream.concat(Stream.of(u.srcPath()),
            Stream.concat(u.refPaths().stream(), u.hypPaths().values().stream())))
        .distinct().count();
    StringBuilder text = new StringBuilder(format + " " + root + ": " + files + " files in " + units.size()
        + " read units");
    if (!skipped.isEmpty()) {
      Map<String, TreeSet<String>> byReason = new LinkedHashMap<>();
      skipped.forEach(s -> byReason.computeIfAbsent(s.reason(), k -> new TreeSet<>()).add(relative(s.path())));
      text.append("; skipped ").append(skipped.size()).append(": ").append(byReason.entrySet().stream()
          .map(e -> e.getKey() + " (" + String.join(", ", e.getValue()) + ")")
          .collect(Collectors.joining("; ")));
    }
    return text.toString();
  }

  private String relative(String path) {
    String rel = SourceLayout.relative(root, path);
    return rel.isEmpty() ? path : rel;
  }
}
