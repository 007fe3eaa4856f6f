package dev.mtforge.udfs.tensor.peft;

import java.io.Serializable;

/**
 * One LoRA-adapted module of an adapter: {@code ΔW = scaling · B · A}.
 *
 * @param name module key without the LoRA suffix ({@code base_model.model.model.layers.0.self_attn.q_proj})
 * @param rank r (rows of A, columns of B)
 * @param inFeatures columns of A
 * @param outFeatures rows of B
 * @param scaling PEFT's scaling (α/r or α/√r)
 */
public record LoraModule(String name, int rank, long inFeatures, long outFeatures, double scaling)
    implements Serializable {

  /** Key of the A tensor ({@code <name>.lora_A.weight}, shape [r, in]). */
  public String aKey() {
    return name + PeftAdapter.LORA_A_SUFFIX;
  }

  /** Key of the B tensor ({@code <name>.lora_B.weight}, shape [out, r]). */
  public String bKey() {
    return name + PeftAdapter.LORA_B_SUFFIX;
  }
}
