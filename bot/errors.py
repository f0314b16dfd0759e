"""The project's few named errors. Channels translate library errors into these at the edge.

DiasporaError
├── ContentError          a content file is invalid (carries file and line)
├── StoreError            the database refused or is unusable
├── UnreadableFile        a file given to import cannot be read (type, encoding, columns)
├── ChannelUnavailable    a channel cannot reach its platform for now: try again later
├── ChannelRefused        the platform refused the channel's settings (a token): no use retrying
└── DeliveryError         a message could not be delivered
    ├── TemporaryDeliveryError   try again later (timeouts, 5xx, rate limits)
    │   └── RateLimited          the provider asked to wait ``retry_after`` seconds
    └── PermanentDeliveryError   never retry (bot blocked, invalid number)
        ├── Unreachable          the address cannot be reached any more
        └── NeedsTemplate        WhatsApp's 24-hour window is closed: only a template may go
"""

from __future__ import annotations


class DiasporaError(Exception):
    """Base of every error this project raises on purpose."""


class ContentError(DiasporaError):
    """A content file is invalid; ``str()`` reads ``file:line: message``."""

    def __init__(self, path: str, line: int, message: str) -> None:
        super().__init__(f"{path}:{line}: {message}")
        self.path = path
        self.line = line
        self.message = message


class StoreError(DiasporaError):
    """The database refused an operation or is unusable."""


class UnreadableFile(DiasporaError):
    """A file given to import cannot be read at all (its type, encoding or columns)."""


class ChannelUnavailable(DiasporaError):
    """A channel cannot reach its platform (network, time-out, 5xx); it may later."""


class ChannelRefused(DiasporaError):
    """The platform refused what a channel was configured with (a token, an account); the text
    names the setting to fix."""


class PortUnavailable(DiasporaError):
    """The HTTP server cannot have its address (in use, or not this machine's); the text
    names the setting."""


class DeliveryError(DiasporaError):
    """A message could not be delivered."""


class TemporaryDeliveryError(DeliveryError):
    """Delivery failed for now; the same message may be tried again later."""


class RateLimited(TemporaryDeliveryError):
    """The provider asked us to wait ``retry_after`` seconds."""

    def __init__(self, retry_after: float, message: str = "rate limited") -> None:
        super().__init__(f"{message} (retry after {retry_after:g}s)")
        self.retry_after = retry_after


class PermanentDeliveryError(DeliveryError):
    """Delivery failed and must not be retried."""


class Unreachable(PermanentDeliveryError):
    """The address cannot be reached any more (bot blocked, number invalid)."""


class NeedsTemplate(PermanentDeliveryError):
    """WhatsApp refused free text because the member's 24-hour window is closed (Twilio 63016);
    only an approved template may be sent."""
