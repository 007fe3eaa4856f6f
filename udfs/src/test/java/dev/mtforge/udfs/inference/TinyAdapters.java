package dev.mtforge.udfs.inference;

import dev.mtforge.udfs.tensor.safetensors.TensorFiles;

/** The PEFT adapters of the tiny test model (sample-data/models/tiny-llama/adapters/ID). */
final class TinyAdapters {
  private TinyAdapters() {}

  static String path(String id) {
    return TinyModel.dir().resolve("adapters").resolve(id).toString();
  }

  static LoraAdapter load(CausalLm lm, String id) {
    return PeftLoraLoader.load(lm.manifest(), TensorFiles.local(), id, path(id));
  }
}
