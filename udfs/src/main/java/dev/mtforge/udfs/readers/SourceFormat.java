package dev.mtforge.udfs.readers;

import java.util.Arrays;
import java.util.stream.Collectors;

/** The raw input layouts {@code prepare --source FORMAT=PATH} reads (see issue 3 and the README). */
public enum SourceFormat {
  /** Folder of {@code <flores_code>.dev|devtest} line files, multi-way aligned. */
  FLORES200("flores200", "flores200"),
  /** FLORES+ folder of {@code <split>/<flores_code>.parquet|jsonl} with {@code id} and {@code text}. */
  FLORES_PLUS("flores-plus", "flores-plus"),
  /** NTREX-128: {@code newstest2019-src.eng.txt} + {@code newstest2019-ref.<code>.txt} (CRLF). */
  NTREX128("ntrex128", "ntrex128"),
  /** WMT plain text: {@code <set>.src.<l>}, {@code <set>.ref.<name>.<l>}, {@code <set>.hyp.<system>.<l>}. */
  WMT_TXT("wmt-txt", null),
  /** WMT SGML: {@code <set>-<pair>-src.<l>.sgm} and {@code <set>-<pair>-ref.<l>.sgm}. */
  WMT_SGML("wmt-sgml", null),
  /** WMT21+ XML: {@code <set>.<src>-<tgt>.all.xml} with refs and system outputs. */
  WMT_XML("wmt-xml", null),
  /** ALMA human_written_data: {@code <split>.<a>-<b>.json}, JSON Lines or one JSON array. */
  ALMA_JSON("alma-json", "alma"),
  /** X-ALMA parallel data: one folder per {@code xx-en} pair of {@code <split>-*.parquet} files. */
  XALMA_PARQUET("xalma-parquet", "xalma");

  private final String label;
  private final String defaultDataset;

  SourceFormat(String label, String defaultDataset) {
    this.label = label;
    this.defaultDataset = defaultDataset;
  }

  /** The name used on the command line. */
  public String label() {
    return label;
  }

  /** Dataset name when {@code --dataset} is not given; null when the file names carry it (WMT). */
  public String defaultDataset() {
    return defaultDataset;
  }

  /** The format with this command-line name; the error lists the known ones. */
  public static SourceFormat parse(String label) {
    for (SourceFormat format : values()) {
      if (format.label.equals(label)) {
        return format;
      }
    }
    throw new IllegalArgumentException(
        "Unknown source format '" + label + "'; known: "
            + Arrays.stream(values()).map(SourceFormat::label).collect(Collectors.joining(", ")));
  }

  @Override
  public String toString() {
    return label;
  }
}
