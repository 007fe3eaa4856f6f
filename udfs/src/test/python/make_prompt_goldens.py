"""Prints the golden prompt strings of PromptTemplatesTest, made by the models' own code.

The functions are taken at run time from checkouts of the reference repositories (nothing of
theirs is copied into mtforge): ALMA's get_prompt / get_prompt_few_shot (utils/utils.py), LLaMAX's
PROMPT_DICT / create_prompt (scripts/inference/src/datasets/flores101.py) and post_process
(scripts/inference/src/tasks/flores101.py). Their imports (torch, transformers, pandas) are not
needed for these functions, so only the definitions are executed.

    git --git-dir=<mirror of fe1ixxu/ALMA> archive 10360c33dc875c747315dcf0a5be0d48472c7a4c utils | tar x -C /tmp/alma
    git --git-dir=<mirror of CONE-MT/LLaMAX> archive 0eeec0be9d610292afc066fdce68e48d2912bcd8 scripts/inference | tar x -C /tmp/llamax
    /usr/bin/python3 udfs/src/test/python/make_prompt_goldens.py /tmp/alma /tmp/llamax
"""
import ast
import json
import os
import sys


def definitions(path, names):
    tree = ast.parse(open(path, encoding="utf-8").read())
    keep = [n for n in tree.body
            if (isinstance(n, ast.FunctionDef) and n.name in names)
            or (isinstance(n, ast.Assign) and any(getattr(t, "id", None) in names for t in n.targets))]
    scope = {}
    exec(compile(ast.Module(body=keep, type_ignores=[]), path, "exec"), scope)
    return scope


def main(alma, llamax):
    a = definitions(os.path.join(alma, "utils", "utils.py"), {"LANG_TABLE", "get_prompt", "get_prompt_few_shot"})
    d = definitions(os.path.join(llamax, "scripts/inference/src/datasets/flores101.py"), {"PROMPT_DICT", "create_prompt"})
    t = definitions(os.path.join(llamax, "scripts/inference/src/tasks/flores101.py"), {"post_process"})
    with open(os.path.join(llamax, "scripts/inference/prepare/instruct_inf.txt"), encoding="utf-8") as f:
        instruction = f.readline().strip().replace("[SRC]", "English").replace("[TGT]", "Chinese")
    out = {
        "alma zh-en": a["get_prompt"]("zh", "en", {"zh": "我爱机器翻译。"}),
        "alma de-en 1-shot": a["get_prompt"]("de", "en", {"de": "Hallo Welt."},
                                             shots_eval_dict={"de-en": [{"source": "Das Haus.", "target": "The house."}]}),
        # LLaMAX reads input lines with their newline and strips them.
        "llamax en-zh": d["create_prompt"](instruction, ["  Hello world.\n"], "prompt_input")[0],
    }
    prompt = out["llamax en-zh"]
    for generated in [" 你好，世界。\n### Response: again", "\n<p>Hallo</p> extra", " line1\nline2 \n",
                      " a <p>b</p> c <p>d</p>"]:
        # LLaMAX decodes prompt and output together before post_process.
        out["llamax output " + json.dumps(generated, ensure_ascii=False)] = t["post_process"](prompt + generated)
    for key, value in out.items():
        print(key, "=>", json.dumps(value, ensure_ascii=False))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
