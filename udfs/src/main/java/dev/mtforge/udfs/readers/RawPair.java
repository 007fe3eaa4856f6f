package dev.mtforge.udfs.readers;

import java.io.Serializable;
import java.util.List;

/**
 * One aligned segment as read, before filters: a pair ({@code system == null}) or a WMT system
 * output ({@code system} set, {@code tgtText} = the hypothesis).
 */
public record RawPair(
    String dataset,
    String split,
    String docId,
    int segId,
    String srcLang,
    String tgtLang,
    String srcText,
    String tgtText,
    List<String> extraRefs,
    String system,
    String sourceFile,
    boolean bothDirections)
    implements Serializable {}
