"""Typed errors that carry a code, parameters and a Chinese sentence.

Core and services raise these; the GUI and CLI show ``str(err)`` (the Chinese message) and may use
``code``/``params`` for logic.  Each subclass sets ``code`` (a DOMAIN.md rule id such as ``"C3"`` where one
applies) and ``template``, a ``str.format`` pattern over ``params``.
"""

from __future__ import annotations

from typing import Any, ClassVar


class QuzhouError(Exception):
    """Base of every expected error the user may see."""

    code: str = "error"  # per class; an instance may name the rule that refused (``RuleFailed``)
    template: ClassVar[str] = "{message}"

    def __init__(self, message: str | None = None, /, **params: Any) -> None:
        if message is not None:
            params.setdefault("message", message)
        self.params: dict[str, Any] = params
        super().__init__(self.message)

    @property
    def message(self) -> str:
        try:
            return self.template.format(**self.params)
        except (KeyError, IndexError):
            return str(self.params.get("message", self.code))

    def __str__(self) -> str:
        return self.message


class RuleViolation(QuzhouError):
    """A DOMAIN.md §7 rule refuses the action."""

    code = "rule"


class ValidationError(QuzhouError):
    """A field holds a bad value. ``field`` names it in Chinese."""

    code = "validation"
    template = "{field}：{reason}"


class NotFound(QuzhouError):
    code = "not_found"
    template = "找不到{what}"


class PermissionDenied(QuzhouError):
    code = "permission"
    template = "没有权限：{message}"


class Conflict(QuzhouError):
    """The record changed or exists already; nothing was written."""

    code = "conflict"
