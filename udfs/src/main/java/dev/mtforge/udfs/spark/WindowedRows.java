package dev.mtforge.udfs.spark;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.TaskContext;
import org.apache.spark.sql.Row;
import org.apache.spark.util.TaskCompletionListener;

/**
 * The output of a partition worked on a window of input rows at a time (a batch of prompts to
 * translate, of segments to score), produced lazily so that Spark streams it, with the task's
 * resources (model leases, sessions) released exactly once: when the task completes, on success
 * or failure, or, outside a Spark task, when the last row has been read.
 */
final class WindowedRows implements Iterator<Row> {
  /** Takes the next window from {@code in} and adds its output rows to {@code out}. */
  @FunctionalInterface
  interface Window {
    void process(Iterator<Row> in, List<Row> out);
  }

  private final Iterator<Row> in;
  private final Window window;
  private Runnable release;
  private final List<Row> out = new ArrayList<>();
  private int next;

  private WindowedRows(Iterator<Row> in, Window window, Runnable release) {
    this.in = in;
    this.window = window;
    this.release = release;
  }

  /** The output of {@code in}, window by window; {@code release} runs once when the work is over. */
  static Iterator<Row> of(Iterator<Row> in, Window window, Runnable release) {
    TaskContext task = TaskContext.get();
    if (task != null) {
      task.addTaskCompletionListener((TaskCompletionListener) context -> release.run()); // also on failure
      return new WindowedRows(in, window, null);
    }
    return new WindowedRows(in, window, release);
  }

  @Override
  public boolean hasNext() {
    while (next >= out.size()) { // a window may give no rows
      if (!in.hasNext()) {
        if (release != null) {
          Runnable once = release;
          release = null;
          once.run();
        }
        return false;
      }
      out.clear();
      next = 0;
      window.process(in, out);
    }
    return true;
  }

  @Override
  public Row next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    return out.get(next++);
  }
}
