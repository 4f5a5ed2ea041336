"""A package that passed its checks (``services.exchange.apply``), as the write step receives it
(``services.exchange.write``)."""

from __future__ import annotations

from dataclasses import dataclass

from quzhou_desktop.core.exchange import Head
from quzhou_desktop.services.exchange.acts import PeerSignatures
from quzhou_desktop.services.exchange.identity import LocalSite
from quzhou_desktop.services.exchange.package import Entry, Package


@dataclass
class Checked:
    """The package, this site, the sender and where its entries fall against what was accepted from it."""

    pkg: Package
    me: LocalSite
    peer_id: str
    peer_name: str
    peer_kind: str
    accepted: Head  # the sender's head this site had accepted when the package was checked
    after: Head  # the package's range: after this entry …
    last: Head  # … up to this one
    entries: list[Entry]
    signatures: PeerSignatures | None = None  # the package's signed acts and keys, checked
