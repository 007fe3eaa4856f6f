package dev.mtforge.udfs.readers;

import dev.mtforge.schemas.languages.Language;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The NTREX-128 layout, as the official repository ships it: {@code NTREX-128/} with
 * {@code newstest2019-src.eng.txt} and one {@code newstest2019-ref.<code>.txt} per language,
 * {@code NTREX-additional/}, and {@code DOCUMENT_IDS.tsv}, {@code LANGUAGES.tsv},
 * {@code README.md}, {@code LICENSE.md} at the top.
 *
 * <ul>
 *   <li>{@code <set>-src.eng.txt} and {@code <set>-ref.<code>.txt} are read; other files are not
 *       data, except {@code DOCUMENT_IDS.tsv}, which gives the doc ids of the source in the same
 *       folder or a folder above it (line by line).
 *   <li>{@code <code>} is ISO 639-3 with an optional script ({@code srp-Cyrl}) or region
 *       ({@code fra-CA}, {@code zho-CN}). A region variant is skipped when the plain code is there
 *       too ({@code fra-CA} beside {@code fra}); {@code zho-CN} and {@code zho-TW} are Simplified
 *       and Traditional Chinese. A script must be the registry's ({@code srp-Latn} is skipped when
 *       the registry's Serbian is Cyrillic).
 *   <li>{@code <set>-ref-2.<code>.txt} (a second reference, Spanish) is skipped: a multi-way set
 *       keeps one reference per language.
 * </ul>
 */
final class NtrexLayout {
  static final String DOCUMENT_IDS = "DOCUMENT_IDS.tsv";
  private static final Pattern FILE =
      Pattern.compile("(.+?)-(src|ref)(?:-(\\d+))?\\.([A-Za-z]{3})(?:-([A-Za-z]{4}|[A-Z]{2}|\\d{3}))?\\.txt");

  /** NTREX-128 ISO 639-3 codes that differ from the Flores-200 code of the same language. */
  private static final Map<String, String> ALIASES =
      Map.of("msa", "zsm", "fas", "pes", "nep", "npi", "mlg", "plt", "aze", "azj", "uzb", "uzn", "lav",
          "lvs", "ara", "arb", "nor", "nob");

  /** Scripts of the Chinese region variants NTREX-128 uses. */
  private static final Map<String, String> REGION_SCRIPTS =
      Map.of("CN", "Hans", "SG", "Hans", "TW", "Hant", "HK", "Hant", "MO", "Hant");

  static final String SECOND_REFERENCE = "second reference (a multi-way set keeps one per language)";
  static final String ENGLISH_REFERENCE = "English reference of the English source";
  static final String REGION_VARIANT = "regional variant (the file without a region is read)";

  private NtrexLayout() {}

  private record RefFile(String path, String iso3, String subtag) {}

  static List<ReadUnit> plan(List<String> paths, LayoutScan scan) {
    Map<String, String> src = new TreeMap<>();
    Map<String, List<RefFile>> refs = new TreeMap<>();
    Map<String, String> docIds = new TreeMap<>();
    for (String path : paths) {
      String name = SourceLayout.name(path);
      if (name.equals(DOCUMENT_IDS)) {
        docIds.put(SourceLayout.parent(path), path);
        continue;
      }
      Matcher m = FILE.matcher(name);
      if (!m.matches()) {
        scan.notData(path);
        continue;
      }
      String set = m.group(1);
      if (m.group(2).equals("src")) {
        if (!m.group(4).equals("eng") || m.group(3) != null) {
          throw ReaderErrors.unexpectedName(path, "ntrex128", "newstest2019-src.eng.txt (the source is English)");
        }
        scan.claim("src " + set, path);
        src.put(set, path);
      } else if (m.group(3) != null) {
        scan.skip(path, SECOND_REFERENCE);
      } else {
        scan.claim("ref " + set + " " + name, path);
        refs.computeIfAbsent(set, k -> new ArrayList<>()).add(new RefFile(path, m.group(4), m.group(5)));
      }
    }
    List<ReadUnit> units = new ArrayList<>();
    refs.forEach(
        (set, files) -> {
          String english = src.get(set);
          if (english == null) {
            throw ReaderErrors.missingFile(scan.root, set + "-src.eng.txt");
          }
          String ids = documentIds(english, docIds);
          Map<String, String> taken = new LinkedHashMap<>();
          for (RefFile ref : files) {
            language(ref, files, scan).ifPresent(language -> {
              if (language.isPivot()) {
                scan.skip(ref.path(), ENGLISH_REFERENCE);
                return;
              }
              String before = taken.put(language.code(), ref.path());
              if (before != null) {
                throw ReaderErrors.foundTwice(scan.root, "ntrex128 (" + language.name() + ")", before, ref.path());
              }
              units.add(new ReadUnit(SourceFormat.NTREX128, scan.dataset.orElse(scan.format.defaultDataset()),
                  scan.split.orElse("train"), language.code(), "en", ref.path(), List.of(english), Map.of(), true, ids));
            });
          }
        });
    docIds.values().stream().filter(path -> units.stream().noneMatch(u -> path.equals(u.docIdsPath())))
        .forEach(path -> scan.skip(path, "document ids of no source file in its folder or below"));
    return units;
  }

  /** The DOCUMENT_IDS.tsv in the source's folder or the nearest folder above it, or null. */
  private static String documentIds(String source, Map<String, String> docIds) {
    for (String folder = SourceLayout.parent(source); !folder.isEmpty(); folder = SourceLayout.parent(folder)) {
      String ids = docIds.get(folder);
      if (ids != null) {
        return ids;
      }
    }
    return null;
  }

  /** The registry language of a reference file, or empty (the file is then skipped, with why). */
  private static Optional<Language> language(RefFile ref, List<RefFile> all, LayoutScan scan) {
    String iso3 = ALIASES.getOrDefault(ref.iso3(), ref.iso3());
    List<Language> candidates = scan.registry.languages().stream()
        .filter(l -> l.floresCode().startsWith(iso3 + "_")).toList();
    String script = null;
    if (ref.subtag() != null && ref.subtag().length() == 4) {
      script = ref.subtag();
    } else if (ref.subtag() != null) {
      boolean plainToo = all.stream().anyMatch(r -> r.iso3().equals(ref.iso3()) && r.subtag() == null);
      if (plainToo) {
        scan.skip(ref.path(), REGION_VARIANT);
        return Optional.empty();
      }
      script = REGION_SCRIPTS.get(ref.subtag());
    }
    String wanted = script;
    List<Language> matching = wanted == null ? candidates
        : candidates.stream().filter(l -> l.script().equals(wanted)).toList();
    if (matching.size() != 1) {
      scan.skip(ref.path(), matching.isEmpty() ? SkippedFile.UNKNOWN_LANGUAGE
          : "ambiguous language code (the registry has it in several scripts)");
      return Optional.empty();
    }
    return Optional.of(matching.get(0));
  }
}
