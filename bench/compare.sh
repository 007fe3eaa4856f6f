#!/usr/bin/env bash
# mtforge against its reference tools, side by side on real inputs (a benchmark, not a test).
#
#   bench/compare.sh --sacrebleu DIR --peft DIR --wmt DIR [--work DIR] [--rounds N] [--ter-rounds N]
#                    [--only bleu,chrf,ter,merge]
#
# Where to get the inputs (nothing of them is committed):
#   --sacrebleu  a checkout of https://github.com/mjpost/sacrebleu at tag v2.6.0. It runs from
#                source (python3 -m sacrebleu) with stand-ins for the three modules that do no
#                scoring work: portalocker (locks dataset downloads), tabulate (multi-system
#                tables), lxml (WMT XML test sets); and with the sacrebleu/version.py its build
#                would generate. The checkout is copied to the work folder, not changed.
#   --peft       a checkout of https://github.com/huggingface/peft (src/peft/utils/merge_utils.py
#                is imported as it is; it needs only torch).
#   --wmt        a checkout of https://github.com/wmt-conference/wmt22-news-systems: the WMT22
#                de-en output of Online-B and reference A, 1,984 segments each, repeated 50 times
#                (99,200 segments).
# The LoRA adapters (8 x 62.6M parameters of LLaMA-2-13B shape, 2 GB) are generated into the work
# folder by bench/make_lora_adapters.py on first use.
#
# Each task runs mtforge and the reference alternately (which goes first alternates by round) in
# this one process tree, checks that the outputs are identical, and prints wall time, CPU time
# (user + system) and peak RSS of every run, then the medians and the median of the per-round
# ratios. Take figures under the shared lock on a shared machine, and record the load printed
# with them:   flock /work/helpers/heavy.lock bench/compare.sh ...
#
# Tools: bin/mtforge (build it first: mvn -B -q -DskipTests package), GNU time (/usr/bin/time),
# SACREBLEU_PYTHON (default python3: numpy, regex, colorama), PEFT_PYTHON (default
# /usr/bin/python3: torch 1.13, numpy; PEFT_THREADS=2 torch threads).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
WORK=/tmp/mtforge-compare
ROUNDS=3
TER_ROUNDS=2
ONLY=bleu,chrf,ter,merge
SACREBLEU_DIR=
PEFT_DIR=
WMT_DIR=
COPIES=50
SACREBLEU_PYTHON="${SACREBLEU_PYTHON:-python3}"
PEFT_PYTHON="${PEFT_PYTHON:-/usr/bin/python3}"
PEFT_THREADS="${PEFT_THREADS:-2}"

usage() { sed -n '2,30p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }
while [[ $# -gt 0 ]]; do
  case "$1" in
    --sacrebleu) SACREBLEU_DIR="$2"; shift 2 ;;
    --peft) PEFT_DIR="$2"; shift 2 ;;
    --wmt) WMT_DIR="$2"; shift 2 ;;
    --work) WORK="$2"; shift 2 ;;
    --rounds) ROUNDS="$2"; shift 2 ;;
    --ter-rounds) TER_ROUNDS="$2"; shift 2 ;;
    --only) ONLY="$2"; shift 2 ;;
    -h|--help) usage ;;
    *) echo "compare.sh: unknown argument '$1'" >&2; usage ;;
  esac
done
wants() { [[ ",$ONLY," == *",$1,"* ]]; }
die() { echo "compare.sh: $*" >&2; exit 2; }

metric_tasks=()
for m in bleu chrf ter; do wants "$m" && metric_tasks+=("$m"); done
if [[ ${#metric_tasks[@]} -gt 0 ]]; then
  [[ -n "$SACREBLEU_DIR" && -f "$SACREBLEU_DIR/sacrebleu/__main__.py" ]] \
    || die "--sacrebleu must be a checkout of mjpost/sacrebleu (v2.6.0), got '$SACREBLEU_DIR'"
  [[ -n "$WMT_DIR" && -d "$WMT_DIR/txt" ]] \
    || die "--wmt must be a checkout of wmt-conference/wmt22-news-systems, got '$WMT_DIR'"
fi
if wants merge; then
  [[ -n "$PEFT_DIR" && -f "$PEFT_DIR/src/peft/utils/merge_utils.py" ]] \
    || die "--peft must be a checkout of huggingface/peft, got '$PEFT_DIR'"
fi
[[ -x /usr/bin/time ]] || die "needs GNU time at /usr/bin/time"
[[ -f "$ROOT/jobs/target/mtforge.jar" ]] || die "build mtforge first: mvn -B -q -DskipTests package"
mkdir -p "$WORK/runs"

# --- inputs -------------------------------------------------------------------------------
if [[ ${#metric_tasks[@]} -gt 0 ]]; then
  hyp1="$WMT_DIR/txt/system-outputs/generaltest2022.de-en.hyp.Online-B.en"
  ref1="$WMT_DIR/txt/references/generaltest2022.de-en.ref.A.en"
  [[ -f "$hyp1" && -f "$ref1" ]] || die "missing $hyp1 or $ref1"
  : > "$WORK/hyp.en"; : > "$WORK/ref.en"
  for ((i = 0; i < COPIES; i++)); do cat "$hyp1" >> "$WORK/hyp.en"; cat "$ref1" >> "$WORK/ref.en"; done
  # sacreBLEU from source: a copy of the package, the version file its build would write, and
  # stand-ins that fail loudly if ever used
  rm -rf "$WORK/sacrebleu-src" && mkdir -p "$WORK/sacrebleu-src" "$WORK/stand-ins/lxml"
  cp -r "$SACREBLEU_DIR/sacrebleu" "$WORK/sacrebleu-src/"
  grep -q "^## 2.6.0" "$SACREBLEU_DIR/CHANGELOG.md" || echo "compare.sh: warning: $SACREBLEU_DIR is not sacreBLEU 2.6.0" >&2
  echo '__version__ = version = "2.6.0"' > "$WORK/sacrebleu-src/sacrebleu/version.py"
  printf 'def Lock(*args, **kwargs):\n    raise RuntimeError("portalocker stand-in: dataset downloads are not part of the benchmark")\n' \
    > "$WORK/stand-ins/portalocker.py"
  printf 'def tabulate(*args, **kwargs):\n    raise RuntimeError("tabulate stand-in: multi-system tables are not part of the benchmark")\n' \
    > "$WORK/stand-ins/tabulate.py"
  : > "$WORK/stand-ins/lxml/__init__.py"
  printf 'def __getattr__(name):\n    raise RuntimeError("lxml stand-in: WMT XML test sets are not part of the benchmark")\n' \
    > "$WORK/stand-ins/lxml/etree.py"
fi
if wants merge; then
  "$PEFT_PYTHON" "$ROOT/bench/make_lora_adapters.py" "$WORK/adapters" 8 40
  ADAPTERS=()
  for i in 0 1 2 3 4 5 6 7; do ADAPTERS+=("$WORK/adapters/adapter-$i"); done
fi

# --- runs ---------------------------------------------------------------------------------
# timed TASK TOOL ROUND OUT CMD...: runs CMD under GNU time; stdout to OUT, figures to OUT.time
timed() {
  local task=$1 tool=$2 round=$3 out=$4; shift 4
  /usr/bin/time -f "%e %U %S %M" -o "$out.time" "$@" > "$out" 2> "$out.err" \
    || { echo "compare.sh: $tool $task failed (round $round):" >&2; tail -20 "$out.err" >&2; exit 1; }
  local wall user sys rss
  read -r wall user sys rss < "$out.time"
  awk -v t="$task" -v tool="$tool" -v r="$round" -v w="$wall" -v u="$user" -v s="$sys" -v m="$rss" \
      -v load="$(cut -d' ' -f1-3 /proc/loadavg)" \
    'BEGIN { printf "%-6s %-10s round %d: wall %7.2f s  cpu %7.2f s  peak RSS %6.0f MiB   (load %s)\n", t, tool, r, w, u + s, m / 1024, load }'
  echo "$task $tool $round $wall $(awk -v u="$user" -v s="$sys" 'BEGIN { print u + s }') $rss" >> "$WORK/runs/figures.txt"
}

mtforge_score=("$ROOT/bin/mtforge" score "$WORK/ref.en" -i "$WORK/hyp.en" -f text -w 4 -m)
sacrebleu_score=(env PYTHONPATH="$WORK/sacrebleu-src:$WORK/stand-ins" "$SACREBLEU_PYTHON" -m sacrebleu
  "$WORK/ref.en" -i "$WORK/hyp.en" -f text -w 4 -m)
if wants merge; then
  mtforge_merge=("$ROOT/bin/mtforge" merge --method ties --density 0.2 --out "$WORK/runs/mtforge-merged" "${ADAPTERS[@]}")
  peft_merge=(env MERGE_UTILS_DIR="$PEFT_DIR/src/peft/utils" THREADS="$PEFT_THREADS" "$PEFT_PYTHON"
    "$ROOT/bench/peft_ties.py" "$WORK/runs/peft-merged.safetensors" 0.2 "${ADAPTERS[@]}")
fi

# same_scores A B: the score lines must agree except for the signature's version field
same_scores() {
  diff <(sed 's/|version:[^ ]*//' "$1") <(sed 's/|version:[^ ]*//' "$2") > /dev/null \
    || { echo "compare.sh: outputs differ:" >&2; cat "$1" "$2" >&2; exit 1; }
}

: > "$WORK/runs/figures.txt"
echo "mtforge $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?') on $(nproc) cores; $(uptime)"
for task in "${metric_tasks[@]}" $(wants merge && echo merge); do
  rounds=$ROUNDS
  [[ $task == ter ]] && rounds=$TER_ROUNDS
  for ((r = 1; r <= rounds; r++)); do
    if [[ $task == merge ]]; then order=(mtforge peft); else order=(mtforge sacrebleu); fi
    (( r % 2 == 0 )) && order=("${order[1]}" "${order[0]}")
    for tool in "${order[@]}"; do
      out="$WORK/runs/$task-$tool-$r.out"
      case "$task/$tool" in
        merge/mtforge) rm -rf "$WORK/runs/mtforge-merged"; timed merge mtforge "$r" "$out" "${mtforge_merge[@]}" ;;
        merge/peft) rm -f "$WORK/runs/peft-merged.safetensors"; timed merge peft "$r" "$out" "${peft_merge[@]}" ;;
        */mtforge) timed "$task" mtforge "$r" "$out" "${mtforge_score[@]}" "$task" ;;
        */sacrebleu) timed "$task" sacrebleu "$r" "$out" "${sacrebleu_score[@]}" "$task" ;;
      esac
    done
    if [[ $task == merge ]]; then
      "$PEFT_PYTHON" "$ROOT/bench/same_tensors.py" "$WORK/runs/peft-merged.safetensors" \
        "$WORK/runs/mtforge-merged/adapter_model.safetensors" | sed 's/^/merge  output: /' \
        || { echo "compare.sh: merged adapters differ" >&2; exit 1; }
      grep -h "^peft:" "$WORK/runs/merge-peft-$r.out" | sed 's/^/merge  /'
    else
      same_scores "$WORK/runs/$task-mtforge-$r.out" "$WORK/runs/$task-sacrebleu-$r.out"
      echo "$task   output: identical: $(sed 's/|version:[^ ]*//' "$WORK/runs/$task-mtforge-$r.out")"
    fi
  done
done

# --- summary: medians, and the median of the per-round ratios -----------------------------
echo
echo "summary ($(uptime | sed 's/.*load/load/'))"
python3 - "$WORK/runs/figures.txt" <<'EOF'
import statistics, sys
rows = [line.split() for line in open(sys.argv[1])]
tasks = list(dict.fromkeys(r[0] for r in rows))
print(f"{'task':6} {'tool':10} {'wall s':>8} {'CPU s':>8} {'RSS MiB':>8}   ratios reference/mtforge (median of rounds)")
for task in tasks:
    runs = [r for r in rows if r[0] == task]
    tools = list(dict.fromkeys(r[1] for r in runs))
    ref = [t for t in tools if t != "mtforge"][0]
    by = {(r[1], int(r[2])): (float(r[3]), float(r[4]), int(r[5]) / 1024) for r in runs}
    for tool in ["mtforge", ref]:
        v = [x for (t, _), x in by.items() if t == tool]
        print(f"{task:6} {tool:10} {statistics.median(x[0] for x in v):8.2f} {statistics.median(x[1] for x in v):8.2f}"
              f" {statistics.median(x[2] for x in v):8.0f}")
    rounds = sorted({k[1] for k in by if (ref, k[1]) in by and ("mtforge", k[1]) in by})
    wall = [by[(ref, r)][0] / by[("mtforge", r)][0] for r in rounds]
    cpu = [by[(ref, r)][1] / by[("mtforge", r)][1] for r in rounds]
    print(f"{task:6} {'ratio':10} wall {statistics.median(wall):.1f}x (rounds: {', '.join(f'{x:.1f}' for x in wall)});"
          f" CPU {statistics.median(cpu):.1f}x (rounds: {', '.join(f'{x:.1f}' for x in cpu)})")
EOF
