"""Dated history of the tree: open/close OrgVersion rows. Used only by services."""

from __future__ import annotations

import datetime as dt

from django.db.models import Max

from tcxd.common.errors import DomainError
from tcxd.common.fmt import fmt_date
from tcxd.common.paths import path_range

from .kinds import OrgStatus
from .models import Org, OrgChange, OrgVersion

ONE_DAY = dt.timedelta(days=1)


def version_from_org(org: Org, change: OrgChange, valid_from: dt.date,
                     parent_id: int | None) -> OrgVersion:
    return OrgVersion(
        org=org, change=change, valid_from=valid_from, valid_to=None, path=org.path,
        depth=org.depth, parent_id=parent_id, code=org.code, name=org.name,
        short_name=org.short_name, kind=org.kind, grassroots_type=org.grassroots_type,
        admin_unit_id=org.admin_unit_id, status=org.status,
    )


def close_open_versions(org_ids, last_day: dt.date) -> int:
    return OrgVersion.objects.filter(org_id__in=org_ids, valid_to__isnull=True).update(
        valid_to=last_day
    )


def latest_change_day(org_ids) -> dt.date | None:
    return OrgVersion.objects.filter(org_id__in=org_ids).aggregate(m=Max("valid_from"))["m"]


def path_stable_since(org: Org) -> dt.date:
    """First day from which ``org`` has had its current path without interruption."""
    last_other = (
        OrgVersion.objects.filter(org=org).exclude(path=org.path).aggregate(m=Max("valid_to"))["m"]
    )
    return last_other + ONE_DAY if last_other else org.valid_from


def require_not_before(day: dt.date, earliest: dt.date | None, *, field: str = "effective_on") -> None:
    if earliest and day < earliest:
        raise DomainError(
            "effective_date_before_history",
            f"Ngày hiệu lực {fmt_date(day)} sớm hơn thay đổi đã ghi nhận gần nhất "
            f"({fmt_date(earliest)}). Thay đổi mới phải có hiệu lực từ ngày đó trở đi.",
            field=field,
        )


def subtree_ids(org: Org) -> list[int]:
    low, high = path_range(org.path)
    return list(Org.objects.filter(path__gte=low, path__lt=high).values_list("id", flat=True))


def open_versions_for_subtree(org: Org, change: OrgChange, valid_from: dt.date) -> list[OrgVersion]:
    """Fresh versions for every node of ``org``'s subtree at their current (new) paths."""
    low, high = path_range(org.path)
    nodes = list(
        Org.objects.filter(path__gte=low, path__lt=high, status=OrgStatus.ACTIVE).order_by("path")
    )
    parent_path = org.path[: -Org.steplen]
    ids_by_path = {n.path: n.id for n in nodes}
    if parent_path:
        ids_by_path[parent_path] = Org.objects.only("id").get(path=parent_path).id
    versions = [
        version_from_org(n, change, valid_from, ids_by_path.get(n.path[: -Org.steplen]))
        for n in nodes
    ]
    OrgVersion.objects.bulk_create(versions, batch_size=2000)
    return versions


def children_qs(org: Org, *, active_only: bool = True):
    low, high = path_range(org.path)
    qs = Org.objects.filter(path__gt=low, path__lt=high, depth=org.depth + 1)
    return qs.filter(status=OrgStatus.ACTIVE) if active_only else qs
