"""Stand-in DatabricksTaskOperator: records its arguments. execute/execute_complete run what the
test injects (raising AirflowException like the real one on a failed task run); _hook and
_get_current_databricks_task answer like the real operator's hook (get_run_output) and lookup."""
from airflow.models.dag import BaseOperator


class _Hook:
    def __init__(self, outputs):
        self.outputs = outputs
        self.calls = []

    def get_run_output(self, run_id):
        self.calls.append(("get_run_output", run_id))
        return self.outputs.get(run_id, {})


class DatabricksTaskOperator(BaseOperator):
    outcome = None  # set by a test: callable(operator) -> None, raising AirflowException on failure
    run_outputs = {}  # set by a test: task run id -> the Jobs API runs/get-output answer
    task_run_id = 1001

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._hook = _Hook(type(self).run_outputs)

    def _get_current_databricks_task(self):
        return {"run_id": type(self).task_run_id, "task_key": self.task_id}

    def execute(self, context):
        return type(self).outcome(self)

    def execute_complete(self, context, event):
        return type(self).outcome(self)
