package dev.mtforge.udfs.metrics.comet;

import java.io.Serializable;
import java.util.Objects;

/**
 * A COMET package to score with: where it is (a local folder or a Hadoop URI such as
 * {@code s3a://…}, copied to each executor once) and its manifest, read on the driver.
 *
 * @param uri the package folder
 * @param manifest its manifest
 */
public record CometSpec(String uri, CometManifest manifest) implements Serializable {
  public CometSpec {
    Objects.requireNonNull(uri, "uri");
    Objects.requireNonNull(manifest, "manifest");
  }

  @Override
  public String toString() {
    return manifest.modelClass() + " " + manifest.name() + " (" + uri + ")";
  }
}
