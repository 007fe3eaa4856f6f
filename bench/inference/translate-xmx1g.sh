#!/usr/bin/env bash
# `translate` with beam 4, batch 16 and a LoRA adapter per direction on a random LLaMA of hidden
# size 1024 (4 layers, vocab 32000, rank-16 adapters on all 7 projections) in a 1 GiB heap: the
# run that died with "Java heap space" before format 2 (issue #11). Prints the job's output and
# the process's peak RSS. Needs Debian's python3-torch/onnx/numpy; writes under $WORK.
#
#   bench/inference/translate-xmx1g.sh            # WORK=/tmp/mtforge-xmx1g
set -euo pipefail
cd "$(dirname "$0")/../.."
WORK=${WORK:-/tmp/mtforge-xmx1g}
PY=/usr/bin/python3
rm -rf "$WORK" && mkdir -p "$WORK"

$PY sample-data/models/make_hf_llama_checkpoint.py --preset hidden-1024 --out "$WORK/ck"
$PY deploy/export/export_hf_llama.py --model "$WORK/ck/hf" --out "$WORK/pkg" --name random-1024
# register-adapters' folder layout: <direction>/<language | group-N>/ (de is in group 1)
mkdir -p "$WORK/adapters/xx-en" "$WORK/adapters/en-xx"
cp -r "$WORK/ck/adapters/xx-en" "$WORK/adapters/xx-en/de"
cp -r "$WORK/ck/adapters/en-xx" "$WORK/adapters/en-xx/group-1"

W="--warehouse $WORK/wh --master local[2]"
bin/mtforge init $W
bin/mtforge prepare $W --source flores200=sample-data/prepare/flores200 --language-check off
bin/mtforge register-adapters $W --from "$WORK/adapters"
MTFORGE_JAVA_OPTS=-Xmx1g /usr/bin/time -f 'peak RSS %M KiB, %e s wall, %U s user' \
  bin/mtforge translate $W --model "$WORK/pkg" --test-set flores200:devtest --directions de-en,en-de \
  --routing dat --num-beams 4 --batch-size 16 --max-new-tokens 24 --threads 2
bin/mtforge sql --warehouse "$WORK/wh" \
  "SELECT direction, adapter_id, decoding, count(*), sum(output_tokens) FROM translations GROUP BY 1, 2, 3 ORDER BY 1"
