"""Background tasks of the restructure context (django-tasks: the database queue, ``manage.py db_worker``)."""

from __future__ import annotations

from django_tasks import task


@task()
def run_operation(operation_id: int) -> str:
    from .services import restructure_run

    return restructure_run(operation_id).status


@task()
def preview_operation(operation_id: int, key: str) -> str:
    from .services import restructure_preview_run

    return restructure_preview_run(operation_id, key).preview_state
