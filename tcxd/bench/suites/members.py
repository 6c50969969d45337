"""Benchmarks of the members context, as a provincial officer sees it, and their raw-SQL floors.

* ``members.search.*``: GET /api/members?q=… with a bearer token (accent-insensitive prefix search of
  the full name, the given name or a word sequence inside the name);
* ``members.page``: the events tab of the member page of the member with ``PAGE_EVENTS`` events;
* ``members.worklist``: the officer's work lists page (/viec-can-lam/).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.db import connection
from django.test import Client
from django.utils import timezone
from django.utils.html import escape

from tcxd.authz.models import ApiToken, Role, User
from tcxd.authz.services import api_token_create
from tcxd.common.paths import STEPLEN, path_range
from tcxd.common.text import fold
from tcxd.members import lifecycle
from tcxd.members import worklist_queries as WQ
from tcxd.members import worklists as W
from tcxd.members.models import Member, MemberEvent, MemberNameWord
from tcxd.members.namewords import scope_slots
from tcxd.members.selectors import name_plan
from tcxd.members.worklists import worklist
from tcxd.orgs.models import Org
from tcxd.rules.pure import membership as M
from tcxd.rules.pure.calendar import add_months

from ..dataset import BENCH_USER_PREFIX, dataset_info
from ..membergen import PAGE_EVENTS
from ..runner import Benchmark
from .orgs import _client_host, biggest_province

OFFICER_USERNAME = f"{BENCH_USER_PREFIX}officer"
SEARCH_LIMIT = 50  # the API's default page; it fetches one row more to know whether there is a next page
# name → what the officer types: a full-name prefix, a word inside the name, a given name with its
# accents, a rare surname (few hits: the index is walked far before 50 are found).
SEARCHES = {"nguyen_van": "nguyen van", "thi_h": "thi h", "hung": "Hùng", "quach": "quach"}
ACTIVE = (M.Status.CANDIDATE, M.Status.ADMITTED, M.Status.PROBATIONARY, M.Status.OFFICIAL)

_T = {"m": Member._meta.db_table, "e": MemberEvent._meta.db_table, "o": Org._meta.db_table}
# Scope of an officer of one org: the official org, the host of a temporary transfer or the receiver
# of a pending transfer lies in the subtree (members.selectors.member_queryset).
JOIN_SCOPE = """
FROM {m} m JOIN {o} o ON o.id = m.org_id
LEFT JOIN {o} t ON t.id = m.temporary_org_id LEFT JOIN {o} x ON x.id = m.transfer_to_id""".format(**_T)
WHERE_SCOPE = "(o.path >= %s AND o.path < %s OR t.path >= %s AND t.path < %s OR x.path >= %s AND x.path < %s)"
ACTIVE_SQL = "m.status IN ({})".format(", ".join(f"'{s.value}'" for s in ACTIVE))
ROW_COLUMNS = ("m.id, m.full_name, m.sex, m.birth_date, m.status, m.org_id, m.temporary_org_id, m.transfer_to_id, "
               "m.admitted_on, m.official_on")
NAME_MATCH = ("(m.name_norm >= %s AND m.name_norm < %s OR m.given_name_norm >= %s AND m.given_name_norm < %s "
              "OR m.name_norm LIKE %s)")
ORDER = "ORDER BY m.given_name_norm, m.name_norm, m.id"
SQL_SEARCH_OR = (f"SELECT {ROW_COLUMNS} {JOIN_SCOPE} WHERE {WHERE_SCOPE} AND {NAME_MATCH} AND {ACTIVE_SQL} "
                 f"{ORDER} LIMIT %s")
ON = '"on"'  # MemberEvent.on: a reserved word
SQL_MEMBER = f"""
SELECT m.*, o.*, t.*, x.* {JOIN_SCOPE} WHERE m.id = %s AND {WHERE_SCOPE}"""
SQL_EVENTS = """
SELECT e.id, e.kind, e.{on}, e.seq, e.decision_no, e.decision_date, e.data, e.voided_at, eo.name, et.name
FROM {e} e LEFT JOIN {o} eo ON eo.id = e.org_id LEFT JOIN {o} et ON et.id = e.target_org_id
WHERE e.member_id = %s ORDER BY e.{on}, e.seq, e.id""".format(on=ON, **_T)
SQL_HISTORIES = """
SELECT member_id, kind, {on}, seq, org_id, target_org_id, decision_no, decision_date, data FROM {e}
WHERE member_id IN ({{ids}}) AND voided_at IS NULL ORDER BY member_id, {on}, seq, id""".format(on=ON, **_T)
# Work-list shortlists (members.worklist_queries): candidates (or readmissions) after a cell vote, admitted,
# probation ending by the look-ahead or voted on since the ceremony, pending transfers; official members
# whose admission decision (dated in a badge window, or signed on another day) or exit puts a badge on
# the next occasion. Uncut.
def _live_event(kind: str, extra: str = "") -> str:
    return (f"EXISTS (SELECT 1 FROM {_T['e']} e WHERE e.member_id = m.id AND e.kind = '{kind}' "
            f"AND e.voided_at IS NULL{extra})")


SHORTLIST_BRANCHES = (
    f"m.status = 'candidate' AND {_live_event('cell_vote')}",
    f"m.status IN ('struck_off', 'expelled', 'left') AND {_live_event('cell_vote')}",
    "m.status = 'admitted'",
    f"m.status = 'probationary' AND (m.ceremony_on <= %s "
    f"OR {_live_event('recognition_vote', f' AND e.{ON} >= m.ceremony_on')})",
    "m.transfer_to_id IS NOT NULL AND m.status IN ('probationary', 'official')",
    "m.temporary_org_id IS NOT NULL AND m.status IN ('probationary', 'official')",
    f"m.status IN ('probationary', 'official') AND {_live_event('screening_vote', f' AND e.{ON} <= %s')}",
)
SQL_SHORTLIST_OR = (f"SELECT m.id {JOIN_SCOPE} WHERE {WHERE_SCOPE} AND ("
                    + " OR ".join(f"({b})" for b in SHORTLIST_BRANCHES) + ")")
SQL_SHORTLIST_UNION = (f"SELECT m.id {JOIN_SCOPE} WHERE {WHERE_SCOPE} AND m.id IN ("
                       + " UNION ".join(f"SELECT m.id FROM {_T['m']} m WHERE {b}" for b in SHORTLIST_BRANCHES)
                       + ")")
SQL_HISTORIES = """
SELECT member_id, kind, {on}, seq, org_id, target_org_id, decision_no, decision_date, data FROM {e}
WHERE member_id IN ({{ids}}) AND voided_at IS NULL ORDER BY member_id, {on}, seq, id""".format(on=ON, **_T)


def _scope_params(org: Org) -> list[str]:
    return [*path_range(org.path)] * 3


def _run_sql(fn: Callable[..., object], *args: object) -> Callable[[], object]:
    def run() -> object:
        with connection.cursor() as cursor:
            return fn(cursor, *args)
    return run


# -- the officer -----------------------------------------------------------------------------------
def bench_officer(org: Org, username: str = OFFICER_USERNAME, full_name: str = "Chuyên viên đo hiệu năng") -> User:
    """An organization-commission officer (read and write) of ``org``."""
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(username=username, full_name=full_name, role=Role.OFFICER, org=org)
        user.set_unusable_password()
        user.save()
    elif (user.org_id, user.role, user.is_active) != (org.id, Role.OFFICER, True):
        user.org, user.role, user.is_active = org, Role.OFFICER, True
        user.save(update_fields=["org", "role", "is_active"])
    return user


def bench_token(user: User) -> str:
    """A fresh bearer token (the previous benchmark run's ones are deleted)."""
    ApiToken.objects.filter(user=user, name="bench").delete()
    key, _ = api_token_create(actor=user, user=user, name="bench")
    return key


def officer_client(org: Org) -> tuple[User, Client]:
    user = bench_officer(org)
    client = Client(HTTP_HOST=_client_host())
    client.force_login(user)
    return user, client


def _get(client: Client, name: str, url: str, **extra) -> object:
    response = client.get(url, **extra)
    if response.status_code != 200:
        raise AssertionError(f"{name}: GET {url} gave {response.status_code}")
    return response


# -- members.search ----------------------------------------------------------------------------------
def search_bounds(text: str) -> tuple[str, str]:
    """The folded term and the upper end of its prefix range (as members.selectors.member_search)."""
    term = fold(text)
    return term, term[:-1] + chr(ord(term[-1]) + 1)


def _search_or(cursor, org_path_params: list[str], text: str) -> list[int]:
    term, high = search_bounds(text)
    cursor.execute(SQL_SEARCH_OR, [*org_path_params, term, high, term, high, f"% {term}%", SEARCH_LIMIT + 1])
    return [r[0] for r in cursor.fetchall()][:SEARCH_LIMIT]


# The word-start index (MemberNameWord) read as members.selectors.name_plan decides: the rows of one
# token in list order, the scope tested on the rows' slots, joined to their members until the page is
# full. ``{match}``: the plan's conditions on the rows; the first occurrence of the term (at %s) keeps
# one row per member.
_W = MemberNameWord._meta.db_table
SQL_SEARCH_WORDS = (
    f"SELECT {ROW_COLUMNS} "
    + JOIN_SCOPE.replace(f"FROM {_T['m']} m", f"FROM {_W} w JOIN {_T['m']} m ON m.id = w.member_id")
    + " WHERE w.token = %s AND {match} AND (w.org_slot IN ({slots}) OR w.temporary_slot IN ({slots}) "
    "OR w.transfer_slot IN ({slots}))"
    + f" AND (NOT w.repeats OR {{strpos}}(' ' || w.name_norm, %s) = "
    "length(w.name_norm) - length(w.word) + 1 - %s) "
    f"AND {WHERE_SCOPE} AND {ACTIVE_SQL} ORDER BY w.given_name_norm, w.name_norm, w.member_id LIMIT %s")
SQL_SEARCH_IDS = (f"SELECT {ROW_COLUMNS} {JOIN_SCOPE} WHERE m.id IN ({{ids}}) AND {WHERE_SCOPE} AND {ACTIVE_SQL} "
                  f"{ORDER} LIMIT %s")
SQL_SEARCH_GIVEN = (f"SELECT {ROW_COLUMNS} {JOIN_SCOPE} WHERE m.given_name_norm >= %s AND m.given_name_norm < %s "
                    f"AND {WHERE_SCOPE} AND {ACTIVE_SQL} {ORDER} LIMIT %s")


def _search_words(cursor, org_path_params: list[str], text: str) -> list[int]:
    """``org_path_params``: the scope's path range, three times (a province: also the slots of its tops)."""
    term, high = search_bounds(text)
    slots = scope_slots(org_path_params[0]) or [0]
    plan = name_plan(term)
    limit = SEARCH_LIMIT + 1
    if plan.kind == "walk":
        return _search_or(cursor, org_path_params, text)
    if plan.kind == "ids":
        if not plan.ids:
            return []
        cursor.execute(SQL_SEARCH_IDS.format(ids=", ".join(["%s"] * len(plan.ids))),
                       [*plan.ids, *org_path_params, limit])
    elif plan.kind == "given":
        cursor.execute(SQL_SEARCH_GIVEN, [term, high, *org_path_params, limit])
    else:
        strpos = "strpos" if connection.vendor == "postgresql" else "instr"
        last = term.rpartition(" ")[2]
        if plan.kind == "given_block":
            match, params = ("w.word >= %s AND w.word < %s AND w.given_name_norm >= %s AND w.given_name_norm < %s",
                             [term, high, *search_bounds(last)])
        elif plan.tail != term:
            match, params = f"{strpos}(' ' || w.name_norm, %s) > 0", [f" {term}"]
        elif " " in term:
            match, params = "w.word >= %s AND w.word < %s", [term, high]
        else:
            match, params = "1 = 1", []
        marks = ", ".join(["%s"] * len(slots))
        cursor.execute(SQL_SEARCH_WORDS.format(match=match, strpos=strpos, slots=marks),
                       [plan.token, *params, *slots * 3, f" {term}", len(term) - len(plan.tail), *org_path_params,
                        limit])
    return [r[0] for r in cursor.fetchall()][:SEARCH_LIMIT]


# (The old plans, one OR over the member columns or a UNION of the three ways of matching, walked
# most of the members at size L: seconds, and each run flushed the caches of the others.)
SEARCH_FLOORS = {"words": _search_words}


def search(name: str, text: str) -> Benchmark:
    province = biggest_province()
    user = bench_officer(province)
    key = bench_token(user)
    client = Client(HTTP_HOST=_client_host(), HTTP_AUTHORIZATION=f"Bearer {key}")
    url = "/api/members"
    params = {"q": text, "limit": SEARCH_LIMIT}
    bench_name = f"members.search.{name}"
    expected = [row["id"] for row in _get(client, bench_name, url, data=params).json()["items"]]

    def run() -> None:
        _get(client, bench_name, url, data=params)

    scope = _scope_params(province)
    floors = {label: _run_sql(fn, scope, text) for label, fn in SEARCH_FLOORS.items()}
    return Benchmark(bench_name, len(expected), run, floors, expected)


def _search_factory(name: str, text: str) -> Callable[[], Benchmark]:
    def factory() -> Benchmark:
        return search(name, text)
    return factory


SEARCH_BENCHMARKS = {f"members.search.{name}": _search_factory(name, text) for name, text in SEARCHES.items()}


# -- members.page ------------------------------------------------------------------------------------
def page_member() -> Member:
    """The dataset's member with PAGE_EVENTS events (from the marker; else the first one found)."""
    member_id = dataset_info().get("page_member", "")
    if member_id.isdigit():
        return Member.objects.get(pk=int(member_id))
    from django.db.models import Count

    row = (MemberEvent.objects.values("member_id").annotate(n=Count("id")).filter(n=PAGE_EVENTS)
           .order_by("member_id").first())
    if row is None:
        raise LookupError(f"members.page: no member with {PAGE_EVENTS} events (dataset built without members?)")
    return Member.objects.get(pk=row["member_id"])


def _page_floor(cursor, scope: list[str], member_id: int) -> tuple[int, list[int]]:
    cursor.execute(SQL_MEMBER, [member_id, *scope])
    row = cursor.fetchone()
    cursor.execute(SQL_EVENTS, [member_id])
    return row[0], [r[0] for r in cursor.fetchall()]


def page() -> Benchmark:
    member = page_member()
    # the officer of the member's own province (at L it need not be the biggest one)
    province = Org.objects.get(path=member.org.path[:2 * STEPLEN])
    _, client = officer_client(province)
    url = f"/dang-vien/{member.pk}/?tab=su-kien"
    body = _get(client, "members.page", url).content.decode()
    if escape(member.full_name) not in body:
        raise AssertionError(f"members.page: GET {url} is not the page of {member.full_name}")

    def run() -> None:
        _get(client, "members.page", url)

    events = list(MemberEvent.objects.filter(member=member).order_by("on", "seq", "id").values_list("id", flat=True))
    floors = {"two_queries": _run_sql(_page_floor, _scope_params(province), member.pk)}
    return Benchmark("members.page", len(events), run, floors, (member.pk, events))


# -- members.worklist --------------------------------------------------------------------------------
# (deadline shortlist ids, the live events of those members, badge shortlist ids): what a first visit
# reads (later visits reuse the engine's answers of unchanged members: worklists.EngineMemo).
Shortlists = tuple[list[int], int, list[int]]


def _worklist_dates(on: dt.date) -> tuple[tuple[dt.date, dt.date], list[tuple[dt.date, dt.date]]]:
    """The probation and screening cut-offs and the badge windows of worklist_queries on ``on``."""
    horizon = on + dt.timedelta(days=W.LOOKAHEAD_DAYS)
    months = WQ.smallest_value("probation.months", on)
    review_days = WQ.smallest_value("recognition.cell_review_working_days", on)
    cutoff = add_months(horizon - dt.timedelta(days=review_days), -months) + dt.timedelta(days=3)
    listed = add_months(horizon, -WQ.smallest_value("screening.help_period_months", on)) + dt.timedelta(days=3)
    occasion = W._next_occasion(on)
    previous = WQ.previous_occasion(occasion, lifecycle.lookup("badge.award_occasions", on))
    return (cutoff, listed), WQ.badge_windows(lifecycle.lookup("badge.milestones_years", on), previous, occasion)


def _badge_sql(windows: list) -> str:
    days = " OR ".join(f"e.{ON} > %s AND e.{ON} <= %s" for _ in windows)
    form = "e.data ->> 'form'" if connection.vendor == "postgresql" else "json_extract(e.data, '$.form')"
    decisions = (f"SELECT e.member_id FROM {_T['e']} e WHERE e.kind = 'admission_decision' AND e.voided_at IS NULL "
                 f"AND ({days})")
    off_day = (f"SELECT e.member_id FROM {_T['e']} e WHERE e.kind = 'admission_decision' "
               f"AND e.decision_date IS NOT NULL AND e.decision_date <> e.{ON}")
    exits = (f"SELECT e.member_id FROM {_T['e']} e WHERE e.voided_at IS NULL AND (e.kind IN ('struck_off', "
             f"'expelled', 'left', 'probation_struck_off') OR e.kind = 'discipline' AND {form} = 'khai_tru')")
    return (f"SELECT m.id {JOIN_SCOPE} WHERE {WHERE_SCOPE} AND m.status = 'official' "
            f"AND (m.id IN ({decisions}) OR m.id IN ({off_day}) OR m.id IN ({exits}))")


def _histories(cursor, ids: list[int]) -> int:
    n = 0
    for i in range(0, len(ids), WQ.CHUNK):
        chunk = ids[i:i + WQ.CHUNK]
        cursor.execute(SQL_HISTORIES.format(ids=", ".join(["%s"] * len(chunk))), chunk)
        n += len(cursor.fetchall())
    return n


def _shortlist_floor(sql: str) -> Callable[..., Shortlists]:
    def fn(cursor, scope: list[str], on: dt.date) -> Shortlists:
        cutoffs, windows = _worklist_dates(on)
        cursor.execute(sql, [*scope, *cutoffs])
        main = sorted({r[0] for r in cursor.fetchall()})
        events = _histories(cursor, main)
        cursor.execute(_badge_sql(windows), [*scope, *(d for w in windows for d in w)])
        badge = sorted({r[0] for r in cursor.fetchall()})
        _histories(cursor, badge)
        return main, events, badge
    return fn


def shortlists(user: User, on: dt.date) -> Shortlists:
    """What the work lists read for ``user`` on ``on`` (worklist_queries itself): the deadline
    shortlist, the live events of its members, the badge shortlist."""
    rows = WQ.ScopedRows(user)
    horizon = on + dt.timedelta(days=W.LOOKAHEAD_DAYS)
    main = sorted(WQ.deadline_shortlist(rows, on=on, horizon=horizon))
    events = MemberEvent.objects.filter(member_id__in=main, voided_at__isnull=True).count() if main else 0
    _, windows = _worklist_dates(on)
    badge = sorted(WQ.badge_shortlist(rows, windows))
    return main, events, badge


def worklist_page() -> Benchmark:
    province = biggest_province()
    user, client = officer_client(province)
    on = timezone.localdate()
    expected = shortlists(user, on)
    items = worklist(actor=user, on=on)
    main_ids = set(expected[0])
    stray = [i.member_id for i in items if i.section != W.BADGES and i.member_id not in main_ids]
    if stray:
        raise AssertionError(f"members.worklist: items for members outside the shortlist: {stray[:5]}")
    url = "/viec-can-lam/"
    body = _get(client, "members.worklist", url).content.decode()
    if 'data-testid="worklist-section"' not in body:
        raise AssertionError(f"members.worklist: GET {url} shows no section")
    n = sum(s.count for s in W.sections(actor=user, on=on, limit=0))

    def run() -> None:
        _get(client, "members.worklist", url)

    scope = _scope_params(province)
    floors = {"or": _run_sql(_shortlist_floor(SQL_SHORTLIST_OR), scope, on),
              "union": _run_sql(_shortlist_floor(SQL_SHORTLIST_UNION), scope, on)}
    return Benchmark("members.worklist", n, run, floors, expected)
