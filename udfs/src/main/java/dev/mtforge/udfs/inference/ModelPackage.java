package dev.mtforge.udfs.inference;

import dev.mtforge.schemas.InvalidInputException;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
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

  /**
   * What a driver needs of a package (its name, token ids and decoding defaults), read without
   * the graph: a 13B graph is tens of GB, which only executors copy.
   */
  public record Header(ModelManifest manifest, GenerationSettings generation) implements Serializable {}

  /** Reads a package's files by name, wherever the package is (local disk, a Hadoop file system). */
  public interface FileAccess {
    boolean isFile(String name) throws IOException;

    byte[] read(String name) throws IOException;
  }

  /** Opens a package folder; a missing file is an error naming it. */
  public static ModelPackage open(Path dir) {
    Header header =
        header(dir.toString(), new FileAccess() {
          @Override
          public boolean isFile(String name) {
            return Files.isRegularFile(dir.resolve(name));
          }

          @Override
          public byte[] read(String name) throws IOException {
            return Files.readAllBytes(dir.resolve(name));
          }
        });
    return new ModelPackage(dir, header.manifest(), header.generation());
  }

  /**
   * Reads and checks a package's manifest and generation config, and that every file the manifest
   * names is there; a missing file is an error naming it.
   *
   * @param dir the package's folder or URI, for errors
   */
  public static Header header(String dir, FileAccess files) {
    String manifestFile = dir + "/" + ModelManifest.FILE;
    try {
      if (!files.isFile(ModelManifest.FILE)) {
        throw new InvalidInputException(
            "Not a model package: " + dir + " has no " + ModelManifest.FILE
                + " (write packages with deploy/export/export_hf_llama.py)", manifestFile, null);
      }
      ModelManifest manifest = ModelManifest.parse(files.read(ModelManifest.FILE), manifestFile);
      for (String file : manifest.files()) {
        if (!files.isFile(file)) {
          throw new InvalidInputException(
              "Model package " + dir + ": file '" + file + "' named in " + ModelManifest.FILE + " is missing",
              dir + "/" + file, null);
        }
      }
      String config = manifest.generationConfigFile();
      return new Header(manifest, GenerationSettings.parse(files.read(config), dir + "/" + config));
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read model package " + dir, e);
    }
  }

  public Path onnxPath() {
    return dir.resolve(manifest.onnxFile());
  }

  public Path tokenizerPath() {
    return dir.resolve(manifest.tokenizerFile());
  }
}
