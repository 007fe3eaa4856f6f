"""spBLEU parity fixtures: sacreBLEU 2.6.0's flores200 tokenizer and BLEU with a tiny model.

The model (udfs/src/test/resources/spm/tiny-unigram-300.model) was trained on our own fixture
sentences with Debian's python3-sentencepiece 0.1.97:

    spm.SentencePieceTrainer.train(input=train.txt, model_prefix=tiny, vocab_size=300,
        model_type='unigram', character_coverage=1.0, hard_vocab_limit=False)

sacreBLEU loads the flores200 model from $SACREBLEU/models/flores200sacrebleuspm, so we put our
tiny model there (Debian's python3 has sentencepiece; sacreBLEU needs no regex here; stubs2 holds a colorama stub):

    mkdir -p /tmp/sbhome/models && cp tiny-unigram-300.model /tmp/sbhome/models/flores200sacrebleuspm
    SACREBLEU=/tmp/sbhome PYTHONPATH=/tmp/sb:/tmp/sb/stubs:/tmp/sb/stubs2 /usr/bin/python3 udfs/src/test/python/make_spm_fixtures.py
"""
import json
import os
import random

from sacrebleu.metrics import BLEU
from sacrebleu.tokenizers.tokenizer_spm import Flores200Tokenizer

OUT = os.path.join(os.path.dirname(__file__), "..", "resources", "parity")
EDGE = ["", "The cat sat on the mat.", "我爱北京天安门。", "  spaces  inside  ", "Ünïcödé ß İ",
        "emoji 😀 and \U00020000", "1,000.50 dollars", "tab\there", "nbsp\u00a0here"]
REFS = ["The cat sat on the mat.", "It is raining heavily in Berlin today.", "我爱北京天安门。",
        "Prices rose by 3.5% in the first quarter.", ""]
HYPS = ["The cat is on the mat.", "It rains in Berlin today.", "我喜欢北京天安门。",
        "Prices rose 3.5 % in the first quarter", "x"]

tok = Flores200Tokenizer()
rows = [{"tok": "flores200", "in": line, "out": tok(line)} for line in EDGE]
bleu = BLEU(tokenize="flores200")
stats = [list(map(int, s)) for s in bleu._extract_corpus_statistics(HYPS, [REFS])]
score = bleu.corpus_score(HYPS, [REFS])
sig = bleu.get_signature().format()
rows.append({"bleu": {"hyps": HYPS, "refs": REFS, "seg_stats": stats, "score": repr(score.score),
                      "text_w1": score.format(1, signature=sig)}})
with open(os.path.join(OUT, "spm.jsonl"), "w", encoding="utf-8") as f:
    for row in rows:
        f.write(json.dumps(row, ensure_ascii=False) + "\n")
