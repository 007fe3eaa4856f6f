#!/usr/bin/python3
"""Summarises one translate run of bench/gpu/run.sh (files WORK/NAME-*): output tokens/s of the
translate command, the GPU's peak memory (nvidia-smi samples), and the share of time spent in
host<->device copies: from nsys's CUDA memcpy totals when nsys ran, else from ONNX Runtime's
profile (time inside model_run but outside the graph's execution, where feeds are copied to the
device and fetches back, plus Memcpy nodes ORT inserted).

    /usr/bin/python3 bench/gpu/report.py WORK NAME T0 T1
"""
import csv
import glob
import json
import os
import sys


def ort_profile(work, name):
    files = sorted(glob.glob(os.path.join(work, name + "-ort-profile*.json")))
    if not files:
        return None
    run = execute = memcpy = 0
    runs = 0
    for path in files:
        with open(path) as f:
            events = json.load(f)
        for e in events:
            name, dur = e.get("name", ""), e.get("dur", 0)
            if e.get("cat") == "Session" and name == "model_run":
                run += dur
                runs += 1
            elif e.get("cat") == "Session" and name == "SequentialExecutor::Execute":
                execute += dur
            elif e.get("cat") == "Node" and e.get("args", {}).get("op_name", "").startswith("Memcpy"):
                memcpy += dur
    return {"files": len(files), "runs": runs, "run_s": run / 1e6, "outside_s": (run - execute) / 1e6,
            "memcpy_nodes_s": memcpy / 1e6}


def nsys(work, name):
    path = os.path.join(work, name + "-nsys-stats_cuda_gpu_mem_time_sum.csv")
    kern = os.path.join(work, name + "-nsys-stats_cuda_gpu_kern_sum.csv")
    if not os.path.exists(path):
        return None
    copies = {}
    with open(path) as f:
        for row in csv.DictReader(f):
            copies[row["Operation"]] = float(row["Total Time (ns)"]) / 1e9
    kernels = 0.0
    if os.path.exists(kern):
        with open(kern) as f:
            kernels = sum(float(r["Total Time (ns)"]) for r in csv.DictReader(f)) / 1e9
    return copies, kernels


def main(work, name, t0, t1):
    wall = float(t1) - float(t0)
    with open(os.path.join(work, name + "-counts.json")) as f:
        text = f.read().strip()
    row = json.loads(text)
    row = row[0] if isinstance(row, list) else row
    tokens, segments = int(row["output_tokens"]), int(row["segments"])
    print(f"segments {segments}, output tokens {tokens}, translate command {wall:.1f} s wall "
          f"(Spark start, model load and commit included): {tokens / wall:.0f} output tokens/s")
    mem = os.path.join(work, name + "-gpu-memory.txt")
    if os.path.exists(mem):
        values = [int(x) for x in open(mem).read().split() if x.isdigit()]
        if values:
            print(f"GPU memory used: peak {max(values)} MiB (first sample {values[0]} MiB, nvidia-smi every 200 ms)")
    n = nsys(work, name)
    if n:
        copies, kernels = n
        total = sum(copies.values())
        detail = ", ".join(f"{k} {v:.2f} s" for k, v in sorted(copies.items()))
        print(f"nsys: GPU time in memory copies {total:.2f} s ({detail}); in kernels {kernels:.2f} s; "
              f"copies are {100 * total / max(total + kernels, 1e-9):.1f}% of the GPU's busy time")
    p = ort_profile(work, name)
    if p:
        print(f"ONNX Runtime profile ({p['files']} files, {p['runs']} runs): {p['run_s']:.2f} s in run(); "
              f"{p['outside_s']:.2f} s of it outside graph execution (feeds copied in, fetches copied out) = "
              f"{100 * p['outside_s'] / max(p['run_s'], 1e-9):.1f}%; Memcpy nodes {p['memcpy_nodes_s']:.2f} s = "
              f"{100 * p['memcpy_nodes_s'] / max(p['run_s'], 1e-9):.1f}%")
    elif not n:
        print("no profile found: ONNX Runtime writes it when the session closes (at the end of the JVM)")


if __name__ == "__main__":
    main(*sys.argv[1:5])
