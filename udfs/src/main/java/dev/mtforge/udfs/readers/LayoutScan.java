package dev.mtforge.udfs.readers;

import dev.mtforge.schemas.languages.Language;
import dev.mtforge.schemas.languages.LanguageRegistry;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The state of planning one source: its format, root and registry, the files skipped so far and
 * the logical files seen (a file found twice under the root is an error, not a silent choice).
 */
final class LayoutScan {
  final SourceFormat format;
  final String root;
  final LanguageRegistry registry;
  final Optional<String> split;
  final Optional<String> dataset;
  private final List<SkippedFile> skipped = new ArrayList<>();
  private final Map<String, String> seen = new HashMap<>();

  LayoutScan(SourceFormat format, String root, LanguageRegistry registry, Optional<String> split,
      Optional<String> dataset) {
    this.format = format;
    this.root = root;
    this.registry = registry;
    this.split = split;
    this.dataset = dataset;
  }

  /** Leaves a file out, with the reason the log gives. */
  void skip(String path, String reason) {
    skipped.add(new SkippedFile(path, reason));
  }

  /** Leaves out a file that is not data of this format. */
  void notData(String path) {
    skip(path, SkippedFile.notData(format));
  }

  List<SkippedFile> skipped() {
    return skipped;
  }

  /**
   * Records that {@code path} is the file for {@code key} (e.g. {@code src newstest2019}); the
   * same key a second time, from another folder, is an error naming both files.
   */
  void claim(String key, String path) {
    String before = seen.putIfAbsent(key, path);
    if (before != null && !before.equals(path)) {
      throw ReaderErrors.foundTwice(root, format.label(), before, path);
    }
  }

  /** The language of an ISO 639-1 code from a file name, or empty (file skipped) if unknown. */
  Optional<Language> language(String code, String path) {
    Optional<Language> language = registry.find(code);
    if (language.isEmpty()) {
      skip(path, SkippedFile.UNKNOWN_LANGUAGE);
    }
    return language;
  }

  /** The language of a Flores-200 code, or empty (file skipped) if the registry lacks it. */
  Optional<Language> floresLanguage(String floresCode, String path) {
    Optional<Language> language =
        registry.languages().stream().filter(l -> l.floresCode().equals(floresCode)).findFirst();
    if (language.isEmpty()) {
      skip(path, SkippedFile.UNKNOWN_LANGUAGE);
    }
    return language;
  }
}
