"""CSV downloads that open correctly in Excel (UTF-8 with BOM, ';'-free comma CSV)."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence

from django.http import StreamingHttpResponse


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_response(filename: str, header: Sequence[str], rows: Iterable[Sequence]) -> StreamingHttpResponse:
    writer = csv.writer(_Echo())

    def stream():
        yield "\ufeff"
        yield writer.writerow(header)
        for row in rows:
            yield writer.writerow(["" if v is None else v for v in row])

    response = StreamingHttpResponse(stream(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
