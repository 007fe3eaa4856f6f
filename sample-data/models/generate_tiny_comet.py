#!/usr/bin/python3
"""Writes sample-data/models/tiny-comet/: tiny random COMET models in the published layout.

Run only to regenerate the fixtures (CI never runs it; a Java test runs the exporter on a fresh
copy), with Debian's packages:

    apt-get install -y --no-install-recommends python3-torch python3-onnx python3-yaml python3-sentencepiece
    /usr/bin/python3 sample-data/models/generate_tiny_comet.py

What it writes under tiny-comet/:
  xlmr/                    the encoder folder COMET would fetch from Hugging Face
                           (`pretrained_model`): config.json (XLM-R, 3 layers x 32),
                           sentencepiece.bpe.model (a unigram model trained here on the sample
                           texts) and tokenizer.json (the same model in the fast tokenizer's
                           format, as transformers' XLMRobertaConverter writes it)
  tiny-comet-da/           a regression_metric in Unbabel/wmt22-comet-da's layout: hparams.yaml,
                           checkpoints/model.ckpt (a Lightning checkpoint: state_dict with
                           COMET's key names, hyper_parameters pickled as Lightning's
                           AttributeDict, a class absent from Debian)
  tiny-cometkiwi-da/       a unified_metric (reference-free, mt + src) in
                           Unbabel/wmt22-cometkiwi-da's layout
  comet-da/, cometkiwi-da/ the packages deploy/export/export_comet.py makes of them
  golden.json              token ids and scores of the reference forward (comet_reference.py)
  tokenizer-ids.json       XLM-R ids of varied texts from SentencePiece (what the Java tokenizer
                           must reproduce)

The two models cover both classes and every branch the exporter has: the regression model mixes
layers with sparsemax (the top two weights exactly 0, so its graph stops after layer 1), no layer norm, average pooling, no final
activation; the unified one has `layer_transformation: sparsemax_patch` in hparams.yaml (softmax
since COMET 2.2.4), layer norm, CLS pooling and a sigmoid. Weights are random (seed 20261202).
"""
import base64
import json
import os
import random
import subprocess
import sys
import types

import sentencepiece as spm
import torch
import yaml
from sentencepiece import sentencepiece_model_pb2

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import comet_reference as ref  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
OUT = os.path.join(HERE, "tiny-comet")
SEED = 20261202
SPM_VOCAB = 700
CONFIG = {
    "architectures": ["XLMRobertaForMaskedLM"],
    "attention_probs_dropout_prob": 0.1,
    "bos_token_id": 0,
    "eos_token_id": 2,
    "hidden_act": "gelu",
    "hidden_dropout_prob": 0.1,
    "hidden_size": 32,
    "initializer_range": 0.02,
    "intermediate_size": 64,
    "layer_norm_eps": 1e-05,
    "max_position_embeddings": 514,
    "model_type": "xlm-roberta",
    "num_attention_heads": 4,
    "num_hidden_layers": 3,
    "output_past": True,
    "pad_token_id": 1,
    "position_embedding_type": "absolute",
    "type_vocab_size": 1,
    "use_cache": True,
}


def sample_lines():
    """Every sample text (Flores-200, NTREX-128, WMT txt) in a fixed order."""
    lines = []
    for folder in ("flores200", "ntrex128", "wmt-txt"):
        d = os.path.join(ROOT, "sample-data", "prepare", folder)
        for name in sorted(os.listdir(d)):
            with open(os.path.join(d, name), encoding="utf-8") as f:
                lines += [l.strip() for l in f if l.strip()]
    return lines


def read(name):
    with open(os.path.join(ROOT, "sample-data", "prepare", "flores200", name), encoding="utf-8") as f:
        return [l.rstrip("\n") for l in f]


# ---------------------------------------------------------------- encoder folder

def train_tokenizer(xlmr_dir):
    text = os.path.join(xlmr_dir, "train.txt")
    with open(text, "w", encoding="utf-8") as f:
        f.write("\n".join(sample_lines()) + "\n")
    prefix = os.path.join(xlmr_dir, "sentencepiece.bpe")  # XLM-R's file name (it is a unigram model)
    spm.SentencePieceTrainer.train(
        input=text, model_prefix=prefix, model_type="unigram", vocab_size=SPM_VOCAB,
        character_coverage=0.9995, normalization_rule_name="nmt_nfkc", num_threads=1,
        hard_vocab_limit=False, seed_sentencepiece_size=100000, shuffle_input_sentence=False,
        minloglevel=2)
    os.remove(text)
    os.remove(prefix + ".vocab")
    return spm.SentencePieceProcessor(model_file=prefix + ".model")


def tokenizer_json(model_file):
    """The model in tokenizers' JSON, as transformers' XLMRobertaConverter lays it out."""
    proto = sentencepiece_model_pb2.ModelProto()
    with open(model_file, "rb") as f:
        proto.ParseFromString(f.read())
    vocab = [["<s>", 0.0], ["<pad>", 0.0], ["</s>", 0.0], ["<unk>", 0.0]]
    vocab += [[p.piece, p.score] for p in proto.pieces[3:]]
    vocab.append(["<mask>", 0.0])

    def special(i, content, lstrip=False):
        return {"id": i, "content": content, "single_word": False, "lstrip": lstrip, "rstrip": False,
                "normalized": False, "special": True}

    return {
        "version": "1.0",
        "truncation": None,
        "padding": None,
        "added_tokens": [special(0, "<s>"), special(1, "<pad>"), special(2, "</s>"), special(3, "<unk>"),
                         special(len(vocab) - 1, "<mask>", lstrip=True)],
        "normalizer": {"type": "Precompiled",
                       "precompiled_charsmap": base64.b64encode(proto.normalizer_spec.precompiled_charsmap).decode()},
        "pre_tokenizer": {"type": "Sequence", "pretokenizers": [
            {"type": "WhitespaceSplit"},
            {"type": "Metaspace", "replacement": "\u2581", "add_prefix_space": True}]},
        "post_processor": {"type": "RobertaProcessing", "sep": ["</s>", 2], "cls": ["<s>", 0],
                           "trim_offsets": True, "add_prefix_space": True},
        "decoder": {"type": "Metaspace", "replacement": "\u2581", "add_prefix_space": True},
        "model": {"type": "Unigram", "unk_id": 3, "vocab": vocab},
    }


# ---------------------------------------------------------------- published model folders

class _LightningAttributeDict(dict):
    """Stands in for pytorch_lightning.utilities.parsing.AttributeDict when pickling."""


def lightning_module():
    """Makes `pytorch_lightning.utilities.parsing.AttributeDict` picklable without Lightning."""
    names = ["pytorch_lightning", "pytorch_lightning.utilities", "pytorch_lightning.utilities.parsing"]
    for n in names:
        sys.modules.setdefault(n, types.ModuleType(n))
    _LightningAttributeDict.__module__ = names[-1]
    _LightningAttributeDict.__qualname__ = _LightningAttributeDict.__name__ = "AttributeDict"
    sys.modules[names[-1]].AttributeDict = _LightningAttributeDict
    return _LightningAttributeDict


def randomize(model, gen, mix, std):
    with torch.no_grad():
        for name, p in model.named_parameters():
            if name.endswith("LayerNorm.weight"):
                p.copy_(1.0 + 0.1 * torch.randn(p.shape, generator=gen))
            elif name.endswith("LayerNorm.bias"):
                p.copy_(0.05 * torch.randn(p.shape, generator=gen))
            elif "scalar_parameters" in name:
                continue
            elif name.endswith("gamma"):
                p.fill_(1.25)
            else:
                p.copy_(std * torch.randn(p.shape, generator=gen))
        for i, v in enumerate(mix):
            model.layerwise_attention.scalar_parameters[i].fill_(v)


def hyper_parameters(cls, cfg_name, hp):
    """What COMET's save_hyperparameters() records for the class (train settings included)."""
    common = {
        "nr_frozen_epochs": 0.3, "keep_embeddings_frozen": True, "optimizer": "AdamW", "warmup_steps": 0,
        "encoder_learning_rate": 1.0e-06, "learning_rate": 1.5e-05, "layerwise_decay": 0.95,
        "encoder_model": "XLM-RoBERTa", "pretrained_model": cfg_name, "layer_transformation": hp["transformation"],
        "layer_norm": hp["layer_norm"], "loss": "mse", "dropout": hp["dropout"], "batch_size": 16,
        "train_data": ["data/train.csv"], "validation_data": ["data/dev.csv"],
        "hidden_sizes": hp["hidden_sizes"], "activations": hp["activations"],
        "final_activation": hp["final_activation"], "load_pretrained_weights": True, "local_files_only": False,
        "class_identifier": cls,
    }
    if cls == "regression_metric":
        common.update({"pool": "avg", "layer": "mix"})
    else:
        common.update({"sent_layer": "mix", "word_layer": 3, "input_segments": ["mt", "src"],
                       "word_level_training": False, "loss_lambda": 0.65, "error_labels": ["minor", "major"],
                       "cross_entropy_weights": None})
    return common


def write_published(folder, cls, hp, yaml_overrides, mix, seed, cfg=None, std=0.2, encoder_name="tiny-xlmr"):
    """A random model of the class in the published layout under folder; returns its reference module."""
    gen = torch.Generator().manual_seed(seed)
    cfg = cfg or dict(CONFIG, vocab_size=VOCAB)
    model = ref.CometReference(cfg, dict(hp, class_identifier=cls))
    randomize(model, gen, mix, std)
    model.eval()
    hparams = hyper_parameters(cls, encoder_name, hp)
    os.makedirs(os.path.join(folder, "checkpoints"), exist_ok=True)
    attribute_dict = lightning_module()
    ckpt = {
        "epoch": 1,
        "global_step": 4,
        "pytorch-lightning_version": "1.9.5",
        "state_dict": model.state_dict(),
        "loops": {},
        "callbacks": {},
        "hparams_name": "kwargs",
        "hyper_parameters": attribute_dict(hparams),
    }
    torch.save(ckpt, os.path.join(folder, "checkpoints", "model.ckpt"))
    with open(os.path.join(folder, "hparams.yaml"), "w", encoding="utf-8") as f:
        yaml.safe_dump(dict(hparams, **yaml_overrides), f, sort_keys=True)
    return model


# ---------------------------------------------------------------- goldens

def golden_inputs():
    de, en, zh, hi, ru = (read(f + ".devtest") for f in ("deu_Latn", "eng_Latn", "zho_Hans", "hin_Deva", "rus_Cyrl"))
    rows = []
    for i in range(10):  # de -> en: the reference, a neighbour's reference, a damaged copy
        mt = [en[i], en[(i + 1) % 20], " ".join(en[i].split()[::-1]), en[i].lower()][i % 4]
        rows.append({"src": de[i], "mt": mt, "ref": en[i]})
    for tgt in (zh, hi, ru):  # en -> xx
        rows.append({"src": en[12], "mt": tgt[13], "ref": tgt[12]})
    rows.append({"src": de[14], "mt": "", "ref": en[14]})  # empty hypothesis: <s></s>
    long_text = " ".join(en) + " " + " ".join(de)
    rows.append({"src": de[15], "mt": long_text, "ref": en[15]})  # mt past 510 tokens
    rows.append({"src": long_text, "mt": en[16], "ref": long_text[:400]})  # src cut, pair cut at 512
    rows.append({"src": " ".join(de[:8]), "mt": " ".join(en[:9]), "ref": en[17]})  # pair of ~300 + ~250
    return rows


TOKENIZER_TEXTS = [
    "Hello world.", "  leading and trailing spaces  ", "multiple   inner\tspaces\nand newline",
    "Ünïcödé àccents — “quotes” and ‘apostrophes’ …", "ﬁ ligature, ① circled, ＦＵＬＬＷＩＤＴＨ",
    "数字１２３ and 中文句子。", "हिन्दी वाक्य।", "Русский текст, ёлка.", "emoji 🙂 and 🇩🇪 flags",
    "العربية غير معروفة", "tabs\tand\u00a0nbsp\u3000ideographic space", "numbers 3.14159 1,000,000",
    "", "a", "URLs: https://example.org/path?x=1&y=2", "CamelCaseWordsAndALLCAPS",
]


def main():
    global VOCAB
    torch.manual_seed(SEED)
    random.seed(SEED)
    xlmr_dir = os.path.join(OUT, "xlmr")
    os.makedirs(xlmr_dir, exist_ok=True)
    sp = train_tokenizer(xlmr_dir)
    tok = tokenizer_json(os.path.join(xlmr_dir, "sentencepiece.bpe.model"))
    VOCAB = len(tok["model"]["vocab"])
    with open(os.path.join(xlmr_dir, "tokenizer.json"), "w", encoding="utf-8") as f:
        json.dump(tok, f, ensure_ascii=False)
    with open(os.path.join(xlmr_dir, "config.json"), "w", encoding="utf-8") as f:
        json.dump(dict(CONFIG, vocab_size=VOCAB), f, indent=2, sort_keys=True)
    max_positions = CONFIG["max_position_embeddings"] - 2

    regression_hp = {"transformation": "sparsemax", "layer_norm": False, "dropout": 0.1,
                     "hidden_sizes": [48, 16], "activations": "Tanh", "final_activation": None, "pool": "avg"}
    unified_hp = {"transformation": "softmax", "layer_norm": True, "dropout": 0.1,
                  "hidden_sizes": [24], "activations": "Tanh", "final_activation": "Sigmoid"}
    # sparsemax of these keeps hidden states 0 and 1 (weights 0.3, 0.7) and zeroes 2 and 3: the
    # exported encoder computes 1 of the 3 layers, which the goldens (all 3 computed) check
    regression = write_published(os.path.join(OUT, "tiny-comet-da"), "regression_metric", regression_hp, {},
                                 [0.6, 1.0, -0.5, 0.1], SEED + 1)
    # the checkpoint says sparsemax, hparams.yaml the 2.2.4 patch: COMET >= 2.2.4 mixes with softmax
    unified = write_published(os.path.join(OUT, "tiny-cometkiwi-da"), "unified_metric",
                              dict(unified_hp, transformation="sparsemax"),
                              {"layer_transformation": "sparsemax_patch"}, [0.2, -0.3, 0.8, 0.4], SEED + 2)
    unified.layerwise_attention.transformation = "softmax"

    rows = golden_inputs()
    src = [ref.single(sp, r["src"], max_positions) for r in rows]
    mt = [ref.single(sp, r["mt"], max_positions) for r in rows]
    rf = [ref.single(sp, r["ref"], max_positions) for r in rows]
    pairs = [ref.pair(m, s, max_positions) for m, s in zip(mt, src)]
    with torch.no_grad():
        reg_scores = regression.regression(src, mt, rf).tolist()
        kiwi_scores = unified.unified(pairs).tolist()
        reg_weights = regression.layerwise_attention.weights().tolist()
        kiwi_weights = unified.layerwise_attention.weights().tolist()
    golden = {
        "tool": "sample-data/models/comet_reference.py (torch %s), seed %d" % (torch.__version__, SEED),
        "regression": {"layer_weights": reg_weights, "system_score": sum(reg_scores) / len(reg_scores)},
        "unified": {"layer_weights": kiwi_weights, "system_score": sum(kiwi_scores) / len(kiwi_scores)},
        "segments": [dict(r, src_ids=s, mt_ids=m, ref_ids=f, pair_ids=p, comet=c, cometkiwi=k)
                     for r, s, m, f, p, c, k in zip(rows, src, mt, rf, pairs, reg_scores, kiwi_scores)],
    }
    with open(os.path.join(OUT, "golden.json"), "w", encoding="utf-8") as f:
        json.dump(golden, f, ensure_ascii=False, indent=1)
    with open(os.path.join(OUT, "tokenizer-ids.json"), "w", encoding="utf-8") as f:
        texts = TOKENIZER_TEXTS + sample_lines()
        json.dump([{"text": t, "ids": ref.single(sp, t, max_positions)} for t in texts], f, ensure_ascii=False,
                  indent=0)

    exporter = os.path.join(ROOT, "deploy", "export", "export_comet.py")
    for published, package in (("tiny-comet-da", "comet-da"), ("tiny-cometkiwi-da", "cometkiwi-da")):
        subprocess.run([sys.executable, exporter, "--checkpoint", os.path.join(OUT, published),
                        "--encoder", xlmr_dir, "--out", os.path.join(OUT, package), "--replace"], check=True)
    print("wrote", OUT, "regression", reg_scores[:3], "unified", kiwi_scores[:3])


if __name__ == "__main__":
    main()
