package dev.mtforge.udfs.augment;

import dev.mtforge.udfs.readers.ReaderErrors;
import java.io.Serializable;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One bilingual dictionary in MUSE's format (facebookresearch/MUSE ground-truth dictionaries): a
 * file named {@code <src>-<tgt>.txt} (or {@code <src>-<tgt>.<part>.txt}, as MUSE's
 * {@code en-de.0-5000.txt}), one {@code word translation} pair per line separated by a space or a
 * tab, a word on as many lines as it has translations.
 *
 * <p>A line that is not two fields (a blank line, one word, three words) or not UTF-8 is not an
 * entry: it is kept in {@link #malformed()} with its file and line, so the caller can report it.
 * Words are looked up in lower case ({@link Locale#ROOT}); translations are kept as written.
 *
 * <pre>{@code
 * MuseDictionary de = MuseDictionary.parse("dicts/en-de.txt", bytes);
 * de.translations("house");   // [Haus]
 * de.malformed();             // [dicts/en-de.txt:17: expected 2 fields ..., found 3]
 * }</pre>
 *
 * @param file the file as named to the user (path or URI)
 * @param srcLang language of the words (from the file name)
 * @param tgtLang language of the translations (from the file name)
 * @param sha256 hex SHA-256 of the file's bytes
 * @param entries lower-cased word to its distinct translations, in file order
 * @param entryLines lines that were read as entries (duplicates included)
 * @param malformed lines that are not entries, in file order
 */
public record MuseDictionary(
    String file,
    String srcLang,
    String tgtLang,
    String sha256,
    Map<String, List<String>> entries,
    long entryLines,
    List<MalformedLine> malformed)
    implements Serializable {

  private static final Pattern NAME = Pattern.compile("([a-z]{2,3})-([a-z]{2,3})(\\.[^/]+)?\\.txt");

  public MuseDictionary {
    Objects.requireNonNull(file, "file");
    entries = Map.copyOf(entries);
    malformed = List.copyOf(malformed);
  }

  /**
   * A line of a dictionary that is not an entry.
   *
   * @param file the dictionary
   * @param line 1-based line number
   * @param problem what is wrong with it
   */
  public record MalformedLine(String file, long line, String problem) implements Serializable {
    @Override
    public String toString() {
      return file + ":" + line + ": " + problem;
    }
  }

  /**
   * Parses a dictionary file's bytes. The file name (last path element) must be
   * {@code <src>-<tgt>[.<part>].txt} with two different language codes, else an
   * {@link dev.mtforge.udfs.readers.InputFormatException} naming the file.
   */
  public static MuseDictionary parse(String file, byte[] bytes) {
    String name = file.substring(file.lastIndexOf('/') + 1);
    Matcher m = NAME.matcher(name);
    if (!m.matches()) {
      throw ReaderErrors.unexpectedName(file, "a MUSE dictionary", "<src>-<tgt>.txt such as en-de.txt");
    }
    if (m.group(1).equals(m.group(2))) {
      throw ReaderErrors.malformed(file, 0, "a dictionary must translate between two languages, got "
          + m.group(1) + "-" + m.group(2));
    }
    Map<String, Set<String>> words = new LinkedHashMap<>();
    List<MalformedLine> malformed = new ArrayList<>();
    long entryLines = 0;
    CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
    int start = 0;
    long line = 0;
    while (start < bytes.length) {
      int end = start;
      while (end < bytes.length && bytes[end] != '\n') {
        end++;
      }
      line++;
      int stop = end > start && bytes[end - 1] == '\r' ? end - 1 : end;
      if (line == 1 && stop - start >= 3 && (bytes[start] & 0xff) == 0xef && (bytes[start + 1] & 0xff) == 0xbb
          && (bytes[start + 2] & 0xff) == 0xbf) {
        start += 3; // UTF-8 byte order mark
      }
      String text;
      try {
        text = utf8.decode(ByteBuffer.wrap(bytes, start, stop - start)).toString();
      } catch (CharacterCodingException e) {
        malformed.add(new MalformedLine(file, line, "not valid UTF-8"));
        start = end + 1;
        continue;
      }
      String[] fields = fields(text);
      if (fields.length != 2) {
        malformed.add(new MalformedLine(file, line, fields.length == 0 ? "empty line; expected 'word translation'"
            : "expected 2 fields (word, translation) separated by a space or a tab, found " + fields.length));
      } else {
        entryLines++;
        words.computeIfAbsent(fields[0].toLowerCase(Locale.ROOT), w -> new LinkedHashSet<>()).add(fields[1]);
      }
      start = end + 1;
    }
    Map<String, List<String>> entries = new LinkedHashMap<>();
    words.forEach((w, ts) -> entries.put(w, List.copyOf(ts)));
    return new MuseDictionary(file, m.group(1), m.group(2), sha256(bytes), entries, entryLines, malformed);
  }

  /** The translations of a word (any case), or an empty list. */
  public List<String> translations(String word) {
    return entries.getOrDefault(word.toLowerCase(Locale.ROOT), List.of());
  }

  // MUSE separates the two words by one space or tab; runs of either are tolerated.
  private static String[] fields(String text) {
    List<String> out = new ArrayList<>(2);
    int i = 0;
    int n = text.length();
    while (i < n) {
      while (i < n && (text.charAt(i) == ' ' || text.charAt(i) == '\t')) {
        i++;
      }
      int begin = i;
      while (i < n && text.charAt(i) != ' ' && text.charAt(i) != '\t') {
        i++;
      }
      if (i > begin) {
        out.add(text.substring(begin, i));
      }
    }
    return out.toArray(new String[0]);
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
