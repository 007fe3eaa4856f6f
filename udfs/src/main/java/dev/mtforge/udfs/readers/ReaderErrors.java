package dev.mtforge.udfs.readers;

import java.util.List;
import java.util.stream.Collectors;

/** The errors readers raise; each message starts with the file (and line) it is about. */
public final class ReaderErrors {
  private ReaderErrors() {}

  /** Two files that must be aligned line by line have different numbers of segments. */
  public static InputFormatException misaligned(String path, long count, String otherPath, long otherCount) {
    return new InputFormatException(
        "Cannot align " + path + " (" + count + " segments) with " + otherPath + " (" + otherCount
            + " segments): aligned files must have the same number of segments",
        path, 0, null);
  }

  /** Bytes that are not UTF-8. */
  public static InputFormatException invalidUtf8(String path, long byteOffset, long line) {
    return new InputFormatException(
        path + ":" + line + ": invalid UTF-8 at byte offset " + byteOffset, path, line, null);
  }

  /** A line or element that does not have the expected shape. */
  public static InputFormatException malformed(String path, long line, String problem) {
    return new InputFormatException(
        (line > 0 ? path + ":" + line : path) + ": " + problem, path, line, null);
  }

  /** Like {@link #malformed}, keeping the parser's exception as the cause. */
  public static InputFormatException malformed(String path, long line, String problem, Throwable cause) {
    return new InputFormatException(
        (line > 0 ? path + ":" + line : path) + ": " + problem, path, line, cause);
  }

  /** A file name that does not follow the layout of its format. */
  public static InputFormatException unexpectedName(String path, String format, String expected) {
    return new InputFormatException(
        "Cannot read " + path + " as " + format + ": expected a name like " + expected, path, 0, null);
  }

  /** An input error an executor reported as data (message and location as it gave them). */
  public static InputFormatException reported(String message, String location) {
    int colon = location.lastIndexOf(':');
    long line = 0;
    String path = location;
    if (colon > 0 && location.substring(colon + 1).matches("\\d+")) {
      line = Long.parseLong(location.substring(colon + 1));
      path = location.substring(0, colon);
    }
    return new InputFormatException(message, path, line, null);
  }

  /** Two files under one source that both claim to be the same file of the layout. */
  public static InputFormatException foundTwice(String root, String format, String first, String second) {
    return new InputFormatException(
        "Cannot read " + root + " as " + format + ": " + first + " and " + second
            + " are the same file of the layout; point --source at the folder that holds one of them",
        second, 0, null);
  }

  /** A document id file whose line count differs from its source file's segment count. */
  public static InputFormatException docIdsMisaligned(String docIds, long count, String source, long sourceCount) {
    return new InputFormatException(
        "Cannot use " + docIds + " (" + count + " document ids) for " + source + " (" + sourceCount
            + " segments): it must have one line per segment",
        docIds, 0, null);
  }

  /** A source folder where nothing is data of the format; lists what was skipped. */
  public static InputFormatException nothingToRead(String root, String format, List<SkippedFile> skipped) {
    String what = skipped.isEmpty() ? "the folder is empty or does not exist"
        : "skipped " + skipped.stream().limit(8).map(s -> SourceLayout.relative(root, s.path()) + " (" + s.reason() + ")")
            .collect(Collectors.joining(", ")) + (skipped.size() > 8 ? ", …" : "");
    return new InputFormatException(
        "Cannot read " + root + ": no " + format + " files (" + what + ")", root, 0, null);
  }

  /** A file that a multi-file layout needs and that is missing. */
  public static InputFormatException missingFile(String folder, String name) {
    return new InputFormatException(
        "Cannot read " + folder + ": missing " + name, folder, 0, null);
  }
}
