package dev.mtforge.udfs.inference;

import dev.mtforge.schemas.InvalidInputException;
import dev.mtforge.udfs.tensor.peft.LoraModule;
import dev.mtforge.udfs.tensor.peft.PeftAdapter;
import dev.mtforge.udfs.tensor.safetensors.TensorFiles;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Reads a PEFT LoRA folder (with the merge module's {@link PeftAdapter}: one safetensors reader
 * in the project) into the factors a {@link ModelManifest}'s graph takes. An adapter may cover a
 * subset of the graph's targets and layers (PEFT's default for LLaMA is q_proj and v_proj only):
 * the others get no columns. A LoRA module the graph has no input for is refused (it would be
 * silently dropped), and so is one with other widths. All modules share one rank and scale (the
 * graph has one scale per row).
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
      Set<String> used = new HashSet<>();
      int rank = -1;
      double scale = Double.NaN;
      for (int layer = 0; layer < manifest.numLayers(); layer++) {
        for (ModelManifest.LoraTarget target : manifest.targets()) {
          String name = ModelManifest.name(manifest.peftKey(), layer, target.module());
          LoraModule module = peft.module(name);
          if (module == null) {
            continue;
          }
          used.add(name);
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
      for (LoraModule module : peft.modules()) {
        if (!used.contains(module.name())) {
          throw new InvalidInputException(
              "Cannot use adapter '" + id + "' (" + dir + "): model " + manifest.name() + " takes no LoRA input for '"
                  + module.name() + "' (its targets: " + moduleNames(manifest) + " in layers 0-"
                  + (manifest.numLayers() - 1) + "); re-export the model with --lora-targets covering it",
              dir, null);
        }
      }
      if (rank < 0) {
        throw new InvalidInputException(
            "Cannot use adapter '" + id + "' (" + dir + "): it has no LoRA module of model " + manifest.name()
                + " (" + moduleNames(manifest) + ")", dir, null);
      }
      return new LoraAdapter(id, rank, (float) scale, a, b);
    }
  }

  private static String moduleNames(ModelManifest manifest) {
    return manifest.targets().stream().map(ModelManifest.LoraTarget::module).toList().toString();
  }
}
