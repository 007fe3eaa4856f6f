package dev.mtforge.udfs.spark;

import dev.mtforge.udfs.metrics.comet.CometManifest;
import dev.mtforge.udfs.metrics.comet.CometPackage;
import dev.mtforge.udfs.metrics.comet.CometSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;

/**
 * COMET packages where a job names them: the driver reads the manifest in place (local folder or
 * any Hadoop file system), executors copy the package once per JVM with
 * {@link ModelPackageCopies#localize} and load it from local disk.
 */
public final class CometPackages {
  private CometPackages() {}

  /** The spec of a package: its URI (made absolute when local) and its checked manifest. */
  public static CometSpec spec(String uri, Configuration conf) {
    if (!ModelPackageCopies.isRemote(uri)) {
      Path dir = ModelPackageCopies.localize(uri, conf, ModelPackageCopies.defaultRoot());
      return new CometSpec(dir.toString(), CometPackage.open(dir).manifest());
    }
    try {
      CometManifest manifest = CometPackage.manifest(uri, ModelPackageCopies.folder(uri, conf, "COMET package"));
      return new CometSpec(uri, manifest);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read COMET package " + uri, e);
    }
  }
}
