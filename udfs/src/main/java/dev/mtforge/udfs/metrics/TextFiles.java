package dev.mtforge.udfs.metrics;

import dev.mtforge.schemas.InvalidInputException;
import dev.mtforge.udfs.tokenize.PythonText;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * Reads system outputs and references the way the {@code sacrebleu} command does: UTF-8 (gzip
 * when the name ends in {@code .gz}), lines split on {@code \n} only, trailing whitespace
 * stripped with Python's notion of whitespace (so a {@code \r} goes too).
 */
public final class TextFiles {

  private TextFiles() {}

  /** The file's lines, right-stripped. */
  public static List<String> readLines(Path path) {
    byte[] bytes;
    try (InputStream in =
        path.toString().endsWith(".gz")
            ? new GZIPInputStream(Files.newInputStream(path))
            : Files.newInputStream(path)) {
      bytes = in.readAllBytes();
    } catch (java.nio.file.NoSuchFileException e) {
      throw new InvalidInputException(path + ": no such file", path.toString(), e);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + path, e);
    }
    var decoder =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    List<String> lines = new ArrayList<>();
    int from = 0;
    while (from < bytes.length) {
      int nl = from;
      while (nl < bytes.length && bytes[nl] != '\n') {
        nl++;
      }
      try {
        lines.add(PythonText.rstrip(decoder.decode(ByteBuffer.wrap(bytes, from, nl - from)).toString()));
      } catch (CharacterCodingException e) {
        int line = lines.size() + 1;
        throw new InvalidInputException(path + ":" + line + ": not valid UTF-8", path + ":" + line, e);
      }
      from = nl + 1;
    }
    return lines;
  }
}
