package dev.mtforge.udfs.inference;

import dev.mtforge.schemas.languages.Language;
import dev.mtforge.schemas.languages.LanguageRegistry;
import java.io.Serializable;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * Picks the adapter of a language pair for a {@link Routing}, from the rows of the
 * {@code adapters} and {@code merges} tables. Runs on the driver before anything is translated,
 * so a missing adapter fails the job before it writes.
 *
 * <pre>{@code
 * AdapterRouter router = new AdapterRouter(Routing.DAT, registry, adapters, merges);
 * AdapterRouter.Route route = router.route("de", "en"); // dat adapter for German -> English
 * }</pre>
 */
public final class AdapterRouter implements Serializable {
  private final Routing routing;
  private final LanguageRegistry registry;
  private final List<AdapterRow> adapters;
  private final List<MergeRow> merges;

  public AdapterRouter(Routing routing, LanguageRegistry registry, List<AdapterRow> adapters, List<MergeRow> merges) {
    this.routing = Objects.requireNonNull(routing, "routing");
    this.registry = Objects.requireNonNull(registry, "registry");
    this.adapters = List.copyOf(adapters);
    this.merges = List.copyOf(merges);
  }

  /**
   * A row of the {@code adapters} table (the columns routing reads).
   *
   * @param adapterId key
   * @param path PEFT folder
   * @param strategy what it was trained for: multilingual, separate, group, dat
   * @param direction xx-en or en-xx (null: both)
   * @param language the non-English language of a per-language adapter
   * @param groupId the group of a per-group adapter
   */
  public record AdapterRow(
      String adapterId, String path, String strategy, String direction, String language, Integer groupId)
      implements Serializable {}

  /**
   * A row of the {@code merges} table (the columns routing reads).
   *
   * @param mergeId key
   * @param outputAdapterId id of the merged adapter
   * @param outputPath its PEFT folder
   * @param direction xx-en or en-xx
   * @param groupId the group whose adapters were merged
   */
  public record MergeRow(String mergeId, String outputAdapterId, String outputPath, String direction, Integer groupId)
      implements Serializable {}

  /**
   * Where a pair goes.
   *
   * @param adapterId adapter id, null for the base model
   * @param path adapter folder, null for the base model
   * @param groupId the group that chose the adapter, if a group did
   */
  public record Route(String adapterId, String path, Integer groupId) implements Serializable {
    static final Route BASE = new Route(null, null, null);
  }

  /** The route of {@code src -> tgt}; an error names the pair, the routing and what was looked for. */
  public Route route(String src, String tgt) {
    String direction = direction(src, tgt);
    if (routing == Routing.NONE) {
      return Route.BASE;
    }
    if (routing == Routing.MULTILINGUAL) {
      List<AdapterRow> found = find(a -> "multilingual".equals(a.strategy()) && direction.equals(a.direction()));
      if (found.isEmpty()) {
        found = find(a -> "multilingual".equals(a.strategy()) && a.direction() == null);
      }
      return one(src, tgt, found, "strategy = 'multilingual'", null);
    }
    if (direction.equals("xx-yy")) {
      throw new IllegalArgumentException(
          "Cannot route " + src + "-" + tgt + " with routing " + routing.label()
              + ": it routes English-centric pairs only (xx-en, en-xx)");
    }
    String other = direction.equals("xx-en") ? src : tgt;
    int group = groupOf(other);
    return switch (routing) {
      case SEPARATE -> one(src, tgt,
          find(a -> "separate".equals(a.strategy()) && direction.equals(a.direction()) && other.equals(a.language())),
          "strategy = 'separate', direction = '" + direction + "', language = '" + other + "'", null);
      case GROUP -> one(src, tgt,
          find(a -> "group".equals(a.strategy()) && direction.equals(a.direction()) && a.language() == null
              && Objects.equals(group, a.groupId())),
          "strategy = 'group', direction = '" + direction + "', language = null, group_id = " + group, group);
      case DAT, DATM -> {
        if (direction.equals("en-xx")) {
          yield one(src, tgt,
              // Group adapters have no language; per-language rows also carry their group_id.
              find(a -> "dat".equals(a.strategy()) && "en-xx".equals(a.direction()) && a.language() == null
                  && Objects.equals(group, a.groupId())),
              "strategy = 'dat', direction = 'en-xx', language = null, group_id = " + group, group);
        }
        if (routing == Routing.DAT) {
          yield one(src, tgt,
              find(a -> "dat".equals(a.strategy()) && "xx-en".equals(a.direction()) && src.equals(a.language())),
              "strategy = 'dat', direction = 'xx-en', language = '" + src + "'", null);
        }
        List<MergeRow> found =
            merges.stream().filter(m -> "xx-en".equals(m.direction()) && Objects.equals(group, m.groupId())).toList();
        if (found.size() != 1) {
          throw new IllegalArgumentException(
              "Cannot route " + src + "-" + tgt + " with routing datm: "
                  + (found.isEmpty() ? "no row" : found.size() + " rows ("
                      + found.stream().map(MergeRow::mergeId).collect(Collectors.joining(", ")) + ")")
                  + " in table merges with direction = 'xx-en', group_id = " + group + "; expected one");
        }
        yield new Route(found.get(0).outputAdapterId(), found.get(0).outputPath(), group);
      }
      default -> throw new IllegalStateException("unreachable: " + routing);
    };
  }

  private List<AdapterRow> find(Predicate<AdapterRow> filter) {
    return adapters.stream().filter(filter).toList();
  }

  private Route one(String src, String tgt, List<AdapterRow> found, String wanted, Integer group) {
    if (found.size() != 1) {
      throw new IllegalArgumentException(
          "Cannot route " + src + "-" + tgt + " with routing " + routing.label() + ": "
              + (found.isEmpty() ? "no row" : found.size() + " rows ("
                  + found.stream().map(AdapterRow::adapterId).collect(Collectors.joining(", ")) + ")")
              + " in table adapters with " + wanted + "; expected one");
    }
    return new Route(found.get(0).adapterId(), found.get(0).path(), group);
  }

  private int groupOf(String code) {
    Language language = registry.language(code);
    // A non-English language normally sits in one group; if in several, the lowest id decides.
    return language.groups().first();
  }

  /** {@code xx-en}, {@code en-xx} or {@code xx-yy}, as the tables spell directions. */
  public static String direction(String src, String tgt) {
    if (tgt.equals("en")) {
      return "xx-en";
    }
    return src.equals("en") ? "en-xx" : "xx-yy";
  }
}
