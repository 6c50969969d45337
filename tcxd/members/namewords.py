"""The word-start index of member names (``MemberNameWord``), derived from ``Member.name_norm``.

Whatever writes ``name_norm`` writes these rows in the same transaction: ``services.member_create`` and
``member_update`` (``name_words_set``), the bulk loader (``name_words_bulk``), the benchmark dataset
generator (``word_rows``, written raw).

Each row also carries the *tops* of the member's three orgs (official, temporary host, receiver of a
pending transfer): the first ``SCOPE_STEPS`` steps of their paths, the province's party committee. A
name search in a province's scope (or the nation's) then tests the scope inside the word index,
before any member row is read (``selectors._token_stream``). They are kept by ``lifecycle.project``
(``name_words_place``) when a member's orgs change and by ``subtrees_moved`` when orgs move.

Pure functions first, then the writers.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.db import connection

from tcxd.common.paths import STEPLEN, path_range
from tcxd.orgs.models import Org

from .models import Member, MemberNameWord

ROW_FIELDS = ("member_id", "word", "token", "given_name_norm", "name_norm", "repeats",
              "org_top", "temporary_top", "transfer_top")
# How many steps of an org's path the word rows keep: root and province. A scope rooted deeper (a
# commune's committee and below) reads its own members instead of the name index (selectors).
SCOPE_STEPS = 2
TOP_LEN = SCOPE_STEPS * STEPLEN
NO_TOPS = ("", "", "")


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
              tops: tuple[str, str, str] = NO_TOPS) -> list[tuple]:
    """The rows of one member, as tuples in ``ROW_FIELDS`` order; ``tops``: (official, temporary,
    transfer) as given by ``top``."""
    words = name_norm.split(" ")
    repeats = len(set(words)) < len(words)
    return [(member_id, word, word.partition(" ")[0], given_name_norm, name_norm, repeats, *tops)
            for word in word_starts(name_norm)]


def _objects(member_id: int, name_norm: str, given_name_norm: str, tops: tuple[str, str, str]) -> list[MemberNameWord]:
    return [MemberNameWord(**dict(zip(ROW_FIELDS, row, strict=True)))
            for row in word_rows(member_id, name_norm, given_name_norm, tops)]


def _tops(members: list[Member]) -> dict[int, tuple[str, str, str]]:
    """The tops of each member's orgs, in one query."""
    ids = {i for m in members for i in (m.org_id, m.temporary_org_id, m.transfer_to_id) if i}
    paths = dict(Org.objects.filter(pk__in=ids).values_list("pk", "path")) if ids else {}
    return {m.pk: (top(paths.get(m.org_id)), top(paths.get(m.temporary_org_id)), top(paths.get(m.transfer_to_id)))
            for m in members}


def name_words_set(member: Member, *, old_name_norm: str = "") -> None:
    """Write the rows of a saved member whose name was just set (``old_name_norm``: the name it had)."""
    old = word_starts(old_name_norm)
    if old:
        MemberNameWord.objects.filter(member_id=member.pk, word__in=old).delete()
    MemberNameWord.objects.bulk_create(_objects(member.pk, member.name_norm, member.given_name_norm,
                                                _tops([member])[member.pk]))


def name_words_bulk(members: Iterable[Member], *, batch_size: int = 2000) -> int:
    """The rows of members just inserted (the bulk loader's batches); returns how many were written."""
    members = list(members)
    tops = _tops(members)
    rows = [obj for m in members for obj in _objects(m.pk, m.name_norm, m.given_name_norm, tops[m.pk])]
    MemberNameWord.objects.bulk_create(rows, batch_size=batch_size)
    return len(rows)


# The tops recomputed from the members' orgs, for the members that ``{where}`` (on ``m``) selects;
# rows already right are left alone (no dead rows on PostgreSQL).
_PLACE_SQL = """
UPDATE {words} AS w
SET org_top = COALESCE(substr(o.path, 1, {n}), ''), temporary_top = COALESCE(substr(t.path, 1, {n}), ''),
    transfer_top = COALESCE(substr(x.path, 1, {n}), '')
FROM {members} AS m
LEFT JOIN {orgs} AS o ON o.id = m.org_id
LEFT JOIN {orgs} AS t ON t.id = m.temporary_org_id
LEFT JOIN {orgs} AS x ON x.id = m.transfer_to_id
WHERE w.member_id = m.id AND ({where})
  AND (w.org_top <> COALESCE(substr(o.path, 1, {n}), '') OR w.temporary_top <> COALESCE(substr(t.path, 1, {n}), '')
       OR w.transfer_top <> COALESCE(substr(x.path, 1, {n}), ''))
"""


def _place(where: str, params: list) -> int:
    sql = _PLACE_SQL.format(words=MemberNameWord._meta.db_table, members=Member._meta.db_table,
                            orgs=Org._meta.db_table, n=TOP_LEN, where=where)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def name_words_place(member_ids: Iterable[int]) -> int:
    """Recompute the tops of these members' rows (their orgs changed); returns the rows changed."""
    ids = sorted(set(member_ids))
    if not ids:
        return 0
    return _place(f"m.id IN ({', '.join(['%s'] * len(ids))})", ids)


def subtrees_moved(moves: Sequence[tuple[int, str, str]]) -> None:
    """``orgs.hooks`` callback: the orgs under each new path had the old one; their members' tops
    change only when the first SCOPE_STEPS steps did. One statement per new parent (the range from its
    first to its last moved child: re-placing a member already right changes nothing)."""
    groups: dict[str, list[str]] = {}
    for _org_id, old_path, new_path in moves:
        if top(old_path) == top(new_path) and len(old_path) >= TOP_LEN and len(new_path) >= TOP_LEN:
            continue
        groups.setdefault(new_path[:-STEPLEN], []).append(new_path)
    for paths in groups.values():
        low, high = min(paths), path_range(max(paths))[1]
        under = f"SELECT id FROM {Org._meta.db_table} WHERE path >= %s AND path < %s"
        _place(f"m.org_id IN ({under}) OR m.temporary_org_id IN ({under}) OR m.transfer_to_id IN ({under})",
               [low, high] * 3)


def misplaced(limit: int = 10) -> list[int]:
    """Members whose word rows' tops differ from their orgs' (there must be none)."""
    n = TOP_LEN
    sql = f"""
    SELECT DISTINCT w.member_id FROM {MemberNameWord._meta.db_table} AS w
    JOIN {Member._meta.db_table} AS m ON m.id = w.member_id
    LEFT JOIN {Org._meta.db_table} AS o ON o.id = m.org_id
    LEFT JOIN {Org._meta.db_table} AS t ON t.id = m.temporary_org_id
    LEFT JOIN {Org._meta.db_table} AS x ON x.id = m.transfer_to_id
    WHERE w.org_top <> COALESCE(substr(o.path, 1, {n}), '') OR w.temporary_top <> COALESCE(substr(t.path, 1, {n}), '')
       OR w.transfer_top <> COALESCE(substr(x.path, 1, {n}), '')
    ORDER BY w.member_id LIMIT %s"""
    with connection.cursor() as cursor:
        cursor.execute(sql, [limit])
        return [row[0] for row in cursor.fetchall()]
