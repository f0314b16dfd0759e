"""The two neutral message types every channel translates to and from.

An address is ``channel:id`` — ``telegram:123456``, ``whatsapp:+38267123456``, ``terminal:local``.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime


class Kind(enum.StrEnum):
    """What an inbound message carries."""

    TEXT = "text"
    CHOICE = "choice"
    CONTACT = "contact"
    MEDIA = "media"
    LOCATION = "location"


@dataclass(frozen=True, slots=True)
class Inbound:
    """One message from a member, as every channel hands it to the engine.

    ``contact_phone`` is a phone number shared as a contact card; ``contact_own`` is True only
    when the platform itself vouches that the number is the sender's (Telegram: the card's
    ``user_id`` is the sender's own id). Any other card is as good as a typed number: it proves
    nothing and must never join or link anyone.
    """

    address: str
    received_at: datetime
    kind: Kind = Kind.TEXT
    text: str = ""
    choice: str | None = None
    ref: int | None = None
    contact_phone: str | None = None
    contact_own: bool = False
    provider_id: str | None = None
    language_hint: str | None = None
    display_name: str | None = None

    @property
    def channel(self) -> str:
        return channel_of(self.address)


@dataclass(frozen=True, slots=True)
class GroupReply:
    """A reply, in a staff group, to one of the bot's messages there (Telegram).

    ``sender`` is the address of who wrote it as the platform gives it (Telegram's own
    ``from.id``, which proves who it is: a display name or a signature proves nothing);
    ``replied_to`` is the id of the bot's message it replies to, in the group ``chat``.
    """

    chat: str
    sender: str
    replied_to: str
    text: str
    received_at: datetime
    provider_id: str | None = None


@dataclass(frozen=True, slots=True)
class Option:
    """A choice offered to the member: a stable id (at most 40 ASCII bytes) and its label."""

    id: str
    label: str


@dataclass(frozen=True, slots=True)
class Attachment:
    """A file sent with a reply."""

    filename: str
    content: bytes
    mime_type: str


@dataclass(frozen=True, slots=True)
class Template:
    """An approved WhatsApp template: its content SID and the variables to fill in."""

    content_sid: str
    variables: dict[str, str]


@dataclass(frozen=True, slots=True)
class Reply:
    """One message from the bot.

    ``ref`` numbers the question the options belong to, so a press on an old keyboard is
    recognised; ``replace`` asks the channel to edit the message whose button was pressed
    instead of sending a new one (multi-select toggles); ``request_phone`` offers a
    "share my phone number" button where the channel has one. ``template`` is sent instead of
    the text where the channel needs an approved template (WhatsApp outside the 24-hour window).
    ``language`` is the language the text is in and ``multi`` says several options may be
    chosen, so a channel that adds words of its own (WhatsApp's "reply with a number") uses the
    member's language. ``key`` names a message that is sent once and then updated (a progress
    report): a channel that can edit messages edits the one it sent under the same key
    (Telegram); others send the new text as a new message.
    """

    text: str
    options: tuple[Option, ...] = ()
    file: Attachment | None = None
    ref: int | None = None
    replace: bool = False
    request_phone: bool = False
    phone_label: str = ""
    phone_hint: str = ""
    columns: int = 1
    template: Template | None = None
    language: str | None = None
    multi: bool = False
    key: str | None = None


def channel_of(address: str) -> str:
    """Returns the channel part of an address (``telegram`` of ``telegram:123``)."""
    return address.split(":", 1)[0]


def address_id(address: str) -> str:
    """Returns the channel's own id of an address (``123`` of ``telegram:123``)."""
    return address.split(":", 1)[1]
