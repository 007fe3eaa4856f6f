"""The three mtforge DAGs, parsed against the stand-in airflow package (Airflow cannot be installed
here): task order, the arguments of every operator against the real providers' signatures, the
commands they run (the same as airflow/commands.json, which the Java DeploySpecsTest parses with the
mtforge CLI), and exit code 3 failing a task without retries on every platform."""
import importlib
import json
import os
import sys

import pytest

import provider_signatures as sig
from airflow.exceptions import AirflowException, AirflowFailException
from airflow.providers.amazon.aws.operators.emr import EmrServerlessStartJobOperator
from airflow.providers.apache.spark.operators.spark_submit import SparkSubmitOperator
from airflow.providers.databricks.operators.databricks import DatabricksTaskOperator

DEPLOY = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", ".."))
DAG_MODULES = {
    "mtforge_datm_spark_submit": "mtforge_spark_submit_dag",
    "mtforge_datm_databricks": "mtforge_databricks_dag",
    "mtforge_datm_emr_serverless": "mtforge_emr_serverless_dag",
}


def load_dag(module_name):
    sys.modules.pop(module_name, None)
    return importlib.import_module(module_name).dag


def stages():
    import mtforge_stages

    return mtforge_stages.load_stages()


def commands():
    with open(os.path.join(DEPLOY, "airflow", "commands.json"), encoding="utf-8") as f:
        return json.load(f)


def check_signature(recorded, signature, extra):
    unknown = set(recorded) - signature["accepted"] - extra
    assert not unknown, f"arguments the real operator does not take: {sorted(unknown)}"
    missing = signature["required"] - set(recorded)
    assert not missing, f"required arguments missing: {sorted(missing)}"


def attempts(task, run):
    """Runs task attempts as Airflow does: retry an AirflowException while retries remain, never
    an AirflowFailException. Returns (attempts, the last exception or None)."""
    n = 0
    while True:
        n += 1
        try:
            run(task)
            return n, None
        except AirflowFailException as error:
            return n, error
        except AirflowException as error:
            if n > task.retries:
                return n, error


@pytest.mark.parametrize("dag_id", sorted(DAG_MODULES))
def test_one_task_per_stage_in_the_stages_order(dag_id):
    dag = load_dag(DAG_MODULES[dag_id])
    assert dag.dag_id == dag_id
    assert list(dag.tasks) == [s["id"] for s in stages()]
    for stage in stages():
        assert dag.tasks[stage["id"]].upstream_task_ids == set(stage["after"]), stage["id"]
    # The pipeline: prepare, training sets, adapters, then DAT and (merge → DATM) translations,
    # evaluate after both (COMET on GPU executors), analyze, report last.
    up = {t: dag.tasks[t].upstream_task_ids for t in dag.tasks}
    assert up["prepare"] == {"init"}
    assert up["translate_datm"] == {"merge_groups"}
    assert up["evaluate"] == {"translate_dat", "translate_datm"}
    assert up["analyze"] == {"evaluate"}
    assert up["report"] == {"analyze"}
    assert not dag.tasks["report"].downstream_task_ids


@pytest.mark.parametrize("dag_id", sorted(DAG_MODULES))
def test_every_task_runs_the_rendered_command(dag_id):
    dag = load_dag(DAG_MODULES[dag_id])
    expected = commands()[dag_id]
    for task_id, task in dag.tasks.items():
        if dag_id.endswith("spark_submit"):
            args = task.recorded["application_args"]
        elif dag_id.endswith("databricks"):
            args = task.recorded["task_config"]["spark_jar_task"]["parameters"]
        else:
            args = task.recorded["job_driver"]["sparkSubmit"]["entryPointArguments"]
        assert args == expected[task_id], task_id
        assert args[0] in {"init", "prepare", "build-training", "register-adapters", "merge-groups", "translate",
                           "evaluate", "analyze", "report"}


def test_spark_submit_arguments_match_the_provider():
    dag = load_dag("mtforge_spark_submit_dag")
    for task in dag.tasks.values():
        check_signature(task.recorded, sig.SPARK_SUBMIT_OPERATOR, sig.BASE_OPERATOR)
        assert task.recorded["java_class"] == "dev.mtforge.cli.MtforgeCli"
        assert task.recorded["deploy_mode"] == "client"  # the driver's exit code is spark-submit's
    assert dag.tasks["translate_dat"].recorded["conf"]["spark.task.resource.gpu.amount"] == "1"
    assert dag.tasks["prepare"].recorded["packages"] == "com.johnsnowlabs.nlp:spark-nlp_2.12:5.5.3"
    assert dag.kwargs["default_args"]["retries"] == 2


def test_databricks_arguments_match_the_provider():
    dag = load_dag("mtforge_databricks_dag")
    (group,) = dag.task_groups
    check_signature(group.kwargs, sig.DATABRICKS_WORKFLOW_TASK_GROUP, sig.TASK_GROUP)
    assert [c["job_cluster_key"] for c in group.kwargs["job_clusters"]] == ["cpu", "gpu"]
    assert set(group.children) == set(dag.tasks)
    for task in dag.tasks.values():
        check_signature(task.recorded, sig.DATABRICKS_TASK_OPERATOR, sig.BASE_OPERATOR)
        assert task.recorded["deferrable"] is True
        config = task.recorded["task_config"]
        assert config["spark_jar_task"]["main_class_name"] == "dev.mtforge.cli.MtforgeCli"
        assert config["max_retries"] == 0
        assert config["libraries"][0] == {"jar": "/Volumes/main/mtforge/artifacts/mtforge.jar"}
    assert dag.tasks["translate_datm"].recorded["job_cluster_key"] == "gpu"
    assert dag.tasks["evaluate"].recorded["job_cluster_key"] == "gpu"  # COMET
    assert dag.tasks["analyze"].recorded["job_cluster_key"] == "cpu"


def test_emr_serverless_arguments_match_the_provider():
    dag = load_dag("mtforge_emr_serverless_dag")
    for task in dag.tasks.values():
        check_signature(task.recorded, sig.EMR_SERVERLESS_START_JOB_OPERATOR, sig.BASE_OPERATOR)
        assert task.recorded["deferrable"] is True
        submit = task.recorded["job_driver"]["sparkSubmit"]
        assert submit["entryPoint"] == "{{ params.jar }}"
        assert submit["sparkSubmitParameters"].startswith("--class dev.mtforge.cli.MtforgeCli")


# ---- exit code 3: no retries on any platform ---------------------------------------------------

def spark_submit_failing_with(code):
    def submit(operator):
        raise AirflowException(f"Cannot execute: spark-submit --class dev.mtforge.cli.MtforgeCli app.jar. "
                               f"Error code is: {code}.")
    return submit


@pytest.mark.parametrize("code, expected_attempts, fail_exception", [(3, 1, True), (1, 3, False), (30, 3, False)])
def test_spark_submit_exit_code_3_fails_without_retries(monkeypatch, code, expected_attempts, fail_exception):
    monkeypatch.setattr(SparkSubmitOperator, "submit", staticmethod(spark_submit_failing_with(code)))
    task = load_dag("mtforge_spark_submit_dag").tasks["prepare"]
    n, error = attempts(task, lambda t: t.execute({}))
    assert n == expected_attempts
    assert isinstance(error, AirflowFailException) is fail_exception


def databricks_failing_with(message):
    def outcome(operator):
        raise AirflowException("Task failed. Final state FAILED. Reason: Workload failed, see run output for details")
    return outcome, {1001: {"error": message}}


@pytest.mark.parametrize("method", ["execute", "execute_complete"])
@pytest.mark.parametrize("message, expected_attempts, fail_exception", [
    ("dev.mtforge.cli.MtforgeCli$ExitCodeException: mtforge prepare exited with code 3 (input data rejected: fix"
     " the data, retrying will not help); the error is in the driver log", 1, True),
    ("dev.mtforge.cli.MtforgeCli$ExitCodeException: mtforge prepare exited with code 1 (unexpected failure:"
     " retrying may help); the error is in the driver log", 3, False),
    ("java.lang.OutOfMemoryError: Java heap space", 3, False),
])
def test_databricks_exit_code_3_fails_without_retries(monkeypatch, method, message, expected_attempts, fail_exception):
    outcome, outputs = databricks_failing_with(message)
    monkeypatch.setattr(DatabricksTaskOperator, "outcome", staticmethod(outcome))
    monkeypatch.setattr(DatabricksTaskOperator, "run_outputs", outputs)
    task = load_dag("mtforge_databricks_dag").tasks["prepare"]
    run = (lambda t: t.execute({})) if method == "execute" else (lambda t: t.execute_complete({}, {"run_state": "{}"}))
    n, error = attempts(task, run)
    assert n == expected_attempts
    assert isinstance(error, AirflowFailException) is fail_exception
    assert ("get_run_output", 1001) in task._hook.calls


@pytest.mark.parametrize("details, expected_attempts, fail_exception", [
    ("Job failed, please check complete logs in configured logging destination. ExitCode: 3. Last few exceptions: "
     "mtforge prepare: s3a://my-bucket/mt-data/wmt23/x.xml: not well-formed", 1, True),
    ("Job failed, please check complete logs in configured logging destination. ExitCode: 1.", 3, False),
    ("Job failed, please check complete logs in configured logging destination. ExitCode: 137.", 3, False),
])
def test_emr_serverless_exit_code_3_fails_without_retries(monkeypatch, details, expected_attempts, fail_exception):
    monkeypatch.setattr(EmrServerlessStartJobOperator, "job_runs", {"run-1": {"state": "FAILED", "stateDetails": details}})
    task = load_dag("mtforge_emr_serverless_dag").tasks["prepare"]
    event = {"status": "failure", "job_details": {"application_id": "app-1", "job_id": "run-1"}}
    n, error = attempts(task, lambda t: t.execute_complete({}, event))
    assert n == expected_attempts
    assert isinstance(error, AirflowFailException) is fail_exception
    assert ("get_job_run", "app-1", "run-1") in task.hook.conn.calls


def test_a_successful_run_is_not_failed():
    task = load_dag("mtforge_emr_serverless_dag").tasks["init"]
    assert task.execute_complete({}, {"status": "success", "job_details": {"application_id": "a", "job_id": "j"}}) == "j"
