package dev.mtforge.udfs.readers;

import dev.mtforge.schemas.languages.Language;
import dev.mtforge.schemas.languages.LanguageRegistry;
import dev.mtforge.schemas.languages.UnknownLanguageException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Plans the {@link ReadUnit}s of a source from a file listing, on the driver: which files belong
 * together, their languages (validated against the registry) and split. No file is opened here.
 *
 * <pre>{@code
 * List<ReadUnit> units = SourceLayout.plan(SourceFormat.FLORES200, "s3a://b/flores200", files,
 *     registry, Optional.empty(), Optional.empty());
 * }</pre>
 */
public final class SourceLayout {
  private static final Pattern FLORES_FILE = Pattern.compile("([a-z]{3}_[A-Z][a-z]{3})\\.([A-Za-z0-9_-]+)");
  private static final Pattern NTREX_FILE = Pattern.compile("(.+)-(src|ref)\\.([A-Za-z]{3}(?:-[A-Za-z0-9]+)?)\\.txt");
  private static final Pattern WMT_TXT_FILE =
      Pattern.compile("(.+?)\\.(src|ref\\.[^.]+|hyp\\.[^.]+)\\.([a-z]{2,3})");
  private static final Pattern SGML_FILE = Pattern.compile("(.+)-([a-z]+)-(src|ref)\\.([a-z]{2,3})\\.sgm");
  private static final Pattern XML_FILE = Pattern.compile("(.+?)\\.([a-z]{2,3})-([a-z]{2,3})\\.all\\.xml");
  private static final Pattern ALMA_FILE = Pattern.compile("([A-Za-z]+)\\.([a-z]{2,3})-([a-z]{2,3})\\.json");
  private static final Pattern XALMA_DIR = Pattern.compile("([a-z]{2,3})-([a-z]{2,3})");

  /** NTREX-128 ISO 639-3 codes that differ from the Flores-200 code of the same language. */
  private static final Map<String, String> NTREX_ALIASES =
      Map.of("msa", "zsm", "fas", "pes", "nep", "npi", "mlg", "plt", "aze", "azj", "uzb", "uzn", "lav",
          "lvs", "arb", "arb", "ara", "arb", "nor", "nob");

  private SourceLayout() {}

  /** The units of one {@code --source FORMAT=PATH}; errors name the offending file. */
  public static List<ReadUnit> plan(
      SourceFormat format, String root, SourceFiles files, LanguageRegistry registry,
      Optional<String> split, Optional<String> dataset) {
    List<String> paths = files.listFiles(root);
    if (paths.isEmpty()) {
      throw ReaderErrors.missingFile(root, "input files (the folder is empty or does not exist)");
    }
    List<ReadUnit> units =
        switch (format) {
          case FLORES200 -> flores(paths, root, registry, split, dataset.orElse(format.defaultDataset()));
          case FLORES_PLUS -> floresPlus(paths, root, registry, split, dataset.orElse(format.defaultDataset()));
          case NTREX128 -> ntrex(paths, root, registry, split.orElse("train"), dataset.orElse(format.defaultDataset()));
          case WMT_TXT -> wmtTxt(paths, registry, split.orElse("test"), dataset);
          case WMT_SGML -> wmtSgml(paths, registry, split.orElse("test"), dataset);
          case WMT_XML -> wmtXml(paths, registry, split.orElse("test"), dataset);
          case ALMA_JSON -> alma(paths, registry, split, dataset.orElse(format.defaultDataset()));
          case XALMA_PARQUET -> xalma(paths, registry, split, dataset.orElse(format.defaultDataset()));
        };
    if (units.isEmpty()) {
      throw ReaderErrors.missingFile(root, "files in the " + format + " layout");
    }
    return units;
  }

  private static List<ReadUnit> flores(
      List<String> paths, String root, LanguageRegistry registry, Optional<String> split, String dataset) {
    Map<String, Map<String, String>> bySplit = new TreeMap<>();
    for (String path : paths) {
      Matcher m = FLORES_FILE.matcher(name(path));
      if (!m.matches()) {
        throw ReaderErrors.unexpectedName(path, "flores200", "deu_Latn.dev or eng_Latn.devtest");
      }
      bySplit.computeIfAbsent(m.group(2), k -> new TreeMap<>()).put(m.group(1), path);
    }
    return multiWay(bySplit, root, registry, split, dataset, SourceFormat.FLORES200, ".");
  }

  private static List<ReadUnit> floresPlus(
      List<String> paths, String root, LanguageRegistry registry, Optional<String> split, String dataset) {
    Map<String, Map<String, String>> bySplit = new TreeMap<>();
    for (String path : paths) {
      Matcher m = Pattern.compile("([a-z]{3}_[A-Z][a-z]{3})\\.(parquet|jsonl)").matcher(name(path));
      if (!m.matches()) {
        throw ReaderErrors.unexpectedName(path, "flores-plus", "dev/deu_Latn.parquet or devtest/eng_Latn.jsonl");
      }
      bySplit.computeIfAbsent(name(parent(path)), k -> new TreeMap<>()).put(m.group(1), path);
    }
    return multiWay(bySplit, root, registry, split, dataset, SourceFormat.FLORES_PLUS, "/");
  }

  private static List<ReadUnit> multiWay(
      Map<String, Map<String, String>> bySplit, String root, LanguageRegistry registry,
      Optional<String> split, String dataset, SourceFormat format, String separator) {
    String pivot = registry.pivot().floresCode();
    List<ReadUnit> units = new ArrayList<>();
    bySplit.forEach(
        (fileSplit, byCode) -> {
          String english = byCode.get(pivot);
          if (english == null) {
            throw ReaderErrors.missingFile(root, separator.equals(".") ? pivot + "." + fileSplit : fileSplit + "/" + pivot + ".*");
          }
          byCode.forEach(
              (code, path) -> {
                if (!code.equals(pivot)) {
                  Language language = byFlores(registry, code, path);
                  units.add(new ReadUnit(format, dataset, split.orElse(fileSplit), language.code(), "en", path,
                      List.of(english), Map.of(), true));
                }
              });
        });
    return units;
  }

  private static List<ReadUnit> ntrex(
      List<String> paths, String root, LanguageRegistry registry, String split, String dataset) {
    Map<String, String> src = new TreeMap<>();
    Map<String, Map<String, String>> refs = new TreeMap<>();
    for (String path : paths) {
      Matcher m = NTREX_FILE.matcher(name(path));
      if (!m.matches()) {
        throw ReaderErrors.unexpectedName(path, "ntrex128", "newstest2019-src.eng.txt or newstest2019-ref.deu.txt");
      }
      if (m.group(2).equals("src")) {
        src.put(m.group(1), path);
      } else {
        refs.computeIfAbsent(m.group(1), k -> new TreeMap<>()).put(m.group(3), path);
      }
    }
    List<ReadUnit> units = new ArrayList<>();
    refs.forEach(
        (set, byCode) -> {
          String english = src.get(set);
          if (english == null) {
            throw ReaderErrors.missingFile(root, set + "-src.eng.txt");
          }
          byCode.forEach(
              (code, path) -> {
                Language language = ntrexLanguage(registry, code, path);
                if (!language.isPivot()) {
                  units.add(new ReadUnit(SourceFormat.NTREX128, dataset, split, language.code(), "en", path,
                      List.of(english), Map.of(), true));
                }
              });
        });
    return units;
  }

  private static List<ReadUnit> wmtTxt(
      List<String> paths, LanguageRegistry registry, String split, Optional<String> dataset) {
    Map<String, String> src = new TreeMap<>();
    Map<String, String> srcLang = new TreeMap<>();
    Map<String, Map<String, String>> refs = new TreeMap<>();
    Map<String, Map<String, String>> hyps = new TreeMap<>();
    Map<String, String> tgtLang = new TreeMap<>();
    for (String path : paths) {
      Matcher m = WMT_TXT_FILE.matcher(name(path));
      if (!m.matches()) {
        throw ReaderErrors.unexpectedName(path, "wmt-txt", "wmt22.de-en.src.de, wmt22.de-en.ref.A.en or wmt22.de-en.hyp.SYSTEM.en");
      }
      String set = m.group(1);
      String role = m.group(2);
      String lang = code(registry, m.group(3), path);
      if (role.equals("src")) {
        src.put(set, path);
        srcLang.put(set, lang);
      } else if (role.startsWith("ref.")) {
        refs.computeIfAbsent(set, k -> new TreeMap<>()).put(role.substring(4), path);
        tgtLang.put(set, lang);
      } else {
        hyps.computeIfAbsent(set, k -> new TreeMap<>()).put(role.substring(4), path);
      }
    }
    List<ReadUnit> units = new ArrayList<>();
    for (Map.Entry<String, String> entry : src.entrySet()) {
      String set = entry.getKey();
      Map<String, String> setRefs = refs.get(set);
      if (setRefs == null) {
        throw ReaderErrors.missingFile(parent(entry.getValue()), set + ".ref.<name>." + "<lang>");
      }
      units.add(new ReadUnit(SourceFormat.WMT_TXT, dataset.orElse(datasetOf(set)), split, srcLang.get(set),
          tgtLang.get(set), entry.getValue(), new ArrayList<>(setRefs.values()),
          hyps.getOrDefault(set, Map.of()), false));
    }
    return units;
  }

  private static List<ReadUnit> wmtSgml(
      List<String> paths, LanguageRegistry registry, String split, Optional<String> dataset) {
    Map<String, String[]> sets = new TreeMap<>();
    for (String path : paths) {
      Matcher m = SGML_FILE.matcher(name(path));
      if (!m.matches()) {
        throw ReaderErrors.unexpectedName(path, "wmt-sgml", "newstest2019-deen-src.de.sgm or newstest2019-deen-ref.en.sgm");
      }
      String key = m.group(1) + "-" + m.group(2);
      String[] entry = sets.computeIfAbsent(key, k -> new String[5]);
      entry[0] = m.group(1);
      if (m.group(3).equals("src")) {
        entry[1] = path;
        entry[2] = code(registry, m.group(4), path);
      } else {
        entry[3] = path;
        entry[4] = code(registry, m.group(4), path);
      }
    }
    List<ReadUnit> units = new ArrayList<>();
    sets.forEach(
        (key, e) -> {
          if (e[1] == null || e[3] == null) {
            String present = e[1] != null ? e[1] : e[3];
            throw ReaderErrors.missingFile(parent(present), key + (e[1] == null ? "-src.<lang>.sgm" : "-ref.<lang>.sgm"));
          }
          units.add(new ReadUnit(SourceFormat.WMT_SGML, dataset.orElse(e[0]), split, e[2], e[4], e[1],
              List.of(e[3]), Map.of(), false));
        });
    return units;
  }

  private static List<ReadUnit> wmtXml(
      List<String> paths, LanguageRegistry registry, String split, Optional<String> dataset) {
    List<ReadUnit> units = new ArrayList<>();
    for (String path : paths) {
      Matcher m = XML_FILE.matcher(name(path));
      if (!m.matches()) {
        throw ReaderErrors.unexpectedName(path, "wmt-xml", "wmttest2022.en-de.all.xml");
      }
      units.add(new ReadUnit(SourceFormat.WMT_XML, dataset.orElse(m.group(1)), split,
          code(registry, m.group(2), path), code(registry, m.group(3), path), path, List.of(), Map.of(), false));
    }
    return units;
  }

  private static List<ReadUnit> alma(
      List<String> paths, LanguageRegistry registry, Optional<String> split, String dataset) {
    List<ReadUnit> units = new ArrayList<>();
    for (String path : paths) {
      Matcher m = ALMA_FILE.matcher(name(path));
      if (!m.matches()) {
        throw ReaderErrors.unexpectedName(path, "alma-json", "train.cs-en.json or valid.cs-en.json");
      }
      String[] langs = englishLast(code(registry, m.group(2), path), code(registry, m.group(3), path));
      units.add(new ReadUnit(SourceFormat.ALMA_JSON, dataset, split.orElse(m.group(1).toLowerCase(Locale.ROOT)),
          langs[0], langs[1], path, List.of(), Map.of(), true));
    }
    return units;
  }

  private static List<ReadUnit> xalma(
      List<String> paths, LanguageRegistry registry, Optional<String> split, String dataset) {
    List<ReadUnit> units = new ArrayList<>();
    for (String path : paths) {
      if (!path.endsWith(".parquet")) {
        continue;
      }
      Matcher m = XALMA_DIR.matcher(name(parent(path)));
      if (!m.matches()) {
        throw ReaderErrors.unexpectedName(path, "xalma-parquet", "de-en/train-00000-of-00001.parquet");
      }
      String[] langs = englishLast(code(registry, m.group(1), path), code(registry, m.group(2), path));
      String fileSplit = name(path).split("[-.]", 2)[0].toLowerCase(Locale.ROOT);
      units.add(new ReadUnit(SourceFormat.XALMA_PARQUET, dataset, split.orElse(fileSplit), langs[0], langs[1],
          path, List.of(), Map.of(), true));
    }
    return units;
  }

  /** Training pairs are stored xx-en (the reverse direction is derived). */
  private static String[] englishLast(String a, String b) {
    return a.equals("en") ? new String[] {b, a} : new String[] {a, b};
  }

  private static String datasetOf(String set) {
    int dot = set.indexOf('.');
    return dot > 0 ? set.substring(0, dot) : set;
  }

  private static String code(LanguageRegistry registry, String code, String path) {
    try {
      return registry.language(code).code();
    } catch (UnknownLanguageException e) {
      throw ReaderErrors.unknownLanguage(path, code, registry.languages().stream().map(Language::code).toList());
    }
  }

  private static Language byFlores(LanguageRegistry registry, String code, String path) {
    try {
      return registry.byFloresCode(code);
    } catch (UnknownLanguageException e) {
      throw ReaderErrors.unknownLanguage(path, code, registry.languages().stream().map(Language::floresCode).toList());
    }
  }

  private static Language ntrexLanguage(LanguageRegistry registry, String code, String path) {
    String[] parts = code.split("-", 2);
    String iso3 = NTREX_ALIASES.getOrDefault(parts[0], parts[0]);
    String script = parts.length > 1 && parts[1].length() == 4 ? parts[1] : null;
    Map<String, Language> candidates = new LinkedHashMap<>();
    for (Language language : registry.languages()) {
      if (language.floresCode().startsWith(iso3 + "_")) {
        candidates.put(language.script(), language);
      }
    }
    if (script != null && candidates.containsKey(script)) {
      return candidates.get(script);
    }
    if (candidates.size() == 1) {
      return candidates.values().iterator().next();
    }
    throw ReaderErrors.unknownLanguage(path, code, registry.languages().stream().map(l -> l.floresCode().substring(0, 3)).toList());
  }

  static String name(String path) {
    int slash = path.lastIndexOf('/');
    return slash >= 0 ? path.substring(slash + 1) : path;
  }

  static String parent(String path) {
    int slash = path.lastIndexOf('/');
    return slash > 0 ? path.substring(0, slash) : "";
  }
}
