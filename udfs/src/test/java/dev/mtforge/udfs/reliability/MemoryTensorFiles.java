package dev.mtforge.udfs.reliability;

import dev.mtforge.udfs.tensor.safetensors.TensorFiles;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.util.HashMap;
import java.util.Map;

/** Files held in memory: the fuzz tests feed thousands of inputs without touching the disk. */
final class MemoryTensorFiles implements TensorFiles {
  private final Map<String, byte[]> files = new HashMap<>();

  MemoryTensorFiles put(String path, byte[] content) {
    files.put(path, content);
    return this;
  }

  @Override
  public Input open(String path) throws IOException {
    byte[] content = files.get(path);
    if (content == null) {
      throw new java.io.FileNotFoundException(path);
    }
    return new Input() {
      @Override
      public String path() {
        return path;
      }

      @Override
      public long length() {
        return content.length;
      }

      @Override
      public void readFully(long position, byte[] buffer, int offset, int length) throws IOException {
        if (position < 0 || position + length > content.length) {
          throw new EOFException(path + ": " + length + " bytes at " + position + " past the end (" + content.length + ")");
        }
        System.arraycopy(content, (int) position, buffer, offset, length);
      }

      @Override
      public void close() {}
    };
  }

  @Override
  public OutputStream create(String path) {
    return new ByteArrayOutputStream() {
      @Override
      public void close() {
        files.put(path, toByteArray());
      }
    };
  }

  @Override
  public boolean exists(String path) {
    return files.containsKey(path);
  }
}
