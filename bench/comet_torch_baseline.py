#!/usr/bin/python3
"""The torch side of the COMET benchmark (not a test): COMET-22's forward in plain torch
(sample-data/models/comet_reference.py, loaded from the published checkpoint with strict key
names) scoring one system the way unbabel-comet 2.2.7's `predict` does on a CPU: samples sorted by
the source's length in characters (length_batching), batches of 16, each text tokenized alone
and padded to the longest of its kind in the batch, three encoder passes per batch.

    OPENBLAS_NUM_THREADS=1 LD_LIBRARY_PATH=<openblas> /usr/bin/python3 bench/comet_torch_baseline.py OUT \
        [--system sys0] [--threads 1] [--batch-size 16]

Prints one JSON line (segments, CPU and wall seconds, padding) and writes OUT/torch-<system>.txt
(one score per line). Tokenizing is inside the timed loop, as it is in COMET's dataloader.
"""
import argparse
import json
import os
import sys
import time

import numpy as np
import sentencepiece as spm
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "sample-data", "models"))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "deploy", "export"))
import comet_reference as ref  # noqa: E402
import export_comet  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--system", default="sys0")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--batch-size", type=int, default=16)
    ap.add_argument("--limit", type=int, default=0, help="score only the first N segments (0: all)")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    with open(os.path.join(a.out, "xlmr-base", "config.json"), encoding="utf-8") as f:
        cfg = json.load(f)
    ckpt = export_comet.load_checkpoint(os.path.join(a.out, "comet-base", "checkpoints", "model.ckpt"))
    hp = dict(ckpt["hyper_parameters"])
    model = ref.CometReference(cfg, {"class_identifier": hp["class_identifier"], "transformation": hp["layer_transformation"],
                                     "layer_norm": hp["layer_norm"], "dropout": hp["dropout"], "hidden_sizes": hp["hidden_sizes"],
                                     "activations": hp["activations"], "final_activation": hp["final_activation"],
                                     "pool": hp["pool"]})
    model.load_state_dict(ckpt["state_dict"], strict=True)
    model.eval()
    sp = spm.SentencePieceProcessor(model_file=os.path.join(a.out, "xlmr-base", "sentencepiece.bpe.model"))
    read = lambda n: [l.strip() for l in open(os.path.join(a.out, n + ".txt"), encoding="utf-8").read().split("\n")[:-1]]
    src, mt, rf = read("src"), read(a.system), read("ref")
    if a.limit:
        src, mt, rf = src[:a.limit], mt[:a.limit], rf[:a.limit]
    max_positions = cfg["max_position_embeddings"] - 2
    order = np.argsort([len(s) for s in src])
    scores = [0.0] * len(src)
    tokens = padded = 0
    cpu0, wall0 = time.process_time(), time.perf_counter()
    with torch.no_grad():
        for start in range(0, len(order), a.batch_size):
            idx = order[start:start + a.batch_size]
            batch = [[ref.single(sp, texts[i], max_positions) for i in idx] for texts in (src, mt, rf)]
            for seqs in batch:
                tokens += sum(len(s) for s in seqs)
                padded += len(seqs) * max(len(s) for s in seqs)
            out = model.regression(*batch).tolist()
            for i, s in zip(idx, out):
                scores[i] = s
    cpu, wall = time.process_time() - cpu0, time.perf_counter() - wall0
    with open(os.path.join(a.out, f"torch-{a.system}.txt"), "w") as f:
        f.write("\n".join(repr(s) for s in scores) + "\n")
    print(json.dumps({"tool": "torch " + torch.__version__, "threads": a.threads, "segments": len(src),
                      "cpu_s": round(cpu, 2), "wall_s": round(wall, 2), "segments_per_cpu_s": round(len(src) / cpu, 2),
                      "padding_waste": round(1 - tokens / padded, 4), "system_score": sum(scores) / len(scores)}))


if __name__ == "__main__":
    main()
