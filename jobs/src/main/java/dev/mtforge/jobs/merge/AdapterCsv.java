package dev.mtforge.jobs.merge;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.RuntimeJsonMappingException;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import dev.mtforge.schemas.InvalidInputException;
import dev.mtforge.schemas.languages.Language;
import dev.mtforge.schemas.languages.LanguageRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The adapter CSV of {@code register-adapters --from adapters.csv}: header
 * {@code adapter_id,path,direction,language,group_id[,strategy]}, one adapter per row. A relative
 * path is resolved against the CSV's folder and must stay inside it ({@code ../} that leaves the
 * folder is refused: a CSV copied from elsewhere must not reach files beside it); an absolute path
 * or a URI ({@code s3a://…}) names its adapter explicitly. Every problem is an
 * {@link InvalidInputException} naming the CSV and line.
 */
final class AdapterCsv {
  private static final Set<String> DIRECTIONS = Set.of("xx-en", "en-xx");

  private AdapterCsv() {}

  /** One row, its path as written (relative paths still relative) and whether it is relative. */
  record Entry(String id, String path, boolean relative, String strategy, String direction, String language,
      Integer groupId) {}

  /** Reads every row; the caller closes the stream. */
  static List<Entry> read(InputStream in, String source, LanguageRegistry registry, String defaultStrategy) {
    List<Entry> found = new ArrayList<>();
    CsvSchema schema = CsvSchema.emptySchema().withHeader();
    int line = 1;
    try (MappingIterator<Map<String, String>> it = new CsvMapper().readerFor(Map.class).with(schema).readValues(in)) {
      while (it.hasNext()) {
        line++;
        Map<String, String> row = it.next();
        found.add(entry(row, source + ":" + line, registry, defaultStrategy));
      }
    } catch (RuntimeJsonMappingException e) {
      throw malformed(source, line, e.getMessage(), e);
    } catch (IOException e) {
      throw dataError(e) ? malformed(source, line, message(e), e) : new UncheckedIOException("Cannot read " + source, e);
    } catch (RuntimeException e) {
      // MappingIterator wraps the parser's IOExceptions in plain RuntimeExceptions
      if (e.getCause() instanceof IOException io && dataError(io)) {
        throw malformed(source, line, message(io), e);
      }
      throw e;
    }
    return found;
  }

  /** Bad bytes or bad CSV, as opposed to a failing disk or network (which a retry may fix). */
  private static boolean dataError(IOException e) {
    return e instanceof JsonProcessingException || e instanceof java.io.CharConversionException;
  }

  private static String message(IOException e) {
    return e instanceof JsonProcessingException json ? json.getOriginalMessage() : e.getMessage();
  }

  private static InvalidInputException malformed(String source, int line, String problem, Throwable cause) {
    String where = source + ":" + line;
    return new InvalidInputException(where + ": not a valid CSV row (" + problem + ")", where, cause);
  }

  private static Entry entry(Map<String, String> row, String where, LanguageRegistry registry, String defaultStrategy) {
    String id = required(row, "adapter_id", where);
    String path = required(row, "path", where);
    boolean relative = isRelative(path);
    if (relative && java.nio.file.Path.of(path).normalize().startsWith("..")) {
      throw new InvalidInputException(where + ": path '" + path + "' points outside the CSV's folder; use an"
          + " absolute path or a URI to register an adapter stored elsewhere", where, null);
    }
    String direction = required(row, "direction", where);
    if (!DIRECTIONS.contains(direction)) {
      throw new InvalidInputException(where + ": direction '" + direction + "' is not one of " + new TreeSet<>(DIRECTIONS),
          where, null);
    }
    String strategy = blankToNull(row.get("strategy"));
    String language = blankToNull(row.get("language"));
    String group = blankToNull(row.get("group_id"));
    Integer groupId = null;
    if (group != null) {
      try {
        groupId = Integer.parseInt(group);
      } catch (NumberFormatException e) {
        throw new InvalidInputException(where + ": group_id '" + group + "' is not an integer", where, null);
      }
      registry.group(groupId);
    }
    if (language != null) {
      Language lang = registry.language(language);
      if (groupId == null) {
        groupId = lang.groups().first();
      }
    }
    return new Entry(id, path, relative, strategy != null ? strategy : defaultStrategy, direction, language, groupId);
  }

  private static boolean isRelative(String path) {
    if (path.startsWith("/")) {
      return false;
    }
    try {
      return new URI(path).getScheme() == null;
    } catch (java.net.URISyntaxException e) {
      return !path.matches("^[A-Za-z][A-Za-z0-9+.-]*:.*"); // a scheme with characters a URI cannot hold
    }
  }

  private static String required(Map<String, String> row, String column, String where) {
    String value = blankToNull(row.get(column));
    if (value == null) {
      throw new InvalidInputException(where + ": missing " + column, where, null);
    }
    return value;
  }

  private static String blankToNull(String value) {
    return value == null || value.isBlank() ? null : value.trim();
  }
}
