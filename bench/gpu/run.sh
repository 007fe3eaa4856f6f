#!/usr/bin/env bash
# GPU check of translation (issue #11), one command, no network:
#   1. writes a random LLaMA-shaped checkpoint of 1.1B parameters in Hugging Face's layout
#      (hidden 2048, 22 layers, 32 heads / 4 key-value heads, vocab 32000; bfloat16) with one
#      rank-16 PEFT adapter per direction, and exports it as a float16 package;
#   2. makes a warehouse with 2,000 synthetic test segments (1,000 de-en, 1,000 en-de), registers
#      the adapters (routing dat);
#   3. runs `translate` on gpu:0, beam 5, batch 16, 32 new tokens (the step graph: each step's KV
#      cache is copied to the host and back, ONNX Runtime's Java API having no I/O binding), then the
#      same segments greedy (the greedy loop graph: the cache stays on the GPU), ORT profiling on;
#   4. prints for each run output tokens/s, the GPU's peak memory and the share of time spent copying
#      between host and device (from nsys when it is installed, else from the ORT profile).
# Needs: an NVIDIA GPU with its driver, Java 17, Debian's python3-torch/onnx/numpy, and the gpu build
# (mvn -B -o -Pgpu -DskipTests package, which puts ONNX Runtime's CUDA provider in the jar).
# Fits in 10 minutes on one datacenter GPU. `bench/gpu/run.sh smoke` runs the same steps on the CPU
# with a small float32 model, to check the plumbing on a machine without a GPU.
set -euo pipefail
cd "$(dirname "$0")/../.."
MODE=${1:-gpu}
WORK=${WORK:-/tmp/mtforge-gpu-check}
PY=/usr/bin/python3
if [[ $MODE == gpu ]]; then
  PRESET=gpu-1b DTYPE=float16 DEVICE=gpu:0 PER_DIRECTION=1000 BATCH=16 BEAMS=5 MAX_NEW=32 HEAP=-Xmx8g
  command -v nvidia-smi >/dev/null || { echo "run.sh: no nvidia-smi: this needs an NVIDIA GPU (try: run.sh smoke)" >&2; exit 2; }
  if ! unzip -l jobs/target/mtforge.jar 2>/dev/null | grep -q libonnxruntime_providers_cuda.so; then
    echo "run.sh: jobs/target/mtforge.jar has no CUDA provider; build it with: mvn -B -o -Pgpu -DskipTests package" >&2
    exit 2
  fi
elif [[ $MODE == smoke ]]; then
  PRESET=test DTYPE=float32 DEVICE=cpu PER_DIRECTION=20 BATCH=4 BEAMS=5 MAX_NEW=8 HEAP=-Xmx2g
else
  echo "usage: bench/gpu/run.sh [gpu|smoke]" >&2
  exit 2
fi
START=$(date +%s)
rm -rf "$WORK" && mkdir -p "$WORK"
echo "== $(date -u +%FT%TZ) $MODE: $PRESET exported as $DTYPE, $((2 * PER_DIRECTION)) segments, beam $BEAMS on $DEVICE"
[[ $MODE == gpu ]] && nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader

$PY sample-data/models/make_hf_llama_checkpoint.py --preset $PRESET --out "$WORK/ck"
$PY deploy/export/export_hf_llama.py --model "$WORK/ck/hf" --out "$WORK/pkg" --name "random-$PRESET" --dtype $DTYPE
ADAPTERS=($(ls "$WORK/ck/adapters"))
mkdir -p "$WORK/adapters/xx-en" "$WORK/adapters/en-xx"  # register-adapters' layout; de is in group 1
cp -r "$WORK/ck/adapters/${ADAPTERS[0]}" "$WORK/adapters/xx-en/de"
cp -r "$WORK/ck/adapters/${ADAPTERS[-1]}" "$WORK/adapters/en-xx/group-1"
$PY bench/gpu/synthetic_flores.py "$WORK/flores" "$PER_DIRECTION"
echo "== prepared the model and data in $(( $(date +%s) - START )) s"

W="--warehouse $WORK/wh --master local[2]"
bin/mtforge init $W >/dev/null
bin/mtforge prepare $W --source "flores200=$WORK/flores" --language-check off >/dev/null
bin/mtforge register-adapters $W --from "$WORK/adapters" >/dev/null

run() { # NAME BEAMS: one translate run as its own system id
  local name=$1 beams=$2 sampler= nsys=()
  if [[ $MODE == gpu ]]; then
    nvidia-smi --query-gpu=memory.used --format=csv,noheader,nounits -lms 200 > "$WORK/$name-gpu-memory.txt" &
    sampler=$!
    if command -v nsys >/dev/null; then
      nsys=(nsys profile --trace=cuda --sample=none --cpuctxsw=none --force-overwrite=true -o "$WORK/$name-nsys")
    fi
  fi
  local t0 t1
  t0=$(date +%s.%N)
  MTFORGE_JAVA_OPTS="$HEAP -Dmtforge.ort.profile=$WORK/$name-ort-profile" "${nsys[@]}" bin/mtforge translate $W \
    --model "$WORK/pkg" --test-set flores200:devtest --directions de-en,en-de --routing dat --device $DEVICE \
    --num-beams "$beams" --batch-size $BATCH --max-new-tokens $MAX_NEW --commit-segments 4000 --system-id "$name" \
    | tee "$WORK/$name-translate.txt"
  t1=$(date +%s.%N)
  [[ -n $sampler ]] && kill "$sampler"
  if [[ ${#nsys[@]} -gt 0 ]]; then
    nsys stats --force-export=true --report cuda_gpu_mem_time_sum,cuda_gpu_kern_sum --format csv \
      --output "$WORK/$name-nsys-stats" "$WORK/$name-nsys.nsys-rep" >/dev/null 2>&1 || true
  fi
  bin/mtforge sql --warehouse "$WORK/wh" --format json "SELECT count(*) AS segments, sum(output_tokens) AS output_tokens
    FROM translations WHERE system_id = '$name'" > "$WORK/$name-counts.json"
  echo "== $name (num-beams $beams)"
  $PY bench/gpu/report.py "$WORK" "$name" "$t0" "$t1"
}
run beam$BEAMS $BEAMS
run greedy 1
echo "== whole check: $(( $(date +%s) - START )) s"
