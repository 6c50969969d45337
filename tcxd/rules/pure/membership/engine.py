"""The member lifecycle engine: one import point for the public functions.

Modules: ``derive`` (timeline, state_on, probation_end, party_age), ``validation`` (validate, with ``admission``,
``member``, ``badges`` for the kind-specific rules), ``deadlines`` (open_deadlines), ``badges``
(next_badge), ``codes`` (code lists, labels, citations), ``common`` (look-ups, votes, working days).
"""

from __future__ import annotations

from .badges import next_badge
from .common import vote_passed
from .deadlines import open_deadlines, party_cv_deadline
from .derive import age_basis, counted_at, party_age, probation_end, state_on, timeline
from .screening import on_help_list
from .validation import ALLOWED_FROM, validate

__all__ = [
    "ALLOWED_FROM", "age_basis", "counted_at", "next_badge", "on_help_list", "open_deadlines", "party_age",
    "party_cv_deadline", "probation_end", "state_on", "timeline", "validate", "vote_passed",
]
