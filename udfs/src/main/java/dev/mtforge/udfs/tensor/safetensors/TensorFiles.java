package dev.mtforge.udfs.tensor.safetensors;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.io.OutputStream;

/**
 * The narrow file interface the tensor code reads and writes through: positional reads of one
 * file, creating a file, and an existence check. {@link LocalTensorFiles} serves local paths
 * without Hadoop; {@link HadoopTensorFiles} serves any Hadoop FileSystem URI ({@code s3a://},
 * {@code hdfs://}, {@code file:}). Paths are plain strings; the caller closes what it opens.
 */
public interface TensorFiles {

  /** Opens a file for positional reads. */
  Input open(String path) throws IOException;

  /** Creates (or replaces) a file; parent folders are created as needed. */
  OutputStream create(String path) throws IOException;

  /** True when a regular file exists at the path. */
  boolean exists(String path) throws IOException;

  /** {@code dir/name}, without doubling a slash. */
  default String resolve(String dir, String name) {
    return dir.endsWith("/") ? dir + name : dir + "/" + name;
  }

  /** One open file: its length and reads at any position, safe to call from one thread. */
  interface Input extends Closeable {
    /** The path it was opened with, for messages. */
    String path();

    /** File length in bytes. */
    long length() throws IOException;

    /** Reads exactly {@code length} bytes at {@code position}; EOFException when the file is shorter. */
    void readFully(long position, byte[] buffer, int offset, int length) throws IOException;

    /**
     * Reads exactly {@code target.remaining()} bytes at {@code position} into {@code target}
     * (advancing its position). Local files read straight into a direct buffer, without the
     * copy through a heap array.
     */
    default void readFully(long position, ByteBuffer target) throws IOException {
      int length = target.remaining();
      if (target.hasArray()) {
        readFully(position, target.array(), target.arrayOffset() + target.position(), length);
        target.position(target.limit());
      } else {
        byte[] bytes = new byte[length];
        readFully(position, bytes, 0, length);
        target.put(bytes);
      }
    }
  }

  /** The local file system. */
  static TensorFiles local() {
    return LocalTensorFiles.INSTANCE;
  }
}
