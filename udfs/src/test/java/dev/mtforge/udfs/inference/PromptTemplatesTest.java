package dev.mtforge.udfs.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mtforge.udfs.readers.InputFormatException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The named prompt formats against golden strings made by the models' own code, and user templates.
 *
 * <p>Golden strings: {@code udfs/src/test/python/make_prompt_goldens.py} runs ALMA's
 * {@code get_prompt} (fe1ixxu/ALMA 10360c33dc875c747315dcf0a5be0d48472c7a4c, utils/utils.py) and
 * LLaMAX's {@code create_prompt} / {@code post_process} (CONE-MT/LLaMAX
 * 0eeec0be9d610292afc066fdce68e48d2912bcd8, scripts/inference/src/{datasets,tasks}/flores101.py,
 * instruction from scripts/inference/prepare/instruct_inf.txt) and prints them. X-ALMA's is the
 * ALMA string inside LLaMA-2's chat turn, as fe1ixxu/ALMA's README shows it for X-ALMA ("The X-ALMA
 * translation prompt is: {@code <s>[INST] … [/INST]}"; {@code <s>} is the tokenizer's BOS).
 */
class PromptTemplatesTest {

  @Test
  void almaAndXAlmaPromptsAreTheReferenceStrings() {
    // make_prompt_goldens.py: "alma zh-en"
    assertThat(PromptFormat.ALMA.prompt("Chinese", "English", "我爱机器翻译。"))
        .isEqualTo("Translate this from Chinese to English:\nChinese: 我爱机器翻译。\nEnglish:");
    // make_prompt_goldens.py: "alma de-en 1-shot"
    assertThat(PromptFormat.ALMA.prompt("German", "English", "Hallo Welt.", List.of(new PromptFormat.Shot("Das Haus.",
        "The house."))))
        .isEqualTo("Translate this from German to English:\nGerman: Das Haus.\nEnglish: The house.\nGerman: Hallo Welt."
            + "\nEnglish:");
    // ALMA README, X-ALMA section: <s>[INST] {ALMA prompt} [/INST]
    assertThat(PromptTemplates.named("x-alma").orElseThrow().prompt("Chinese", "English", "我爱机器翻译。"))
        .isEqualTo("[INST] Translate this from Chinese to English:\nChinese: 我爱机器翻译。\nEnglish: [/INST]");
    assertThat(PromptFormat.X_ALMA.tag()).isEqualTo(":chat");
    assertThat(PromptFormat.ALMA.tag()).isEmpty();
  }

  @Test
  void llamaxPromptIsTheAlpacaTemplateWithTheStrippedSegment() {
    // make_prompt_goldens.py: "llamax en-zh" (input line "  Hello world.\n", stripped by create_prompt)
    assertThat(PromptTemplates.named("LLaMAX").orElseThrow().prompt("English", "Chinese", "  Hello world.\n"))
        .isEqualTo("Below is an instruction that describes a task, paired with an input that provides further context."
            + " Write a response that appropriately completes the request.\n### Instruction:\nTranslate the following"
            + " sentences from English to Chinese.\n### Input:\nHello world.\n### Response:");
    assertThat(PromptFormat.LLAMAX.tag()).isEqualTo(":llamax");
    assertThat(PromptFormat.LLAMAX.supportsShots()).isFalse();
    assertThatThrownBy(() -> PromptFormat.LLAMAX.prompt("English", "Chinese", "x", List.of(new PromptFormat.Shot("a", "b"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Prompt format llamax has no few-shot form");
  }

  @Test
  void llamaxOutputIsCutLikeItsPostProcess() {
    // make_prompt_goldens.py: "llamax output ..." = post_process(prompt + generated)
    assertThat(PromptFormat.LLAMAX.hypothesis(" 你好，世界。\n### Response: again")).isEqualTo("你好，世界。");
    assertThat(PromptFormat.LLAMAX.hypothesis("\n<p>Hallo</p> extra")).isEqualTo("Hallo");
    assertThat(PromptFormat.LLAMAX.hypothesis(" line1\nline2 \n")).isEqualTo("line1 line2");
    assertThat(PromptFormat.LLAMAX.hypothesis(" a <p>b</p> c <p>d</p>")).isEqualTo("b");
    // ALMA keeps the first non-empty line
    assertThat(PromptFormat.ALMA.hypothesis(" line1\nline2 \n")).isEqualTo("line1");
  }

  @Test
  void userTemplatesFillTheirPlaceholdersAndRejectUnknownOnes() {
    PromptFormat t = PromptTemplates.parse("conf/p.txt", "{{json}} {Src}→{Tgt}: {source} {x\n");
    assertThat(t.prompt("German", "Czech", "Hallo")).isEqualTo("{json} German→Czech: Hallo {x");
    assertThat(t.name()).isEqualTo("conf/p.txt");
    assertThat(t.tag()).matches(":prompt-[0-9a-f]{8}");
    assertThat(t.hypothesis("\n Ahoj\nnext")).isEqualTo("Ahoj");
    assertThat(PromptTemplates.parse("p.txt", "{source}\n\n").prompt("a", "b", "s")).isEqualTo("s\n");
    assertThat(PromptTemplates.named("p.txt")).isEmpty();
    assertThatThrownBy(() -> PromptTemplates.parse("s3a://b/p.txt", "Translate {Src}\ninto {target}: {source}"))
        .isInstanceOf(InputFormatException.class)
        .hasMessage("s3a://b/p.txt:2: unknown placeholder {target} in prompt template; known: {Src}, {Tgt}, {source}"
            + " (write {{ and }} for literal braces)");
    assertThatThrownBy(() -> PromptTemplates.parse("p.txt", "Translate {Src} to {Tgt}: {{source}}"))
        .isInstanceOf(InputFormatException.class)
        .hasMessage("p.txt: a prompt template must contain {source}, the segment to translate");
  }

  @Test
  void formatsSurviveJavaSerialization() throws Exception {
    for (PromptFormat f : List.of(PromptFormat.ALMA, PromptFormat.X_ALMA, PromptFormat.LLAMAX,
        PromptTemplates.parse("p.txt", "{Src}: {source}"))) {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
        out.writeObject(f);
      }
      try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
        assertThat(in.readObject()).isEqualTo(f);
      }
    }
  }
}
