package dev.mtforge.udfs.metrics.comet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mtforge.testing.SparkTestSession;
import dev.mtforge.udfs.inference.ModelCache;
import dev.mtforge.udfs.inference.ModelSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * The tiny COMET models of sample-data/models/tiny-comet (written by
 * {@code /usr/bin/python3 sample-data/models/generate_tiny_comet.py}, Debian torch 1.13), loaded
 * once per test JVM.
 */
public final class TinyComet {
  private TinyComet() {}

  public static Path dir() {
    return SparkTestSession.repoRoot().resolve("sample-data/models/tiny-comet");
  }

  /** The regression package ({@code comet-da}). */
  public static Path regression() {
    return dir().resolve("comet-da");
  }

  /** The unified package ({@code cometkiwi-da}). */
  public static Path unified() {
    return dir().resolve("cometkiwi-da");
  }

  public static ModelSpec spec(Path pkg) {
    return CometModel.spec(pkg.toString()).withThreads(1);
  }

  /** The cached model; tests never close it (the cache does, at JVM exit). */
  public static CometModel model(Path pkg) {
    try (ModelCache.Lease<CometModel> lease = ModelCache.shared().acquire(spec(pkg), CometModel::load)) {
      return lease.get();
    }
  }

  public static JsonNode golden() {
    return json("golden.json");
  }

  static JsonNode json(String name) {
    try {
      return new ObjectMapper().readTree(dir().resolve(name).toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static long[] longs(JsonNode array) {
    long[] out = new long[array.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = array.get(i).asLong();
    }
    return out;
  }
}
