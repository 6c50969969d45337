"""Accent-insensitive folding of Vietnamese text (engineering.md 2.7). Pure Python."""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")


def fold(text: str | None) -> str:
    """Fold Vietnamese text for search: đ→d, strip diacritics, casefold, collapse spaces.

    >>> fold("  Đảng bộ   Phường Ba Đình ")
    'dang bo phuong ba dinh'
    """
    if not text:
        return ""
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SPACES.sub(" ", stripped.casefold()).strip()
