package dev.mtforge.udfs.inference;

import dev.mtforge.schemas.InvalidInputException;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A model package folder on local disk: the ONNX causal LM, its {@code tokenizer.json}, HF
 * {@code generation_config.json} and our {@link ModelManifest} ({@code mtforge-model.json}).
 * Packages on {@code s3a://} are copied to local disk first ({@code udfs.spark.ModelPackageCopies}).
 *
 * @param dir the folder
 * @param manifest the parsed manifest
 * @param generation decoding defaults and token ids from {@code generation_config.json}
 */
public record ModelPackage(Path dir, ModelManifest manifest, GenerationSettings generation)
    implements Serializable {

  /** Opens a package folder; a missing file is an error naming it. */
  public static ModelPackage open(Path dir) {
    Path manifestFile = dir.resolve(ModelManifest.FILE);
    if (!Files.isRegularFile(manifestFile)) {
      throw new InvalidInputException(
          "Not a model package: " + dir + " has no " + ModelManifest.FILE
              + " (write packages with deploy/export/export_hf_llama.py)", manifestFile.toString(), null);
    }
    ModelManifest manifest = ModelManifest.read(manifestFile);
    for (String file : new String[] {manifest.onnxFile(), manifest.tokenizerFile(), manifest.generationConfigFile()}) {
      if (!Files.isRegularFile(dir.resolve(file))) {
        throw new InvalidInputException(
            "Model package " + dir + ": file '" + file + "' named in " + ModelManifest.FILE + " is missing",
            dir.resolve(file).toString(), null);
      }
    }
    return new ModelPackage(dir, manifest, GenerationSettings.read(dir.resolve(manifest.generationConfigFile())));
  }

  public Path onnxPath() {
    return dir.resolve(manifest.onnxFile());
  }

  public Path tokenizerPath() {
    return dir.resolve(manifest.tokenizerFile());
  }
}
