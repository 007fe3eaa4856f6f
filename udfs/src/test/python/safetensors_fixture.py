"""Writes udfs/src/test/resources/tensor/mixed.safetensors by hand (struct + json, no mtforge code,
no safetensors library) and prints the F16/BF16 rounding table used in HalfFloatsTest.

Run: /usr/bin/python3 udfs/src/test/python/safetensors_fixture.py   (Debian python3-torch 1.13)
"""
import json
import struct
import sys

import torch

torch.manual_seed(7)
f32 = torch.randn(2, 3, dtype=torch.float32)
f16 = torch.tensor([1.0, -2.5, 65504.0, 6.1e-5, 1e-7], dtype=torch.float16)
bf16 = torch.tensor([[3.140625, -0.0], [1e30, -1e-30]], dtype=torch.bfloat16)

blobs = [("w.bf16", "BF16", bf16), ("w.f32", "F32", f32), ("w.f16", "F16", f16)]
header = {"__metadata__": {"format": "pt"}}
data = b""
for name, dtype, t in blobs:
    raw = t.contiguous().view(torch.int16 if dtype != "F32" else torch.int32).numpy().tobytes()
    header[name] = {"dtype": dtype, "shape": list(t.shape), "data_offsets": [len(data), len(data) + len(raw)]}
    data += raw
# Reverse the JSON order so the reader must sort entries by offset itself.
text = json.dumps(dict(reversed(list(header.items())))).encode()
out = sys.argv[1] if len(sys.argv) > 1 else "udfs/src/test/resources/tensor/mixed.safetensors"
with open(out, "wb") as f:
    f.write(struct.pack("<Q", len(text)))
    f.write(text)
    f.write(data)
for name, dtype, t in blobs:
    print(name, dtype, list(t.shape), [repr(float(v)) for v in t.float().flatten()])

# Rounding table: float32 input -> F16 bits, BF16 bits (torch's round-to-nearest-even).
values = [0.0, -0.0, 1.0, 1.0009765625, 1.00048828125, 1.00146484375, 65504.0, 65520.0, 65519.0,
          6.103515625e-05, 5.960464477539063e-08, 2.98023223876953125e-08, 2.9802326e-08, 1e-10,
          -3.3333333, 1e38, 3.4e38, float("inf"), float("-inf"), 0.1, 1.00390625, 1.01171875]
t = torch.tensor(values, dtype=torch.float32)
h = t.half().view(torch.int16).tolist()
b = t.bfloat16().view(torch.int16).tolist()
for v, hb, bb, fb in zip(values, h, b, t.view(torch.int32).tolist()):
    print("0x%08x 0x%04x 0x%04x  // %r" % (fb & 0xffffffff, hb & 0xffff, bb & 0xffff, v))
