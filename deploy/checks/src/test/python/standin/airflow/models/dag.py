"""Stand-in DAG, TaskGroup and BaseOperator: a context stack, task registration and >> edges."""

_CONTEXT = []  # open DAGs and task groups, innermost last


class DAG:
    """Records its keyword arguments and the operators created inside its with-block."""

    def __init__(self, dag_id, **kwargs):
        self.dag_id = dag_id
        self.kwargs = kwargs
        self.default_args = kwargs.get("default_args", {})
        self.tasks = {}
        self.task_groups = []

    def __enter__(self):
        _CONTEXT.append(self)
        return self

    def __exit__(self, *exc):
        _CONTEXT.pop()
        return False


class TaskGroup:
    """Records its keyword arguments; operators created inside belong to it."""

    def __init__(self, **kwargs):
        self.group_id = kwargs.get("group_id")
        self.kwargs = kwargs
        self.children = {}

    def __enter__(self):
        current_dag().task_groups.append(self)
        _CONTEXT.append(self)
        return self

    def __exit__(self, *exc):
        _CONTEXT.pop()
        return False


def current_dag():
    for node in reversed(_CONTEXT):
        if isinstance(node, DAG):
            return node
    raise RuntimeError("operator created outside a DAG")


def current_group():
    for node in reversed(_CONTEXT):
        if isinstance(node, TaskGroup):
            return node
        if isinstance(node, DAG):
            return None
    return None


class BaseOperator:
    """Keeps every keyword argument its subclass received (recorded) and the task's edges."""

    def __init__(self, *, task_id, **kwargs):
        self.task_id = task_id
        self.recorded = {"task_id": task_id, **kwargs}
        self.dag = current_dag()
        self.task_group = current_group()
        self.retries = kwargs.get("retries", self.dag.default_args.get("retries", 0))
        self.upstream_task_ids = set()
        self.downstream_task_ids = set()
        if task_id in self.dag.tasks:
            raise ValueError(f"duplicate task id {task_id}")
        self.dag.tasks[task_id] = self
        if self.task_group is not None:
            self.task_group.children[task_id] = self

    def __rshift__(self, other):
        self.downstream_task_ids.add(other.task_id)
        other.upstream_task_ids.add(self.task_id)
        return other

    def execute(self, context):
        raise NotImplementedError("the stand-in runs only what a test injects")
