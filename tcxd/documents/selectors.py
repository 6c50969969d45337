"""Scoped reads of the documents: which template applies where, the template history of the actor's level, and
the filled documents of a member (found through ``members.selectors.member_get``: out of scope → 404)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db.models import BooleanField, ExpressionWrapper, Q
from django.utils import timezone

from tcxd.authz.models import Role
from tcxd.authz.scope import scope_for
from tcxd.common.errors import DomainError, ValidationFailed
from tcxd.members import printing
from tcxd.members import selectors as MS
from tcxd.members.models import Member, MemberEvent
from tcxd.orgs.models import Org

from . import defaults
from .context import decision_context
from .kinds import SPECS, DocumentKind
from .models import DocumentTemplate
from .rendering import TemplateProblem, render_docx

MANAGER_ONLY = "Chỉ quản trị hệ thống và chuyên viên Ban Tổ chức được quản lý mẫu văn bản."
DECISIONS_ONLY = "Chỉ Ban Tổ chức (quản trị hệ thống, chuyên viên Ban Tổ chức) được soạn văn bản từ hồ sơ."


def can_draft(actor) -> bool:
    """Who may produce the decision documents of a member they see: the organization-commission roles."""
    return MS.can_see_sensitive(actor)


def require_kind(kind: str) -> str:
    if kind not in DocumentKind.values:
        known = ", ".join(f"{v} ({label})" for v, label in DocumentKind.choices)
        raise DomainError("unknown_document", f"Không có loại văn bản “{kind}”; dùng một trong: {known}.", field="kind")
    return kind


@dataclass(frozen=True)
class Level:
    """Where the actor's templates apply: the whole system (administrators) or the subtree of their org."""

    org: Org | None

    @property
    def label(self) -> str:
        return "toàn hệ thống" if self.org is None else self.org.name


def manager_level(actor) -> Level:
    """The level whose templates ``actor`` manages; other roles are refused (403)."""
    scope = scope_for(actor)
    if scope.role == Role.ADMIN:
        return Level(None)
    if scope.role == Role.OFFICER and scope.can_write and actor.org_id:
        return Level(actor.org)
    raise DjangoPermissionDenied(MANAGER_ONLY)


@dataclass(frozen=True)
class Effective:
    """The template used at a level: a stored version, or the shipped default (``row`` None)."""

    kind: str
    row: DocumentTemplate | None
    source: str  # Vietnamese: where it comes from

    @property
    def docx(self) -> bytes:
        return bytes(self.row.docx) if self.row is not None else defaults.default_template_docx(self.kind)

    @property
    def file_name(self) -> str:
        return f"mau-{SPECS[self.kind].file_stem}.docx"


def _ancestor_paths(org: Org) -> list[str]:
    return [org.path[:end] for end in range(org.steplen, len(org.path) + 1, org.steplen)]


def effective_template(*, kind: str, org: Org | None) -> Effective:
    """The template of ``kind`` for documents of ``org`` (None: the system-wide one): the live version with a file
    at the deepest level from ``org`` up, else the system-wide one, else the shipped default."""
    live = DocumentTemplate.objects.filter(kind=kind, superseded_at__isnull=True).exclude(docx=None)
    if org is not None:
        own = (live.filter(org__path__in=_ancestor_paths(org)).select_related("org", "created_by")
               .order_by("-org__depth").first())
        if own is not None:
            return Effective(kind, own, f"mẫu riêng của {own.org.name} (phiên bản {own.version})")
    system = live.filter(org__isnull=True).select_related("created_by").first()
    if system is not None:
        return Effective(kind, system, f"mẫu chung toàn hệ thống (phiên bản {system.version})")
    return Effective(kind, None, "mẫu mặc định của hệ thống")


def own_history(*, level: Level, kind: str) -> list[DocumentTemplate]:
    """Every version at the level, the newest first; the files not read (``has_docx`` tells a revert)."""
    qs = (DocumentTemplate.objects.filter(kind=kind).select_related("created_by").defer("docx")
          .annotate(has_docx=ExpressionWrapper(Q(docx__isnull=False), output_field=BooleanField())))
    qs = qs.filter(org__isnull=True) if level.org is None else qs.filter(org=level.org)
    return list(qs.order_by("-version"))


@dataclass(frozen=True)
class KindRow:
    kind: str
    label: str
    effective: Effective
    own: bool  # the level has its own live template


def templates_overview(*, level: Level) -> list[KindRow]:
    rows = []
    for kind, label in DocumentKind.choices:
        effective = effective_template(kind=kind, org=level.org)
        own = effective.row is not None and effective.row.org_id == (level.org.pk if level.org else None)
        rows.append(KindRow(kind, label, effective, own))
    return rows


# -- the documents of a member ------------------------------------------------------------------------
def document_events(*, member: Member, kind: str) -> list[MemberEvent]:
    """The member's (not voided) events a document of ``kind`` may be about, the latest last."""
    return [e for e in MS.member_events(member=member, include_voided=False) if e.kind in SPECS[kind].events]


def document_event(*, member: Member, kind: str, event_id=None) -> MemberEvent:
    """The event the document is about: ``event_id`` (one of the member's, of a fitting kind) or the latest."""
    events = document_events(member=member, kind=kind)
    if event_id not in (None, ""):
        try:
            wanted = int(event_id)
        except (TypeError, ValueError):
            wanted = None
        chosen = next((e for e in events if e.pk == wanted), None)
        if chosen is None:
            raise ValidationFailed({"event_id": [
                f"Sự kiện số {event_id} không phải sự kiện {SPECS[kind].needs} (chưa hủy) của đảng viên này."]})
        return chosen
    if not events:
        raise DomainError("no_event", f"Hồ sơ của {member.full_name} chưa có sự kiện {SPECS[kind].needs}: ghi nhận "
                                      "sự kiện trước rồi mới soạn được văn bản.", field="event_id")
    return events[-1]


def member_event_kinds(*, member: Member) -> set[str]:
    """The kinds of the member's events that are not voided (which documents can be drafted)."""
    return set(MemberEvent.objects.filter(member=member, voided_at__isnull=True).values_list("kind", flat=True))


@dataclass(frozen=True)
class FilledDocument:
    content: bytes
    file_name: str
    title: str
    event: MemberEvent


def decision_document(*, actor, member: Member, kind: str, event_id=None,
                      today: dt.date | None = None) -> FilledDocument:
    """The document of ``kind`` about one of ``member``'s events, filled from the record with the template that
    applies to the member's org. Organization-commission roles only (403)."""
    require_kind(kind)
    if not can_draft(actor):
        raise DjangoPermissionDenied(DECISIONS_ONLY)
    event = document_event(member=member, kind=kind, event_id=event_id)
    dossier = printing.dossier_context(actor=actor, member=member, on=today or timezone.localdate())
    values = decision_context(member=member, event=event, facts=dossier["facts"], party=dossier["party"])
    template = effective_template(kind=kind, org=event.org or member.org)
    try:
        content = render_docx(template.docx, values)
    except TemplateProblem as exc:
        raise DomainError("template_problem", f"Không điền được mẫu “{DocumentKind(kind).label}” ({template.source}):"
                                              f" {exc} Sửa hoặc khôi phục mẫu ở trang Mẫu văn bản.") from exc
    return FilledDocument(content, f"{SPECS[kind].file_stem}-{member.pk}-{event.pk}.docx",
                          DocumentKind(kind).label, event)


def dossier_document_context(*, actor, member: Member, today: dt.date | None = None) -> dict:
    """The phiếu / lý lịch context (``members.printing.dossier_context``: restricted parts by role)."""
    return printing.dossier_context(actor=actor, member=member, on=today or timezone.localdate())
