"""Background tasks of the imports context (django-tasks: the database queue, ``manage.py db_worker``)."""

from __future__ import annotations

from django_tasks import task


@task()
def check_batch(batch_id: int) -> str:
    from .services import import_check_run

    return import_check_run(batch_id).status


@task()
def apply_batch(batch_id: int) -> str:
    from .services import import_apply_run

    return import_apply_run(batch_id).status
