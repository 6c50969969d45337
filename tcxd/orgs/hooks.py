"""Callbacks of other contexts run inside the orgs services' transaction, for what they derive from
the tree (the members' tallies are summed by the units above each org). Registered in ready();
this module knows nothing of them."""

from __future__ import annotations

from collections.abc import Callable, Sequence

Move = tuple[int, str, str]  # (org id, old path, new path): a subtree moved (its paths changed)

# fn(moves): subtrees moved, all at once (a restructuring moves thousands; one re-sum of what they touch)
SUBTREES_MOVED: list[Callable[[Sequence[Move]], None]] = []


def on_subtrees_moved(fn: Callable[[Sequence[Move]], None]) -> None:
    if fn not in SUBTREES_MOVED:
        SUBTREES_MOVED.append(fn)


def subtrees_moved(moves: Sequence[Move]) -> None:
    if not moves:
        return
    for fn in SUBTREES_MOVED:
        fn(list(moves))


def subtree_moved(org_id: int, old_path: str, new_path: str) -> None:
    subtrees_moved([(org_id, old_path, new_path)])


# fn(org_ids): orgs about to be deleted (founded by a restructuring that is undone): drop what was derived
ORGS_REMOVED: list[Callable[[Sequence[int]], None]] = []


def on_orgs_removed(fn: Callable[[Sequence[int]], None]) -> None:
    if fn not in ORGS_REMOVED:
        ORGS_REMOVED.append(fn)


def orgs_removed(org_ids: Sequence[int]) -> None:
    for fn in ORGS_REMOVED:
        fn(list(org_ids))
