package dev.mtforge.udfs.metrics.comet;

import dev.mtforge.schemas.InvalidInputException;
import dev.mtforge.udfs.inference.ModelPackage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A COMET package folder on local disk, as {@code deploy/export/export_comet.py} writes it:
 * {@code encoder.onnx}, {@code estimator.onnx}, {@code tokenizer.json} and the
 * {@link CometManifest} ({@code mtforge-comet.json}). Packages on {@code s3a://} are copied to
 * local disk first ({@code udfs.spark.ModelPackageCopies}); the driver reads only the manifest.
 *
 * @param dir the folder
 * @param manifest the parsed manifest
 */
public record CometPackage(Path dir, CometManifest manifest) {

  /** Opens a local package folder; a missing or wrong file is an error naming it. */
  public static CometPackage open(Path dir) {
    return new CometPackage(dir, manifest(dir.toString(), new ModelPackage.FileAccess() {
      @Override
      public boolean isFile(String name) {
        return Files.isRegularFile(dir.resolve(name));
      }

      @Override
      public byte[] read(String name) throws IOException {
        return Files.readAllBytes(dir.resolve(name));
      }
    }));
  }

  /**
   * Reads and checks a package's manifest, and that the files it names are there.
   *
   * @param dir the package's folder or URI, for errors
   */
  public static CometManifest manifest(String dir, ModelPackage.FileAccess files) {
    String manifestFile = dir + "/" + CometManifest.FILE;
    try {
      if (!files.isFile(CometManifest.FILE)) {
        throw new InvalidInputException(
            "Not a COMET package: " + dir + " has no " + CometManifest.FILE
                + " (write packages with deploy/export/export_comet.py)", manifestFile, null);
      }
      CometManifest manifest = CometManifest.parse(files.read(CometManifest.FILE), manifestFile);
      for (String file : new String[] {manifest.encoder().onnx(), manifest.estimator().onnx(), manifest.tokenizerFile()}) {
        if (!files.isFile(file)) {
          throw new InvalidInputException(
              "COMET package " + dir + ": file '" + file + "' named in " + CometManifest.FILE + " is missing",
              dir + "/" + file, null);
        }
      }
      return manifest;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read COMET package " + dir, e);
    }
  }

  public Path encoderPath() {
    return dir.resolve(manifest.encoder().onnx());
  }

  public Path estimatorPath() {
    return dir.resolve(manifest.estimator().onnx());
  }

  public Path tokenizerPath() {
    return dir.resolve(manifest.tokenizerFile());
  }
}
