package dev.mtforge.udfs.readers;

import java.io.InputStream;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * Reads the WMT21+ XML test set format ({@code wmttest2022.en-de.all.xml}):
 * {@code <dataset><collection><doc id><src lang><p><seg id>}, one or more {@code <ref lang
 * translator>} and any number of {@code <hyp system>} per document. Segments are matched by
 * document and {@code seg id}; text is cleaned like sacreBLEU (strip, collapse whitespace). A
 * reference or system output that lacks a segment gives an empty string for it, as in sacreBLEU.
 */
public final class WmtXmlReader {
  private WmtXmlReader() {}

  /**
   * One source segment with its references and system outputs.
   *
   * @param docId document id
   * @param segId 1-based position in the file
   * @param source source text
   * @param refs references by translator, in file order
   * @param hyps system outputs by system name, in file order
   */
  public record XmlSegment(
      String docId, int segId, String source, Map<String, String> refs, Map<String, String> hyps)
      implements Serializable {}

  /**
   * The segments of a file and its languages.
   *
   * @param srcLang {@code lang} of the {@code <src>} elements
   * @param tgtLang {@code lang} of the {@code <ref>} elements (or of the hyps if there is no ref)
   */
  public record XmlTestSet(String srcLang, String tgtLang, List<XmlSegment> segments)
      implements Serializable {}

  /** Parses the stream (closed by the caller); malformed XML fails with file and line. */
  public static XmlTestSet read(InputStream in, String path) {
    XMLInputFactory factory = XMLInputFactory.newFactory();
    factory.setProperty(XMLInputFactory.SUPPORT_DTD, false);
    factory.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
    List<XmlSegment> segments = new ArrayList<>();
    String srcLang = null;
    String tgtLang = null;
    XMLStreamReader xml = null;
    try {
      xml = factory.createXMLStreamReader(in, "UTF-8");
      String docId = null;
      Map<String, String> src = new LinkedHashMap<>();
      Map<String, Map<String, String>> refs = new LinkedHashMap<>();
      Map<String, Map<String, String>> hyps = new LinkedHashMap<>();
      Map<String, String> current = null;
      while (xml.hasNext()) {
        int event = xml.next();
        if (event == XMLStreamConstants.START_ELEMENT) {
          switch (xml.getLocalName()) {
            case "doc" -> {
              docId = xml.getAttributeValue(null, "id");
              src.clear();
              refs.clear();
              hyps.clear();
            }
            case "src" -> {
              srcLang = first(srcLang, xml.getAttributeValue(null, "lang"));
              current = src;
            }
            case "ref" -> {
              tgtLang = first(tgtLang, xml.getAttributeValue(null, "lang"));
              String translator = xml.getAttributeValue(null, "translator");
              current = refs.computeIfAbsent(translator == null ? "ref" : translator, k -> new LinkedHashMap<>());
            }
            case "hyp" -> {
              String system = xml.getAttributeValue(null, "system");
              if (system == null) {
                throw ReaderErrors.malformed(path, xml.getLocation().getLineNumber(), "<hyp> without a system attribute");
              }
              current = hyps.computeIfAbsent(system, k -> new LinkedHashMap<>());
              if (tgtLang == null) {
                tgtLang = xml.getAttributeValue(null, "language");
              }
            }
            case "seg" -> {
              if (current == null) {
                throw ReaderErrors.malformed(path, xml.getLocation().getLineNumber(), "<seg> outside <src>, <ref> or <hyp>");
              }
              String id = xml.getAttributeValue(null, "id");
              current.put(id, SgmlReader.clean(xml.getElementText()));
            }
            default -> { }
          }
        } else if (event == XMLStreamConstants.END_ELEMENT) {
          String name = xml.getLocalName();
          if (name.equals("src") || name.equals("ref") || name.equals("hyp")) {
            current = null;
          } else if (name.equals("doc")) {
            for (Map.Entry<String, String> seg : src.entrySet()) {
              Map<String, String> segRefs = new LinkedHashMap<>();
              refs.forEach((translator, texts) -> segRefs.put(translator, texts.getOrDefault(seg.getKey(), "")));
              Map<String, String> segHyps = new TreeMap<>();
              hyps.forEach((system, texts) -> segHyps.put(system, texts.getOrDefault(seg.getKey(), "")));
              segments.add(new XmlSegment(docId, segments.size() + 1, seg.getValue(), segRefs, segHyps));
            }
          }
        }
      }
    } catch (XMLStreamException e) {
      int line = e.getLocation() == null ? 0 : e.getLocation().getLineNumber();
      throw ReaderErrors.malformed(path, line, "not valid XML: " + e.getMessage().replaceAll("\\s+", " "), e);
    } finally {
      if (xml != null) {
        try {
          xml.close();
        } catch (XMLStreamException ignored) {
          // closing a parser over a stream the caller owns cannot lose data
        }
      }
    }
    if (srcLang == null || tgtLang == null) {
      throw ReaderErrors.malformed(path, 0, "no <src lang=...> and <ref lang=...> found");
    }
    return new XmlTestSet(srcLang, tgtLang, segments);
  }

  private static String first(String seen, String value) {
    return seen != null ? seen : value;
  }
}
