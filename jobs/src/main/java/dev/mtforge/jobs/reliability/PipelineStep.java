package dev.mtforge.jobs.reliability;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One writing command of the pipeline as the kill harness runs it: a CLI command line with
 * placeholders, and the kill points CI uses for it. The harness runs the steps in order, so each
 * step finds the tables its predecessors wrote.
 *
 * <p>Placeholders: {@code {warehouse}} the warehouse folder, {@code {samples}} the sample-data
 * folder, {@code {run}} the run id, {@code {db}} a catalog database unique to the invocation.
 *
 * @param name short name, also the CLI command
 * @param args command line after {@code mtforge}, with placeholders
 * @param killPoints fixed kill points, the most telling first (CI kills at that one)
 */
public record PipelineStep(String name, List<String> args, List<KillPoint> killPoints) {
  public PipelineStep {
    args = List.copyOf(args);
    killPoints = List.copyOf(killPoints);
  }

  /** The command line with its placeholders filled in. */
  public List<String> commandLine(Path warehouse, Path samples, String runId, String database) {
    List<String> filled = new ArrayList<>();
    for (String arg : args) {
      filled.add(arg.replace("{warehouse}", warehouse.toString()).replace("{samples}", samples.toString())
          .replace("{run}", runId).replace("{db}", database));
    }
    return filled;
  }

  @Override
  public String toString() {
    return name;
  }
}
