"""Expected errors of the exchange, each a Chinese sentence naming the file and the reason."""

from __future__ import annotations

from quzhou_desktop.core.errors import QuzhouError


class ExchangeRefused(QuzhouError):
    """A package, receipt or enrolment file refused whole: nothing was applied."""

    code = "exchange.refused"
    template = "{file} 未导入：{reason}。未作任何修改。"


class ExchangeNotReady(QuzhouError):
    code = "exchange.not_ready"
    template = "{reason}"
