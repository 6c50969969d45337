from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from ninja import Router, Schema

from tcxd.common.errors import DomainError
from tcxd.common.schemas import READ_ERRORS

from . import selectors
from .models import Regulation

router = Router(tags=["Quy định và tham số"])


class RegulationOut(Schema):
    code: str
    title: str
    issuer: str
    signed_on: dt.date | None
    effective_from: dt.date | None
    effective_to: dt.date | None
    confidence: str


class ParamOut(Schema):
    key: str
    on: dt.date
    value: Any
    regulation: str


@router.get("/regulations", response={200: list[RegulationOut], **READ_ERRORS},
            summary="Danh mục văn bản quy định (hiệu lực theo ngày)")
def regulation_list(request):
    return list(Regulation.objects.order_by("effective_from", "code"))


@router.get("/parameters/{key}", response={200: ParamOut, **READ_ERRORS},
            summary="Giá trị tham số quy định có hiệu lực tại một ngày")
def parameter_value(request, key: str, on: dt.date | None = None):
    day = on or timezone.localdate()
    try:
        value = selectors.param(key, on=day)
        regulation = selectors.regulation_for(key, on=day)
    except LookupError as exc:  # unknown key, or no version in force that day
        error = DomainError("rule_not_in_force", str(exc))
        error.status = 404
        raise error from exc
    return {"key": key, "on": day, "value": value, "regulation": regulation.code}
