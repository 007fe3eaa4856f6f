package dev.mtforge.udfs.readers;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Reads the files of one {@link ReadUnit} and checks that they are aligned: same number of
 * segments in every file (else an error naming both files and both counts). Runs on executors.
 */
public final class UnitReader {
  private static final ObjectMapper JSON = new ObjectMapper();

  private UnitReader() {}

  /** The pairs (and system outputs) of a unit, in file order. */
  public static List<RawPair> read(ReadUnit unit, SourceFiles files) {
    return switch (unit.format()) {
      case FLORES200, NTREX128, WMT_TXT -> lineFiles(unit, files, false);
      case WMT_SGML -> lineFiles(unit, files, true);
      case WMT_XML -> xml(unit, files);
      case ALMA_JSON -> alma(unit, files);
      case XALMA_PARQUET -> xalma(unit, files);
      case FLORES_PLUS -> floresPlus(unit, files);
    };
  }

  private static List<Segment> segments(String path, SourceFiles files, boolean sgml) {
    List<String> lines = lines(path, files);
    if (sgml) {
      return SgmlReader.read(lines, path);
    }
    List<Segment> segments = new ArrayList<>(lines.size());
    for (int i = 0; i < lines.size(); i++) {
      segments.add(new Segment(null, i + 1, lines.get(i)));
    }
    return segments;
  }

  private static List<String> lines(String path, SourceFiles files) {
    try (InputStream in = files.open(path)) {
      return LineFileReader.read(in, path);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + path, e);
    }
  }

  private static List<RawPair> lineFiles(ReadUnit unit, SourceFiles files, boolean sgml) {
    List<Segment> src = segments(unit.srcPath(), files, sgml);
    if (unit.docIdsPath() != null) {
      // the ids were found beside the English file (NTREX-128), which is the unit's reference
      String described = unit.refPaths().isEmpty() ? unit.srcPath() : unit.refPaths().get(0);
      src = withDocIds(src, described, unit.docIdsPath(), files);
    }
    List<List<Segment>> refs = new ArrayList<>();
    for (String ref : unit.refPaths()) {
      List<Segment> segments = segments(ref, files, sgml);
      requireAligned(unit.srcPath(), src.size(), ref, segments.size());
      refs.add(segments);
    }
    List<RawPair> pairs = new ArrayList<>();
    for (int i = 0; i < src.size(); i++) {
      Segment s = src.get(i);
      List<String> extra = new ArrayList<>();
      for (int r = 1; r < refs.size(); r++) {
        extra.add(refs.get(r).get(i).text());
      }
      pairs.add(pair(unit, s.docId(), s.segId(), s.text(), refs.get(0).get(i).text(), extra, null));
    }
    for (Map.Entry<String, String> hyp : new java.util.TreeMap<>(unit.hypPaths()).entrySet()) {
      List<Segment> segments = segments(hyp.getValue(), files, sgml);
      requireAligned(unit.srcPath(), src.size(), hyp.getValue(), segments.size());
      for (int i = 0; i < src.size(); i++) {
        Segment s = src.get(i);
        pairs.add(system(unit, s, segments.get(i).text(), hyp.getKey(), hyp.getValue()));
      }
    }
    return pairs;
  }

  /**
   * The segments with the document ids of a line-aligned file (NTREX-128's DOCUMENT_IDS.tsv: one
   * id per line; a line with tabs gives its first field).
   */
  private static List<Segment> withDocIds(List<Segment> src, String srcPath, String docIdsPath, SourceFiles files) {
    List<String> ids = lines(docIdsPath, files);
    if (ids.size() != src.size()) {
      throw ReaderErrors.docIdsMisaligned(docIdsPath, ids.size(), srcPath, src.size());
    }
    List<Segment> out = new ArrayList<>(src.size());
    for (int i = 0; i < src.size(); i++) {
      String id = ids.get(i).split("\t", 2)[0].strip();
      if (id.isEmpty()) {
        throw ReaderErrors.malformed(docIdsPath, i + 1, "empty document id");
      }
      out.add(new Segment(id, src.get(i).segId(), src.get(i).text()));
    }
    return out;
  }

  private static List<RawPair> xml(ReadUnit unit, SourceFiles files) {
    WmtXmlReader.XmlTestSet set;
    try (InputStream in = files.open(unit.srcPath())) {
      set = WmtXmlReader.read(in, unit.srcPath());
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + unit.srcPath(), e);
    }
    List<RawPair> pairs = new ArrayList<>();
    for (WmtXmlReader.XmlSegment seg : set.segments()) {
      List<String> refs = new ArrayList<>(seg.refs().values());
      if (!refs.isEmpty()) {
        pairs.add(pair(unit, seg.docId(), seg.segId(), seg.source(), refs.get(0), refs.subList(1, refs.size()), null));
      }
      Segment s = new Segment(seg.docId(), seg.segId(), seg.source());
      seg.hyps().forEach((system, text) -> pairs.add(system(unit, s, text, system, unit.srcPath())));
    }
    return pairs;
  }

  private static List<RawPair> alma(ReadUnit unit, SourceFiles files) {
    List<RawPair> pairs = new ArrayList<>();
    for (AlmaJsonReader.AlmaPair p :
        AlmaJsonReader.read(lines(unit.srcPath(), files), unit.srcPath(), unit.srcLang(), unit.tgtLang())) {
      pairs.add(pair(unit, null, p.segId(), p.first(), p.second(), List.of(), null));
    }
    return pairs;
  }

  private static List<RawPair> xalma(ReadUnit unit, SourceFiles files) {
    List<RawPair> pairs = new ArrayList<>();
    List<Map<String, Object>> records = files.parquetRecords(unit.srcPath());
    for (int i = 0; i < records.size(); i++) {
      Object translation = records.get(i).get("translation");
      if (!(translation instanceof Map<?, ?> texts)) {
        throw ReaderErrors.malformed(unit.srcPath(), 0, "row " + (i + 1) + " has no translation struct");
      }
      pairs.add(
          pair(unit, null, i + 1, text(texts, unit.srcLang(), unit.srcPath(), i + 1),
              text(texts, unit.tgtLang(), unit.srcPath(), i + 1), List.of(), null));
    }
    return pairs;
  }

  private static String text(Map<?, ?> texts, String lang, String path, int row) {
    Object value = texts.get(lang);
    if (value == null) {
      throw ReaderErrors.malformed(path, 0, "row " + row + " has no '" + lang + "' in its translation struct");
    }
    return value.toString();
  }

  private static List<RawPair> floresPlus(ReadUnit unit, SourceFiles files) {
    String eng = unit.refPaths().get(0);
    List<Map<String, Object>> src = floresPlusRecords(unit.srcPath(), files);
    List<Map<String, Object>> ref = floresPlusRecords(eng, files);
    requireAligned(unit.srcPath(), src.size(), eng, ref.size());
    List<RawPair> pairs = new ArrayList<>();
    for (int i = 0; i < src.size(); i++) {
      long id = id(src.get(i), unit.srcPath());
      long refId = id(ref.get(i), eng);
      if (id != refId) {
        throw ReaderErrors.malformed(unit.srcPath(), 0, "id " + id + " has no counterpart in " + eng + " (found id " + refId + ")");
      }
      pairs.add(pair(unit, null, (int) id, String.valueOf(src.get(i).get("text")),
          String.valueOf(ref.get(i).get("text")), List.of(), null));
    }
    return pairs;
  }

  private static List<Map<String, Object>> floresPlusRecords(String path, SourceFiles files) {
    List<Map<String, Object>> records;
    if (path.endsWith(".parquet")) {
      records = new ArrayList<>(files.parquetRecords(path));
    } else {
      records = new ArrayList<>();
      List<String> lines = lines(path, files);
      for (int i = 0; i < lines.size(); i++) {
        if (lines.get(i).isBlank()) {
          continue;
        }
        try {
          @SuppressWarnings("unchecked")
          Map<String, Object> record = JSON.readValue(lines.get(i), Map.class);
          records.add(record);
        } catch (JsonProcessingException e) {
          throw ReaderErrors.malformed(path, i + 1, "not valid JSON: " + e.getOriginalMessage(), e);
        }
      }
    }
    for (Map<String, Object> record : records) {
      id(record, path);
      if (record.get("text") == null) {
        throw ReaderErrors.malformed(path, 0, "record " + record.get("id") + " has no text");
      }
    }
    records.sort(Comparator.comparingLong(r -> id(r, path)));
    return records;
  }

  private static long id(Map<String, Object> record, String path) {
    Object id = record.get("id");
    if (!(id instanceof Number number)) {
      throw ReaderErrors.malformed(path, 0, "record without a numeric id: " + record.keySet());
    }
    return number.longValue();
  }

  private static void requireAligned(String path, int count, String other, int otherCount) {
    if (count != otherCount) {
      throw ReaderErrors.misaligned(path, count, other, otherCount);
    }
  }

  private static RawPair pair(
      ReadUnit unit, String docId, int segId, String src, String tgt, List<String> extra, String system) {
    return new RawPair(unit.dataset(), unit.split(), docId, segId, unit.srcLang(), unit.tgtLang(), src, tgt,
        List.copyOf(extra), system, unit.srcPath(), unit.bothDirections());
  }

  private static RawPair system(ReadUnit unit, Segment src, String hyp, String system, String path) {
    return new RawPair(unit.dataset(), unit.split(), src.docId(), src.segId(), unit.srcLang(), unit.tgtLang(),
        src.text(), hyp, List.of(), system, path, false);
  }
}
