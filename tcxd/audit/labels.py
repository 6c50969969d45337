"""Vietnamese labels for audit actions, fields and coded values. Each context registers its own
in its AppConfig.ready(), so the audit app knows no other app."""

from __future__ import annotations

_actions: dict[str, str] = {}
_fields: dict[str, str] = {}
_values: dict[str, dict[str, str]] = {}


def register(*, actions: dict[str, str] | None = None, fields: dict[str, str] | None = None,
             values: dict[str, dict[str, str]] | None = None) -> None:
    _actions.update(actions or {})
    _fields.update(fields or {})
    for field, mapping in (values or {}).items():
        _values.setdefault(field, {}).update(mapping)


def action_label(code: str) -> str:
    return _actions.get(code, code)


def field_label(name: str) -> str:
    return _fields.get(name, name)


def value_label(field: str, value) -> str:
    if value in (None, ""):
        return "—"
    if isinstance(value, bool):
        return "có" if value else "không"
    text = str(value)
    if field in _values:
        return _values[field].get(text, text)
    if len(text) == 10 and text[4] == "-" and text[7] == "-":  # ISO date → dd/mm/yyyy
        return f"{text[8:10]}/{text[5:7]}/{text[0:4]}"
    return text
