package dev.mtforge.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * What an application's executors did, from Spark's own records: the event log (tasks per executor
 * that updated an accumulator) and each executor's stderr in the workers' work folders (lines that
 * contain a text).
 */
final class ExecutorEvidence {
  private static final ObjectMapper JSON = new ObjectMapper();

  private ExecutorEvidence() {}

  /** The application id in an event log file name ({@code app-20261202080609-0000}). */
  static String appId(Path eventLog) {
    String name = eventLog.getFileName().toString();
    int dot = name.indexOf('.');
    return dot < 0 ? name : name.substring(0, dot);
  }

  /**
   * Executor id → successful tasks that updated the named accumulator (a task of
   * {@code TranslatePartitions} adds to {@code mtforge.padded-prompt-tokens}, so these are the
   * tasks that translated).
   */
  static Map<String, Integer> tasksPerExecutor(Path eventLog, String accumulator) {
    Map<String, Integer> tasks = new TreeMap<>();
    try (Stream<String> lines = Files.lines(eventLog)) {
      for (String line : (Iterable<String>) lines::iterator) {
        JsonNode event = JSON.readTree(line);
        if (!"SparkListenerTaskEnd".equals(event.path("Event").asText())
            || !"Success".equals(event.path("Task End Reason").path("Reason").asText())) {
          continue;
        }
        for (JsonNode update : event.path("Task Info").path("Accumulables")) {
          if (accumulator.equals(update.path("Name").asText())) {
            tasks.merge(event.path("Task Info").path("Executor ID").asText(), 1, Integer::sum);
            break;
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return tasks;
  }

  /** Executor id → lines of its stderr that contain {@code text}, over every worker's folder of the app. */
  static Map<String, Long> logLines(List<Path> workDirs, String appId, String text) {
    Map<String, Long> counts = new TreeMap<>();
    for (Path work : workDirs) {
      Path app = work.resolve(appId);
      if (!Files.isDirectory(app)) {
        continue;
      }
      try (Stream<Path> executors = Files.list(app)) {
        for (Path executor : executors.toList()) {
          Path stderr = executor.resolve("stderr");
          if (Files.isRegularFile(stderr)) {
            try (Stream<String> lines = Files.lines(stderr)) {
              counts.put(executor.getFileName().toString(), lines.filter(l -> l.contains(text)).count());
            }
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return counts;
  }
}
