package dev.mtforge.udfs.readers;

import java.io.Serializable;

/**
 * One segment read from a file.
 *
 * @param docId document id, or null for formats without documents
 * @param segId 1-based position in its file
 * @param text segment text
 */
public record Segment(String docId, int segId, String text) implements Serializable {}
