"""Domain errors: a stable machine code plus a Vietnamese message that names the rule."""

from __future__ import annotations


class DomainError(Exception):
    """A business rule refused the operation. Nothing was written."""

    status = 400

    def __init__(self, code: str, message: str, *, field: str | None = None,
                 rule: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field
        self.rule = rule

    def as_dict(self) -> dict:
        data = {"code": self.code, "message": self.message}
        if self.field:
            data["field"] = self.field
        if self.rule:
            data["rule"] = self.rule
        return data


class ValidationFailed(DomainError):
    """Several field errors at once: ``errors`` maps field → list of Vietnamese messages."""

    def __init__(self, errors: dict[str, list[str]], message: str = "Dữ liệu chưa hợp lệ.") -> None:
        super().__init__("validation_failed", message)
        self.errors = errors

    def as_dict(self) -> dict:
        return {**super().as_dict(), "errors": self.errors}


class Conflict(DomainError):
    status = 409


class NotFound(DomainError):
    status = 404

    def __init__(self, message: str = "Không tìm thấy.") -> None:
        super().__init__("not_found", message)


class PermissionDenied(DomainError):
    status = 403

    def __init__(self, message: str = "Bạn không có quyền thực hiện thao tác này.") -> None:
        super().__init__("permission_denied", message)
