"""Pure-Python generator of member dossiers, their events and the fee-ledger inputs, as raw rows.

The rows are what the validated bulk loader (``tcxd.members.bulk.members_bulk_load``) would write
for the same records: every event is one the lifecycle engine accepts after the ones before it
(``seq`` = position in the record, as the bulk loader numbers them), and the projection columns are
the engine's state at the end of the history (``bulk._member`` / ``lifecycle.project``). The engine is
not run here (that is what makes 200 000 members take seconds); ``tests/test_members_dataset.py``
replays a sample through ``tcxd.rules.pure.membership.validate`` / ``state_on`` instead.

Histories (``as_of`` = the day the dataset is built; nothing is dated after it):

* official members admitted before ``PIPELINE_FROM`` carry their admission as historical records
  (decision, ceremony, recognition; ``data["historical"]``), like ``tcxd.demo.members``; later ones went
  through the whole modern pipeline (candidate … recognition, 10 events). Then the card, and a party
  badge (Huy hiệu Đảng) at every milestone already reached (historical before ``REGISTRY_START``);
* probationary members: the pipeline up to a ceremony in the last 12 months (a few are overdue for
  recognition);
* candidates (not counted in the headcounts): the pipeline up to the background check, the cell vote
  or the admission decision, recent, so the work lists have admissions to follow up;
* now and then: a pending official transfer or a temporary transfer to the previous cell of the
  commune, an exemption for the very old, a reprimand;
* former members (``EXITS`` per official member): an official history ended by death or by striking off
  (xóa tên, on one of the usual grounds); their dossiers stay, they are not counted;
* one member with exactly ``PAGE_EVENTS`` events (the ``members.page`` benchmark).

Fee ledger inputs (``tcxd.fees``): a basis (group, base amount) for nearly every member, a second one
after a raise for some, and a few exemption/reduction decisions, as ``fee_basis_set`` and
``fee_decision_create`` would accept them.
"""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
import json
import random
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from tcxd.common.names import NameGenerator
from tcxd.common.text import fold
from tcxd.members.codes import AcademicTitle
from tcxd.members.namewords import top, word_rows
from tcxd.members.spells import ROW_FIELDS as SPELL_ROW
from tcxd.rules.pure.calendar import add_months
from tcxd.rules.pure.membership.types import EventKind, Status

K = EventKind
REGISTRY_START = dt.date(2016, 7, 25)  # QĐ 29-QĐ/TW: the oldest rule pack the registry holds
PIPELINE_FROM = dt.date(2022, 1, 1)  # the admission rule pack (HD 01-HD/TW, 28/9/2021) is complete after this
PAGE_EVENTS = 30
EXITS = 0.04  # former members (died, struck off) per official member of a cell
STRIKE_OFF_GROUNDS = ("a_quit_activities", "a_unpaid_fees", "c_no_progress", "d_two_years_violation")
MILESTONES = (30, 40, 45, 50, 55, 60, 65, 70, 75, 80)
OCCASIONS = ((2, 3), (5, 19), (9, 2), (11, 7))
REGIONAL_MIN_WAGES = (4_960_000, 4_410_000, 3_860_000, 3_450_000)
CARD_BASE = 20_000_000

MEMBER_FIELDS = (
    "id", "full_name", "name_norm", "given_name_norm", "sex", "birth_date", "birth_place", "hometown",
    "ethnicity", "religion", "cccd", "phone", "general_education", "professional_level", "political_theory",
    "occupation_group", "fee_group", "status", "org_id", "temporary_org_id", "transfer_to_id", "exempted",
    "card_no", "admitted_on", "ceremony_on", "official_on", "last_event_on", "created_at", "updated_at",
)
SENSITIVE_FIELDS = ("member_id",)
SPELL_FIELDS = ("id", *SPELL_ROW)
EVENT_FIELDS = ("id", "member_id", "kind", "on", "seq", "org_id", "target_org_id", "decision_no", "decision_date",
                "data", "created_at")
BASIS_FIELDS = ("id", "member_id", "valid_from", "group", "base_amount", "created_at")
DECISION_FIELDS = ("id", "member_id", "kind", "ground", "percent", "from_month", "to_month", "reason",
                   "decision_no", "decided_on", "created_at")

# Column positions in MEMBER_FIELDS / EVENT_FIELDS (used by the tests and the benchmarks).
M_COL = {name: i for i, name in enumerate(MEMBER_FIELDS)}
E_COL = {name: i for i, name in enumerate(EVENT_FIELDS)}

_ETHNICITIES = ("01", "02", "03", "06", "07", "04", "09", "05")  # Kinh, Tày, Thái, Mường, Nùng, Hoa, Dao, Khmer
_ETHNICITY_W = (86, 3, 3, 3, 2, 1, 1, 1)
_RELIGIONS = ("none", "phat_giao", "cong_giao", "tin_lanh")
_RELIGION_W = (90, 6, 3, 1)
_PROFESSIONAL = ("none", "so_cap", "trung_cap", "cao_dang", "dai_hoc", "thac_si", "tien_si")
_PROFESSIONAL_W = (12, 4, 18, 8, 45, 11, 2)
_THEORY = ("none", "so_cap", "trung_cap", "cao_cap", "cu_nhan")
_THEORY_W = (35, 40, 18, 6, 1)
_WORKING = ("can_bo_cong_chuc", "vien_chuc", "cong_nhan_lao_dong", "luc_luong_vu_trang", "quan_ly_doanh_nghiep")
_WORKING_W = (30, 30, 20, 12, 8)
_OTHER_JOBS = ("nong_dan", "khac")


def _d(day: dt.date, days: int) -> dt.date:
    return day + dt.timedelta(days=days)


def _occasion(reached: dt.date) -> dt.date:
    """First badge award occasion (3/2, 19/5, 2/9, 7/11) on or after ``reached``."""
    for year in (reached.year, reached.year + 1):
        for month, day in OCCASIONS:
            candidate = dt.date(year, month, day)
            if candidate >= reached:
                return candidate
    raise AssertionError("unreachable")  # pragma: no cover


@lru_cache(maxsize=1 << 18)
def _norms(full_name: str) -> tuple[str, str]:
    norm = fold(full_name)
    return norm, norm.split(" ")[-1]


@dataclass(slots=True)
class Ev:
    """One event of a record being built (the bulk loader's ``EventSpec``): ``kind`` is the
    ``EventKind`` value and ``data`` the JSON text of the data (``card`` repeats a card number)."""

    kind: str
    on: dt.date
    org: int | None
    target: int | None = None
    decision_no: str = ""
    decision_date: dt.date | None = None
    data: str = "{}"
    card: str = ""


def _json(data: dict) -> str:
    return json.dumps(data)


HISTORICAL = _json({"historical": True})
BADGE_DATA = {y: _json({"years": y, "reason": "normal"}) for y in MILESTONES}
BADGE_DATA_HISTORICAL = {y: _json({"years": y, "reason": "normal", "historical": True}) for y in MILESTONES}
OLD_AGE = _json({"reason": "Tuổi cao, sức khỏe yếu"})
REPRIMAND = _json({"form": "khien_trach", "reason": "Vi phạm quy định sinh hoạt đảng"})
AWAY = _json({"reason": "Đi làm ăn xa"})


def _card_data(card_no: str, historical: bool = False) -> str:
    return _json({"card_no": card_no, "historical": True} if historical else {"card_no": card_no})


@dataclass
class Projection:
    status: str | None = None
    org: int | None = None
    temporary_org: int | None = None
    transfer_to: int | None = None
    exempted: bool = False
    card_no: str = ""
    admitted_on: dt.date | None = None
    ceremony_on: dt.date | None = None
    official_on: dt.date | None = None
    last_event_on: dt.date | None = None


_PIPELINE_ONLY = frozenset(k.value for k in (
    K.AWARENESS_COURSE, K.APPLICATION, K.INTRODUCERS, K.BACKGROUND_CHECK, K.CELL_VOTE, K.RECOGNITION_VOTE,
    K.TEMP_EXEMPTION_START, K.TEMP_EXEMPTION_END, K.BADGE, K.DISCIPLINE))
_CANDIDATE, _DECISION, _CEREMONY, _RECOGNITION = K.CANDIDATE.value, K.ADMISSION_DECISION.value, \
    K.CEREMONY.value, K.RECOGNITION.value
_TRANSFER_OUT, _TRANSFER_CANCELLED = K.TRANSFER_OUT.value, K.TRANSFER_CANCELLED.value
_TEMP_OUT, _TEMP_RETURN = K.TEMP_TRANSFER_OUT.value, K.TEMP_TRANSFER_RETURN.value
_EXEMPTION_START, _EXEMPTION_END = K.EXEMPTION_START.value, K.EXEMPTION_END.value
_STRUCK_OFF, _DIED = K.STRUCK_OFF.value, K.DIED.value
_CARDS = frozenset((K.CARD_ISSUED.value, K.CARD_REPLACED.value))
_COUNTED = frozenset((Status.OFFICIAL.value, Status.PROBATIONARY.value))


def project(events: Iterable[Ev]) -> Projection:
    """The projection columns after ``events`` (in record order), for the kinds this module writes.
    Mirrors ``lifecycle.project`` over ``state_on``; the tests check the two agree."""
    p = Projection()
    last = None
    for e in events:
        k = e.kind
        if k in _PIPELINE_ONLY:
            pass
        elif k == _CANDIDATE:
            p.status, p.org = Status.CANDIDATE.value, e.org
        elif k == _DECISION:
            p.status = Status.ADMITTED.value
            p.org = p.org if p.org is not None else e.org
            if p.admitted_on is None:
                p.admitted_on = e.decision_date or e.on
        elif k == _CEREMONY:
            p.status, p.ceremony_on = Status.PROBATIONARY.value, e.on
        elif k == _RECOGNITION:
            p.status, p.official_on = Status.OFFICIAL.value, e.on
        elif k in _CARDS:
            p.card_no = e.card
        elif k == _TRANSFER_OUT:
            p.transfer_to = e.target
        elif k == _TRANSFER_CANCELLED:
            p.transfer_to = None
        elif k == _TEMP_OUT:
            p.temporary_org = e.target
        elif k == _TEMP_RETURN:
            p.temporary_org = None
        elif k in (_EXEMPTION_START, _EXEMPTION_END):
            p.exempted = k == _EXEMPTION_START
        elif k == _STRUCK_OFF:  # the engine's exit state: registered org only (no card, transfer, exemption)
            p.status, p.temporary_org, p.transfer_to, p.exempted, p.card_no = (Status.STRUCK_OFF.value, None, None,
                                                                               False, "")
        elif k == _DIED:  # the card is kept with the dossier
            p.status, p.temporary_org, p.transfer_to, p.exempted = Status.DECEASED.value, None, None, False
        else:
            raise ValueError(f"project(): event kind {k} is not generated here")
        if last is None or e.on > last:
            last = e.on
    p.last_event_on = last
    return p


def spells(events: list[Ev]) -> list[tuple]:
    """(first day, last day or None, org, status, exempted, temporary, party-age start) of every period
    the member is counted, for the kinds this module writes: mirrors ``members.spells.standings``
    (the tests check the two agree). An exit (struck off, died) ends the last period; nobody comes back, so
    party age runs from the admission decision, without gaps, once recognized."""
    out: list[list] = []
    status = org = admitted = None
    exempted = temporary = recognized = False
    order = sorted(range(len(events)), key=lambda i: (events[i].on, i))
    for n, i in enumerate(order):
        e = events[i]
        k = e.kind
        if k == _CANDIDATE:
            status, org = Status.CANDIDATE.value, e.org
        elif k == _DECISION:
            status = Status.ADMITTED.value
            org = org if org is not None else e.org
            admitted = admitted or e.decision_date or e.on
        elif k == _CEREMONY:
            status = Status.PROBATIONARY.value
        elif k == _RECOGNITION:
            status, recognized = Status.OFFICIAL.value, True
        elif k in (_TEMP_OUT, _TEMP_RETURN):
            temporary = k == _TEMP_OUT
        elif k in (_EXEMPTION_START, _EXEMPTION_END):
            exempted = k == _EXEMPTION_START
        elif k in (_STRUCK_OFF, _DIED):
            status = Status.STRUCK_OFF.value if k == _STRUCK_OFF else Status.DECEASED.value
            exempted = temporary = False
        if n + 1 < len(order) and events[order[n + 1]].on == e.on:
            continue  # the state at the end of the day counts
        standing = ((org, status, exempted, temporary, admitted if recognized else None)
                    if status in _COUNTED and org is not None else None)
        if out and out[-1][1] is None:
            if out[-1][2] == standing:
                continue
            out[-1][1] = e.on - dt.timedelta(days=1)
        if standing is not None:
            out.append([e.on, None, standing])
    return [(first, last, *standing) for first, last, standing in out]


@dataclass
class MemberRows:
    members: list[tuple] = field(default_factory=list)
    words: list[tuple] = field(default_factory=list)  # the name index (members.namewords.ROW_FIELDS)
    sensitive: list[tuple] = field(default_factory=list)
    events: list[tuple] = field(default_factory=list)
    spells: list[tuple] = field(default_factory=list)  # SPELL_FIELDS
    bases: list[tuple] = field(default_factory=list)
    decisions: list[tuple] = field(default_factory=list)


@dataclass
class MemberStats:
    by_status: Counter = field(default_factory=Counter)
    events: int = 0
    page_member: int | None = None  # id of the member with PAGE_EVENTS events

    @property
    def members(self) -> int:
        return sum(self.by_status.values())


class _Pool:
    """Weighted choice by one ``random()`` and a bisect (``random.choices`` is several times slower)."""

    __slots__ = ("items", "cum", "total")

    def __init__(self, items: tuple[str, ...], weights: tuple[float, ...]) -> None:
        self.items = items
        self.cum = tuple(itertools.accumulate(weights))
        self.total = self.cum[-1]

    def pick(self, rnd) -> str:
        return self.items[bisect.bisect(self.cum, rnd() * self.total)]


_ETHNICITY = _Pool(_ETHNICITIES, _ETHNICITY_W)
_RELIGION = _Pool(_RELIGIONS, _RELIGION_W)
_PROF = _Pool(_PROFESSIONAL, _PROFESSIONAL_W)
_POL = _Pool(_THEORY, _THEORY_W)
_JOB = _Pool(_WORKING, _WORKING_W)


class MemberGenerator:
    """Appends the member rows of one cell at a time (``cell``) to a ``MemberRows``-like target.

    Its own random stream: the org tree is the same with or without members.
    """

    def __init__(self, *, seed: int, stamp: object, as_of: dt.date) -> None:
        self.rng = random.Random(f"members-{seed}")
        self.rnd = self.rng.random
        self.names = NameGenerator(f"member-names-{seed}")
        self.stamp = stamp
        self.as_of = as_of
        self.ledger_start = add_months(as_of.replace(day=1), -9)  # first month of the fee ledger
        self.stats = MemberStats()
        self._next_id = 1
        self._serial_no = itertools.count(1)
        self._event_ids = itertools.count(1)
        self._spell_ids = itertools.count(1)
        self._basis_ids = itertools.count(1)
        self._decision_ids = itertools.count(1)
        self._serials: dict[str, int] = {}
        self.birth_code, self.place, self.slot = "001", "Hà Nội", 0
        self.slots: dict[str, int] = {}  # the name index's slot of each province's top (``MemberNameSlot``)
        years = list(range(1955, as_of.year - 1))
        weights = [0.15 if y < 1965 else 0.5 if y < 1975 else 1.0 if y < 1990 else 1.4 if y < 2022 else 2.2
                   for y in years]
        self._years = years
        self._year_cum = list(itertools.accumulate(weights))

    def province(self, code: str, name: str, path: str = "") -> None:
        """The province whose cells come next: birth registration code of most CCCDs, places of birth,
        the slot of the top of its orgs' paths (the name index's scope columns; transfers stay in the commune)."""
        self.birth_code = f"{int(code):03d}" if code.isdigit() and 1 <= int(code) <= 96 else "001"
        self.place = name
        self.slot = self.slots.setdefault(top(path), len(self.slots) + 1) if path else 0

    def _int(self, low: int, high: int) -> int:
        """Uniform in [low, high] (``randint`` costs several times more)."""
        return low + int(self.rnd() * (high - low + 1))

    def _day(self, year: int) -> dt.date:
        return dt.date(year, self._int(1, 12), self._int(1, 28))

    # -- one cell --------------------------------------------------------------------------------
    def cell(self, out: MemberRows, org: int, official: int, probationary: int, *, sibling: int | None) -> None:
        """``official`` + ``probationary`` members of cell ``org`` (its headcount) and now and then a
        candidate. ``sibling``: another cell of the same commune, the target of transfers (None: none)."""
        for i in range(official):
            if i == 0 and sibling is not None and self.stats.page_member is None and official >= 2:
                self._emit(out, *self._page_member(org, sibling))
                continue
            birth, events = self._official(org)
            if i == 0 and sibling is not None:
                self._move(events, org, sibling)
            self._emit(out, birth, events)
        for _ in range(probationary):
            self._emit(out, *self._probationary(org))
        for _ in range(int(official * EXITS + self.rnd())):  # former members: their dossiers stay
            self._emit(out, *self._former(org))
        if self.rnd() < 0.2:
            stage = ("background", "cell_vote", "decision")[self._int(0, 2)]
            self._emit(out, *self._candidate(org, stage, official))

    # -- histories -------------------------------------------------------------------------------
    def _pipeline(self, org: int, start: dt.date, until: str, summoned: int) -> list[Ev]:
        """The modern admission pipeline (timings of ``tcxd.demo.members``): candidate … recognition."""
        serial = next(self._serial_no)
        yes = summoned - self._int(0, summoned // 4)
        vote = _json({"summoned_official": summoned, "temp_transferred_out": 0, "exempted_absent": 0, "yes": yes,
                      "ballot_round": 1})
        people = [{"name": self.names.person().full, "official": True, "months_together": self._int(12, 60)}
                  for _ in range(2)]
        ev = [Ev(_CANDIDATE, start, org),
              Ev(K.AWARENESS_COURSE.value, _d(start, 15), org, data=_json({"certificate_no": f"NT-{serial}"})),
              Ev(K.APPLICATION.value, _d(start, 30), org),
              Ev(K.INTRODUCERS.value, _d(start, 32), org, data=_json({"introducers": people})),
              Ev(K.BACKGROUND_CHECK.value, _d(start, 50), org)]
        if until == "background":
            return ev
        ev.append(Ev(K.CELL_VOTE.value, _d(start, 70), org, data=vote))
        if until == "cell_vote":
            return ev
        decision = _d(start, 95)
        ev.append(Ev(_DECISION, decision, org, decision_no=f"{serial}-QĐ/ĐU", decision_date=decision))
        if until == "decision":
            return ev
        ceremony = _d(decision, 12)
        ev.append(Ev(_CEREMONY, ceremony, org))
        if until == "ceremony":
            return ev
        end = add_months(ceremony, 12)
        ev.append(Ev(K.RECOGNITION_VOTE.value, _d(end, 8), org, data=vote))
        ev.append(Ev(_RECOGNITION, end, org, decision_no=f"{serial}-QĐ/ĐU", decision_date=_d(end, 25)))
        return ev

    def _historical(self, org: int, decision: dt.date) -> list[Ev]:
        """An admission copied from the paper dossier (as ``tcxd.demo.members``)."""
        serial = next(self._serial_no)
        ceremony = _d(decision, 20)
        end = add_months(ceremony, 12)
        return [Ev(_DECISION, decision, org, decision_no=f"{serial}-QĐ", decision_date=decision, data=HISTORICAL),
                Ev(_CEREMONY, ceremony, org, data=HISTORICAL),
                Ev(_RECOGNITION, end, org, decision_no=f"{serial}-QĐ", decision_date=_d(end, 30), data=HISTORICAL)]

    def _card_and_badges(self, org: int, events: list[Ev], admitted: dt.date, official_on: dt.date,
                         card_no: str) -> None:
        last = max(e.on for e in events)
        card_day = min(max(_d(official_on, self._int(30, 150)), last), self.as_of)
        events.append(Ev(K.CARD_ISSUED.value, card_day, org, decision_no=f"T-{card_no}",
                         data=_card_data(card_no, card_day < REGISTRY_START), card=card_no))
        for years in MILESTONES:
            occasion = _occasion(add_months(admitted, 12 * years))
            if occasion > self.as_of:
                break
            if occasion < card_day:
                continue
            data = (BADGE_DATA_HISTORICAL if occasion < REGISTRY_START else BADGE_DATA)[years]
            events.append(Ev(K.BADGE.value, occasion, org, decision_no=f"HH-{years}-{card_no}", data=data))

    def _after(self, events: list[Ev], days: int) -> dt.date:
        return min(_d(max(e.on for e in events), days), self.as_of)

    def _official(self, org: int) -> tuple[dt.date, list[Ev]]:
        year = self._years[bisect.bisect(self._year_cum, self.rnd() * self._year_cum[-1])]
        if year >= PIPELINE_FROM.year:
            start = self._day(year)
            if add_months(start, 19) > self.as_of:
                start = _d(add_months(self.as_of, -19), -self._int(0, 120))
            birth = self._day(start.year - self._int(20, 35))
            events = self._pipeline(org, start, "recognition", self._int(5, 20))
            admitted, official_on = events[6].on, events[-1].on
        else:
            birth = self._day(year - self._int(18, 32))
            admitted = self._day(year)
            events = self._historical(org, admitted)
            official_on = events[-1].on
        member_id = self._next_id
        self._card_and_badges(org, events, admitted, official_on, str(CARD_BASE + member_id))
        if self.as_of.year - birth.year >= 80 and self.rnd() < 0.5:
            events.append(Ev(_EXEMPTION_START, self._after(events, 200), org, data=OLD_AGE))
        elif self.rnd() < 0.006:
            events.append(Ev(K.DISCIPLINE.value, self._after(events, 60), org, decision_no=f"KL-{member_id}",
                             data=REPRIMAND))
        return birth, events

    def _former(self, org: int) -> tuple[dt.date, list[Ev]]:
        """An official member who has since died or been struck off (B-19, B-20), some years ago or lately, at the
        latest the day before ``as_of`` (counted until the day before the exit: still counted yesterday, a
        figure the restructuring benchmarks read, would differ from today's)."""
        for _ in range(20):  # a history that ends at least two days back (nearly every one)
            birth, events = self._official(org)
            last = max(e.on for e in events)
            if last < _d(self.as_of, -1):
                break
        on = max(last, min(_d(last, self._int(30, 4000)), _d(self.as_of, -1)))
        if self.as_of.year - birth.year >= 60 or self.rnd() < 0.5 or any(e.kind == _EXEMPTION_START for e in events):
            events.append(Ev(_DIED, on, org))
        else:
            ground = STRIKE_OFF_GROUNDS[self._int(0, len(STRIKE_OFF_GROUNDS) - 1)]
            events.append(Ev(_STRUCK_OFF, on, org, decision_no=f"XT-{self._int(1, 9999)}", decision_date=on,
                             data=_json({"exit_ground": ground})))
        return birth, events

    def _move(self, events: list[Ev], org: int, sibling: int) -> None:
        """Now and then the first official of a cell is being transferred to ``sibling``."""
        roll = self.rnd()
        last = max(e.on for e in events)
        if roll < 1 / 13:  # official transfer, waiting for the receiver (some long overdue)
            sent = _d(self.as_of, -self._int(5, 130))
            if sent > last:
                events.append(Ev(_TRANSFER_OUT, sent, org, target=sibling, decision_no=f"GT-{self._int(1, 9999)}"))
        elif roll < 1 / 13 + 1 / 19:  # temporary transfer (work or study elsewhere for a few months)
            sent = _d(self.as_of, -self._int(5, 200))
            if sent > last:
                events.append(Ev(_TEMP_OUT, sent, org, target=sibling, decision_no=f"GTT-{self._int(1, 9999)}"))

    def _probationary(self, org: int) -> tuple[dt.date, list[Ev]]:
        back = self._int(366, 430) if self.rnd() < 0.03 else self._int(7, 360)
        start = _d(self.as_of, -back - 107)  # the ceremony falls ``back`` days ago
        birth = self._day(start.year - self._int(19, 40))
        return birth, self._pipeline(org, start, "ceremony", self._int(5, 20))

    def _candidate(self, org: int, stage: str, official: int) -> tuple[dt.date, list[Ev]]:
        start = _d(self.as_of, -(120 if stage in ("decision", "cell_vote") else 60) - self._int(0, 20))
        birth = self._day(start.year - self._int(19, 35))
        return birth, self._pipeline(org, start, stage, max(official, 3))

    def _page_member(self, org: int, sibling: int) -> tuple[dt.date, list[Ev]]:
        """Exactly PAGE_EVENTS events: a 1978 admission, card, badges, and years of temporary
        transfers, leaves and cancelled transfers, ending official at ``org`` with nothing open."""
        admitted = self._day(1978)
        events = self._historical(org, admitted)
        card = str(CARD_BASE + self._next_id)
        self._card_and_badges(org, events, admitted, events[-1].on, card)
        badges = [e for e in events if e.kind == K.BADGE.value and e.on >= REGISTRY_START]
        events = [e for e in events if e not in badges]
        day, turn, replaced = dt.date(2017, 1, 10), 0, 0
        spans = {0: lambda d: add_months(d, 4), 1: lambda d: add_months(d, 3), 2: lambda d: _d(d, 20),
                 3: lambda d: d}
        while len(events) + len(badges) < PAGE_EVENTS:
            room = PAGE_EVENTS - len(events) - len(badges)
            kind = turn % 3 if room >= 2 else 3
            end = spans[kind](day)
            if badges and badges[0].on <= end:  # a badge falls here: award it first, then go on
                events.append(badges.pop(0))
                day = max(day, add_months(events[-1].on, 1))
                continue
            turn += 1
            if kind == 0:
                events += [Ev(_TEMP_OUT, day, org, target=sibling, decision_no=f"GTT-{turn}",
                              data=_json({"until": end.isoformat()})),
                           Ev(_TEMP_RETURN, end, org)]
            elif kind == 1:
                events += [Ev(K.TEMP_EXEMPTION_START.value, day, org, data=AWAY),
                           Ev(K.TEMP_EXEMPTION_END.value, end, org)]
            elif kind == 2:
                events += [Ev(_TRANSFER_OUT, day, org, target=sibling, decision_no=f"GT-{turn}"),
                           Ev(_TRANSFER_CANCELLED, end, org)]
            else:
                replaced += 1
                new_card = f"{card}{replaced}"
                events.append(Ev(K.CARD_REPLACED.value, day, org, decision_no=f"CT-{replaced}",
                                 data=_card_data(new_card), card=new_card))
            day = add_months(end, 1)
        events += badges  # still to come: after every event placed
        if len(events) != PAGE_EVENTS or max(e.on for e in events) > self.as_of:
            raise AssertionError("the page member's history does not fit before the dataset date")
        self.stats.page_member = self._next_id
        return self._day(1956), events

    # -- rows ------------------------------------------------------------------------------------
    def _cccd(self, birth: dt.date, sex: str) -> str:
        """Birth registration province (3) + century/sex (1) + year (2) + serial (6), unique."""
        region = self.birth_code if self.rnd() < 0.8 else f"{self._int(1, 96):03d}"
        century = ("0", "1") if birth.year < 2000 else ("2", "3")
        prefix = f"{region}{century[0] if sex == 'M' else century[1]}{birth.year % 100:02d}"
        n = self._serials.get(prefix, 0)
        if n >= 1_000_000:
            raise OverflowError(f"more than a million CCCDs with prefix {prefix}")
        self._serials[prefix] = n + 1
        return f"{prefix}{(n * 7919 + 104_729) % 1_000_000:06d}"  # a bijection of 0..999999: irregular, unique

    def _emit(self, out: MemberRows, birth: dt.date, events: list[Ev]) -> None:
        rnd = self.rnd
        member_id = self._next_id
        self._next_id += 1
        p = project(events)
        person = self.names.person()
        name_norm, given = _norms(person.full)
        fee_group, occupation = self._fee_group(birth, person.sex)
        stamp = self.stamp
        ethnicity, religion = _ETHNICITY.pick(rnd), _RELIGION.pick(rnd)
        cccd, phone = self._cccd(birth, person.sex), f"09{self._int(10_000_000, 99_999_999)}"
        education, professional, theory = "thpt" if rnd() < 0.92 else "thcs", _PROF.pick(rnd), _POL.pick(rnd)
        out.members.append((
            member_id, person.full, name_norm, given, person.sex, birth, self.place, self.place,
            ethnicity, religion, cccd, phone, education, professional, theory, occupation, fee_group, p.status,
            p.org, p.temporary_org, p.transfer_to, p.exempted, p.card_no, p.admitted_on, p.ceremony_on,
            p.official_on, p.last_event_on, stamp, stamp,
        ))
        dossier = (person.sex, birth, ethnicity, religion, education, professional, AcademicTitle.NONE.value,
                   theory, occupation)
        out.spells.extend((next(self._spell_ids), member_id, *spell, *dossier) for spell in spells(events))
        slots = (self.slot if p.org else 0, self.slot if p.temporary_org else 0, self.slot if p.transfer_to else 0)
        out.words.extend(word_rows(member_id, name_norm, given, slots))
        out.sensitive.append((member_id,))
        ids = self._event_ids
        out.events.extend((next(ids), member_id, e.kind, e.on, seq, e.org, e.target, e.decision_no, e.decision_date,
                           e.data, stamp) for seq, e in enumerate(events))
        self.stats.by_status[p.status] += 1
        self.stats.events += len(events)
        if p.status in _COUNTED:
            self._fees(out, member_id, fee_group, birth, p.ceremony_on)

    def _fee_group(self, birth: dt.date, sex: str) -> tuple[str, str]:
        age = self.as_of.year - birth.year
        roll = self.rnd()
        if age >= (61 if sex == "M" else 57):
            return ("pension", "huu_tri") if roll < 0.75 else ("other", "huu_tri")
        if age <= 23 and roll < 0.5:
            return "student", "hoc_sinh_sinh_vien"
        if roll < 0.62:
            return "salary", _JOB.pick(self.rnd)
        if roll < 0.64:
            return "insurance_allowance", _JOB.pick(self.rnd)
        if roll < 0.99:
            return "other", _OTHER_JOBS[self._int(0, 1)]
        return "abroad", "khac"

    def _fees(self, out: MemberRows, member_id: int, group: str, birth: dt.date, ceremony: dt.date | None) -> None:
        """Basis rows (``fee_basis_set``: from a month the person is a member, not in the future) and the
        odd exemption/reduction decision (``fee_decision_create``: hardship ≤ 12 months)."""
        rnd = self.rnd
        first = max(self.ledger_start, ceremony.replace(day=1) if ceremony else self.ledger_start)
        stamp = self.stamp
        if group == "student":
            if rnd() < 0.5:
                out.bases.append((next(self._basis_ids), member_id, first, group, None, stamp))
        elif group != "abroad" and rnd() < 0.97:
            if group == "salary":
                base = self._int(5_000, 35_000) * 1_000
            elif group == "pension":
                base = self._int(3_500, 15_000) * 1_000
            elif group == "insurance_allowance":
                base = self._int(3_000, 9_000) * 1_000
            else:
                base = REGIONAL_MIN_WAGES[self._int(0, len(REGIONAL_MIN_WAGES) - 1)]
            out.bases.append((next(self._basis_ids), member_id, first, group, base, stamp))
            if group == "salary" and rnd() < 0.08:
                raised = add_months(first, self._int(1, 6))
                if raised <= self.as_of:
                    out.bases.append((next(self._basis_ids), member_id, raised, group, base * 107 // 100, stamp))
        roll = rnd()
        if roll >= 0.019:
            return
        if group in ("other", "pension") and roll < 0.012:
            start = add_months(self.ledger_start, self._int(0, 8))
            self._decision(out, member_id, "reduce", "hardship", (30, 50, 70)[self._int(0, 2)], start,
                           add_months(start, self._int(2, 11)), "Hộ nghèo theo chuẩn nghèo đa chiều")
        elif group == "other" and roll < 0.016 and self.as_of.year - birth.year >= 75:
            self._decision(out, member_id, "exempt", "social_pension", 100, self.ledger_start, None,
                           "Hưởng trợ cấp hưu trí xã hội")
        else:
            start = add_months(self.ledger_start, self._int(0, 8))
            self._decision(out, member_id, "exempt", "hardship", 100, start, add_months(start, 5),
                           "Ốm đau nặng, điều trị dài ngày")

    def _decision(self, out: MemberRows, member_id: int, kind: str, ground: str, percent: int, start: dt.date,
                  end: dt.date | None, reason: str) -> None:
        decided = min(_d(start, -self._int(3, 20)), self.as_of)
        out.decisions.append((next(self._decision_ids), member_id, kind, ground, percent, start, end, reason,
                              f"{member_id}-QĐ/ĐU", decided, self.stamp))
