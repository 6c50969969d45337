"""Settings of the exports (``settings.EXPORTS``), with their defaults."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings

from tcxd.common.export import XLSX_ROW_LIMIT

DEFAULTS = {
    "ROOT": str(Path(settings.BASE_DIR) / "var" / "exports"),  # where the files of background exports go
    "BACKGROUND_ABOVE": 20_000,  # more rows than this: a background task; else a direct download
    "KEEP_DAYS": 7,  # files older than this are removed by `manage.py exports_purge`
    "SHEET_ROWS": XLSX_ROW_LIMIT,  # data rows per .xlsx sheet before the next sheet ("Danh sách (2)")
}


def conf(key: str):
    return {**DEFAULTS, **getattr(settings, "EXPORTS", {})}[key]
