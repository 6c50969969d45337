"""Reads of the imports context, scoped: a batch is seen by whoever's scope holds its receiving unit (``root``);
anything else answers 404. Nothing here writes."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from tcxd.authz.scope import scope_for
from tcxd.common import progress
from tcxd.orgs import selectors as org_selectors
from tcxd.orgs.models import Org

from . import fields as F
from . import services as S
from .models import REJECTED, WRITING, BatchStatus, ImportBatch, ImportRow, Verdict

ORG_SEPARATOR = " — "
VERDICT_STYLE = {  # Bootstrap colour of each verdict's badge and bar
    Verdict.NEW: "success", Verdict.UPDATE: "primary", Verdict.UNCHANGED: "secondary",
    Verdict.DUPLICATE: "warning", Verdict.CONFLICT: "danger", Verdict.OUT_OF_SCOPE: "dark",
    Verdict.INVALID: "danger",
}


# -- batches ----------------------------------------------------------------------------------------------------
def batch_queryset(*, actor) -> QuerySet[ImportBatch]:
    return ImportBatch.objects.filter(scope_for(actor).q("root__path")).select_related("root", "actor")


def batch_list(*, actor) -> QuerySet[ImportBatch]:
    """The batches whose receiving unit lies in the actor's scope, newest first."""
    return batch_queryset(actor=actor).order_by("-created_at", "-pk")


def batch_get(*, actor, pk) -> ImportBatch:
    batch = batch_queryset(actor=actor).filter(pk=pk).first()
    if batch is None:
        raise Http404
    return batch


def batch_by_key(*, actor, key) -> ImportBatch:
    batch = batch_queryset(actor=actor).filter(key=key).first()
    if batch is None:
        raise Http404
    return batch


def row_get(*, actor, pk) -> ImportRow:
    row = (ImportRow.objects.select_related("batch", "batch__root", "batch__actor")
           .filter(scope_for(actor).q("batch__root__path"), pk=pk).first())
    if row is None:
        raise Http404
    return row


def batch_rows(*, batch: ImportBatch, verdict: str = "") -> QuerySet[ImportRow]:
    """The batch's rows in the file's order, optionally of one verdict (``rejected``: every rejected verdict)."""
    rows = ImportRow.objects.filter(batch=batch)
    if verdict == "rejected":
        rows = rows.filter(verdict__in=REJECTED)
    elif verdict == "skipped":
        rows = rows.filter(skip=True)
    elif verdict:
        rows = rows.filter(verdict=verdict)
    return rows.order_by("row_no")


def report_rows(*, batch: ImportBatch) -> QuerySet[ImportRow]:
    """What the error report lists: every rejected row and every row the user chose to leave out."""
    return (ImportRow.objects.filter(batch=batch).filter(Q(verdict__in=REJECTED) | Q(skip=True))
            .order_by("row_no"))


# -- what the pages show ----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class VerdictCount:
    value: str
    label: str
    count: int
    percent: int
    style: str

    @property
    def rejected(self) -> bool:
        return self.value in REJECTED


def verdict_counts(batch: ImportBatch) -> list[VerdictCount]:
    total = sum(int(n) for n in (batch.counts or {}).values()) or 0
    out = []
    for verdict in Verdict:
        n = int((batch.counts or {}).get(verdict.value, 0))
        percent = 0 if not total else max(1 if n else 0, min(100, round(n * 100 / total)))
        out.append(VerdictCount(verdict.value, verdict.label, n, percent, VERDICT_STYLE[verdict]))
    return out


@dataclass(frozen=True)
class ApplyPlan:
    """What applying would do, by the last check and the user's choices."""

    new: int
    update: int
    unchanged: int
    rejected: int
    skipped: int
    declined_fields: int

    @property
    def writes(self) -> int:
        return self.new + self.update


def apply_plan(batch: ImportBatch) -> ApplyPlan:
    rows = ImportRow.objects.filter(batch=batch)
    by: dict[tuple[str, bool], int] = {
        (v, skip): n for v, skip, n in rows.values_list("verdict", "skip").annotate(n=Count("pk")).order_by()}
    kept = {v: n for (v, skip), n in by.items() if not skip}
    declined = sum(len(d) for d in rows.filter(skip=False, verdict=Verdict.UPDATE).exclude(declined=[])
                   .values_list("declined", flat=True))
    return ApplyPlan(new=kept.get(Verdict.NEW, 0), update=kept.get(Verdict.UPDATE, 0),
                     unchanged=sum(n for (v, _), n in by.items() if v == Verdict.UNCHANGED),
                     rejected=sum(n for (v, _), n in by.items() if v in REJECTED),
                     skipped=sum(n for (v, skip), n in by.items() if skip and v in WRITING),
                     declined_fields=declined)


@dataclass(frozen=True)
class Progress:
    job: str  # "check" or "apply"
    job_label: str
    label: str
    done: int
    total: int
    finished: bool
    waiting: bool  # queued, nobody runs it yet
    interrupted: bool  # its worker was cut off: nothing was kept

    @property
    def percent(self) -> int:
        if self.finished:
            return 100
        return 0 if self.total <= 0 else max(0, min(100, self.done * 100 // self.total))


def batch_progress(batch: ImportBatch) -> Progress:
    """The progress of the batch's running job (the check, or the apply), read from the progress cache the worker
    writes while its transaction is open."""
    key = S.progress_key(batch.pk)
    if batch.status == BatchStatus.CHECKING:
        job, job_label = "check", "Đang kiểm tra"
    elif batch.status == BatchStatus.QUEUED:
        job, job_label = "apply", "Đang áp dụng"
    else:
        return Progress("", "", "", 0, 0, True, False, False)
    data = progress.read(key)
    alive = progress.alive(key)
    cut = data is not None and not alive
    if data is None and not alive:
        return Progress(job, "Đang chờ " + ("kiểm tra" if job == "check" else "áp dụng"), "", 0, batch.rows_total,
                        False, True, False)
    data = data or {}
    return Progress(job, job_label, str(data.get("label", "")), int(data.get("done", 0) or 0),
                    int(data.get("total", 0) or 0), False, False, cut)


@dataclass(frozen=True)
class ColumnChoice:
    index: int
    letter: str
    header: str
    samples: list[str]
    field: str  # the key it maps to, "" when not imported
    guessed: str  # the field its header names, by the recognizer


def column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def mapping_columns(batch: ImportBatch, *, samples: int = 3) -> list[ColumnChoice]:
    """Each column of the file: its header, a few sample values (read from the stored file), what it maps to."""
    try:
        table = S.batch_table(batch)
        rows = [cells for _, cells in table.rows[:200]]
    except Exception:  # the stored file can no longer be read: the headers alone
        rows = []
    out = []
    for index, header in enumerate(batch.headers):
        values = []
        for cells in rows:
            if index < len(cells):
                text = F.text_of(cells[index])
                if text:
                    values.append(text[:60])
            if len(values) >= samples:
                break
        out.append(ColumnChoice(index, column_letter(index), header, values, batch.mapping.get(str(index), ""),
                                F.guess(header, batch.kind) or ""))
    return out


def field_choices(kind: str = "") -> list[tuple[str, str]]:
    return [(f.key, f.label) for f in F.catalogue(kind)]


def field_labels(kind: str = "") -> dict[str, str]:
    return {f.key: f.label for f in F.catalogue(kind)}


def same_file_applied(batch: ImportBatch) -> ImportBatch | None:
    """An earlier applied batch of the very same file at the same unit (re-uploading it changes nothing)."""
    return S.same_file_applied(batch)


# -- the receiving unit -----------------------------------------------------------------------------------------
def org_label(org: Org) -> str:
    return f"{org.code}{ORG_SEPARATOR}{org.name}"


def org_from_label(*, actor, text: str) -> Org | None:
    """The unit of the code typed or picked (“code — name”, or the code alone) in the actor's scope."""
    code = (text or "").split(ORG_SEPARATOR)[0].strip()
    if not code:
        return None
    return org_selectors.org_queryset(actor=actor).filter(code__iexact=code).first()


def org_suggestions(*, actor, text: str, limit: int = 12) -> list[Org]:
    return list(org_selectors.org_search(actor=actor, q=text, limit=limit))


def default_root(*, actor) -> Org | None:
    if actor.org_id:
        return actor.org
    roots = list(org_selectors.org_scope_roots(actor=actor)[:2])
    return roots[0] if len(roots) == 1 else None

