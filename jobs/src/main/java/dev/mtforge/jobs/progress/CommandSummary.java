package dev.mtforge.jobs.progress;

/**
 * Where the CLI asks for the summary line of the command that just ran, without touching Spark:
 * {@code score} starts without loading a Spark class, and this class has none.
 * {@link SparkProgressLogger#install} registers itself here.
 */
public final class CommandSummary {
  /** Logs the summary of the work since the last call; {@code failed}: the command failed. */
  interface Sink {
    void summarize(boolean failed);
  }

  private static volatile Sink sink;

  private CommandSummary() {}

  static void register(Sink newSink) {
    sink = newSink;
  }

  /** After a command: one summary line of its Spark work, if a Spark command ran in this JVM. */
  public static void afterCommand(boolean succeeded) {
    Sink current = sink;
    if (current != null) {
      current.summarize(!succeeded);
    }
  }
}
