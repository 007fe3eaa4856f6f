package dev.mtforge.udfs.tensor.safetensors;

import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.Serializable;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** {@link TensorFiles} over java.nio: plain paths or {@code file:} URIs, positional channel reads. */
public final class LocalTensorFiles implements TensorFiles, Serializable {
  static final LocalTensorFiles INSTANCE = new LocalTensorFiles();

  private LocalTensorFiles() {}

  /** A local path from a plain path or a {@code file:} URI. */
  public static Path toPath(String path) {
    if (path.startsWith("file:")) {
      return Path.of(URI.create(path.startsWith("file://") ? path : "file://" + path.substring(5)));
    }
    return Path.of(path);
  }

  @Override
  public Input open(String path) throws IOException {
    FileChannel channel = FileChannel.open(toPath(path), StandardOpenOption.READ);
    return new Input() {
      @Override
      public String path() {
        return path;
      }

      @Override
      public long length() throws IOException {
        return channel.size();
      }

      @Override
      public void readFully(long position, byte[] buffer, int offset, int length) throws IOException {
        readFully(position, ByteBuffer.wrap(buffer, offset, length));
      }

      @Override
      public void readFully(long position, ByteBuffer target) throws IOException {
        int length = target.remaining();
        long at = position;
        while (target.hasRemaining()) {
          int read = channel.read(target, at);
          if (read < 0) {
            throw new EOFException(path + ": end of file at byte " + at + ", wanted " + length + " bytes from " + position);
          }
          at += read;
        }
      }

      @Override
      public void close() throws IOException {
        channel.close();
      }
    };
  }

  @Override
  public OutputStream create(String path) throws IOException {
    Path file = toPath(path);
    if (file.getParent() != null) {
      Files.createDirectories(file.getParent());
    }
    return new BufferedOutputStream(Files.newOutputStream(file), 1 << 20);
  }

  @Override
  public boolean exists(String path) {
    return Files.isRegularFile(toPath(path));
  }

  private Object readResolve() {
    return INSTANCE;
  }
}
