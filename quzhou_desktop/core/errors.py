"""Typed errors that carry a code, parameters and a Chinese sentence.

Core and services raise these; the GUI and CLI show ``str(err)`` (the Chinese message) and may use
``code``/``params`` for logic.  Each subclass sets ``code`` (a rule id of ``core.rules`` such as ``"C3"`` where
one applies) and ``template``, a ``str.format`` pattern over ``params``.
"""

from __future__ import annotations

from typing import Any, ClassVar

from quzhou_desktop.core.rules import is_rule_id, with_basis


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
    """A rule of the catalogue (``core.rules``) refuses the action.

    ``code`` is the rule id: set by the subclass, or taken from a ``rule`` parameter for errors that several
    rules raise (quorum: C1, C3, C7, C8 or C37).  The message ends with the rule's legal source
    ("…，依据《中华人民共和国村民委员会组织法》第二十六条"), unless ``cites`` is False because the message is
    made of findings that cite their own rules.
    """

    code = "rule"
    cites: ClassVar[bool] = True

    def __init__(self, message: str | None = None, /, **params: Any) -> None:
        if is_rule_id(params.get("rule")):
            self.code = params["rule"]
        super().__init__(message, **params)

    @property
    def message(self) -> str:
        text = super().message
        return with_basis(text, self.code) if self.cites else text


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
