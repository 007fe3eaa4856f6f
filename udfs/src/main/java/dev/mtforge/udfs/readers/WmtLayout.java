package dev.mtforge.udfs.readers;

import dev.mtforge.schemas.languages.Language;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The WMT layouts as the WMT repositories and tarballs ship them: plain text
 * ({@code txt/sources}, {@code txt/references}, {@code txt/system-outputs} of
 * wmt22-news-systems), SGML ({@code sgm/} of the WMT19/20 test tarballs, with plain-text copies
 * and READMEs beside) and the WMT21+ XML ({@code xml/}).
 */
final class WmtLayout {
  private static final Pattern TXT_FILE = Pattern.compile("(.+?)\\.(src|ref\\.[^.]+|hyp\\.[^.]+)\\.([a-z]{2,3})");
  private static final Pattern SGML_FILE = Pattern.compile("(.+)-([a-z]+)-(src|ref)\\.([a-z]{2,3})\\.sgm");
  /** Multi-way sets before 2014 ({@code newstest2012-src.de.sgm}) name no language pair. */
  private static final Pattern SGML_MULTIWAY = Pattern.compile("(.+)-(src|ref)\\.([a-z]{2,3})\\.sgm");
  /** WMT20's extra references: {@code newstestB2020} (second translator), {@code newstestP2020}. */
  private static final Pattern SGML_EXTRA_SET = Pattern.compile("([a-z]+)[A-Z](\\d{4})");
  private static final Pattern XML_FILE = Pattern.compile("(.+?)\\.([a-z]{2,3})-([a-z]{2,3})\\.all\\.xml");

  static final String NO_SOURCE = "no source file for its test set";
  static final String SGML_MULTIWAY_SET = "multi-way test set without a language pair in its name";

  private WmtLayout() {}

  private static final class TextSet {
    boolean unknownLanguage;
    final List<String> files = new ArrayList<>();
    String src;
    String srcLang;
    String tgtLang;
    final Map<String, String> refs = new TreeMap<>();
    final Map<String, String> hyps = new TreeMap<>();
  }

  static List<ReadUnit> text(List<String> paths, LayoutScan scan) {
    Map<String, TextSet> sets = new TreeMap<>();
    for (String path : paths) {
      Matcher m = TXT_FILE.matcher(SourceLayout.name(path));
      if (!m.matches()) {
        scan.notData(path);
        continue;
      }
      String set = m.group(1);
      String role = m.group(2);
      scan.claim(set + " " + role, path);
      TextSet entry = sets.computeIfAbsent(set, k -> new TextSet());
      entry.files.add(path);
      Optional<Language> lang = scan.registry.find(m.group(3));
      if (lang.isEmpty()) {
        entry.unknownLanguage = true;
      } else if (role.equals("src")) {
        entry.src = path;
        entry.srcLang = lang.get().code();
      } else if (role.startsWith("ref.")) {
        entry.refs.put(role.substring(4), path);
        entry.tgtLang = lang.get().code();
      } else {
        entry.hyps.put(role.substring(4), path);
      }
    }
    List<ReadUnit> units = new ArrayList<>();
    sets.forEach(
        (set, entry) -> {
          if (entry.unknownLanguage) {
            // one language of the test set is not in the registry: none of its files is read
            entry.files.forEach(path -> scan.skip(path, SkippedFile.UNKNOWN_LANGUAGE));
            return;
          }
          if (entry.src == null) {
            entry.files.forEach(path -> scan.skip(path, NO_SOURCE));
            return;
          }
          if (entry.refs.isEmpty()) {
            throw ReaderErrors.missingFile(SourceLayout.parent(entry.src), set + ".ref.<name>.<lang>");
          }
          units.add(new ReadUnit(SourceFormat.WMT_TXT, scan.dataset.orElse(datasetOf(set)), scan.split.orElse("test"),
              entry.srcLang, entry.tgtLang, entry.src, new ArrayList<>(entry.refs.values()), entry.hyps, false));
        });
    return units;
  }

  private static final class SgmlSet {
    boolean unknownLanguage;
    final List<String> files = new ArrayList<>();
    String set;
    String src;
    String srcLang;
    String tgtLang;
    final List<String> refs = new ArrayList<>();
  }

  static List<ReadUnit> sgml(List<String> paths, LayoutScan scan) {
    Map<String, SgmlSet> sets = new TreeMap<>();
    for (String path : paths) {
      String name = SourceLayout.name(path);
      if (!name.endsWith(".sgm")) {
        scan.notData(path);
        continue;
      }
      Matcher m = SGML_FILE.matcher(name);
      if (!m.matches()) {
        if (SGML_MULTIWAY.matcher(name).matches()) {
          scan.skip(path, SGML_MULTIWAY_SET);
          continue;
        }
        throw ReaderErrors.unexpectedName(path, "wmt-sgml", "newstest2019-deen-src.de.sgm or newstest2019-deen-ref.en.sgm");
      }
      scan.claim(name, path);
      SgmlSet entry = sets.computeIfAbsent(m.group(1) + "-" + m.group(2), k -> new SgmlSet());
      entry.set = m.group(1);
      entry.files.add(path);
      Optional<Language> lang = scan.registry.find(m.group(4));
      if (lang.isEmpty()) {
        entry.unknownLanguage = true;
      } else if (m.group(3).equals("src")) {
        entry.src = path;
        entry.srcLang = lang.get().code();
      } else {
        entry.refs.add(path);
        entry.tgtLang = lang.get().code();
      }
    }
    sets.values().removeIf(e -> {
      if (e.unknownLanguage) {
        e.files.forEach(path -> scan.skip(path, SkippedFile.UNKNOWN_LANGUAGE));
      }
      return e.unknownLanguage;
    });
    sets.forEach(
        (key, e) -> {
          if (e.src == null && baseSet(key, e, sets) == null) {
            throw ReaderErrors.missingFile(SourceLayout.parent(e.refs.get(0)), key + "-src.<lang>.sgm");
          }
        });
    List<ReadUnit> units = new ArrayList<>();
    sets.forEach(
        (key, e) -> {
          if (e.src == null) {
            return; // references of another set (added to it above)
          }
          if (e.refs.isEmpty()) {
            throw ReaderErrors.missingFile(SourceLayout.parent(e.src), key + "-ref.<lang>.sgm");
          }
          units.add(new ReadUnit(SourceFormat.WMT_SGML, scan.dataset.orElse(e.set), scan.split.orElse("test"),
              e.srcLang, e.tgtLang, e.src, e.refs, Map.of(), false));
        });
    return units;
  }

  /** For {@code newstestB2020-deen} (references only): the set {@code newstest2020-deen}, given them. */
  private static SgmlSet baseSet(String key, SgmlSet extra, Map<String, SgmlSet> sets) {
    Matcher m = SGML_EXTRA_SET.matcher(extra.set);
    if (!m.matches()) {
      return null;
    }
    String baseKey = m.group(1) + m.group(2) + key.substring(extra.set.length());
    SgmlSet base = sets.get(baseKey);
    if (base == null || base.src == null || !extra.tgtLang.equals(base.tgtLang)) {
      return null;
    }
    base.refs.addAll(extra.refs);
    return base;
  }

  static List<ReadUnit> xml(List<String> paths, LayoutScan scan) {
    List<ReadUnit> units = new ArrayList<>();
    for (String path : paths) {
      String name = SourceLayout.name(path);
      if (!name.endsWith(".xml")) {
        scan.notData(path);
        continue;
      }
      Matcher m = XML_FILE.matcher(name);
      if (!m.matches()) {
        throw ReaderErrors.unexpectedName(path, "wmt-xml", "wmttest2022.en-de.all.xml");
      }
      Optional<Language> src = scan.language(m.group(2), path);
      Optional<Language> tgt = src.isPresent() ? scan.language(m.group(3), path) : Optional.empty();
      if (tgt.isPresent()) {
        scan.claim(name, path);
        units.add(new ReadUnit(SourceFormat.WMT_XML, scan.dataset.orElse(m.group(1)), scan.split.orElse("test"),
            src.get().code(), tgt.get().code(), path, List.of(), Map.of(), false));
      }
    }
    return units;
  }

  private static String datasetOf(String set) {
    int dot = set.indexOf('.');
    return dot > 0 ? set.substring(0, dot) : set;
  }
}
