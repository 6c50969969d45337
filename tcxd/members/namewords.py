"""The word-start index of member names (``MemberNameWord``), derived from ``Member.name_norm``.

Whatever writes ``name_norm`` writes these rows in the same transaction: ``services.member_create`` and
``member_update`` (``name_words_set``), the bulk loader (``name_words_bulk``), the benchmark dataset
generator (``word_rows``, written raw). Pure functions first, then the two writers.
"""

from __future__ import annotations

from collections.abc import Iterable

from .models import Member, MemberNameWord

ROW_FIELDS = ("member_id", "word", "token", "given_name_norm", "name_norm", "repeats")


def word_starts(name_norm: str) -> list[str]:
    """Every suffix of the folded name that starts at a word, longest first.

    >>> word_starts("nguyen thi thu ha")
    ['nguyen thi thu ha', 'thi thu ha', 'thu ha', 'ha']
    """
    if not name_norm:
        return []
    words = name_norm.split(" ")
    return [" ".join(words[i:]) for i in range(len(words))]


def word_rows(member_id: int, name_norm: str, given_name_norm: str) -> list[tuple[int, str, str, str, str, bool]]:
    """The rows of one member, as tuples in ``ROW_FIELDS`` order."""
    words = name_norm.split(" ")
    repeats = len(set(words)) < len(words)
    return [(member_id, word, word.partition(" ")[0], given_name_norm, name_norm, repeats)
            for word in word_starts(name_norm)]


def _objects(member_id: int, name_norm: str, given_name_norm: str) -> list[MemberNameWord]:
    return [MemberNameWord(**dict(zip(ROW_FIELDS, row, strict=True)))
            for row in word_rows(member_id, name_norm, given_name_norm)]


def name_words_set(member: Member, *, old_name_norm: str = "") -> None:
    """Write the rows of a saved member whose name was just set (``old_name_norm``: the name it had)."""
    old = word_starts(old_name_norm)
    if old:
        MemberNameWord.objects.filter(member_id=member.pk, word__in=old).delete()
    MemberNameWord.objects.bulk_create(_objects(member.pk, member.name_norm, member.given_name_norm))


def name_words_bulk(members: Iterable[Member], *, batch_size: int = 2000) -> int:
    """The rows of members just inserted (the bulk loader's batches); returns how many were written."""
    rows = [obj for m in members for obj in _objects(m.pk, m.name_norm, m.given_name_norm)]
    MemberNameWord.objects.bulk_create(rows, batch_size=batch_size)
    return len(rows)
