package dev.mtforge.schemas.languages;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import dev.mtforge.schemas.InvalidInputException;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * The languages and language groups mtforge works with, read from two CSV files that users edit:
 * {@code languages.csv} ({@code code,flores_code,name,script,resource,groups}, groups separated by
 * spaces) and {@code language-groups.csv} ({@code group_id,name}).
 *
 * <pre>{@code
 * LanguageRegistry registry = LanguageRegistry.load(Path.of("conf"));
 * Language de = registry.language("de");          // throws UnknownLanguageException for "xx"
 * LanguageGroup germanic = registry.group(de.groups().first());
 * }</pre>
 *
 * <p>{@link #defaults()} reads the copy of {@code conf/} packaged in the jar.
 */
public final class LanguageRegistry implements Serializable {
  public static final String LANGUAGES_FILE = "languages.csv";
  public static final String GROUPS_FILE = "language-groups.csv";
  private static final String CLASSPATH_DIR = "mtforge/conf/";
  private static final CsvMapper CSV = new CsvMapper();

  private final Map<String, Language> byCode;
  private final Map<String, Language> byFlores;
  private final Map<Integer, LanguageGroup> groups;

  private LanguageRegistry(List<Language> languages, Map<Integer, String> groupNames) {
    Map<String, Language> codes = new LinkedHashMap<>();
    Map<String, Language> flores = new LinkedHashMap<>();
    for (Language language : languages) {
      codes.put(language.code(), language);
      flores.put(language.floresCode(), language);
    }

    Map<Integer, LanguageGroup> built = new LinkedHashMap<>();
    groupNames.forEach(
        (id, name) -> {
          List<Language> members = new ArrayList<>();
          for (Language language : languages) {
            if (!language.isPivot() && language.groups().contains(id)) {
              members.add(language);
            }
          }
          built.put(id, new LanguageGroup(id, name, members));
        });
    this.byCode = Collections.unmodifiableMap(codes);
    this.byFlores = Collections.unmodifiableMap(flores);
    this.groups = Collections.unmodifiableMap(built);
  }

  /** Reads {@code languages.csv} and {@code language-groups.csv} from a folder (e.g. conf/). */
  public static LanguageRegistry load(Path confDir) {
    Path languages = confDir.resolve(LANGUAGES_FILE);
    Path groups = confDir.resolve(GROUPS_FILE);
    try (InputStream l = Files.newInputStream(languages);
        InputStream g = Files.newInputStream(groups)) {
      return parse(l, languages.toString(), g, groups.toString());
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read language registry in " + confDir, e);
    }
  }

  /** The registry shipped in the jar (a copy of the repository's conf/ at build time). */
  public static LanguageRegistry defaults() {
    ClassLoader loader = LanguageRegistry.class.getClassLoader();
    String languages = CLASSPATH_DIR + LANGUAGES_FILE;
    String groups = CLASSPATH_DIR + GROUPS_FILE;
    try (InputStream l = loader.getResourceAsStream(languages);
        InputStream g = loader.getResourceAsStream(groups)) {
      if (l == null || g == null) {
        throw new IllegalStateException("Language registry missing from the class path: " + languages);
      }
      return parse(l, "classpath:" + languages, g, "classpath:" + groups);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read the packaged language registry", e);
    }
  }

  /** Parses the two CSV streams; the names are used in error messages. */
  public static LanguageRegistry parse(
      InputStream languagesCsv, String languagesName, InputStream groupsCsv, String groupsName)
      throws IOException {
    Map<Integer, String> groupNames = new LinkedHashMap<>();
    int line = 1;
    for (Map<String, String> row : rows(groupsCsv, groupsName, List.of("group_id", "name"))) {
      line++;
      String where = groupsName + ":" + line;
      int id = parseGroupId(row.get("group_id"), where);
      if (groupNames.putIfAbsent(id, require(row, "name", where)) != null) {
        throw invalid(where, "duplicate group_id " + id);
      }
    }

    List<Language> languages = new ArrayList<>();
    Map<String, String> seenCodes = new LinkedHashMap<>();
    Map<String, String> seenFlores = new LinkedHashMap<>();
    line = 1;
    List<String> columns = List.of("code", "flores_code", "name", "script", "resource", "groups");
    for (Map<String, String> row : rows(languagesCsv, languagesName, columns)) {
      line++;
      String where = languagesName + ":" + line;
      TreeSet<Integer> memberOf = new TreeSet<>();
      for (String id : require(row, "groups", where).trim().split("\\s+")) {
        int group = parseGroupId(id, where);
        if (!groupNames.containsKey(group)) {
          throw invalid(where, "group " + group + " is not in " + groupsName);
        }
        memberOf.add(group);
      }
      ResourceLevel resource;
      try {
        resource = ResourceLevel.parse(require(row, "resource", where));
      } catch (IllegalArgumentException e) {
        throw invalid(where, e.getMessage());
      }
      Language language =
          new Language(
              require(row, "code", where),
              require(row, "flores_code", where),
              require(row, "name", where),
              require(row, "script", where),
              resource,
              memberOf);
      String previous = seenCodes.putIfAbsent(language.code(), where);
      if (previous != null) {
        throw invalid(where, "duplicate code '" + language.code() + "' (first at " + previous + ")");
      }
      previous = seenFlores.putIfAbsent(language.floresCode(), where);
      if (previous != null) {
        throw invalid(
            where, "duplicate flores_code '" + language.floresCode() + "' (first at " + previous + ")");
      }
      languages.add(language);
    }
    if (!seenCodes.containsKey("en")) {
      throw invalid(languagesName, "English ('en') must be listed: it is the pivot of every group");
    }
    return new LanguageRegistry(languages, groupNames);
  }

  /** The language with this ISO 639-1 code; the error lists the known codes. */
  public Language language(String code) {
    Language language = byCode.get(code);
    if (language == null) {
      throw new UnknownLanguageException("language code", code, byCode.keySet());
    }
    return language;
  }

  /** The language with this Flores-200 code ({@code deu_Latn}); the error lists the known codes. */
  public Language byFloresCode(String floresCode) {
    Language language = byFlores.get(floresCode);
    if (language == null) {
      throw new UnknownLanguageException("Flores-200 code", floresCode, byFlores.keySet());
    }
    return language;
  }

  /** The language with this code, if known. */
  public Optional<Language> find(String code) {
    return Optional.ofNullable(byCode.get(code));
  }

  /** Every language, English first, in file order. */
  public List<Language> languages() {
    return List.copyOf(byCode.values());
  }

  /** The group with this id; the error lists the known ids. */
  public LanguageGroup group(int id) {
    LanguageGroup group = groups.get(id);
    if (group == null) {
      throw new UnknownLanguageException(
          "language group",
          Integer.toString(id),
          groups.keySet().stream().map(String::valueOf).toList());
    }
    return group;
  }

  /** Every group, in file order. */
  public List<LanguageGroup> groups() {
    return List.copyOf(groups.values());
  }

  /** The pivot language (English). */
  public Language pivot() {
    return byCode.get("en");
  }

  private static List<Map<String, String>> rows(
      InputStream csv, String name, List<String> requiredColumns) throws IOException {
    CsvSchema schema = CsvSchema.emptySchema().withHeader();
    List<Map<String, String>> rows = new ArrayList<>();
    try (MappingIterator<Map<String, String>> it =
        CSV.readerForMapOf(String.class).with(schema).readValues(csv)) {
      while (it.hasNext()) {
        rows.add(it.next());
      }
      CsvSchema header = (CsvSchema) it.getParserSchema();
      for (String column : requiredColumns) {
        if (header == null || header.column(column) == null) {
          throw invalid(name, "missing column '" + column + "'; expected " + requiredColumns);
        }
      }
    } catch (com.fasterxml.jackson.core.JacksonException e) {
      throw new InvalidInputException(name + ": not valid CSV: " + e.getOriginalMessage(), name, e);
    }
    return rows;
  }

  private static String require(Map<String, String> row, String column, String where) {
    String value = row.get(column);
    if (value == null || value.isBlank()) {
      throw invalid(where, "empty " + column);
    }
    return value.trim();
  }

  private static int parseGroupId(String text, String where) {
    try {
      return Integer.parseInt(text.trim());
    } catch (RuntimeException e) {
      throw invalid(where, "group id '" + text + "' is not a number");
    }
  }

  private static InvalidInputException invalid(String where, String problem) {
    return new InvalidInputException(where + ": " + problem, where, null);
  }
}
