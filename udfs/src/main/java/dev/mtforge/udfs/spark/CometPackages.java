package dev.mtforge.udfs.spark;

import dev.mtforge.schemas.InvalidInputException;
import dev.mtforge.udfs.inference.ModelPackage;
import dev.mtforge.udfs.metrics.comet.CometManifest;
import dev.mtforge.udfs.metrics.comet.CometPackage;
import dev.mtforge.udfs.metrics.comet.CometSpec;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;

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
    org.apache.hadoop.fs.Path dir = new org.apache.hadoop.fs.Path(uri);
    try {
      FileSystem fs = dir.getFileSystem(conf);
      if (!fs.exists(dir) || !fs.getFileStatus(dir).isDirectory()) {
        throw new InvalidInputException("COMET package " + uri + " does not exist or is not a folder", uri, null);
      }
      CometManifest manifest = CometPackage.manifest(uri, new ModelPackage.FileAccess() {
        @Override
        public boolean isFile(String name) throws IOException {
          org.apache.hadoop.fs.Path file = new org.apache.hadoop.fs.Path(dir, name);
          return fs.exists(file) && fs.getFileStatus(file).isFile();
        }

        @Override
        public byte[] read(String name) throws IOException {
          try (InputStream in = fs.open(new org.apache.hadoop.fs.Path(dir, name))) {
            return in.readAllBytes();
          }
        }
      });
      return new CometSpec(uri, manifest);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read COMET package " + uri, e);
    }
  }
}
