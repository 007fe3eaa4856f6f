package dev.mtforge.udfs.inference;

import dev.mtforge.schemas.InvalidInputException;
import dev.mtforge.udfs.tensor.peft.LoraModule;
import dev.mtforge.udfs.tensor.peft.PeftAdapter;
import dev.mtforge.udfs.tensor.safetensors.TensorFiles;
import java.util.HashMap;
import java.util.Map;

/**
 * Reads a PEFT LoRA folder (with the merge module's {@link PeftAdapter}: one safetensors reader
 * in the project) into the factors a {@link ModelManifest}'s graph takes. Every target of every
 * layer must be in the adapter, with the manifest's widths; all targets share one rank and
 * scale (the graph has one scale input per row).
 */
public final class PeftLoraLoader {
  private PeftLoraLoader() {}

  /**
   * Loads an adapter folder.
   *
   * @param files where the folder lives (local or Hadoop)
   * @param id the adapter id, for errors and the {@code adapter_id} column
   * @param dir the folder
   */
  public static LoraAdapter load(ModelManifest manifest, TensorFiles files, String id, String dir) {
    try (PeftAdapter peft = PeftAdapter.load(files, dir)) {
      Map<String, float[]> a = new HashMap<>();
      Map<String, float[]> b = new HashMap<>();
      int rank = -1;
      double scale = Double.NaN;
      for (int layer = 0; layer < manifest.numLayers(); layer++) {
        for (ModelManifest.LoraTarget target : manifest.targets()) {
          String name = ModelManifest.name(manifest.peftKey(), layer, target.module());
          LoraModule module = peft.module(name);
          if (module == null) {
            throw new InvalidInputException(
                "Cannot use adapter '" + id + "' (" + dir + "): it has no LoRA tensors for '" + name
                    + "'; model " + manifest.name() + " takes LoRA on every " + moduleNames(manifest),
                dir, null);
          }
          if (module.inFeatures() != target.inFeatures() || module.outFeatures() != target.outFeatures()) {
            throw new InvalidInputException(
                "Cannot use adapter '" + id + "' (" + dir + "): module '" + name + "' maps "
                    + module.inFeatures() + " -> " + module.outFeatures() + " features, model "
                    + manifest.name() + " expects " + target.inFeatures() + " -> " + target.outFeatures(),
                dir, null);
          }
          if (rank < 0) {
            rank = module.rank();
            scale = module.scaling();
          } else if (module.rank() != rank || module.scaling() != scale) {
            throw new InvalidInputException(
                "Cannot use adapter '" + id + "' (" + dir + "): module '" + name + "' has rank "
                    + module.rank() + " and scale " + module.scaling() + ", others rank " + rank
                    + " and scale " + scale + "; the model takes one LoRA scale per row",
                dir, null);
          }
          a.put(LoraAdapter.key(layer, target.module()), peft.loraA(module));
          b.put(LoraAdapter.key(layer, target.module()), peft.loraB(module));
        }
      }
      return new LoraAdapter(id, rank, (float) scale, a, b);
    }
  }

  private static String moduleNames(ModelManifest manifest) {
    return manifest.targets().stream().map(ModelManifest.LoraTarget::module).toList().toString();
  }
}
