package dev.mtforge.udfs.tensor.safetensors;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * {@link TensorFiles} over a Hadoop FileSystem ({@code s3a://}, {@code hdfs://}, {@code file:}):
 * positional reads become ranged GETs on S3, so reading one tensor never downloads the file.
 * Not serializable (a Hadoop Configuration is not): executors build one from a broadcast conf.
 */
public final class HadoopTensorFiles implements TensorFiles {
  private final Configuration conf;

  public HadoopTensorFiles(Configuration conf) {
    this.conf = conf;
  }

  @Override
  public Input open(String path) throws IOException {
    Path file = new Path(path);
    FileSystem fs = file.getFileSystem(conf);
    long length = fs.getFileStatus(file).getLen();
    FSDataInputStream in = fs.open(file);
    return new Input() {
      @Override
      public String path() {
        return path;
      }

      @Override
      public long length() {
        return length;
      }

      @Override
      public void readFully(long position, byte[] buffer, int offset, int count) throws IOException {
        in.readFully(position, buffer, offset, count);
      }

      @Override
      public void close() throws IOException {
        in.close();
      }
    };
  }

  @Override
  public OutputStream create(String path) throws IOException {
    Path file = new Path(path);
    return new BufferedOutputStream(file.getFileSystem(conf).create(file, true), 1 << 20);
  }

  @Override
  public boolean exists(String path) throws IOException {
    Path file = new Path(path);
    FileSystem fs = file.getFileSystem(conf);
    return fs.exists(file) && fs.getFileStatus(file).isFile();
  }
}
