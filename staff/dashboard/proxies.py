"""Who is asking: the client's address as the sign-in limit counts it.

The connecting peer is the client, unless it is one of ``TRUSTED_PROXIES``: then the client is
the right-most address in ``X-Forwarded-For`` that is not a trusted proxy — the one our own
proxy appended. Everything left of it was written by the client and proves nothing. uvicorn is
told not to read the header at all (:class:`bot.web.Server`), so this is the only place that
does.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network, ip_address

from starlette.datastructures import Headers
from starlette.types import Scope

log = logging.getLogger(__name__)

# A trusted proxy writes an address here; anything longer is not one.
LONGEST = 64


class Proxies:
    """The proxies whose ``X-Forwarded-For`` is believed (none: the header is ignored)."""

    def __init__(self, trusted: Sequence[IPv4Network | IPv6Network]) -> None:
        self.trusted = tuple(trusted)
        self._hinted = False

    def client(self, scope: Scope) -> str:
        """The address of the client that sent the request in ``scope``."""
        peer = scope["client"][0] if scope.get("client") else "unknown"
        forwarded = Headers(scope=scope).getlist("x-forwarded-for")
        if not forwarded:
            return peer
        if not self.trusts(peer):
            self._hint(peer)
            return peer
        hops = [hop.strip() for value in forwarded for hop in value.split(",") if hop.strip()]
        for hop in reversed(hops):
            if not self.trusts(hop):
                return _address(hop)
        # Every hop is a trusted proxy: the request came from one of them.
        return _address(hops[0]) if hops else peer

    def trusts(self, host: str) -> bool:
        """Whether ``host`` is one of the trusted proxies."""
        try:
            found: IPv4Address | IPv6Address = ip_address(host)
        except ValueError:
            return False
        if isinstance(found, IPv6Address) and found.ipv4_mapped is not None:
            found = found.ipv4_mapped
        return any(found in network for network in self.trusted)

    def _hint(self, peer: str) -> None:
        """Says once, when a proxy on this machine seems to send the header, how to use it."""
        if self._hinted or not _is_loopback(peer):
            return
        self._hinted = True
        log.warning(
            "dashboard: X-Forwarded-For from %s is ignored because TRUSTED_PROXIES does not "
            "name it; if a reverse proxy on this machine passes the client's address, set "
            "TRUSTED_PROXIES=127.0.0.1,::1 (until then every client behind it shares one "
            "address for the sign-in limit)",
            peer,
        )


def _address(hop: str) -> str:
    """A hop as the limit counts it: a normalised address, or the text itself, cut short."""
    try:
        return str(ip_address(hop))
    except ValueError:
        return hop[:LONGEST]


def _is_loopback(host: str) -> bool:
    try:
        return ip_address(host).is_loopback
    except ValueError:
        return False
