package dev.mtforge.udfs.inference;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * The graph's LoRA inputs of one session, kept in engine tensors between runs: the factors of the
 * batch's adapters (rebuilt only when the adapter set changes, so consecutive batches of one
 * adapter reuse them) and the batch's mask and scales (built once per batch, reused by its steps).
 * The step graph and the greedy loop graph take the same inputs. Not thread-safe (one per session).
 */
final class LoraInputs implements AutoCloseable {
  private final ModelManifest manifest;
  private final NDManager parent;
  private final EngineTransfer transfer;
  private List<LoraAdapter> factorAdapters;
  private NDManager factorManager;
  private NDList factorInputs;
  private LoraBatch rowBatch;
  private NDManager rowManager;
  private NDList rowInputs;

  LoraInputs(ModelManifest manifest, NDManager parent, EngineTransfer transfer) {
    this.manifest = manifest;
    this.parent = parent;
    this.transfer = transfer;
  }

  /** The inputs of a batch (owned by this object: valid until the next call or close). */
  NDList of(LoraBatch lora) {
    ModelManifest m = manifest;
    if (!sameAdapters(lora.adapters())) {
      closeFactors();
      NDManager manager = parent.newSubManager();
      NDList inputs = new NDList();
      ModelDtype dtype = m.dtype();
      for (int layer = 0; layer < m.numLayers(); layer++) {
        for (int t = 0; t < m.targets().size(); t++) {
          ModelManifest.LoraTarget target = m.targets().get(t);
          ByteBuffer a = manager.allocateDirect(Math.toIntExact(lora.bytesA(t, dtype)));
          lora.writeA(layer, t, dtype, a);
          inputs.add(named(manager.create(a, new Shape(lora.rank(), target.inFeatures()), dtype.dataType()),
              ModelManifest.name(m.loraA(), layer, target.module())));
          ByteBuffer b = manager.allocateDirect(Math.toIntExact(lora.bytesB(t, dtype)));
          lora.writeB(layer, t, dtype, b);
          inputs.add(named(manager.create(b, new Shape(target.outFeatures(), lora.rank()), dtype.dataType()),
              ModelManifest.name(m.loraB(), layer, target.module())));
          transfer.factorBytes += lora.bytesA(t, dtype) + lora.bytesB(t, dtype);
        }
      }
      factorAdapters = lora.adapters();
      factorManager = manager;
      factorInputs = inputs;
    }
    if (lora != rowBatch) {
      closeRows();
      NDManager manager = parent.newSubManager();
      NDList inputs = new NDList();
      inputs.add(named(manager.create(lora.mask(), new Shape(lora.rows(), lora.rank())), m.loraMask()));
      inputs.add(named(manager.create(lora.scales(), new Shape(lora.rows())), m.loraScale()));
      transfer.batchSent += (long) Float.BYTES * lora.rows() * (lora.rank() + 1);
      rowBatch = lora;
      rowManager = manager;
      rowInputs = inputs;
    }
    NDList all = new NDList(factorInputs.size() + rowInputs.size());
    all.addAll(factorInputs);
    all.addAll(rowInputs);
    return all;
  }

  private boolean sameAdapters(List<LoraAdapter> adapters) {
    if (factorAdapters == null || factorAdapters.size() != adapters.size()) {
      return false;
    }
    for (int k = 0; k < adapters.size(); k++) {
      if (factorAdapters.get(k) != adapters.get(k)) {
        return false;
      }
    }
    return true;
  }

  private void closeFactors() {
    if (factorManager != null) {
      factorManager.close();
      factorManager = null;
      factorAdapters = null;
      factorInputs = null;
    }
  }

  private void closeRows() {
    if (rowManager != null) {
      rowManager.close();
      rowManager = null;
      rowBatch = null;
      rowInputs = null;
    }
  }

  @Override
  public void close() {
    closeFactors();
    closeRows();
  }

  static NDArray named(NDArray array, String name) {
    array.setName(name);
    return array;
  }
}
