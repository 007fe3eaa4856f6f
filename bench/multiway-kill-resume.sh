#!/usr/bin/env bash
# All 90 directions of the 10-language multi-way sample, through the CLI, with a real kill:
# warehouse "clean" translates them in one run; warehouse "killed" gets SIGKILL right after
# the translate run's first committed chunk ('Wrote translations'), then the same command again.
# Both are evaluated (BLEU, chrF, spBLEU) and drawn as matrices; the translations and the pair
# scores must be identical, with no duplicate key. Usage: bench/multiway-kill-resume.sh [WORKDIR]
# (needs jobs/target/mtforge.jar: mvn -B -q -o -DskipTests package). Not run by CI: the same
# resume path is tested in-JVM by MultiWayTranslationTest, and under SIGKILL by KillHarnessTest.
set -euo pipefail
HOME_DIR="$(cd "$(dirname "$0")/.." && pwd)"
WORK="${1:-/tmp/mtforge-multiway-kill}"
MTFORGE="$HOME_DIR/bin/mtforge"
SPM="$HOME_DIR/udfs/src/test/resources/spm/tiny-unigram-300.model" # tiny test model, not flores200's
rm -rf "$WORK" && mkdir -p "$WORK"

common() { echo --warehouse "$WORK/$1" --master 'local[2]'; }
translate_args=(--model "$HOME_DIR/sample-data/models/tiny-llama" --test-set flores-multiway:devtest
  --directions all --num-beams 1 --max-new-tokens 16 --commit-segments 100)

for wh in clean killed; do
  # shellcheck disable=SC2046
  "$MTFORGE" prepare $(common $wh) --source flores200="$HOME_DIR/sample-data/multiway/flores200" \
    --dataset flores-multiway > "$WORK/$wh-prepare.out" 2> "$WORK/$wh-prepare.log"
done

# shellcheck disable=SC2046
"$MTFORGE" translate $(common clean) --run-id clean "${translate_args[@]}" 2> "$WORK/clean-translate.log"

# The killed run: SIGKILL as soon as its first chunk is committed.
# shellcheck disable=SC2046
"$MTFORGE" translate $(common killed) --run-id killed-1 "${translate_args[@]}" > "$WORK/killed-1.out" 2> "$WORK/killed-1.log" &
pid=$!
until grep -q 'Wrote translations' "$WORK/killed-1.log" 2>/dev/null; do
  kill -0 "$pid" 2>/dev/null || { echo "translate ended before its first commit" >&2; exit 1; }
  sleep 0.2
done
kill -9 "$pid"
wait "$pid" || echo "killed run exit code: $?"
# shellcheck disable=SC2046
"$MTFORGE" translate $(common killed) --run-id killed-2 "${translate_args[@]}" 2> "$WORK/killed-2.log"

for wh in clean killed; do
  # shellcheck disable=SC2046
  "$MTFORGE" evaluate $(common $wh) --metrics bleu,chrf,spbleu --spm-model "$SPM" --no-confidence \
    > "$WORK/$wh-evaluate.out" 2> "$WORK/$wh-evaluate.log"
  # shellcheck disable=SC2046
  "$MTFORGE" report $(common $wh) --matrix --out "$WORK/$wh-report" 2> "$WORK/$wh-report.log"
  # shellcheck disable=SC2046
  "$MTFORGE" sql $(common $wh) --format csv "SELECT src_lang, tgt_lang, seg_id, source_text, hypothesis,
    prompt_tokens, output_tokens FROM translations ORDER BY 1, 2, 3" > "$WORK/$wh-translations.csv" 2>/dev/null
  # shellcheck disable=SC2046
  "$MTFORGE" sql $(common $wh) --format csv "SELECT metric, src_lang, tgt_lang, segments, round(score, 6)
    FROM system_scores WHERE scope = 'pair' ORDER BY 1, 2, 3" > "$WORK/$wh-scores.csv" 2>/dev/null
done

# shellcheck disable=SC2046
"$MTFORGE" sql $(common killed) "SELECT run_id, count(*) AS segments, count(DISTINCT src_lang, tgt_lang) AS directions,
  count(*) - count(DISTINCT src_lang, tgt_lang, seg_id) AS duplicate_keys FROM translations GROUP BY run_id ORDER BY 1" 2>/dev/null
echo "translations: $(($(wc -l < "$WORK/clean-translations.csv") - 1)) rows; pair scores: $(($(wc -l < "$WORK/clean-scores.csv") - 1)) rows"
diff "$WORK/clean-translations.csv" "$WORK/killed-translations.csv" && echo "translations identical"
diff "$WORK/clean-scores.csv" "$WORK/killed-scores.csv" && echo "pair scores identical"
ls "$WORK/killed-report"
