"""Background task of the exports (django-tasks: the database queue, ``manage.py db_worker``)."""

from __future__ import annotations

from django_tasks import task


@task()
def run_export(job_id: int) -> str:
    from .services import export_job_run

    return export_job_run(job_id).status
