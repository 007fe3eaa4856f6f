package dev.mtforge.udfs.readers;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads WMT SGML ({@code newstest2019-deen-src.de.sgm}). These files are not XML (text holds bare
 * {@code &}), so they are read line by line the way sacreBLEU 2.x does: every line starting with
 * {@code <seg } is a segment, its text is what lies between the opening tag and {@code </seg>},
 * stripped and with whitespace runs collapsed to one space; entities are left as they are.
 * Unlike sacreBLEU, indentation before {@code <seg} is allowed.
 */
public final class SgmlReader {
  private static final Pattern SEG = Pattern.compile("<seg[^>]*>(.*)</seg>");
  private static final Pattern DOC_ID = Pattern.compile("docid=\"([^\"]*)\"");
  private static final Pattern SPACES = Pattern.compile("\\s+", Pattern.UNICODE_CHARACTER_CLASS);

  private SgmlReader() {}

  /** The segments of the file's lines (from {@link LineFileReader}), doc ids from {@code <doc docid>}. */
  public static List<Segment> read(List<String> lines, String path) {
    List<Segment> segments = new ArrayList<>();
    String docId = null;
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).stripLeading();
      if (line.startsWith("<doc ")) {
        Matcher doc = DOC_ID.matcher(line);
        docId = doc.find() ? doc.group(1) : null;
      } else if (line.startsWith("<seg ") || line.startsWith("<seg>")) {
        Matcher seg = SEG.matcher(line);
        if (!seg.find()) {
          throw ReaderErrors.malformed(path, i + 1, "segment without </seg> on the same line");
        }
        segments.add(new Segment(docId, segments.size() + 1, clean(seg.group(1))));
      }
    }
    return segments;
  }

  /** sacreBLEU's {@code _clean}: strip, then collapse whitespace runs to one space. */
  static String clean(String text) {
    // Python's \s and str.strip() are Unicode-aware; collapsing first and then dropping the end
    // spaces gives the same string as strip-then-collapse.
    String collapsed = SPACES.matcher(text).replaceAll(" ");
    int from = collapsed.startsWith(" ") ? 1 : 0;
    int to = collapsed.endsWith(" ") && collapsed.length() > from ? collapsed.length() - 1 : collapsed.length();
    return collapsed.substring(from, Math.max(from, to));
  }
}
