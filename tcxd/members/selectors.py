"""Scoped reads of members. A member is visible to a user whose scope holds the member's official
org, the host org of a temporary transfer, or the receiving org of a pending transfer ("đang
chuyển": both sides see the member until it is received)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import connection
from django.db.models import Case, Count, F, Max, Min, Q, QuerySet, Value, When
from django.db.models.functions import Collate, Concat, Length, StrIndex, Substr
from django.db.models.lookups import Exact, GreaterThan, LessThan
from django.http import Http404

from tcxd.authz.models import Role
from tcxd.authz.scope import scope_for
from tcxd.common import cccd as cccd_rules
from tcxd.common.paths import STEPLEN, path_range
from tcxd.common.text import fold
from tcxd.orgs.models import Org
from tcxd.rules.pure import membership as M

from . import lifecycle as services
from . import namewords
from .codes import REQUIRED_DOCUMENTS
from .models import Member, MemberEvent, MemberNameWord

SENSITIVE_ROLES = {Role.ADMIN, Role.OFFICER}


def can_see_sensitive(actor) -> bool:
    """Family political notes, economic situation and the full CCCD: organization-commission roles."""
    return scope_for(actor).role in SENSITIVE_ROLES


def member_queryset(*, actor) -> QuerySet[Member]:
    scope = scope_for(actor)
    if scope.is_everything:
        return Member.objects.all()
    return Member.objects.filter(scope.q("org__path") | scope.q("temporary_org__path")
                                 | scope.q("transfer_to__path"))


def member_get(*, actor, pk) -> Member:
    try:
        return (member_queryset(actor=actor).select_related("org", "temporary_org", "transfer_to",
                                                             "hometown_pre2025__parent__parent",
                                                             "hometown_2025__parent")
                .get(pk=int(pk)))
    except (Member.DoesNotExist, ValueError, TypeError):
        raise Http404


@dataclass
class MemberFilters:
    q: str = ""
    org_id: int | None = None
    status: str = ""
    sex: str = ""
    ethnicity: str = ""
    religion: str = ""
    political_theory: str = ""
    professional_level: str = ""
    occupation_group: str = ""
    general_education: str = ""
    age_band: str = ""  # "18-30", "31-40", … "71-" (whole years on ``on``)
    party_age_band: str = ""  # "0-9", "10-19", … "50-" (years since the admission decision)
    born_from: int | None = None
    born_to: int | None = None
    admitted_year: int | None = None
    include_former: bool = False


def member_search(*, actor, filters: MemberFilters) -> QuerySet[Member]:
    """Scoped, filtered, ordered the Vietnamese way (by given name, then full name).

    The text query matches a CCCD or card number exactly, or a name by accent-folded prefix of the
    full name, of the given name or of a word sequence inside the name (``_by_name``).
    """
    qs = member_queryset(actor=actor).select_related("org")
    roots = [prefix for prefix in scope_for(actor).prefixes if prefix]
    if filters.org_id:
        from tcxd.orgs.selectors import org_get, subtree_q

        org = org_get(actor=actor, pk=filters.org_id)
        qs = qs.filter(subtree_q(org, "org__path"))
        roots.append(org.path)
    text = (filters.q or "").strip()
    term = ""
    if text:
        digits = cccd_rules.normalize(text)
        if digits.isdigit() and len(digits) == 12:
            qs = qs.filter(cccd=digits)
        elif digits.isdigit():
            qs = qs.filter(Q(card_no=digits) | Q(profile_no=digits))
        else:
            term = fold(text)
    if filters.status:
        qs = qs.filter(status=filters.status)
    elif not filters.include_former:
        qs = qs.filter(status__in=[M.Status.CANDIDATE, M.Status.ADMITTED, M.Status.PROBATIONARY,
                                   M.Status.OFFICIAL])
    today = dt.date.today()
    for band, field in ((filters.age_band, "birth_date"), (filters.party_age_band, "admitted_on")):
        low, high = _band(band)
        if low is not None:  # at least ``low`` whole years: born/admitted on or before today − low years
            qs = qs.filter(**{f"{field}__lte": _years_before(today, low)})
        if high is not None:  # at most ``high`` whole years: after today − (high + 1) years
            qs = qs.filter(**{f"{field}__gt": _years_before(today, high + 1)})
    for field in ("sex", "ethnicity", "religion", "political_theory", "professional_level", "occupation_group",
                  "general_education"):
        value = getattr(filters, field)
        if value:
            qs = qs.filter(**{field: value})
    if filters.born_from:
        qs = qs.filter(birth_date__gte=dt.date(filters.born_from, 1, 1))
    if filters.born_to:
        qs = qs.filter(birth_date__lte=dt.date(filters.born_to, 12, 31))
    if filters.admitted_year:
        qs = qs.filter(admitted_on__gte=dt.date(filters.admitted_year, 1, 1),
                       admitted_on__lt=dt.date(filters.admitted_year + 1, 1, 1))
    if term:
        narrowest = max(roots, key=len, default="")
        if len(narrowest) >= NAME_NARROW_DEPTH * STEPLEN:
            return _by_name_in(qs, term, narrowest)
        return _by_name(qs, term, narrowest)
    return qs.order_by(*LIST_ORDER)


LIST_ORDER = ("given_name_norm", "name_norm", "id")
# A scope (or an org filter) rooted this deep, a commune's party committee or below, holds few members:
# a name search there reads them all (``_by_name_in``) rather than walking the name index.
NAME_NARROW_DEPTH = namewords.SCOPE_STEPS + 1
# At most this many word starts (or members) are read by id and sorted (``_by_name``). Kept small:
# PostgreSQL joins the orgs of a few hundred ids by hashing the whole org table.
NAME_SPARSE_LIMIT = 100
# How far ``name_plan`` reads a term's word starts (index only) to learn whether all matches end at
# the given name.
NAME_INNER_SCAN = 5_000
_W = "name_words__"


def _prefix_high(term: str) -> str:
    """The smallest string above every string starting with ``term`` (the range form of a prefix)."""
    return term[:-1] + chr(ord(term[-1]) + 1)


def _name_q(term: str, high: str) -> Q:
    """The match on the member's own columns: a prefix of the full name, of the given name, or of a
    word sequence inside the name."""
    return (Q(name_norm__gte=term, name_norm__lt=high) | Q(given_name_norm__gte=term, given_name_norm__lt=high)
            | Q(name_norm__contains=" " + term))


def _by_name_in(qs: QuerySet[Member], term: str, root: str) -> QuerySet[Member]:
    """``_by_name`` for a narrow scope: the members under ``root`` (their official org, the host of
    a temporary transfer or the receiver of a pending one; one index range each), each tested on its
    own columns, then sorted. ``qs`` keeps its own scope: this only tells the database where to start."""
    low, high = path_range(root)
    orgs = Org.objects.filter(path__gte=low, path__lt=high).values("id")
    under = [Member.objects.filter(**{field + "__in": orgs}).values("id")
             for field in ("org", "temporary_org", "transfer_to")]
    return qs.filter(_name_q(term, _prefix_high(term)), pk__in=under[0].union(*under[1:])).order_by(*LIST_ORDER)


def _by_name(qs: QuerySet[Member], term: str, root: str = "") -> QuerySet[Member]:
    """``qs`` narrowed to the members whose folded full name, given name or a word sequence inside
    the name starts with ``term``, in list order (given name, full name, id). ``root``: the path (of
    at most ``namewords.SCOPE_STEPS`` steps) that ``qs``'s scope lies under, "" for none.

    All three are "a word start of the name begins with ``term``": one range of
    ``MemberNameWord.word``. The rows of one ``token`` (the first word of a word start) come out of
    the ``member_name_token`` index in list order, so a page is read in order, a member at a time
    (for scope and the other filters) until it is full, when the token's rows that match are dense
    where the page lies. The plan is picked by probing the index (a few index-only reads):

    * at most NAME_SPARSE_LIMIT word starts in the range: their members by id, sorted;
    * a single word ("hung", "quach") that begins one token: that token's rows, all matches;
    * a multi-word term: its matches that end the name sit in one block of given names (those that
      start with its last word); the others go on past the term ("thi h|ong nhung"). When such
      names come among the first rows of the range, they are everywhere: the first word's rows
      ("nguyen van": the rows of "nguyen"). When there are none: the block of the first word's rows
      ("nguyen van hung": the rows of "nguyen" with a given name "hung…"). A few: the rows of the
      last word, if it begins one token only ("nguyen van minh": the rows of "minh", the term
      checked on the full name), else the first word's rows;
    * a short prefix that begins many words ("h", "ng"): the members in list order, tested on their
      own columns (through the given-name index alone when no first or middle name matches).

    Reading a token's rows, the scope under ``root`` is tested on the rows' slots of the tops of the
    member's orgs (``namewords``), inside the index: a province's page reads about 50 members, not the nation's
    matches ahead of them.
    """
    plan = name_plan(term)
    high = _prefix_high(term)
    if plan.kind == "ids":
        return qs.filter(pk__in=plan.ids).order_by(*LIST_ORDER)
    if plan.kind == "given":
        return qs.filter(given_name_norm__gte=term, given_name_norm__lt=high).order_by(*LIST_ORDER)
    if plan.kind == "walk":
        return qs.filter(_name_q(term, high)).order_by(*LIST_ORDER)
    extra = Q()
    if plan.kind == "given_block":
        last = term.rpartition(" ")[2]
        g = _W + "given_name_norm"
        extra &= Q(**{g + "__gte": last, g + "__lt": _prefix_high(last)})
    if root:
        slots = namewords.scope_slots(root)
        extra &= (Q(**{_W + "org_slot__in": slots}) | Q(**{_W + "temporary_slot__in": slots})
                  | Q(**{_W + "transfer_slot__in": slots}))
    return _token_stream(qs, term, high, plan.tail, plan.token, extra)


@dataclass(frozen=True)
class NamePlan:
    """How ``_by_name`` reads the matches of a term: ``ids`` (the members, by id); ``token`` (the rows
    of ``token`` that begin with ``tail``, an end of the term); ``given_block`` (the same, in the block
    of given names that start with the term's last word); ``given`` (members by given name only);
    ``walk`` (members in list order, tested one by one)."""

    kind: str
    token: str = ""
    tail: str = ""
    ids: frozenset[int] = frozenset()


def name_plan(term: str) -> NamePlan:
    """The plan for a folded, non-empty ``term``, from a few index-only probes of the word index."""
    high = _prefix_high(term)
    in_range = MemberNameWord.objects.filter(word__gte=term, word__lt=high)
    rows = list(in_range.order_by("word").values_list("member_id", "word")[:NAME_SPARSE_LIMIT + 1])
    if len(rows) <= NAME_SPARSE_LIMIT:
        return NamePlan("ids", ids=frozenset(member_id for member_id, _ in rows))
    words = term.split(" ")
    if len(words) == 1:
        token = rows[0][1].partition(" ")[0]  # the smallest token of the range (rows come in word order)
        if not _other_token(token, high):
            return NamePlan("token", token=token, tail=term)
        return NamePlan("walk" if _goes_on(in_range, rows, 0, term) else "given")
    last = words[-1]
    start = len(term) - len(last)
    if any(" " in word[start:] for _, word in rows):  # among the first: matches all over the first word's rows
        return NamePlan("token", token=words[0], tail=term)
    if not _goes_on(in_range, rows, start, term):
        return NamePlan("given_block", token=words[0], tail=term)
    # a few names go on past the term ("nguyen van minh| tuan"): the last word's rows, if one token
    last_high = _prefix_high(last)
    token = MemberNameWord.objects.filter(token__gte=last, token__lt=last_high).aggregate(t=Min("token"))["t"]
    if token is not None and not _other_token(token, last_high):
        return NamePlan("token", token=token, tail=last)
    return NamePlan("token", token=words[0], tail=term)


# Terms known to have a word start going on past them (``_goes_on``): only True is remembered. A True
# answer gone stale (names deleted) picks plans that are right either way, only slower; a False one could
# not be kept (a new name would be missed). Per process, bounded.
_GOES_ON: set[tuple[str, int]] = set()
_GOES_ON_MAX = 50_000


def _goes_on(in_range: QuerySet[MemberNameWord], rows: list[tuple[int, str]], start: int, term: str = "") -> bool:
    """Whether some word start of ``in_range`` goes on past the term's last word (which begins at
    ``start``): "nguyen van hung| anh", "thi h|ong nhung". Seen among ``rows`` (the first of the
    range), or within the first NAME_INNER_SCAN of the range; a longer range without one there is
    taken to have some (the plans chosen then are right either way, only slower)."""
    if term and (term, start) in _GOES_ON:
        return True
    found = _goes_on_now(in_range, rows, start)
    if found and term:
        if len(_GOES_ON) >= _GOES_ON_MAX:
            _GOES_ON.clear()
        _GOES_ON.add((term, start))
    return found


def _goes_on_now(in_range: QuerySet[MemberNameWord], rows: list[tuple[int, str]], start: int) -> bool:
    if any(" " in word[start:] for _, word in rows):
        return True
    goes_on = Case(When(GreaterThan(StrIndex(Substr("word", start + 1), Value(" ")), 0), then=1), default=0)
    seen = (in_range.order_by("word").annotate(goes_on=goes_on)[:NAME_INNER_SCAN + 1]
            .aggregate(n=Count("word"), inner=Max("goes_on")))
    return bool(seen["inner"]) or seen["n"] > NAME_INNER_SCAN


def _other_token(token: str, high: str) -> bool:
    """Whether a token other than ``token`` lies in (token, high)."""
    return MemberNameWord.objects.filter(token__gt=token, token__lt=high).exists()


def _token_stream(qs: QuerySet[Member], term: str, high: str, tail: str, token: str,
                  extra: Q | None = None) -> QuerySet[Member]:
    """The members of ``qs`` whose name has a word start beginning with ``term``, through the rows
    of ``token`` in the ``member_name_token`` index, in that index's order (the list order).

    ``tail`` is the end of ``term`` that ``token``'s rows begin with (the whole term, or its last
    word); ``extra``: more conditions on the rows. Each member is kept at one row: in a name without
    a repeated word, the term and the token occur once; else at the row where ``tail`` starts within
    the first occurrence of the term ("nguyen van nguyen" comes once for "nguyen").
    """
    name, word = _W + "name_norm", _W + "word"
    at = StrIndex(Concat(Value(" "), F(name)), Value(" " + term))  # 1-based in " " + name: 0 = nowhere
    row_at = Length(name) - Length(word) + 1 - (len(term) - len(tail))  # where the term starts, for this row
    conditions = Q(**{_W + "token": token}) & (Q(**{_W + "repeats": False}) | Q(Exact(at, row_at)))
    if tail != term:  # the token is the term's last word: the term must come before it
        conditions &= Q(GreaterThan(at, 0))
    elif " " in term:  # (a single word's one token: all its rows match)
        conditions &= _word_range(word, term, high)
    if extra is not None:
        conditions &= extra
    return qs.filter(conditions).order_by(_W + "given_name_norm", name, _W + "member_id")


def _word_range(field: str, term: str, high: str) -> Q:
    """``field`` in [term, high), tested on the rows of one token as they come out of the index.

    On PostgreSQL the upper bound is compared in the "C" collation (the byte order; the folded names
    are ASCII, so the same range), which no index serves and no histogram estimates: PostgreSQL badly
    underestimates a two-sided range inside one histogram bucket ("tran thi": 201 rows guessed,
    174 547 found at size L) and then read the whole range through the primary key and sorted it
    (1 s) instead of the token's rows in list order (3 ms). The lower bound alone is estimated well
    and stays an index condition (half the rows of a token never reach the filter)."""
    if connection.vendor != "postgresql":
        return Q(**{field + "__gte": term, field + "__lt": high})
    return Q(**{field + "__gte": term}) & Q(LessThan(Collate(F(field), "C"), Value(high)))


def _band(text: str) -> tuple[int | None, int | None]:
    """'31-40' → (31, 40); '71-' → (71, None); '' or garbage → (None, None)."""
    low, sep, high = (text or "").partition("-")
    try:
        return (int(low) if low else None), (int(high) if high else None)
    except ValueError:
        return None, None


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29/02
        return day.replace(year=day.year - years, day=28)


AGE_BANDS = [("18-30", "Đến 30 tuổi"), ("31-40", "31–40 tuổi"), ("41-50", "41–50 tuổi"), ("51-60", "51–60 tuổi"),
             ("61-70", "61–70 tuổi"), ("71-", "Trên 70 tuổi")]
PARTY_AGE_BANDS = [("0-9", "Dưới 10 năm"), ("10-19", "10–19 năm"), ("20-29", "20–29 năm"), ("30-39", "30–39 năm"),
                   ("40-49", "40–49 năm"), ("50-", "Từ 50 năm")]


def member_events(*, member: Member, include_voided: bool = True) -> QuerySet[MemberEvent]:
    qs = (MemberEvent.objects.filter(member=member).select_related("org", "target_org", "actor")
          .prefetch_related("attachments"))
    if not include_voided:
        qs = qs.filter(voided_at__isnull=True)
    return qs.order_by("on", "seq", "id")


@dataclass(frozen=True)
class DerivedFacts:
    """What the member page shows, computed from the events (never typed in)."""

    state: M.State
    status_label: str
    age_years: int
    party_age: M.PartyAge | None
    probation_end: dt.date | None
    next_badge: M.BadgeDue | None
    deadlines: list[M.Deadline]
    missing_documents: list[str]


def member_facts(*, member: Member, on: dt.date) -> DerivedFacts:
    history = services.history_of(member)
    state = M.state_on(history, on)
    years = on.year - member.birth_date.year - ((on.month, on.day) < (member.birth_date.month, member.birth_date.day))
    have = set(member.attachments.values_list("doc_type", flat=True))
    stage = "official" if state.status == M.Status.OFFICIAL else (
        "probationary" if state.status == M.Status.PROBATIONARY else "candidate")
    from .codes import DocumentType

    missing = [DocumentType(d).label for d in REQUIRED_DOCUMENTS[stage] if d not in have]
    return DerivedFacts(
        state=state,
        status_label=M.STATUS_LABELS.get(state.status, "—") if state.status else "—",
        age_years=years,
        party_age=M.party_age(history, on),
        probation_end=M.probation_end(history),
        next_badge=M.next_badge(history, on, services.lookup) if state.status == M.Status.OFFICIAL else None,
        deadlines=_deadlines(history, on, has_cv=DocumentType.MEMBER_CV in have),
        missing_documents=missing,
    )


def _deadlines(history, on: dt.date, *, has_cv: bool) -> list[M.Deadline]:
    """The engine's open deadlines, plus B-09's party CV while the CV is not on file."""
    deadlines = M.open_deadlines(history, on, services.lookup, services.calendar())
    cv = None if has_cv else M.party_cv_deadline(history, on, services.lookup, services.calendar())
    return sorted([*deadlines, cv] if cv else deadlines, key=lambda d: (d.due, d.code))


def cccd_display(*, actor, member: Member) -> str:
    return member.cccd if can_see_sensitive(actor) else member.cccd_masked


# Problems that no form input can cure today: the wizard says so before the user fills it in.
BLOCKING_CODES = frozenset({
    "status_not_allowed", "member_deceased", "awareness_certificate_missing", "awareness_certificate_expired",
    "cell_vote_missing", "cell_vote_not_passed", "committee_vote_missing", "recognition_vote_missing",
    "recognition_vote_not_passed", "recognition_vote_too_early", "transfer_not_pending", "transfer_already_pending",
    "temp_transfer_open", "temp_transfer_not_open", "exemption_already_active", "exemption_not_active",
    "readmission_limit", "readmission_never_official", "card_already_issued", "card_not_issued",
    "official_org_missing", "age_below_min", "education_insufficient", "badge_no_party_age",
    "screening_already_listed", "screening_not_listed",
})


def event_blockers(*, member: Member, kind: M.EventKind, on: dt.date) -> list[M.Problem]:
    """Why ``kind`` cannot be recorded for ``member`` on ``on`` whatever is typed in the wizard."""
    history = services.history_of(member)
    probe = M.Event(kind=kind, on=on, org=member.org_id,
                    target_org=member.transfer_to_id if kind == M.EventKind.TRANSFER_IN else None)
    problems = M.validate(history, probe, services.facts_of(member), services.lookup, services.calendar())
    if kind == M.EventKind.INTRODUCERS:
        problems = [p for p in problems if p.code != "introducers_missing"]
    return [p for p in problems if p.code in BLOCKING_CODES]


VOTE_KEYS = {M.EventKind.CELL_VOTE: ("admission.cell_vote_threshold", False),
             M.EventKind.COMMITTEE_VOTE: ("admission.committee_vote_threshold", True),
             M.EventKind.RECOGNITION_VOTE: ("recognition.cell_vote_threshold", False)}


def vote_failed(*, member: Member, kind: M.EventKind) -> bool:
    """Whether the member's latest vote of ``kind`` fell short of the threshold in force on its day."""
    if kind not in VOTE_KEYS:
        return False
    key, committee = VOTE_KEYS[kind]
    latest = [e for e in services.history_of(member) if e.kind == kind]
    if not latest:
        return False
    from tcxd.rules.pure.membership.common import vote_passed

    return vote_passed(services.lookup, latest[-1], key, committee) is False


def dossier_rows(*, actor, member: Member, kind: str) -> list[dict]:
    """The rows of one repeating part of the dossier (quá trình, gia đình) as field dicts, restricted
    fields masked for roles that may not see them. ``member`` comes from ``member_get`` (scoped)."""
    from .dossier_services import MASK, ROW_KINDS, SENSITIVE_ROW_FIELDS

    spec = ROW_KINDS[kind]
    hidden = set() if can_see_sensitive(actor) else SENSITIVE_ROW_FIELDS.get(kind, set())
    out = []
    for row in spec.model.objects.filter(member=member).order_by("pk"):
        values = {name: getattr(row, name) for name in spec.fields}
        for name in hidden:
            values[name] = MASK if values[name] else ""
        out.append({"id": row.pk, "kind": kind, "data": values})
    return out


@dataclass(frozen=True)
class FieldSourceRow:
    field: str  # the field's label, or "mọi trường" for a dossier created from the source
    source: str  # the source's label
    ref: str  # the import batch ("lô #12")
    at: object  # when


def field_sources(*, member: Member) -> list[FieldSourceRow]:
    """Which outside source last set the dossier's fields (imports, CSDL 3.0), for the dossier page; fields set in
    TCXD itself are not listed (a field corrected in TCXD after an import is listed as TCXD)."""
    from .models import ALL_FIELDS, FieldSource, MemberFieldSource

    labels = dict(FieldSource.choices)
    rows = []
    for r in MemberFieldSource.objects.filter(member=member).order_by("field"):
        label = ("mọi trường của hồ sơ khi tạo" if r.field == ALL_FIELDS
                 else str(Member._meta.get_field(r.field).verbose_name).capitalize())
        rows.append(FieldSourceRow(label, labels.get(r.source, r.source), r.ref, r.set_at))
    return sorted(rows, key=lambda r: (r.field != "mọi trường của hồ sơ khi tạo", r.field))
