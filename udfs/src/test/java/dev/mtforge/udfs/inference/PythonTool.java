package dev.mtforge.udfs.inference;

import dev.mtforge.testing.SparkTestSession;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the project's Python scripts (exporter, checkpoint writer) with Debian's python3, which CI
 * installs with python3-torch, python3-onnx and python3-numpy (.ci/run).
 */
final class PythonTool {
  static final String PYTHON = "/usr/bin/python3";

  private PythonTool() {}

  /** Exit code and output of one run. */
  record Result(int exitCode, String stdout, String stderr) {}

  /** Runs a script of the repository with arguments; fails the test if python3 lacks torch or onnx. */
  static Result run(String script, String... args) throws IOException, InterruptedException {
    requireModules();
    List<String> command = new ArrayList<>(List.of(PYTHON, SparkTestSession.repoRoot().resolve(script).toString()));
    command.addAll(List.of(args));
    return exec(command);
  }

  /** Runs a script and fails unless it exits 0. */
  static String check(String script, String... args) throws IOException, InterruptedException {
    Result r = run(script, args);
    if (r.exitCode() != 0) {
      throw new AssertionError(script + " " + String.join(" ", args) + " exited " + r.exitCode() + ":\n" + r.stderr());
    }
    return r.stdout();
  }

  private static void requireModules() throws IOException, InterruptedException {
    Result r = exec(List.of(PYTHON, "-c", "import torch, onnx, numpy"));
    if (r.exitCode() != 0) {
      throw new AssertionError(PYTHON + " cannot import torch, onnx and numpy (install the Debian packages"
          + " python3-torch python3-onnx python3-numpy, as .ci/run does):\n" + r.stderr());
    }
  }

  private static Result exec(List<String> command) throws IOException, InterruptedException {
    Path out = Files.createTempFile("mtforge-python-", ".out");
    Path err = Files.createTempFile("mtforge-python-", ".err");
    try {
      ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
      pb.environment().put("PYTHONDONTWRITEBYTECODE", "1");
      Process p = pb.start();
      if (!p.waitFor(10, TimeUnit.MINUTES)) {
        p.destroyForcibly();
        throw new AssertionError(String.join(" ", command) + " ran past 10 minutes");
      }
      return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }
}
