package dev.mtforge.schemas.languages;

import java.io.Serializable;
import java.util.Objects;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * One language of the registry.
 *
 * @param code ISO 639-1 code, the key used in every table ({@code de})
 * @param floresCode Flores-200 code ({@code deu_Latn})
 * @param name English name used in prompts ({@code German})
 * @param script ISO 15924 script ({@code Latn})
 * @param resource resource level
 * @param groups language groups it belongs to; English belongs to all of them
 */
public record Language(
    String code,
    String floresCode,
    String name,
    String script,
    ResourceLevel resource,
    SortedSet<Integer> groups)
    implements Serializable {

  public Language {
    Objects.requireNonNull(code, "code");
    Objects.requireNonNull(floresCode, "floresCode");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(script, "script");
    Objects.requireNonNull(resource, "resource");
    if (groups == null || groups.isEmpty()) {
      throw new IllegalArgumentException("Language '" + code + "' belongs to no group");
    }
    groups = java.util.Collections.unmodifiableSortedSet(new TreeSet<>(groups));
  }

  /** True for the pivot language (English), which is in every group. */
  public boolean isPivot() {
    return "en".equals(code);
  }

  @Override
  public String toString() {
    return code + " (" + floresCode + ", " + name + ")";
  }
}
