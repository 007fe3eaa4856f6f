package dev.mtforge.udfs.tensor.merge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.mtforge.udfs.tensor.merge.AdapterMergePlan.NamedAdapter;
import dev.mtforge.udfs.tensor.peft.LoraModule;
import dev.mtforge.udfs.tensor.peft.PeftAdapter;
import dev.mtforge.udfs.tensor.safetensors.SafetensorsCheckpoint;
import dev.mtforge.udfs.tensor.safetensors.TensorFiles;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Merges of the adapters in resources/peft/in against resources/peft/expected, which
 * udfs/src/test/python/peft_parity.py computed with PEFT's merge_utils.py (huggingface/peft
 * 5d602fdb) on Debian torch 1.13, driven as LoraModel.add_weighted_adapter drives it.
 */
class PeftParityTest {
  @TempDir Path out;

  private static final TensorFiles FILES = TensorFiles.local();

  // case | inputs | options (key=value;...) ; float32 PEFT factors must match to the bit.
  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
    "linear|a,b,c|merge.method=linear;merge.weights=0.5,1.0,-0.7",
    "ties_d05|a,b,c|merge.method=ties;merge.density=0.5;merge.weights=1.0,0.8,0.6",
    "ties_d03_frequency|a,b,c|merge.method=ties;merge.density=0.3;merge.sign-method=frequency",
    "magnitude_prune_d04|a,b,c|merge.method=magnitude_prune;merge.density=0.4;merge.weights=0.6,0.3,0.9",
    "cat|a,d|merge.method=cat;merge.weights=0.7,1.3",
  })
  void factorMergesMatchPeftBitForBit(String expectedCase, String inputs, String options) throws Exception {
    AdapterMerger.Result result = AdapterMerger.merge(FILES, inputs(inputs), out.toString(), parse(options));
    try (SafetensorsCheckpoint expected = SafetensorsCheckpoint.open(FILES, resource("expected/" + expectedCase + ".safetensors"));
        SafetensorsCheckpoint actual = SafetensorsCheckpoint.open(FILES, out.toString())) {
      assertThat(actual.names()).containsExactlyInAnyOrderElementsOf(expected.names());
      for (String name : expected.names()) {
        assertThat(actual.spec(name).shape()).as(name).isEqualTo(expected.spec(name).shape());
        assertThat(actual.readFloats(name)).as(name).containsExactly(expected.readFloats(name));
      }
    }
    try (PeftAdapter merged = PeftAdapter.load(FILES, out.toString())) {
      assertThat(merged.config().r()).isEqualTo(result.rank());
      assertThat(merged.modules()).allSatisfy(m -> assertThat(m.scaling()).isEqualTo(1.0));
    }
  }

  // SVD forms: ΔW merged (PEFT merge_utils on ΔWᵢ = sᵢBᵢAᵢ), then rank-r product B·A from torch's
  // SVD in double. Our ΔWᵢ and SVD differ in summation order, hence the tolerance.
  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
    "svd_r4|a,d|merge.method=svd;merge.weights=0.5,1.0;merge.svd-rank=4|product",
    "ties_svd_d05_r4|a,b,c|merge.method=ties_svd;merge.density=0.5;merge.weights=1.0,0.8,0.6;merge.svd-rank=4|product",
    "ties_svd_d05_r4|a,b,c|merge.method=ties_svd;merge.density=0.5;merge.weights=1.0,0.8,0.6;merge.svd-rank=8|merged",
    "ties_paper_d02_l15|a,b,c|merge.method=ties;merge.preset=ties-paper;merge.density=0.2;merge.lambda=1.5;merge.svd-rank=8|merged",
  })
  void deltaMergesMatchReference(String expectedCase, String inputs, String options, String suffix) throws Exception {
    AdapterMerger.merge(FILES, inputs(inputs), out.toString(), parse(options));
    try (SafetensorsCheckpoint expected = SafetensorsCheckpoint.open(FILES, resource("expected/" + expectedCase + ".safetensors"));
        PeftAdapter merged = PeftAdapter.load(FILES, out.toString())) {
      for (LoraModule module : merged.modules()) {
        float[] reference = expected.readFloats(module.name() + "." + suffix);
        float[] product = LowRankFactor.product(merged.loraB(module), merged.loraA(module),
            (int) module.outFeatures(), module.rank(), (int) module.inFeatures(), module.scaling());
        assertThat(product).as(module.name()).hasSameSizeAs(reference);
        for (int i = 0; i < reference.length; i++) {
          assertThat(product[i]).as(module.name() + "[" + i + "]").isCloseTo(reference[i], within(2e-5f));
        }
      }
    }
  }

  static List<NamedAdapter> inputs(String names) throws URISyntaxException {
    List<NamedAdapter> list = new ArrayList<>();
    for (String name : names.split(",")) {
      list.add(new NamedAdapter(name, resource("in/" + name)));
    }
    return list;
  }

  static MergeOptions parse(String options) {
    Map<String, String> map = new java.util.LinkedHashMap<>();
    for (String pair : options.split(";")) {
      String[] kv = pair.split("=", 2);
      map.put(kv[0], kv[1]);
    }
    return MergeOptions.parse(map);
  }

  static String resource(String path) throws URISyntaxException {
    return Path.of(PeftParityTest.class.getResource("/peft/" + path).toURI()).toString();
  }
}
