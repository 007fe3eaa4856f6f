package dev.mtforge.udfs.readers;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a line-aligned text file (Flores-200, NTREX-128, WMT plain text): one segment per line,
 * strict UTF-8, a leading byte order mark dropped, {@code \n} or {@code \r\n} line ends (NTREX-128
 * ships CRLF). Text is kept as is otherwise: no trimming, so alignment never shifts.
 *
 * <pre>{@code List<String> lines = LineFileReader.read(in, "s3a://bucket/flores/deu_Latn.dev");}</pre>
 */
public final class LineFileReader {
  private LineFileReader() {}

  /**
   * All lines of the stream; the caller closes it. Invalid UTF-8 fails with the file, line and
   * byte offset; a final line without a newline counts, an empty last line after it does not.
   */
  public static List<String> read(InputStream stream, String path) {
    List<String> lines = new ArrayList<>();
    CharsetDecoder decoder =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteArrayOutputStream line = new ByteArrayOutputStream(256);
    long offset = 0;
    long lineStart = 0;
    try (InputStream in = new BufferedInputStream(stream, 1 << 16)) {
      int b;
      while ((b = in.read()) != -1) {
        offset++;
        if (b == '\n') {
          lines.add(decode(decoder, line, path, lineStart, lines.size() + 1));
          line.reset();
          lineStart = offset;
        } else {
          line.write(b);
        }
      }
      if (line.size() > 0) {
        lines.add(decode(decoder, line, path, lineStart, lines.size() + 1));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + path, e);
    }
    return lines;
  }

  private static String decode(
      CharsetDecoder decoder, ByteArrayOutputStream bytes, String path, long lineStart, long lineNo) {
    byte[] raw = bytes.toByteArray();
    int start = 0;
    if (lineNo == 1 && raw.length >= 3 && (raw[0] & 0xff) == 0xEF && (raw[1] & 0xff) == 0xBB
        && (raw[2] & 0xff) == 0xBF) {
      start = 3;
    }
    int end = raw.length;
    if (end > start && raw[end - 1] == '\r') {
      end--;
    }
    ByteBuffer in = ByteBuffer.wrap(raw, start, end - start);
    CharBuffer out = CharBuffer.allocate(end - start);
    decoder.reset();
    CoderResult result = decoder.decode(in, out, true);
    if (!result.isError()) {
      result = decoder.flush(out);
    }
    if (result.isError()) {
      throw ReaderErrors.invalidUtf8(path, lineStart + in.position(), lineNo);
    }
    out.flip();
    return out.toString();
  }
}
