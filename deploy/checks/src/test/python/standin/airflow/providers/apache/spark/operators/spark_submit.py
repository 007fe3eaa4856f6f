"""Stand-in SparkSubmitOperator: records its arguments; execute runs what the test injects
(SparkSubmitOperator.submit, a callable that returns or raises like SparkSubmitHook.submit)."""
from airflow.models.dag import BaseOperator


class SparkSubmitOperator(BaseOperator):
    submit = None  # set by a test: callable(operator) -> None, raising AirflowException on failure

    def __init__(self, **kwargs):
        super().__init__(**kwargs)

    def execute(self, context):
        return type(self).submit(self)
