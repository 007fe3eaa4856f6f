package dev.mtforge.jobs.multiway;

import dev.mtforge.schemas.InvalidInputException;
import dev.mtforge.schemas.InvalidOptionException;
import dev.mtforge.schemas.languages.LanguageRegistry;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Which directions of a test set a job works on: the pairs stored for it (no option), every
 * ordered pair of its languages ({@code all}, optionally restricted to some languages), or a list
 * ({@code de-cs,zh-ja}). Parsed and checked against the registry before any Spark work.
 *
 * @param all every ordered pair of the test set's languages
 * @param listed the directions given one by one (empty with {@code all} or no option)
 * @param languages with {@code all}: only these languages (empty: every language of the test set)
 */
public record DirectionSpec(boolean all, List<Direction> listed, List<String> languages) {
  public DirectionSpec {
    listed = List.copyOf(listed);
    languages = List.copyOf(languages);
  }

  /**
   * Parses the values of a directions option and a languages option (either may be null or
   * blank); codes must be registry languages.
   */
  public static DirectionSpec parse(String directions, String languages, String directionsKey, String languagesKey,
      LanguageRegistry registry) {
    String dirs = directions == null ? "" : directions.strip();
    List<String> langs = new ArrayList<>();
    for (String l : (languages == null ? "" : languages).split(",")) {
      String code = l.strip().toLowerCase(Locale.ROOT);
      if (!code.isEmpty() && !langs.contains(code)) {
        known(registry, code, languagesKey);
        langs.add(code);
      }
    }
    if (dirs.equalsIgnoreCase("all")) {
      if (langs.size() == 1) {
        throw new InvalidOptionException("Option " + languagesKey + " needs two languages or more to make a direction,"
            + " got " + langs.get(0));
      }
      return new DirectionSpec(true, List.of(), langs);
    }
    if (!langs.isEmpty()) {
      throw new InvalidOptionException(
          "Option " + languagesKey + " restricts " + directionsKey + " = all; got " + directionsKey + " = '" + dirs + "'");
    }
    Set<Direction> seen = new LinkedHashSet<>();
    for (String d : dirs.split(",")) {
      String pair = d.strip().toLowerCase(Locale.ROOT);
      if (pair.isEmpty()) {
        continue;
      }
      String[] parts = pair.split("-");
      if (parts.length != 2 || parts[0].isEmpty() || parts[1].isEmpty()) {
        throw new InvalidOptionException(
            "Invalid direction '" + d.strip() + "' in option " + directionsKey + "; expected src-tgt such as de-en");
      }
      if (parts[0].equals(parts[1])) {
        throw new InvalidOptionException(
            "Invalid direction '" + d.strip() + "' in option " + directionsKey + ": source and target are the same");
      }
      known(registry, parts[0], directionsKey);
      known(registry, parts[1], directionsKey);
      seen.add(new Direction(parts[0], parts[1]));
    }
    return new DirectionSpec(false, new ArrayList<>(seen), List.of());
  }

  /** No option: the directions stored for the test set. */
  public boolean storedOnly() {
    return !all && listed.isEmpty();
  }

  /**
   * The directions to work on, given the test set's languages ({@link MultiWayPairs#languages});
   * with {@code all}, a requested language the test set lacks is an error naming it.
   *
   * @param testSet the test set, for error messages ({@code flores200:devtest})
   */
  public List<Direction> resolve(List<String> testSetLanguages, String testSet) {
    if (!all) {
      return listed;
    }
    List<String> langs = languages.isEmpty() ? testSetLanguages : languages;
    List<String> missing = langs.stream().filter(l -> !testSetLanguages.contains(l)).toList();
    if (!missing.isEmpty()) {
      throw new InvalidInputException("Test set " + testSet + " has no segments in " + String.join(", ", missing)
          + "; its languages: " + (testSetLanguages.isEmpty() ? "none" : String.join(", ", testSetLanguages)));
    }
    List<Direction> out = new ArrayList<>();
    for (String src : langs) {
      for (String tgt : langs) {
        if (!src.equals(tgt)) {
          out.add(new Direction(src, tgt));
        }
      }
    }
    out.sort(null);
    return out;
  }

  /** How the option reads ({@code all}, {@code all of de, cs}, {@code [de-cs]}). */
  public String describe() {
    if (all) {
      return languages.isEmpty() ? "all" : "all of " + String.join(", ", languages);
    }
    return listed.toString();
  }

  private static void known(LanguageRegistry registry, String code, String key) {
    if (registry.find(code).isEmpty()) {
      throw new InvalidOptionException("Unknown language '" + code + "' in option " + key + "; known: "
          + String.join(", ", registry.languages().stream().map(l -> l.code()).sorted().toList()));
    }
  }
}
