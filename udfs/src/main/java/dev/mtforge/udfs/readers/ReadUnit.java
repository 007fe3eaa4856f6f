package dev.mtforge.udfs.readers;

import java.io.Serializable;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The files one executor task reads together so that it can check their alignment: a source file
 * with its reference(s) and system outputs. Planned on the driver by {@link SourceLayout} from a
 * file listing (no file is opened there), read on an executor by {@link UnitReader}.
 *
 * @param format input layout
 * @param dataset dataset name written to the tables
 * @param split split name ({@code dev}, {@code devtest}, {@code train}, {@code test}, ...)
 * @param srcLang registry code of the source side
 * @param tgtLang registry code of the target side
 * @param srcPath source file (for ALMA JSON and X-ALMA parquet: the file holding both sides)
 * @param refPaths reference files, the first one is the primary reference (empty when srcPath
 *     holds both sides)
 * @param hypPaths system outputs by system name
 * @param bothDirections true for multi-way and training data, which yield both English-centric
 *     directions; false for WMT test sets, which keep their direction
 * @param docIdsPath a file with one document id per line of the English file (NTREX-128's
 *     {@code DOCUMENT_IDS.tsv} for {@code newstest2019-src.eng.txt}, the unit's reference), or null
 */
public record ReadUnit(
    SourceFormat format,
    String dataset,
    String split,
    String srcLang,
    String tgtLang,
    String srcPath,
    List<String> refPaths,
    Map<String, String> hypPaths,
    boolean bothDirections,
    String docIdsPath)
    implements Serializable {

  public ReadUnit {
    Objects.requireNonNull(format, "format");
    Objects.requireNonNull(srcPath, "srcPath");
    refPaths = List.copyOf(refPaths);
    hypPaths = Map.copyOf(hypPaths);
  }

  /** A unit without document ids (or whose format carries them in the files). */
  public ReadUnit(
      SourceFormat format, String dataset, String split, String srcLang, String tgtLang, String srcPath,
      List<String> refPaths, Map<String, String> hypPaths, boolean bothDirections) {
    this(format, dataset, split, srcLang, tgtLang, srcPath, refPaths, hypPaths, bothDirections, null);
  }

  @Override
  public String toString() {
    return format + " " + dataset + "/" + split + " " + srcLang + "-" + tgtLang + " (" + srcPath + ")";
  }
}
