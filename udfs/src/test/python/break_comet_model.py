#!/usr/bin/python3
"""Writes a broken copy of a published COMET model folder, for the exporter's refusal tests
(ExportCometTest runs it with Debian's torch and pyyaml).

    break_comet_model.py SRC DST [--drop KEY] [--reshape KEY] [--yaml KEY=VALUE] [--hparam KEY=VALUE]

--drop removes a tensor from the checkpoint's state_dict, --reshape drops the last column (or
element) of one, --yaml sets a value in hparams.yaml, --hparam in the checkpoint's
hyper_parameters (values are YAML).
"""
import argparse
import os
import shutil
import sys

import torch
import yaml

ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "deploy", "export"))
import export_comet  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("src")
    ap.add_argument("dst")
    ap.add_argument("--drop")
    ap.add_argument("--reshape")
    ap.add_argument("--yaml", action="append", default=[])
    ap.add_argument("--hparam", action="append", default=[])
    a = ap.parse_args()
    shutil.copytree(a.src, a.dst)
    ckpt_file = os.path.join(a.dst, "checkpoints", "model.ckpt")
    ckpt = export_comet.load_checkpoint(ckpt_file)
    # the placeholder class of Lightning's AttributeDict cannot be pickled again: keep a plain dict
    ckpt["hyper_parameters"] = dict(ckpt["hyper_parameters"])
    if a.drop:
        del ckpt["state_dict"][a.drop]
    if a.reshape:
        t = ckpt["state_dict"][a.reshape]
        ckpt["state_dict"][a.reshape] = t[..., :-1].clone() if t.dim() > 1 else t[:-1].clone()
    for kv in a.hparam:
        k, v = kv.split("=", 1)
        ckpt["hyper_parameters"][k] = yaml.safe_load(v)
    torch.save(ckpt, ckpt_file)
    hp_file = os.path.join(a.dst, "hparams.yaml")
    with open(hp_file, encoding="utf-8") as f:
        hp = yaml.safe_load(f)
    for kv in a.yaml:
        k, v = kv.split("=", 1)
        hp[k] = yaml.safe_load(v)
    with open(hp_file, "w", encoding="utf-8") as f:
        yaml.safe_dump(hp, f)


if __name__ == "__main__":
    main()
