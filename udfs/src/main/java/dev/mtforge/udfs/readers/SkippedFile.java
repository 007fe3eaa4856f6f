package dev.mtforge.udfs.readers;

import java.io.Serializable;

/**
 * A file of a source folder that prepare does not read, and why: it is not data of the format
 * (README, LICENSE, metadata TSVs, other extensions, files of unrelated sub-folders), its language
 * is not in the registry, or it is a variant the layout does not read (see docs/DATA.md).
 *
 * @param path the file
 * @param reason why it is skipped, the same text for every file skipped for the same reason
 */
public record SkippedFile(String path, String reason) implements Serializable {
  /** Reason for a file that is not data of the format. */
  public static String notData(SourceFormat format) {
    return "not " + format.label() + " data";
  }

  /** Reason for a file whose language code the registry does not have. */
  public static final String UNKNOWN_LANGUAGE = "language not in the registry";
}
