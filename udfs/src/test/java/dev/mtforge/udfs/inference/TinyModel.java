package dev.mtforge.udfs.inference;

import dev.mtforge.testing.SparkTestSession;
import java.nio.file.Path;

/** The tiny test model of sample-data/models/tiny-llama, loaded once per test JVM. */
final class TinyModel {
  private TinyModel() {}

  static Path dir() {
    return SparkTestSession.repoRoot().resolve("sample-data/models/tiny-llama");
  }

  static ModelSpec spec() {
    return ModelSpec.of(dir().toString()).withThreads(1);
  }

  /** The cached model (its step graph); tests never close it (the cache does, at JVM exit). */
  static CausalLm lm() {
    try (ModelCache.Lease<CausalLm> lease = ModelCache.shared().acquire(spec(), CausalLm::load)) {
      return lease.get();
    }
  }

  /** The cached model loaded with its greedy loop graph. */
  static CausalLm loopLm() {
    try (ModelCache.Lease<CausalLm> lease =
        ModelCache.shared().acquire(spec().withGreedyLoop(true), CausalLm::load)) {
      return lease.get();
    }
  }
}
