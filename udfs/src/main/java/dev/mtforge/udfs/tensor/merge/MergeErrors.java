package dev.mtforge.udfs.tensor.merge;

import dev.mtforge.schemas.InvalidInputException;
import java.util.List;

/** Errors of adapter merges; each names the adapter, the module or tensor, and both shapes. */
final class MergeErrors {
  private MergeErrors() {}

  static InvalidInputException missingModule(String adapter, String module, String reference) {
    return new InvalidInputException("Cannot merge adapter '" + adapter + "': module " + module
        + " is missing (present in '" + reference + "')", adapter, null);
  }

  static InvalidInputException extraModule(String adapter, String module, String reference) {
    return new InvalidInputException("Cannot merge adapter '" + adapter + "': module " + module
        + " is not in '" + reference + "'", adapter, null);
  }

  static InvalidInputException shapeMismatch(String adapter, String tensor, String shape, String expected, String reference) {
    return new InvalidInputException("Cannot merge adapter '" + adapter + "': tensor " + tensor + " has shape "
        + shape + ", expected " + expected + " (from '" + reference + "')", adapter, null);
  }

  static InvalidInputException rankMismatch(
      String adapter, String module, int rank, int expected, String reference, MergeMethod method) {
    return new InvalidInputException("Cannot merge adapter '" + adapter + "': module " + module + " has rank "
        + rank + ", expected " + expected + " (from '" + reference + "'); " + method.label()
        + " merges A and B separately and needs equal ranks (use cat or an _svd method)", adapter, null);
  }

  static InvalidInputException otherTensors(String adapter, List<String> tensors) {
    return new InvalidInputException("Cannot merge adapter '" + adapter + "': it holds tensors that are not LoRA"
        + " A/B weights " + tensors + " (modules_to_save?), which mtforge does not merge", adapter, null);
  }

  static IllegalArgumentException tooFewInputs(int count) {
    return new IllegalArgumentException("Cannot merge " + count + " adapter(s): give at least 2");
  }
}
