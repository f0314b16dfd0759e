"""Checks of what members type, shared by the flows: names and other short labels, free text,
years, e-mail addresses, phone numbers and web links.

Pure functions of the text (no context, no store), so registration and the fellowship hold a
name and a field of expertise to the same rules, and the edge cases can be tested without a
conversation. Each returns the value to store, or says why it was refused (``None``, or a
:class:`Problem` where the reasons differ); the step then re-asks with its own message, since
invalid input is no error.
"""

from __future__ import annotations

import enum
import re
from urllib.parse import urlsplit

from email_validator import EmailNotValidError, validate_email

from bot.text import clean

# A letter in any script: "Đorđe" and "Ђорђе" are words, "12345", "..." and emoji are not.
_HAS_LETTER = re.compile(r"[^\W\d_]")
# A link where a name or a field of expertise belongs is spam, or a paste into the wrong box.
_LINK = re.compile(r"https?://|www\.", re.IGNORECASE)
_YEAR = re.compile(r"\d{4}")
_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*://", re.IGNORECASE)
# Host names of ASCII letters, digits, dots and dashes: no Unicode look-alikes, no IPv6 literals.
_HOST = re.compile(r"[a-z0-9.-]+")
# What a written phone number is made of: digits, a leading + and the usual separators. Letters
# (vanity numbers, "tel:", "ext.") are no number a member's phone answers on.
_PHONE = re.compile(r"\+?[\d\s().\-/]+")
_SEPARATORS = re.compile(r"[\s().\-/]")


class Problem(enum.Enum):
    """Why a typed answer was refused; each flow says it in its own words."""

    INVALID = enum.auto()
    TOO_SHORT = enum.auto()
    TOO_LONG = enum.auto()
    IN_FUTURE = enum.auto()
    TOO_EARLY = enum.auto()


def has_letter(text: str) -> bool:
    """Whether the text has a letter in any script, not just digits, symbols or emoji."""
    return _HAS_LETTER.search(text) is not None


def one_line(text: str) -> str:
    """Cleaned text on one line: a name or city typed over several lines would break the
    one-field-a-line summary and the exports."""
    return " ".join(clean(text).split())


def label(text: str, limit: int) -> str | Problem:
    """A short answer in the member's words, such as a name or a field of expertise: one line,
    with a letter, without a link, at most ``limit`` characters."""
    value = one_line(text)
    if not has_letter(value) or _LINK.search(value):
        return Problem.INVALID
    return Problem.TOO_LONG if len(value) > limit else value


def place(text: str, limit: int) -> str | Problem:
    """A place name such as a city: one line, with a letter, at most ``limit`` characters."""
    value = one_line(text)
    if not has_letter(value):
        return Problem.INVALID
    return Problem.TOO_LONG if len(value) > limit else value


def prose(text: str, limit: int, *, shortest: int = 1) -> str | Problem:
    """Free text such as skills or a motivation, line breaks kept: with a letter, from
    ``shortest`` to ``limit`` characters."""
    value = clean(text)
    if not has_letter(value):
        return Problem.INVALID
    if len(value) < shortest:
        return Problem.TOO_SHORT
    return Problem.TOO_LONG if len(value) > limit else value


def past_year(text: str, this_year: int, earliest: int) -> int | Problem:
    """A year of four digits from ``earliest`` to ``this_year``."""
    value = clean(text)
    if not _YEAR.fullmatch(value):
        return Problem.INVALID
    year = int(value)
    if year > this_year:
        return Problem.IN_FUTURE
    if year < earliest:
        return Problem.TOO_EARLY
    return year


def email_address(text: str) -> str | None:
    """The e-mail address in its normalised form, or None; its domain is not looked up in DNS,
    so a well-formed address counts even if no mail reaches it."""
    try:
        address = validate_email(clean(text), check_deliverability=False)
    except EmailNotValidError:
        return None
    return address.normalized


def normalise_phone(text: str, country: str | None) -> str | None:
    """The number in E.164, read in the member's country's format if it has no prefix."""
    # phonenumbers' metadata comes with the first number read, not at start (issue 12).
    import phonenumbers

    raw = clean(text)
    digits = _SEPARATORS.sub("", raw)
    if raw.startswith("00"):
        # The international prefix dialled in most countries, typed instead of "+".
        raw = raw.replace("00", "+", 1)
    elif digits.isdigit() and len(digits) > 10 and country is None:
        # No country to read it in, and too long for a national number: an international
        # number whose "+" was left out.
        raw = "+" + raw
    if not _PHONE.fullmatch(raw):
        return None
    try:
        number = phonenumbers.parse(raw, country)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return str(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164))


def shared_phone(number: str) -> str | None:
    """A number shared with the app's own-contact button, in E.164: it comes in international
    format, with or without its "+", so it is never read in a country's national format."""
    return normalise_phone("+" + number.strip().removeprefix("+"), None)


def https_link(text: str, limit: int) -> str | None:
    """The text as an https link to a web page, or None; ``linkedin.com/in/ana`` gets https://."""
    link = clean(text)
    if not _SCHEME.match(link):
        link = "https://" + link
    if len(link) > limit or any(char.isspace() for char in link):
        return None
    parts = urlsplit(link)
    host = parts.hostname
    if host is None or parts.scheme.lower() != "https" or "." not in host:
        return None
    if parts.username is not None or parts.password is not None:
        return None
    if not _HOST.fullmatch(host) or host.startswith(".") or ".." in host:
        return None
    return link
