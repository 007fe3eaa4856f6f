package dev.mtforge.jobs.report;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Writes report files to a folder on any Hadoop file system (local, s3a), each under a temporary
 * name and then renamed, so a reader never sees half an image.
 */
final class ReportFiles {
  private final String folder;
  private final FileSystem fs;

  ReportFiles(String folder, Configuration conf) {
    this.folder = folder;
    try {
      this.fs = new Path(folder).getFileSystem(conf);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot open report folder " + folder, e);
    }
  }

  String folder() {
    return folder;
  }

  /** Replaces {@code name} in the folder with these bytes. */
  void write(String name, byte[] bytes) {
    Path target = new Path(folder, name);
    Path temporary = new Path(target.getParent(), "." + target.getName() + ".tmp");
    try {
      try (OutputStream out = fs.create(temporary, true)) {
        out.write(bytes);
      }
      fs.delete(target, false);
      if (!fs.rename(temporary, target)) {
        throw new IOException("rename to " + target + " failed");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write " + target, e);
    }
  }
}
