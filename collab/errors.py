"""The one domain error that services raise and every adapter maps the same way."""

from __future__ import annotations


class DomainError(Exception):
    """A refused action: `code` names the kind, `status` is its HTTP status."""

    code = "invalid"
    status = 400

    def __init__(self, detail: str = "", *, fields: dict[str, list[str]] | None = None):
        super().__init__(detail or self.default_detail())
        self.detail = detail or self.default_detail()
        self.fields = fields or {}

    def default_detail(self) -> str:
        return "This request is not valid."


class Invalid(DomainError):
    code = "invalid"
    status = 400


class Forbidden(DomainError):
    code = "forbidden"
    status = 403

    def default_detail(self) -> str:
        return "You do not have permission to do this."


class NotFound(DomainError):
    code = "not_found"
    status = 404

    def default_detail(self) -> str:
        return "Not found."


class Conflict(DomainError):
    code = "conflict"
    status = 409


class RateLimited(DomainError):
    code = "rate_limited"
    status = 429

    def default_detail(self) -> str:
        return "Too many requests: wait a few seconds and try again."
