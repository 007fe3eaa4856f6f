package dev.mtforge.cli;

import dev.mtforge.schemas.languages.LanguageRegistry;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --languages <dir>}: where languages.csv and language-groups.csv are read from. */
public final class RegistryOptions {
  @Option(
      names = "--languages",
      paramLabel = "<dir>",
      description = "Folder with languages.csv and language-groups.csv. Default: conf/ of this"
          + " installation, else the copy in the jar.")
  Path languagesDir;

  /** The registry from --languages, conf/, or the jar, in that order. */
  public LanguageRegistry registry() {
    Path dir = folder();
    return dir != null ? LanguageRegistry.load(dir) : LanguageRegistry.defaults();
  }

  /** Where the registry comes from, for lineage. */
  public String describe() {
    Path dir = folder();
    return dir != null
        ? dir.resolve(LanguageRegistry.LANGUAGES_FILE).toAbsolutePath().toString()
        : "classpath:mtforge/conf/" + LanguageRegistry.LANGUAGES_FILE;
  }

  private Path folder() {
    return languagesDir != null ? languagesDir : SparkOptions.confDir();
  }
}
