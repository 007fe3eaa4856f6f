"""The EMR files validated against the AWS service models that Debian's python3-botocore ships:
botocore's own parameter validator (shapes, required members, types, lengths) plus every enum
member, as the AWS CLI would check them before sending `add-steps`, `create-cluster
--configurations` and `emr-serverless start-job-run`."""
import json
import os

import botocore
import pytest
from botocore.loaders import Loader
from botocore.model import ServiceModel
from botocore.validate import ParamValidator

DEPLOY = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", ".."))


def model(service):
    return ServiceModel(Loader().load_service_model(service, "service-2"), service_name=service)


def read(path):
    with open(os.path.join(DEPLOY, path), encoding="utf-8") as f:
        return json.load(f)


def enum_errors(value, shape, where="$"):
    """Values outside a string shape's enum, anywhere in value (botocore's validator skips enums)."""
    errors = []
    if shape.type_name == "structure":
        for name, member in shape.members.items():
            if isinstance(value, dict) and name in value:
                errors += enum_errors(value[name], member, f"{where}.{name}")
    elif shape.type_name == "list":
        for i, item in enumerate(value):
            errors += enum_errors(item, shape.member, f"{where}[{i}]")
    elif shape.type_name == "map":
        for key, item in value.items():
            errors += enum_errors(item, shape.value, f"{where}.{key}")
    elif shape.type_name == "string" and shape.enum and value not in shape.enum:
        errors.append(f"{where}: {value!r} not in {shape.enum}")
    return errors


def validate(service, operation, params):
    shape = model(service).operation_model(operation).input_shape
    report = ParamValidator().validate(params, shape)
    assert not report.has_errors(), report.generate_report()
    assert enum_errors(params, shape) == []


def test_botocore_is_the_one_named_in_ci():
    # .ci/run installs Debian's python3-botocore; its models are what these checks mean.
    assert botocore.__version__.split(".")[0] == "1"


def test_steps_are_a_valid_add_job_flow_steps_request():
    steps = read("emr/steps.json")
    validate("emr", "AddJobFlowSteps", {"JobFlowId": "j-EXAMPLE", "Steps": steps})
    for step in steps:
        args = step["HadoopJarStep"]["Args"]
        assert step["HadoopJarStep"]["Jar"] == "command-runner.jar"
        assert args[:5] == ["spark-submit", "--deploy-mode", "cluster", "--class", "dev.mtforge.cli.MtforgeCli"]
        assert step["ActionOnFailure"] == "CANCEL_AND_WAIT"  # steps have no retries: exit 3 stops here
    gpu = [s["Name"] for s in steps if "spark.task.resource.gpu.amount=1" in s["HadoopJarStep"]["Args"]]
    assert gpu == ["mtforge translate_dat", "mtforge translate_datm", "mtforge evaluate"]  # evaluate: COMET


def test_a_wrong_enum_is_caught():
    steps = read("emr/steps.json")
    steps[0]["ActionOnFailure"] = "RETRY"
    shape = model("emr").operation_model("AddJobFlowSteps").input_shape
    assert enum_errors({"JobFlowId": "j-1", "Steps": steps}, shape) == [
        "$.Steps[0].ActionOnFailure: 'RETRY' not in "
        + str(shape.members["Steps"].member.members["ActionOnFailure"].enum)]


def test_cluster_configuration_enables_delta_and_gpu_scheduling():
    configurations = read("emr/configurations.json")
    validate("emr", "RunJobFlow", {
        "Name": "mtforge", "ReleaseLabel": "emr-7.5.0", "Instances": {"KeepJobFlowAliveWhenNoSteps": True},
        "Applications": [{"Name": "Spark"}], "Configurations": configurations,
        "JobFlowRole": "EMR_EC2_DefaultRole", "ServiceRole": "EMR_DefaultRole",
    })
    by_class = {c["Classification"]: c for c in configurations}
    assert by_class["delta-defaults"]["Properties"] == {"delta.enabled": "true"}
    assert by_class["spark-defaults"]["Properties"]["spark.sql.extensions"] == "io.delta.sql.DeltaSparkSessionExtension"
    assert by_class["yarn-site"]["Properties"]["yarn.resource-types"] == "yarn.io/gpu"
    assert {c["Classification"] for c in by_class["container-executor"]["Configurations"]} == {"gpu", "cgroups"}


def test_serverless_job_runs_are_valid_start_job_run_requests():
    runs = read("emr/serverless-job-runs.json")
    assert [r["name"] for r in runs][0] == "mtforge init"
    for run in runs:
        # clientToken is an idempotency token: the AWS CLI and boto3 fill it in when absent.
        validate("emr-serverless", "StartJobRun", dict(run, clientToken="mtforge-" + run["name"].split()[1]))
        submit = run["jobDriver"]["sparkSubmit"]
        assert submit["entryPoint"].endswith("mtforge.jar")
        assert submit["sparkSubmitParameters"].startswith("--class dev.mtforge.cli.MtforgeCli")
        assert submit["entryPointArguments"][submit["entryPointArguments"].index("--run-id") + 1] \
            == "emr-serverless-datm-1"


def test_a_missing_required_member_is_caught():
    run = read("emr/serverless-job-runs.json")[0]
    del run["jobDriver"]["sparkSubmit"]["entryPoint"]
    shape = model("emr-serverless").operation_model("StartJobRun").input_shape
    report = ParamValidator().validate(dict(run, clientToken="t"), shape)
    assert "Missing required parameter in jobDriver.sparkSubmit: \"entryPoint\"" in report.generate_report()
