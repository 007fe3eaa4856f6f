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

  /** The cached model; tests never close it (the cache does, at JVM exit). */
  static CausalLm lm() {
    try (ModelCache.Lease<CausalLm> lease = ModelCache.shared().acquire(spec(), CausalLm::load)) {
      return lease.get();
    }
  }
}
