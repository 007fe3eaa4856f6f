package dev.mtforge.udfs.readers;

import dev.mtforge.schemas.languages.Language;
import dev.mtforge.schemas.languages.LanguageRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Plans the {@link ReadUnit}s of a source from a file listing, on the driver: which files belong
 * together, their languages and split. No file is opened here.
 *
 * <p>A source is a folder as its publisher ships it. Files that are data of the format are read;
 * files that plainly are not (README, LICENSE, metadata TSVs, other extensions, files of unrelated
 * sub-folders), files whose language the registry does not have and variants the layout does not
 * read are skipped and listed in {@link SourcePlan#skipped()}; files and folders whose name starts
 * with {@code .} or {@code _} are not looked at (Hadoop's rule). A file that has the format's name
 * or extension but does not fit it is still an error naming the file. The rule of each format is
 * in docs/DATA.md.
 *
 * <pre>{@code
 * SourcePlan plan = SourceLayout.scan(SourceFormat.NTREX128, "s3a://b/NTREX", files, registry,
 *     Optional.empty(), Optional.empty());
 * LOG.info("{}", plan.describe());
 * }</pre>
 */
public final class SourceLayout {
  private static final Pattern FLORES_FILE = Pattern.compile("([a-z]{3}_[A-Z][a-z]{3})\\.([A-Za-z0-9_-]+)");
  private static final Pattern FLORES_PLUS_FILE = Pattern.compile("([a-z]{3}_[A-Z][a-z]{3})\\.(parquet|jsonl)");
  private static final Pattern ALMA_FILE = Pattern.compile("([A-Za-z]+)\\.([a-z]{2,3})-([a-z]{2,3})\\.json");
  private static final Pattern XALMA_DIR = Pattern.compile("([a-z]{2,3})-([a-z]{2,3})");

  private SourceLayout() {}

  /** The units of one {@code --source FORMAT=PATH} (see {@link #scan}). */
  public static List<ReadUnit> plan(
      SourceFormat format, String root, SourceFiles files, LanguageRegistry registry,
      Optional<String> split, Optional<String> dataset) {
    return scan(format, root, files, registry, split, dataset).units();
  }

  /**
   * The units of one {@code --source FORMAT=PATH} and the files skipped; errors name the
   * offending file. A source in which nothing is read is an error listing what was skipped.
   */
  public static SourcePlan scan(
      SourceFormat format, String root, SourceFiles files, LanguageRegistry registry,
      Optional<String> split, Optional<String> dataset) {
    List<String> paths = files.listFiles(root).stream().filter(p -> !hidden(root, p)).toList();
    if (paths.isEmpty()) {
      throw ReaderErrors.missingFile(root, "input files (the folder is empty or does not exist)");
    }
    LayoutScan scan = new LayoutScan(format, root, registry, split, dataset);
    List<ReadUnit> units =
        switch (format) {
          case FLORES200 -> flores(paths, scan);
          case FLORES_PLUS -> floresPlus(paths, scan);
          case NTREX128 -> NtrexLayout.plan(paths, scan);
          case WMT_TXT -> WmtLayout.text(paths, scan);
          case WMT_SGML -> WmtLayout.sgml(paths, scan);
          case WMT_XML -> WmtLayout.xml(paths, scan);
          case ALMA_JSON -> alma(paths, scan);
          case XALMA_PARQUET -> xalma(paths, scan);
        };
    if (units.isEmpty()) {
      throw ReaderErrors.nothingToRead(root, format.label(), scan.skipped());
    }
    return new SourcePlan(root, format, units, scan.skipped());
  }

  private static List<ReadUnit> flores(List<String> paths, LayoutScan scan) {
    Map<String, Map<String, String>> bySplit = new TreeMap<>();
    for (String path : paths) {
      Matcher m = FLORES_FILE.matcher(name(path));
      if (!m.matches()) {
        scan.notData(path);
        continue;
      }
      scan.claim(m.group(2) + "/" + m.group(1), path);
      bySplit.computeIfAbsent(m.group(2), k -> new TreeMap<>()).put(m.group(1), path);
    }
    return multiWay(bySplit, scan, ".");
  }

  private static List<ReadUnit> floresPlus(List<String> paths, LayoutScan scan) {
    Map<String, Map<String, String>> bySplit = new TreeMap<>();
    for (String path : paths) {
      Matcher m = FLORES_PLUS_FILE.matcher(name(path));
      if (!m.matches()) {
        if (path.endsWith(".parquet") || path.endsWith(".jsonl")) {
          throw ReaderErrors.unexpectedName(path, "flores-plus", "dev/deu_Latn.parquet or devtest/eng_Latn.jsonl");
        }
        scan.notData(path);
        continue;
      }
      String fileSplit = name(parent(path));
      scan.claim(fileSplit + "/" + m.group(1), path);
      bySplit.computeIfAbsent(fileSplit, k -> new TreeMap<>()).put(m.group(1), path);
    }
    return multiWay(bySplit, scan, "/");
  }

  private static List<ReadUnit> multiWay(Map<String, Map<String, String>> bySplit, LayoutScan scan, String separator) {
    String pivot = scan.registry.pivot().floresCode();
    String dataset = scan.dataset.orElse(scan.format.defaultDataset());
    List<ReadUnit> units = new ArrayList<>();
    bySplit.forEach(
        (fileSplit, byCode) -> {
          String english = byCode.get(pivot);
          if (english == null) {
            throw ReaderErrors.missingFile(scan.root,
                separator.equals(".") ? pivot + "." + fileSplit : fileSplit + "/" + pivot + ".*");
          }
          byCode.forEach(
              (code, path) -> {
                if (!code.equals(pivot)) {
                  scan.floresLanguage(code, path).ifPresent(language ->
                      units.add(new ReadUnit(scan.format, dataset, scan.split.orElse(fileSplit), language.code(), "en",
                          path, List.of(english), Map.of(), true)));
                }
              });
        });
    return units;
  }

  private static List<ReadUnit> alma(List<String> paths, LayoutScan scan) {
    List<ReadUnit> units = new ArrayList<>();
    for (String path : paths) {
      Matcher m = ALMA_FILE.matcher(name(path));
      if (!m.matches()) {
        if (path.endsWith(".json")) {
          throw ReaderErrors.unexpectedName(path, "alma-json", "train.cs-en.json or valid.cs-en.json");
        }
        scan.notData(path);
        continue;
      }
      Optional<Language> a = scan.language(m.group(2), path);
      Optional<Language> b = a.isPresent() ? scan.language(m.group(3), path) : Optional.empty();
      if (b.isPresent()) {
        String[] langs = englishLast(a.get().code(), b.get().code());
        units.add(new ReadUnit(SourceFormat.ALMA_JSON, scan.dataset.orElse(scan.format.defaultDataset()),
            scan.split.orElse(m.group(1).toLowerCase(Locale.ROOT)), langs[0], langs[1], path, List.of(), Map.of(), true));
      }
    }
    return units;
  }

  private static List<ReadUnit> xalma(List<String> paths, LayoutScan scan) {
    List<ReadUnit> units = new ArrayList<>();
    for (String path : paths) {
      if (!path.endsWith(".parquet")) {
        scan.notData(path);
        continue;
      }
      Matcher m = XALMA_DIR.matcher(name(parent(path)));
      if (!m.matches()) {
        throw ReaderErrors.unexpectedName(path, "xalma-parquet", "de-en/train-00000-of-00001.parquet");
      }
      Optional<Language> a = scan.language(m.group(1), path);
      Optional<Language> b = a.isPresent() ? scan.language(m.group(2), path) : Optional.empty();
      if (b.isPresent()) {
        String[] langs = englishLast(a.get().code(), b.get().code());
        String fileSplit = name(path).split("[-.]", 2)[0].toLowerCase(Locale.ROOT);
        units.add(new ReadUnit(SourceFormat.XALMA_PARQUET, scan.dataset.orElse(scan.format.defaultDataset()),
            scan.split.orElse(fileSplit), langs[0], langs[1], path, List.of(), Map.of(), true));
      }
    }
    return units;
  }

  /** Training pairs are stored xx-en (the reverse direction is derived). */
  private static String[] englishLast(String a, String b) {
    return a.equals("en") ? new String[] {b, a} : new String[] {a, b};
  }

  /**
   * The path below the root ({@code NTREX-128/newstest2019-src.eng.txt}); empty when the path is
   * not under it. Schemes are ignored ({@code file:/a} is under {@code /a}).
   */
  static String relative(String root, String path) {
    String r = withoutScheme(root);
    if (!root.contains(":") && !r.startsWith("/")) {
      // a relative local folder: Hadoop lists it as absolute paths under the working directory
      r = java.nio.file.Path.of(r).toAbsolutePath().normalize().toString();
    }
    String p = withoutScheme(path);
    if (r.endsWith("/")) {
      r = r.substring(0, r.length() - 1);
    }
    return p.startsWith(r + "/") ? p.substring(r.length() + 1) : "";
  }

  /** True for files in or under a folder whose name starts with {@code .} or {@code _}. */
  static boolean hidden(String root, String path) {
    String rel = relative(root, path);
    for (String part : (rel.isEmpty() ? name(path) : rel).split("/")) {
      if (part.startsWith(".") || part.startsWith("_")) {
        return true;
      }
    }
    return false;
  }

  private static String withoutScheme(String path) {
    String p = path;
    if (p.startsWith("file:")) {
      p = p.substring("file:".length());
      while (p.startsWith("//")) {
        p = p.substring(1);
      }
    }
    return p;
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
