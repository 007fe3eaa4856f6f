#!/usr/bin/env bash
# Decode benchmark (dev.mtforge.udfs.inference.DecodeBenchmark) on the tiny model and on a
# 13B-shaped slice: two real-size LLaMA-2-13B layers (hidden 5120, intermediate 13824, 40 heads,
# vocab 32000) with four rank-16 adapters on all 7 projections, exported float32 (3.9 GB).
# One ORT thread; memory probed at the 4th step of every batch or after every greedy loop run
# (round 0), then timed rounds. Greedy runs twice: stepping the step graph from Java (step) and in
# one run of the greedy loop graph (loop). "Batch 2, one adapter" is what per-adapter sub-batches
# would run instead of one batch of 8 mixing four adapters (docs/DESIGN.md, LoRA inputs).
# Run it alone under the shared lock: flock /work/helpers/heavy.lock bench/inference/decode-benchmark.sh
#
#   bench/inference/decode-benchmark.sh [tiny|slice|all]     (WORK=/tmp/mtforge-decode-bench)
set -euo pipefail
cd "$(dirname "$0")/../.."
WHAT=${1:-all}
WORK=${WORK:-/tmp/mtforge-decode-bench}
PY=/usr/bin/python3
mvn -B -q -o -pl udfs -am test-compile dependency:build-classpath -Dmdep.outputFile="$WORK/cp.txt" \
  -Dmdep.includeScope=test >/dev/null
FLAGS=$(sed -n 's:.*<spark.jvm.flags>\(.*\)</spark.jvm.flags>.*:\1:p' pom.xml)
run() { # package adapters segments batch beams max_new rounds
  echo "== $*  ($(date -u +%H:%M) UTC, load $(cut -d' ' -f1-3 /proc/loadavg))"
  java -Xmx2g $FLAGS -Dai.djl.offline=true -cp "udfs/target/classes:schemas/target/classes:$(cat "$WORK/cp.txt")" \
    dev.mtforge.udfs.inference.DecodeBenchmark "$@" 2>&1 | grep -v -e WARN -e '^SLF4J'
}

if [[ $WHAT == tiny || $WHAT == all ]]; then
  T=sample-data/models/tiny-llama
  A=$T/adapters
  run $T $A/dat-de-en 384 8 1 32 4 step
  run $T $A/dat-de-en 384 8 1 32 4 loop
  run $T $A/dat-de-en 96 8 5 32 4
  run $T $A/dat-de-en,$A/dat-en-g1,$A/dat-fr-en,$A/multilingual 96 8 5 32 4
  run $T $A/dat-de-en 96 2 5 32 4
fi
if [[ $WHAT == slice || $WHAT == all ]]; then
  S=$WORK/slice-13b
  if [[ ! -f $S/pkg/mtforge-model.json ]]; then
    rm -rf "$S" && mkdir -p "$S"
    $PY sample-data/models/make_hf_llama_checkpoint.py --preset slice-13b --out "$S/ck"
    $PY deploy/export/export_hf_llama.py --model "$S/ck/hf" --out "$S/pkg" --name slice-13b
    rm -rf "$S/ck/hf"  # the package has what the benchmark needs; the adapters stay
  fi
  A=$S/ck/adapters
  run "$S/pkg" $A/a0 8 8 5 8 2
  run "$S/pkg" $A/a0,$A/a1,$A/a2,$A/a3 8 8 5 8 2
  run "$S/pkg" $A/a0 8 2 5 8 2
  run "$S/pkg" $A/a0 8 8 1 8 2 step
  run "$S/pkg" $A/a0 8 8 1 8 2 loop
fi
