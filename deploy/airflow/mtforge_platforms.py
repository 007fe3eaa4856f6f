"""Where each platform runs the mtforge stages: the values of the stage placeholders, clusters and
libraries. Used by the DAGs at parse time and by deploy/render.py for the Databricks and EMR files,
so a DAG and the file a user submits by hand run the same thing. Replace my-bucket, the account,
the role and the application id with yours (or override them in the DAG's params).
"""
import mtforge_stages

# ---- Databricks (Jobs API 2.2, a bundle, or the Airflow Databricks DAG) -------------------------

#: Unity Catalog volume that holds the jar (bundle: workspace.artifact_path).
DATABRICKS_JAR = "/Volumes/main/mtforge/artifacts/mtforge.jar"

#: Stage placeholders on Databricks: {{job.run_id}} is Databricks' own dynamic value reference.
DATABRICKS_VALUES = {
    "warehouse": "s3a://my-bucket/mtforge/warehouse",
    "database": "main.mtforge",
    "profile": "databricks",
    "data": "s3a://my-bucket/mt-data",
    "adapters": "s3a://my-bucket/mtforge/adapters",
    "model": "s3a://my-bucket/mtforge/models/x-alma-13b-onnx",
    "comet_model": "s3a://my-bucket/mtforge/models/wmt22-comet-da-onnx",
    "run_id": "{{job.run_id}}",
}

#: Databricks Runtime 16.4 LTS: Spark 3.5 and Scala 2.12 like the jar. Its default Java is 17;
#: JNAME pins it so that a runtime whose default is older (15.4 LTS: Java 8) still runs the jar.
_JAVA_17 = {"JNAME": "zulu17-ca-amd64"}

DATABRICKS_JOB_CLUSTERS = [
    {
        "job_cluster_key": "cpu",
        "new_cluster": {
            "spark_version": "16.4.x-scala2.12",
            "node_type_id": "i3.2xlarge",
            "num_workers": 4,
            "data_security_mode": "SINGLE_USER",
            "spark_env_vars": dict(_JAVA_17),
            "spark_conf": {"spark.sql.session.timeZone": "UTC"},
        },
    },
    {
        "job_cluster_key": "gpu",
        "new_cluster": {
            "spark_version": "16.4.x-gpu-ml-scala2.12",
            "node_type_id": "g5.4xlarge",
            "num_workers": 2,
            "data_security_mode": "SINGLE_USER",
            "spark_env_vars": dict(_JAVA_17),
            "spark_conf": {
                "spark.sql.session.timeZone": "UTC",
                "spark.executor.resource.gpu.amount": "1",
                "spark.task.resource.gpu.amount": "1",
            },
        },
    },
]


def databricks_libraries(stage, jar=DATABRICKS_JAR):
    """The jar, plus the stage's Maven packages (Spark NLP for prepare --split-sentences)."""
    libraries = [{"jar": jar}]
    for coordinates in stage.get("packages", []):
        libraries.append({"maven": {"coordinates": coordinates, "exclusions": list(stage.get("exclude_packages", []))}})
    return libraries


# ---- EMR (steps on EMR on EC2, EMR Serverless StartJobRun) ---------------------------------------

EMR_JAR = "s3://my-bucket/mtforge/mtforge.jar"

EMR_VALUES = {
    "warehouse": "s3a://my-bucket/mtforge/warehouse",
    "database": "mtforge",
    "profile": "emr",
    "data": "s3a://my-bucket/mt-data",
    "adapters": "s3a://my-bucket/mtforge/adapters",
    "model": "s3a://my-bucket/mtforge/models/x-alma-13b-onnx",
    "comet_model": "s3a://my-bucket/mtforge/models/wmt22-comet-da-onnx",
    "run_id": "emr-datm-1",
}

#: YARN finds the GPUs of a node with this script (EMR ships it with Spark).
EMR_GPU_DISCOVERY = "/usr/lib/spark/scripts/gpu/getGpusResources.sh"

#: EMR Serverless ships Delta but leaves it off the class path: each job run adds its jars.
EMR_SERVERLESS_CONF = {"spark.jars": "/usr/share/aws/delta/lib/delta-spark.jar,/usr/share/aws/delta/lib/delta-storage.jar"}

EMR_SERVERLESS_APPLICATION_ID = "00fexample0app01"
EMR_SERVERLESS_ROLE = "arn:aws:iam::123456789012:role/mtforge-emr-serverless"
EMR_SERVERLESS_LOGS = "s3://my-bucket/mtforge/emr-serverless-logs/"


def spark_submit_parameters(stage, extra_conf=None):
    """spark-submit options of a stage as one string (EMR Serverless sparkSubmitParameters)."""
    parts = ["--class", mtforge_stages.MAIN_CLASS]
    if stage.get("packages"):
        parts += ["--packages", ",".join(stage["packages"])]
    if stage.get("exclude_packages"):
        parts += ["--exclude-packages", ",".join(stage["exclude_packages"])]
    for key, value in (extra_conf or {}).items():
        parts += ["--conf", f"{key}={value}"]
    return " ".join(parts)


def emr_serverless_job_driver(stage, values, jar=EMR_JAR):
    """The sparkSubmit job driver of a stage: the jar, its arguments and the spark-submit options."""
    return {
        "sparkSubmit": {
            "entryPoint": jar,
            "entryPointArguments": mtforge_stages.command(stage, values),
            "sparkSubmitParameters": spark_submit_parameters(stage, EMR_SERVERLESS_CONF),
        }
    }


def emr_serverless_overrides(logs=EMR_SERVERLESS_LOGS):
    """Every job run's logs under one S3 prefix."""
    return {"monitoringConfiguration": {"s3MonitoringConfiguration": {"logUri": logs}}}


# ---- Airflow: stage placeholders as templates Airflow renders when a task runs ------------------

#: The spark-submit DAG's params (its defaults; override them when triggering).
SPARK_SUBMIT_PARAMS = {"jar": EMR_JAR} | {name: value for name, value in EMR_VALUES.items() if name != "run_id"}
SPARK_SUBMIT_VALUES = {name: "{{ params.%s }}" % name for name in SPARK_SUBMIT_PARAMS} | {"run_id": "{{ run_id }}"}

#: The EMR Serverless DAG's params.
EMR_SERVERLESS_PARAMS = SPARK_SUBMIT_PARAMS | {
    "application_id": EMR_SERVERLESS_APPLICATION_ID,
    "execution_role_arn": EMR_SERVERLESS_ROLE,
    "logs": EMR_SERVERLESS_LOGS,
}
EMR_SERVERLESS_VALUES = SPARK_SUBMIT_VALUES
