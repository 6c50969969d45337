"""Removal of old export files (``manage.py exports_purge``): the system's own housekeeping, not a user's write."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from tcxd.audit.services import audit_record

from .conf import conf
from .models import ExportJob, ExportStatus
from .services import job_path


def exports_purge(*, days: int | None = None, now: dt.datetime | None = None) -> int:
    """Remove the files of exports finished more than ``days`` (default EXPORTS["KEEP_DAYS"]) ago; the jobs stay,
    marked 'file removed'. One audit row when anything was removed. Returns how many files."""
    days = conf("KEEP_DAYS") if days is None else days
    cutoff = (now or timezone.now()) - dt.timedelta(days=days)
    old = list(ExportJob.objects.filter(status=ExportStatus.DONE, finished_at__lt=cutoff))
    for job in old:
        if job.file_name:
            job_path(job).unlink(missing_ok=True)
    if not old:
        return 0
    with transaction.atomic():
        ExportJob.objects.filter(pk__in=[j.pk for j in old]).update(status=ExportStatus.REMOVED, file_name="")
        audit_record(actor=None, action="delete", obj=old[0], after={"removed": len(old), "days": days},
                     note=f"Tự xóa {len(old)} tệp xuất dữ liệu quá {days} ngày")
    return len(old)
