package dev.mtforge.jobs.evaluate;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Language-pair rows gathered into the scopes reports average over (a direction, a language group
 * within a direction, a resource level within a direction, all pairs), each under a key prefix
 * such as system, test set and metric. Used by {@code evaluate} (macro-averaged system scores) and
 * {@code analyze} (aggregated deltas).
 *
 * @param <T> the pair rows
 */
public final class Scopes<T> {
  /**
   * One scope of one prefix.
   *
   * @param prefix what the scope is of (e.g. system id, dataset, split, metric)
   * @param scope {@code direction}, {@code group}, {@code resource} or {@code all}
   * @param direction {@code xx-en}, {@code en-xx} or {@code xx-yy}; null for {@code all}
   * @param group language group, for {@code group}
   * @param resource resource level, for {@code resource}
   */
  public record Key(List<Object> prefix, String scope, String direction, Integer group, String resource) {
    private String sortText() {
      List<Object> all = new ArrayList<>(prefix);
      Collections.addAll(all, scope, direction, group, resource);
      return all.toString();
    }
  }

  private final Map<Key, List<T>> members = new TreeMap<>(Comparator.comparing(Key::sortText));

  /** Adds a pair row to a scope. */
  public void add(Key key, T row) {
    members.computeIfAbsent(key, k -> new ArrayList<>()).add(row);
  }

  /** Adds a pair row to its direction's scope. */
  public void addDirection(List<Object> prefix, String direction, T row) {
    add(new Key(prefix, "direction", direction, null, null), row);
  }

  /** Adds a pair row to the scope of every group its language belongs to and of its resource level. */
  public void addLanguage(List<Object> prefix, String direction, Iterable<Integer> groups, String resource, T row) {
    for (int group : groups) {
      add(new Key(prefix, "group", direction, group, null), row);
    }
    add(new Key(prefix, "resource", direction, null, resource), row);
  }

  /** Every scope with its rows, ordered by key. */
  public Map<Key, List<T>> members() {
    return Collections.unmodifiableMap(members);
  }
}
