"""The word-start index of member names (``MemberNameWord``), derived from ``Member.name_norm``.

Whatever writes ``name_norm`` writes these rows in the same transaction: ``services.member_create`` and
``member_update`` (``name_words_set``), the bulk loader (``name_words_bulk``), the benchmark dataset
generator (``word_rows``, written raw).

Each row also carries, for the member's three orgs (official, temporary host, receiver of a pending
transfer), the *slot* of their *top*: the first ``SCOPE_STEPS`` steps of the org's path, the province's
party committee. A slot (``MemberNameSlot``) is a small number standing for a top. A name search in a
province's scope (or the nation's) then tests the scope inside the word index, before any member row is
read (``selectors._token_stream``): the slots that stand for the province. They are kept by
``lifecycle.project`` (``name_words_place``) when a member's orgs change and by ``subtrees_moved`` when orgs
move: when everything under a top moves under one other top (provinces merged) the slot is re-pointed — one
row — instead of rewriting the word rows of all their members.

Pure functions first, then the writers.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.db import connection

from tcxd.common.paths import STEPLEN, path_range
from tcxd.orgs.models import Org

from .models import Member, MemberNameSlot, MemberNameWord

ROW_FIELDS = ("member_id", "word", "token", "given_name_norm", "name_norm", "repeats",
              "org_slot", "temporary_slot", "transfer_slot")
# How many steps of an org's path the word rows keep: root and province. A scope rooted deeper (a
# commune's committee and below) reads its own members instead of the name index (selectors).
SCOPE_STEPS = 2
TOP_LEN = SCOPE_STEPS * STEPLEN
NO_SLOTS = (0, 0, 0)


def top(path: str | None) -> str:
    """The first ``SCOPE_STEPS`` steps of an org's path ("" for no org).

    >>> top("00010002000300040005"), top("0001"), top(None)
    ('00010002', '0001', '')
    """
    return (path or "")[:TOP_LEN]


def top_range(root: str) -> tuple[str, str]:
    """The range of tops of the orgs under ``root``. For a path of at most SCOPE_STEPS steps an org's
    path starts with ``root`` exactly when its top does; for a deeper root the range holds more orgs
    than its subtree (those of its province)."""
    return path_range(top(root))


def word_starts(name_norm: str) -> list[str]:
    """Every suffix of the folded name that starts at a word, longest first.

    >>> word_starts("nguyen thi thu ha")
    ['nguyen thi thu ha', 'thi thu ha', 'thu ha', 'ha']
    """
    if not name_norm:
        return []
    words = name_norm.split(" ")
    return [" ".join(words[i:]) for i in range(len(words))]


def word_rows(member_id: int, name_norm: str, given_name_norm: str,
              slots: tuple[int, int, int] = NO_SLOTS) -> list[tuple]:
    """The rows of one member, as tuples in ``ROW_FIELDS`` order; ``slots``: those of the tops of its
    (official, temporary, transfer) orgs, 0 for none."""
    words = name_norm.split(" ")
    repeats = len(set(words)) < len(words)
    return [(member_id, word, word.partition(" ")[0], given_name_norm, name_norm, repeats, *slots)
            for word in word_starts(name_norm)]


def _objects(member_id: int, name_norm: str, given_name_norm: str, slots: tuple[int, int, int]) -> list[MemberNameWord]:
    return [MemberNameWord(**dict(zip(ROW_FIELDS, row, strict=True)))
            for row in word_rows(member_id, name_norm, given_name_norm, slots)]


def slot_ids(tops: Iterable[str]) -> dict[str, int]:
    """The slot new rows get for each top (the smallest that stands for it; made when there is none)."""
    wanted = {t for t in tops if t}
    if not wanted:
        return {}
    found: dict[str, int] = {}
    for slot_id, slot_top in MemberNameSlot.objects.filter(top__in=wanted).order_by("-id").values_list("id", "top"):
        found[slot_top] = slot_id  # the smallest wins (read last)
    missing = sorted(wanted - found.keys())
    if missing:
        MemberNameSlot.objects.bulk_create([MemberNameSlot(top=t) for t in missing])
        return slot_ids(wanted)
    return found


def slots_of(members: list[Member]) -> dict[int, tuple[int, int, int]]:
    """The slots of each member's orgs' tops, in two queries."""
    ids = {i for m in members for i in (m.org_id, m.temporary_org_id, m.transfer_to_id) if i}
    tops = {pk: top(path) for pk, path in Org.objects.filter(pk__in=ids).values_list("pk", "path")} if ids else {}
    slots = slot_ids(tops.values())
    return {m.pk: tuple(slots.get(tops.get(i, ""), 0) for i in (m.org_id, m.temporary_org_id, m.transfer_to_id))
            for m in members}


def name_words_set(member: Member, *, old_name_norm: str = "") -> None:
    """Write the rows of a saved member whose name was just set (``old_name_norm``: the name it had)."""
    old = word_starts(old_name_norm)
    if old:
        MemberNameWord.objects.filter(member_id=member.pk, word__in=old).delete()
    MemberNameWord.objects.bulk_create(_objects(member.pk, member.name_norm, member.given_name_norm,
                                                slots_of([member])[member.pk]))


def name_words_bulk(members: Iterable[Member], *, batch_size: int = 2000) -> int:
    """The rows of members just inserted (the bulk loader's batches); returns how many were written."""
    members = list(members)
    slots = slots_of(members)
    rows = [obj for m in members for obj in _objects(m.pk, m.name_norm, m.given_name_norm, slots[m.pk])]
    MemberNameWord.objects.bulk_create(rows, batch_size=batch_size)
    return len(rows)


# Every top of the orgs of the members that ``{where}`` (on ``m``) selects gets a slot, if it has none.
_ENSURE_SQL = """
INSERT INTO {slots} (top)
SELECT DISTINCT substr(o.path, 1, {n}) FROM {orgs} AS o
WHERE o.id IN (SELECT m.org_id FROM {members} AS m WHERE {where}
               UNION SELECT m.temporary_org_id FROM {members} AS m WHERE {where}
               UNION SELECT m.transfer_to_id FROM {members} AS m WHERE {where})
  AND NOT EXISTS (SELECT 1 FROM {slots} AS s WHERE s.top = substr(o.path, 1, {n}))
"""
# The slots placed again from the members' orgs, for the members that ``{where}`` selects; rows whose slots
# already stand for the right tops are left alone (no dead rows on PostgreSQL).
_PLACE_SQL = """
UPDATE {words} AS w
SET org_slot = COALESCE((SELECT MIN(s.id) FROM {slots} AS s WHERE s.top = substr(o.path, 1, {n})), 0),
    temporary_slot = COALESCE((SELECT MIN(s.id) FROM {slots} AS s WHERE s.top = substr(t.path, 1, {n})), 0),
    transfer_slot = COALESCE((SELECT MIN(s.id) FROM {slots} AS s WHERE s.top = substr(x.path, 1, {n})), 0)
FROM {members} AS m
LEFT JOIN {orgs} AS o ON o.id = m.org_id
LEFT JOIN {orgs} AS t ON t.id = m.temporary_org_id
LEFT JOIN {orgs} AS x ON x.id = m.transfer_to_id
WHERE w.member_id = m.id AND ({where}) AND ({wrong})
"""
# A row whose slots do not stand for the tops of its member's orgs (``w``, ``o``, ``t``, ``x`` as above).
_WRONG_SQL = """
COALESCE((SELECT s.top FROM {slots} AS s WHERE s.id = w.org_slot), '') <> COALESCE(substr(o.path, 1, {n}), '')
OR COALESCE((SELECT s.top FROM {slots} AS s WHERE s.id = w.temporary_slot), '') <> COALESCE(substr(t.path, 1, {n}), '')
OR COALESCE((SELECT s.top FROM {slots} AS s WHERE s.id = w.transfer_slot), '') <> COALESCE(substr(x.path, 1, {n}), '')
"""


def _tables(**extra) -> dict[str, object]:
    t = {"words": MemberNameWord._meta.db_table, "members": Member._meta.db_table, "orgs": Org._meta.db_table,
         "slots": MemberNameSlot._meta.db_table, "n": TOP_LEN}
    t["wrong"] = _WRONG_SQL.format(**t)
    return {**t, **extra}


def _place(where: str, params: list) -> int:
    with connection.cursor() as cursor:
        cursor.execute(_ENSURE_SQL.format(**_tables(where=where)), params * 3)
        cursor.execute(_PLACE_SQL.format(**_tables(where=where)), params)
        return cursor.rowcount


def name_words_place(member_ids: Iterable[int]) -> int:
    """Place the slots of these members' rows again (their orgs changed); returns the rows changed."""
    ids = sorted(set(member_ids))
    if not ids:
        return 0
    return _place(f"m.id IN ({', '.join(['%s'] * len(ids))})", ids)


def _members_of(low: str, high: str) -> tuple[str, list]:
    """The ``_place`` condition for the members whose orgs lie in [low, high): one index range per column (an OR
    of the three would read every member)."""
    return _members_in(f"SELECT id FROM {Org._meta.db_table} WHERE path >= %s AND path < %s", [low, high])


def _members_in(orgs_sql: str, params: list) -> tuple[str, list]:
    members = Member._meta.db_table
    ids = " UNION ".join(f"SELECT id FROM {members} WHERE {column} IN ({orgs_sql})"
                         for column in ("org_id", "temporary_org_id", "transfer_to_id"))
    return f"m.id IN ({ids})", params * 3


def _orgs_under(roots: list[str]) -> int:
    """About how many orgs lie under these paths (those between them under the same parent too: one range
    per parent)."""
    by_parent: dict[str, list[str]] = {}
    for path in roots:
        by_parent.setdefault(path[:-STEPLEN], []).append(path)
    return sum(Org.objects.filter(path__gte=min(paths), path__lt=path_range(max(paths))[1]).count()
               for paths in by_parent.values())


def subtrees_moved(moves: Sequence[tuple[int, str, str]]) -> None:
    """``orgs.hooks`` callback: the orgs under each new path had the old one. Their members' slots change only
    when the top did. When every subtree that left a top went under one other top and no more orgs stay under
    the old one than went — provinces merged — the old top's slots are re-pointed to the new top, and only the
    members of the orgs left behind are placed again. Otherwise one statement per new parent re-places the
    members under the moved subtrees (the range from its first to its last moved child: re-placing a member
    already right changes nothing)."""
    changed = [(old, new) for _org_id, old, new in moves
               if top(old) != top(new) or len(old) < TOP_LEN or len(new) < TOP_LEN]
    by_top: dict[str, set[str]] = {}
    for old, new in changed:
        if len(old) >= TOP_LEN and len(new) >= TOP_LEN:
            by_top.setdefault(top(old), set()).add(top(new))
    repoint: dict[str, str] = {}
    left: list[int] = []
    for old_top, new_tops in by_top.items():
        if len(new_tops) != 1:
            continue
        gone = _orgs_under([new for old, new in changed if top(old) == old_top])
        low, high = path_range(old_top)
        stays = list(Org.objects.filter(path__gte=low, path__lt=high).values_list("id", flat=True)[:gone + 1])
        if len(stays) <= gone:  # else more stays than went: those that went are placed again (below)
            repoint[old_top] = next(iter(new_tops))
            left += stays
    slots = {t: list(MemberNameSlot.objects.filter(top=t).values_list("id", flat=True)) for t in repoint}
    for old_top, new_top in repoint.items():  # all at once (contents swapped between two tops stay apart)
        MemberNameSlot.objects.filter(id__in=slots[old_top]).update(top=new_top)
    for i in range(0, len(left), 500):  # the members of the orgs left behind: a new slot for the old top (by id:
        chunk = left[i:i + 500]         # the planner's figures for the old range are from before the move)
        _place(*_members_in(", ".join(["%s"] * len(chunk)), chunk))
    repointed = set(repoint)
    groups: dict[str, list[str]] = {}
    for old, new in changed:
        if len(old) >= TOP_LEN and len(new) >= TOP_LEN and top(old) in repointed:
            continue
        groups.setdefault(new[:-STEPLEN], []).append(new)
    for paths in groups.values():
        _place(*_members_of(min(paths), path_range(max(paths))[1]))


def misplaced(limit: int = 10) -> list[int]:
    """Members whose word rows' slots do not stand for the tops of their orgs (there must be none)."""
    sql = """
    SELECT DISTINCT w.member_id FROM {words} AS w
    JOIN {members} AS m ON m.id = w.member_id
    LEFT JOIN {orgs} AS o ON o.id = m.org_id
    LEFT JOIN {orgs} AS t ON t.id = m.temporary_org_id
    LEFT JOIN {orgs} AS x ON x.id = m.transfer_to_id
    WHERE {wrong}
    ORDER BY w.member_id LIMIT %s""".format(**_tables())
    with connection.cursor() as cursor:
        cursor.execute(sql, [limit])
        return [row[0] for row in cursor.fetchall()]


def scope_slots(root: str) -> list[int]:
    """The slots that stand for the tops under ``root`` (a path of at most SCOPE_STEPS steps)."""
    low, high = top_range(root)
    return list(MemberNameSlot.objects.filter(top__gte=low, top__lt=high).values_list("id", flat=True))
