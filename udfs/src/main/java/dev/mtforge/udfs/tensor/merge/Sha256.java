package dev.mtforge.udfs.tensor.merge;

import dev.mtforge.udfs.tensor.safetensors.TensorFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256 of files read through {@link TensorFiles}, streamed in 1 MiB pieces. */
public final class Sha256 {
  private Sha256() {}

  /** Hex SHA-256 of one file. */
  public static String of(TensorFiles files, String path) {
    MessageDigest digest = digest();
    update(digest, files, path);
    return HexFormat.of().formatHex(digest.digest());
  }

  /**
   * Hex SHA-256 of an adapter folder: of its config file's bytes followed by its weights file's
   * bytes, so a change to either shows.
   */
  public static String ofAdapter(TensorFiles files, String dir, String... names) {
    MessageDigest digest = digest();
    for (String name : names) {
      update(digest, files, files.resolve(dir, name));
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  private static void update(MessageDigest digest, TensorFiles files, String path) {
    try (TensorFiles.Input input = files.open(path)) {
      long length = input.length();
      byte[] buffer = new byte[1 << 20];
      for (long at = 0; at < length; at += buffer.length) {
        int n = (int) Math.min(buffer.length, length - at);
        input.readFully(at, buffer, 0, n);
        digest.update(buffer, 0, n);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot hash " + path, e);
    }
  }

  private static MessageDigest digest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
