"""The one error type of business rules; web and API render it the same way."""

from __future__ import annotations


class DomainError(Exception):
    """A rule refused an action. ``code`` is stable for programs, ``message`` is for people,
    ``fields`` maps each input field to what is wrong with it. Nothing was written."""

    def __init__(
        self, code: str, message: str, *, fields: dict[str, str] | None = None, status: int = 400
    ):
        super().__init__(message)
        self.code = code
        self.message = message
        self.fields = fields or {}
        self.status = status

    def as_dict(self) -> dict:
        return {"code": self.code, "message": self.message, "fields": self.fields}


class NotFound(DomainError):
    """The object does not exist or is not visible to the caller (another client's: 404)."""

    def __init__(self, what: str = "object"):
        super().__init__("not_found", f"No such {what}.", status=404)


class PermissionDenied(DomainError):
    def __init__(self, message: str = "You are not allowed to do this."):
        super().__init__("permission_denied", message, status=403)
