"""Every platform file is what deploy/render.py makes of stages.json today: edit stages.json (or
airflow/mtforge_platforms.py) and re-render, never the rendered files."""
import os
import subprocess
import sys

DEPLOY = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", ".."))


def test_rendered_files_are_current():
    result = subprocess.run([sys.executable, os.path.join(DEPLOY, "render.py"), "--check"],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr


def test_a_new_stage_is_one_entry(tmp_path):
    import json

    import mtforge_stages

    with open(os.path.join(DEPLOY, "stages.json"), encoding="utf-8") as f:
        spec = json.load(f)
    report = next(s for s in spec["stages"] if s["id"] == "report")
    report["after"] = ["analyze"]
    spec["stages"].insert(spec["stages"].index(report),
                          {"id": "analyze", "after": ["evaluate"], "args": ["analyze"]})
    path = tmp_path / "stages.json"
    path.write_text(json.dumps(spec), encoding="utf-8")
    stages = mtforge_stages.load_stages(str(path))
    assert [s["id"] for s in stages][-2:] == ["analyze", "report"]
    assert mtforge_stages.command(stages[-2], {"warehouse": "w", "database": "d", "profile": "p", "run_id": "r"}) == [
        "analyze", "--warehouse", "w", "--database", "d", "--profile", "p", "--run-id", "r"]


def test_a_stage_after_an_unknown_one_is_rejected(tmp_path):
    import mtforge_stages

    path = tmp_path / "stages.json"
    path.write_text('{"stages": [{"id": "report", "after": ["evaluate"], "args": ["report"]}]}', encoding="utf-8")
    try:
        mtforge_stages.load_stages(str(path))
    except ValueError as error:
        assert str(error) == "stage report runs after ['evaluate'], which are not defined before it"
    else:
        raise AssertionError("expected a ValueError")
