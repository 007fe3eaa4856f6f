#!/usr/bin/python3
"""Writes the COMET benchmark's inputs (not a test; bench/comet-vs-torch.sh runs it):

    /usr/bin/python3 bench/comet_bench_setup.py [OUT]      (default /tmp/mtforge-comet-bench)

OUT/xlmr-base/      an encoder folder at XLM-R base dimensions (12 layers x 768, 12 heads, FFN
                    3072, 514 positions) with the tiny models' tokenizer (its 700-piece vocabulary
                    keeps the embedding table small; the layers are what cost)
OUT/comet-base/     a random regression_metric in the published layout with COMET-22's head
                    (hidden sizes 3072, 1024 on 6 x 768 features), sparsemax mix, avg pooling
OUT/src.txt, ref.txt, sys0.txt .. sys3.txt
                    1,000 segments: a source, a reference and four systems' translations. Lengths
                    in tokens follow a log-normal around 30 (sd ~ 0.5 in log space, 5..250), about
                    what FLORES-200 devtest sentences give under XLM-R's tokenizer; the words come
                    from the sample texts. sys0..3 are the reference damaged in different ways.
Everything is seeded; re-running writes the same files.
"""
import json
import math
import os
import random
import shutil
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(ROOT, "sample-data", "models"))
import comet_reference as ref  # noqa: E402
import generate_tiny_comet as gen  # noqa: E402
import sentencepiece as spm  # noqa: E402

SEGMENTS = 1000
SEED = 4242
BASE = dict(gen.CONFIG, hidden_size=768, num_hidden_layers=12, num_attention_heads=12, intermediate_size=3072)


def words_of(names):
    out = []
    for name in names:
        out += " ".join(gen.read(name)).split()
    return out


def text_of(sp, words, rng, tokens):
    """Consecutive words from a random place until the text has about `tokens` XLM-R ids."""
    start = rng.randrange(len(words))
    picked = []
    while len(ref.xlmr_ids(sp, " ".join(picked))) + 2 < tokens:
        picked.append(words[(start + len(picked)) % len(words)])
    return " ".join(picked)


def damage(rng, text, how, words):
    w = text.split()
    if how == 0:  # drop a tenth of the words
        w = [x for x in w if rng.random() > 0.1] or w[:1]
    elif how == 1:  # swap neighbours
        for i in range(0, len(w) - 1, 3):
            w[i], w[i + 1] = w[i + 1], w[i]
    elif how == 2:  # lower-case and replace a fifth of the words
        w = [x.lower() if rng.random() > 0.2 else rng.choice(words) for x in w]
    else:  # cut the end, add other words
        cut = max(1, int(len(w) * 0.8))
        w = w[:cut] + [rng.choice(words) for _ in range(len(w) - cut)]
    return " ".join(w)


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "/tmp/mtforge-comet-bench"
    tiny = os.path.join(ROOT, "sample-data", "models", "tiny-comet", "xlmr")
    enc = os.path.join(out, "xlmr-base")
    os.makedirs(enc, exist_ok=True)
    for f in ("tokenizer.json", "sentencepiece.bpe.model"):
        shutil.copyfile(os.path.join(tiny, f), os.path.join(enc, f))
    with open(os.path.join(tiny, "config.json"), encoding="utf-8") as f:
        vocab = json.load(f)["vocab_size"]
    cfg = dict(BASE, vocab_size=vocab)
    with open(os.path.join(enc, "config.json"), "w", encoding="utf-8") as f:
        json.dump(cfg, f, indent=2, sort_keys=True)
    rng = random.Random(SEED)
    hp = {"transformation": "sparsemax", "layer_norm": False, "dropout": 0.1, "hidden_sizes": [3072, 1024],
          "activations": "Tanh", "final_activation": None, "pool": "avg"}
    mix = [rng.gauss(0.0, 0.5) for _ in range(13)]
    gen.write_published(os.path.join(out, "comet-base"), "regression_metric", hp, {}, mix, SEED, cfg=cfg,
                        std=0.02, encoder_name="xlmr-base-random")
    sp = spm.SentencePieceProcessor(model_file=os.path.join(enc, "sentencepiece.bpe.model"))
    de = words_of(["deu_Latn.devtest", "deu_Latn.dev", "fra_Latn.devtest", "ces_Latn.dev"])
    en = words_of(["eng_Latn.devtest", "eng_Latn.dev"])
    files = {name: [] for name in ("src", "ref", "sys0", "sys1", "sys2", "sys3")}
    for _ in range(SEGMENTS):
        length = int(min(250, max(5, round(math.exp(rng.gauss(math.log(30), 0.5))))))
        files["src"].append(text_of(sp, de, rng, int(length * rng.uniform(0.85, 1.2))))
        reference = text_of(sp, en, rng, length)
        files["ref"].append(reference)
        for k in range(4):
            files[f"sys{k}"].append(damage(rng, reference, k, en))
    for name, lines in files.items():
        with open(os.path.join(out, name + ".txt"), "w", encoding="utf-8") as f:
            f.write("\n".join(lines) + "\n")
    tokens = [len(ref.xlmr_ids(sp, t)) + 2 for t in files["ref"]]
    print(f"wrote {out}: {SEGMENTS} segments, reference tokens mean {sum(tokens) / len(tokens):.1f},"
          f" max {max(tokens)}")


if __name__ == "__main__":
    main()
