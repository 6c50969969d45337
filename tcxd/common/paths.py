"""Materialized-path helpers shared by every scoped query (engineering.md 2.1). Pure Python.

Paths are treebeard paths: fixed-width steps over the alphabet 0-9A-Z. A subtree of path ``p``
is every path ``q`` with ``p <= q < successor(p)``; that range is index-friendly on SQLite and
PostgreSQL alike, unlike ``LIKE 'p%'``.
"""

from __future__ import annotations

ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
STEPLEN = 4


def successor(path: str) -> str:
    """The smallest string greater than every path that starts with ``path``.

    Increments the last character within the alphabet, carrying to the left; a prefix made
    only of 'Z's has no successor inside the alphabet, so we append the character after 'Z'
    in ASCII ('[') which sorts after every alphabet character under C/BINARY collations.
    """
    chars = list(path)
    i = len(chars) - 1
    while i >= 0:
        pos = ALPHABET.index(chars[i])
        if pos + 1 < len(ALPHABET):
            chars[i] = ALPHABET[pos + 1]
            return "".join(chars[: i + 1])
        i -= 1
    return path + "["


def path_range(path: str) -> tuple[str, str]:
    """(lower inclusive, upper exclusive) bounds of the subtree rooted at ``path``."""
    return path, successor(path)


def is_in_subtree(path: str, root: str) -> bool:
    return path.startswith(root)


def ancestor_paths(path: str) -> list[str]:
    """Paths of all ancestors of ``path``, root first, excluding the node itself."""
    return [path[:i] for i in range(STEPLEN, len(path), STEPLEN)]
