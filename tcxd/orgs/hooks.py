"""Callbacks of other contexts run inside the orgs services' transaction, for what they derive from
the tree (the members' tallies are summed by the units above each org). Registered in ready();
this module knows nothing of them."""

from __future__ import annotations

from collections.abc import Callable

# fn(org_id, old_path, new_path): a subtree moved (its paths changed)
SUBTREE_MOVED: list[Callable[[int, str, str], None]] = []


def on_subtree_moved(fn: Callable[[int, str, str], None]) -> None:
    if fn not in SUBTREE_MOVED:
        SUBTREE_MOVED.append(fn)


def subtree_moved(org_id: int, old_path: str, new_path: str) -> None:
    for fn in SUBTREE_MOVED:
        fn(org_id, old_path, new_path)
