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

  /**
   * Streams the file's lines (same rules as {@link #readLines}) without holding the file in
   * memory. Close it when done.
   */
  public static LineReader open(Path path) {
    try {
      InputStream raw = Files.newInputStream(path);
      InputStream in = path.toString().endsWith(".gz") ? new GZIPInputStream(raw, 1 << 16) : raw;
      return new LineReader(path, in);
    } catch (java.nio.file.NoSuchFileException e) {
      throw new InvalidInputException(path + ": no such file", path.toString(), e);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + path, e);
    }
  }

  /** Reads lines one at a time: UTF-8, split on {@code \n}, right-stripped. */
  public static final class LineReader implements AutoCloseable {
    private final Path path;
    private final InputStream in;
    private final java.nio.charset.CharsetDecoder decoder =
        StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    private byte[] buf = new byte[1024];
    // our own buffer: BufferedInputStream.read() per byte (synchronized) cost a third of score
    private final byte[] chunk = new byte[1 << 16];
    private int pos;
    private int limit;
    private int lineNumber;

    private LineReader(Path path, InputStream in) {
      this.path = path;
      this.in = in;
    }

    /** The next line, or null at the end of the file. */
    public String next() {
      // fast path: the whole line is in the buffer; find its end and whether it is ASCII at once
      int end = pos;
      int bytes = 0;
      while (end < limit) {
        byte b = chunk[end];
        if (b == '\n') {
          break;
        }
        bytes |= b;
        end++;
      }
      if (end < limit) {
        int start = pos;
        pos = end + 1;
        lineNumber++;
        return decode(chunk, start, end - start, bytes >= 0);
      }
      try {
        int len = 0;
        boolean any = false;
        while (true) {
          if (pos == limit) {
            limit = in.read(chunk, 0, chunk.length);
            pos = 0;
            if (limit <= 0) {
              limit = 0;
              if (!any) {
                return null;
              }
              break;
            }
          }
          any = true;
          int start = pos;
          while (pos < limit && chunk[pos] != '\n') {
            pos++;
          }
          int n = pos - start;
          if (len + n > buf.length) {
            buf = java.util.Arrays.copyOf(buf, Math.max(buf.length * 2, len + n));
          }
          System.arraycopy(chunk, start, buf, len, n);
          len += n;
          if (pos < limit) {
            pos++; // the newline
            break;
          }
        }
        lineNumber++;
        boolean ascii = true;
        for (int i = 0; i < len && ascii; i++) {
          ascii = buf[i] >= 0;
        }
        return decode(buf, 0, len, ascii);
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot read " + path, e);
      }
    }

    /** A line's bytes as a right-stripped string; bad UTF-8 is an error naming the line. */
    private String decode(byte[] bytes, int offset, int len, boolean ascii) {
      if (ascii) {
        // ASCII needs no decoding and cannot be malformed
        return PythonText.rstrip(new String(bytes, offset, len, StandardCharsets.ISO_8859_1));
      }
      // the JDK's String decoder is fast and replaces malformed input with U+FFFD; only a
      // line holding U+FFFD needs the strict decoder, to tell bad bytes from a real U+FFFD
      String line = new String(bytes, offset, len, StandardCharsets.UTF_8);
      if (line.indexOf('\uFFFD') < 0) {
        return PythonText.rstrip(line);
      }
      try {
        return PythonText.rstrip(decoder.decode(ByteBuffer.wrap(bytes, offset, len)).toString());
      } catch (CharacterCodingException e) {
        throw new InvalidInputException(
            path + ":" + lineNumber + ": not valid UTF-8", path + ":" + lineNumber, e);
      }
    }

    /** The file being read. */
    public Path path() {
      return path;
    }

    /** Lines read so far. */
    public int lineNumber() {
      return lineNumber;
    }

    @Override
    public void close() {
      try {
        in.close();
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot close " + path, e);
      }
    }
  }
}
