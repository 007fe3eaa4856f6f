#!/usr/bin/env python3
"""Renders the deploy files from stages.json and airflow/mtforge_platforms.py:

  databricks/job.json              Jobs API 2.2 create request (databricks jobs create --json @...)
  databricks/databricks.yml        Declarative Automation Bundle with the same job
  emr/steps.json                   EMR on EC2 steps (aws emr add-steps --steps file://...)
  emr/serverless-job-runs.json     one EMR Serverless StartJobRun request per stage
  airflow/commands.json            each DAG task's mtforge arguments (templates as Airflow sees them)

Run it after editing stages.json or mtforge_platforms.py: python3 deploy/render.py
(--check: exit 1, naming the files, if any committed file differs from what would be rendered).
The tests check every file: bound to Databricks' SDK classes, validated against botocore's EMR
models, and every argument list parsed by the mtforge CLI.
"""
import json
import os
import sys

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "airflow"))

import mtforge_platforms as platforms  # noqa: E402
import mtforge_stages as stages_module  # noqa: E402

HEADER = "Rendered by deploy/render.py from deploy/stages.json and deploy/airflow/mtforge_platforms.py; edit those."


def databricks_tasks(stages, jar):
    tasks = []
    for stage in stages:
        task = {"task_key": stage["id"]}
        if stage["after"]:
            task["depends_on"] = [{"task_key": upstream} for upstream in stage["after"]]
        task["job_cluster_key"] = "gpu" if stage.get("gpu") else "cpu"
        task["spark_jar_task"] = {
            "main_class_name": stages_module.MAIN_CLASS,
            "parameters": stages_module.command(stage, platforms.DATABRICKS_VALUES),
        }
        task["libraries"] = platforms.databricks_libraries(stage, jar)
        # Airflow (or a person, with a repair run) decides about retries: mtforge's exit code 3
        # (input data rejected) must not be retried, and Databricks cannot tell it apart.
        task["max_retries"] = 0
        tasks.append(task)
    return tasks


def databricks_job(stages):
    return {
        "name": "mtforge-datm",
        "description": HEADER,
        "max_concurrent_runs": 1,
        "tags": {"project": "mtforge"},
        "job_clusters": platforms.DATABRICKS_JOB_CLUSTERS,
        "tasks": databricks_tasks(stages, platforms.DATABRICKS_JAR),
    }


def databricks_bundle(stages):
    job = {
        "name": "mtforge-datm",
        "description": HEADER,
        "max_concurrent_runs": 1,
        "tags": {"project": "mtforge"},
        "job_clusters": platforms.DATABRICKS_JOB_CLUSTERS,
        # The bundle builds the jar and uploads it to workspace.artifact_path (a volume).
        "tasks": databricks_tasks(stages, "../../jobs/target/mtforge.jar"),
    }
    volume = os.path.dirname(platforms.DATABRICKS_JAR)
    return {
        "bundle": {"name": "mtforge"},
        "workspace": {"artifact_path": volume},
        "artifacts": {
            "mtforge": {
                "type": "jar",
                "path": "../..",
                "build": "mvn -B -DskipTests package",
                "files": [{"source": "../../jobs/target/mtforge.jar"}],
            }
        },
        "resources": {"jobs": {"mtforge_datm": job}},
        "targets": {
            "dev": {"mode": "development", "default": True},
            "prod": {"mode": "production"},
        },
    }


def emr_steps(stages):
    steps = []
    for stage in stages:
        args = ["spark-submit", "--deploy-mode", "cluster", "--class", stages_module.MAIN_CLASS]
        if stage.get("packages"):
            args += ["--packages", ",".join(stage["packages"])]
        if stage.get("exclude_packages"):
            args += ["--exclude-packages", ",".join(stage["exclude_packages"])]
        if stage.get("gpu"):
            conf = dict(stages_module.GPU_CONF)
            conf["spark.executor.resource.gpu.discoveryScript"] = platforms.EMR_GPU_DISCOVERY
            for key, value in conf.items():
                args += ["--conf", f"{key}={value}"]
        args.append(platforms.EMR_JAR)
        args += stages_module.command(stage, platforms.EMR_VALUES)
        steps.append({
            "Name": f"mtforge {stage['id']}",
            # Steps run in order; a failed one cancels the rest and keeps the cluster for a look.
            "ActionOnFailure": "CANCEL_AND_WAIT",
            "HadoopJarStep": {"Jar": "command-runner.jar", "Args": args},
        })
    return steps


def emr_serverless_job_runs(stages):
    runs = []
    values = dict(platforms.EMR_VALUES, run_id="emr-serverless-datm-1")
    for stage in stages:
        runs.append({
            "applicationId": platforms.EMR_SERVERLESS_APPLICATION_ID,
            "executionRoleArn": platforms.EMR_SERVERLESS_ROLE,
            "name": f"mtforge {stage['id']}",
            "jobDriver": platforms.emr_serverless_job_driver(stage, values),
            "configurationOverrides": platforms.emr_serverless_overrides(),
            "tags": {"project": "mtforge", "stage": stage["id"]},
        })
    return runs


def airflow_commands(stages):
    return {
        "comment": HEADER,
        "mtforge_datm_spark_submit": {
            s["id"]: stages_module.command(s, platforms.SPARK_SUBMIT_VALUES) for s in stages},
        "mtforge_datm_databricks": {
            s["id"]: stages_module.command(s, platforms.DATABRICKS_VALUES) for s in stages},
        "mtforge_datm_emr_serverless": {
            s["id"]: stages_module.command(s, platforms.EMR_SERVERLESS_VALUES) for s in stages},
    }


def as_json(value):
    return json.dumps(value, indent=2, ensure_ascii=False) + "\n"


def rendered():
    """Relative path → file text."""
    stages = stages_module.load_stages(os.path.join(HERE, "stages.json"))
    bundle = "# " + HEADER + "\n" + yaml.safe_dump(databricks_bundle(stages), sort_keys=False, width=120)
    return {
        "databricks/job.json": as_json(databricks_job(stages)),
        "databricks/databricks.yml": bundle,
        "emr/steps.json": as_json(emr_steps(stages)),
        "emr/serverless-job-runs.json": as_json(emr_serverless_job_runs(stages)),
        "airflow/commands.json": as_json(airflow_commands(stages)),
    }


def main(argv):
    stale = []
    for path, text in rendered().items():
        target = os.path.join(HERE, path)
        current = open(target, encoding="utf-8").read() if os.path.exists(target) else None
        if current == text:
            continue
        if "--check" in argv:
            stale.append(path)
        else:
            with open(target, "w", encoding="utf-8") as f:
                f.write(text)
            print(f"wrote deploy/{path}")
    if stale:
        print("out of date (run python3 deploy/render.py): " + ", ".join(stale), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
