package dev.mtforge.udfs.tensor.safetensors;

import dev.mtforge.schemas.InvalidInputException;
import java.util.Optional;

/**
 * A safetensors file or checkpoint mtforge refuses (malformed or hostile header, missing tensor,
 * unsupported dtype). The message starts with the file, then the tensor when there is one.
 */
public final class SafetensorsException extends InvalidInputException {
  private final String path;
  private final String tensor;

  SafetensorsException(String path, String tensor, String problem, Throwable cause) {
    super(path + ": " + (tensor == null ? "" : "tensor '" + tensor + "': ") + problem, path, cause);
    this.path = path;
    this.tensor = tensor;
  }

  static SafetensorsException of(String path, String problem) {
    return new SafetensorsException(path, null, problem, null);
  }

  static SafetensorsException of(String path, String tensor, String problem) {
    return new SafetensorsException(path, tensor, problem, null);
  }

  /** The file the error is about. */
  public String path() {
    return path;
  }

  /** The tensor the error is about, if it is about one. */
  public Optional<String> tensor() {
    return Optional.ofNullable(tensor);
  }
}
