"""The printable dossier documents of a member: the phiếu đảng viên (sơ yếu lý lịch, 2-HSĐV) and the lý lịch
đảng viên (the fuller life history, 1-HSĐV). One context (``dossier_context``: the facts, with the restricted
parts only for the roles that may see them), several renderings: an HTML template per document, shown as a print
page (A4 print CSS) and rendered to PDF by WeasyPrint; the Word (.docx) renderings (``tcxd.documents.dossier_docx``)
read the same context.

The PDF renderer fetches nothing: the stylesheet, its fonts (Liberation Serif, vendored under the static files)
and the portrait are inlined (``data:``) and every other URL is refused, so a value typed into a dossier can
never make the server read a file or call out.
"""

from __future__ import annotations

import base64
import datetime as dt
import functools
import re
from dataclasses import dataclass

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string

from tcxd.orgs.kinds import OrgKind
from tcxd.orgs.models import Org
from tcxd.rules.pure.membership import EventKind as K
from tcxd.rules.pure.membership import codes

from . import selectors as S
from .codes import Relation
from .models import Member, MemberSensitive

PHIEU, LY_LICH = "phieu", "ly_lich"
TEMPLATES = {PHIEU: "members/dossier/print.html", LY_LICH: "members/dossier/ly_lich.html"}
TITLES = {PHIEU: "Phiếu đảng viên", LY_LICH: "Lý lịch đảng viên"}
TEMPLATE = TEMPLATES[PHIEU]
STYLESHEET = "tcxd/dossier-print.css"
# A font of the stylesheet, relative to it: ``url("../vendor/…/X.ttf")`` (inlined for the PDF).
FONT_URL = re.compile(r'url\("(\.\./vendor/[^"]+\.ttf)"\)')
RELATION_ORDER = {code: i for i, code in enumerate(Relation.values)}


@dataclass(frozen=True)
class PartyFacts:
    admitted_on: dt.date | None
    admission_decision_no: str
    admission_org: str
    ceremony_on: dt.date | None
    introducers: list[str]
    official_on: dt.date | None
    recognition_org: str
    card_no: str
    card_issued_on: dt.date | None
    readmitted_on: dt.date | None
    badges: list[tuple[int | str, dt.date, str]]  # (years, date, decision no.)
    disciplines: list[tuple[dt.date, str, str, str]]  # (date, form, issuer, decision no.)
    # the party life as recorded (lý lịch): (date, what, org, decision no.) — admission, recognition,
    # transfers, exemptions, exits and readmission, in date order
    party_life: list[tuple[dt.date, str, str, str]]


def _party_facts(member: Member) -> PartyFacts:
    events = list(S.member_events(member=member, include_voided=False))

    def last(*kinds):
        found = [e for e in events if e.kind in kinds]
        return found[-1] if found else None

    admission = last(K.ADMISSION_DECISION, K.READMISSION_DECISION)
    ceremony = last(K.CEREMONY)
    recognition = last(K.RECOGNITION)
    card = last(K.CARD_ISSUED, K.CARD_REPLACED)
    intro = last(K.INTRODUCERS)
    readmission = last(K.READMISSION_DECISION)
    introducers = [p.get("name", "") for p in (intro.data or {}).get("introducers", [])
                   if isinstance(p, dict) and p.get("name")] if intro else []
    if intro and (intro.data or {}).get("youth_union"):
        introducers.append("Đoàn TNCS Hồ Chí Minh cơ sở")
    return PartyFacts(
        admitted_on=member.admitted_on or (admission.on if admission else None),
        admission_decision_no=admission.decision_no if admission else "",
        admission_org=(ceremony.org.name if ceremony and ceremony.org else
                       admission.org.name if admission and admission.org else ""),
        ceremony_on=member.ceremony_on,
        introducers=introducers,
        official_on=member.official_on,
        recognition_org=recognition.org.name if recognition and recognition.org else "",
        card_no=member.card_no,
        card_issued_on=card.on if card else None,
        readmitted_on=readmission.on if readmission else None,
        badges=[((e.data or {}).get("years", ""), e.on, e.decision_no) for e in events if e.kind == K.BADGE],
        disciplines=[(e.on, codes.DISCIPLINE_FORMS.get((e.data or {}).get("form", ""), "").capitalize(),
                      e.decision_issuer, e.decision_no) for e in events if e.kind == K.DISCIPLINE],
        party_life=[(e.on, _life_label(e), _life_org(e), e.decision_no) for e in events if e.kind in PARTY_LIFE],
    )


PARTY_LIFE = {K.ADMISSION_DECISION, K.CEREMONY, K.RECOGNITION, K.PROBATION_STRUCK_OFF, K.TRANSFER_OUT, K.TRANSFER_IN,
              K.TEMP_TRANSFER_OUT, K.TEMP_TRANSFER_RETURN, K.ORG_RESTRUCTURED, K.EXEMPTION_START, K.EXEMPTION_END,
              K.STRUCK_OFF, K.EXPELLED, K.LEFT, K.READMISSION_DECISION, K.RESTORED}


def _life_label(event) -> str:
    label = event.get_kind_display()
    if event.target_org_id:
        return f"{label} → {event.target_org.name}"
    destination = (event.data or {}).get("destination")
    return f"{label} → {destination}" if destination else label


def _life_org(event) -> str:
    return event.org.name if event.org_id else ""


def _header_orgs(member: Member) -> list[str]:
    """The member's party line from the province down (the 2-HSĐV header), without the centre."""
    org = member.org
    paths = [org.path[:end] for end in range(org.steplen, len(org.path), org.steplen)]
    chain = Org.objects.filter(path__in=paths).exclude(kind=OrgKind.CENTRAL).order_by("depth")
    return [o.name for o in [*chain, org]]


def dossier_context(*, actor, member: Member, on: dt.date) -> dict:
    """Everything the phiếu prints; restricted parts only for roles that may see them."""
    sensitive_ok = S.can_see_sensitive(actor)
    family = sorted(member.family.all(), key=lambda f: (RELATION_ORDER.get(f.relation, 99), f.birth_year or 0))
    return {
        "member": member,
        "facts": S.member_facts(member=member, on=on),
        "party": _party_facts(member),
        "header_orgs": _header_orgs(member),
        "cccd": S.cccd_display(actor=actor, member=member),
        "sensitive_ok": sensitive_ok,
        "sensitive": MemberSensitive.objects.filter(member=member).first() if sensitive_ok else None,
        "work": list(member.work_history.all()),
        "training": list(member.training_history.all()),
        "travel": list(member.foreign_travel.all()),
        "rewards": list(member.rewards.all()),
        "family": family,
        "printed_on": on,
    }


# ---- PDF -------------------------------------------------------------------------------------------

def pdf_available() -> bool:
    try:
        import weasyprint  # noqa: F401
    except (ImportError, OSError):  # OSError: the Pango/HarfBuzz system libraries are missing
        return False
    return True


def _stylesheet() -> str:
    path = finders.find(STYLESHEET)
    with open(path, encoding="utf-8") as fh:
        return fh.read()


def _photo_src(member: Member, *, for_pdf: bool) -> str:
    """The portrait: the scoped photo URL on the print page, inlined bytes in the PDF (which fetches nothing)."""
    if not member.photo:
        return ""
    if for_pdf:
        from .dossier_services import photo_data_uri

        return photo_data_uri(member)
    from django.urls import reverse

    return reverse("members:photo", args=[member.pk])


@functools.cache
def _font_data_uri(relative: str) -> str:
    path = finders.find(relative.removeprefix("../"))
    with open(path, "rb") as fh:
        return "data:font/ttf;base64," + base64.b64encode(fh.read()).decode("ascii")


def pdf_stylesheet() -> str:
    """The stylesheet with its fonts inlined as ``data:`` URLs, for the renderer that fetches nothing else."""
    return FONT_URL.sub(lambda m: f'url("{_font_data_uri(m.group(1))}")', _stylesheet())


def render_html(context: dict, *, for_pdf: bool, request=None, document: str = PHIEU) -> str:
    return render_to_string(TEMPLATES[document], {
        **context, "for_pdf": for_pdf, "photo_src": _photo_src(context["member"], for_pdf=for_pdf),
        "inline_css": pdf_stylesheet() if for_pdf else ""}, request=request)


def render_pdf(context: dict, *, document: str = PHIEU) -> bytes:
    import weasyprint
    from weasyprint.urls import URLFetcher

    html = render_html(context, for_pdf=True, document=document)
    # Only inline data (the portrait) is read: every other URL is refused — no file read, no network.
    no_fetch = URLFetcher(allowed_protocols=("data",))
    return weasyprint.HTML(string=html, base_url="about:blank", url_fetcher=no_fetch).write_pdf()
