"""Small helpers for the files the system generates."""

from __future__ import annotations

import io
import zipfile


def deterministic_zip(data: bytes) -> bytes:
    """The same archive (a .docx, an .xlsx) with a fixed timestamp on every member: zip entries carry the write
    time, so a document generated twice would otherwise differ byte for byte."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(2026, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(fixed, src.read(info.filename))
    return out.getvalue()
