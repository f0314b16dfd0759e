"""The checks of typed answers that registration and the fellowship share: names and labels,
free text, years, e-mail addresses, phone numbers and links, edge cases included."""

from __future__ import annotations

import pytest

from handlers.answers import (
    Problem,
    email_address,
    https_link,
    label,
    normalise_phone,
    past_year,
    place,
    prose,
    shared_phone,
)

LINK_LIMIT = 300


@pytest.mark.parametrize(
    ("typed", "country", "expected"),
    [
        ("+49 170 1234567", None, "+491701234567"),
        ("0049 170 1234567", None, "+491701234567"),
        ("0049 170 1002003", None, "+491701002003"),
        ("00382 67 123 456", "DE", "+38267123456"),
        ("0170 1234567", "DE", "+491701234567"),
        ("067 123 456", "ME", "+38267123456"),
        ("+49 170 1234567", "ME", "+491701234567"),
        ("491701234567", None, "+491701234567"),
        ("38267123456", None, "+38267123456"),
        ("49 170 1234567", None, "+491701234567"),
        ("01701234567", "DE", "+491701234567"),
        ("(0170) 123-4567", "DE", "+491701234567"),
    ],
)
def test_a_phone_number_is_stored_in_e164(typed: str, country: str | None, expected: str) -> None:
    """00 counts as +, a number without prefix is read in the member's country, a + number
    keeps its own country, and a long run of digits with no country is international."""
    assert expected == normalise_phone(typed, country)


@pytest.mark.parametrize(
    ("typed", "country"),
    [
        ("12345", "DE"),
        ("call me maybe", None),
        ("0170 1234567", None),
        ("+49 170", None),
        ("", "DE"),
        ("4930123456", None),
        ("+49 170 CALL-ME", None),
        ("tel:+491701234567", None),
        ("++491701234567", None),
    ],
)
def test_a_phone_number_that_cannot_be_dialled_is_refused(typed: str, country: str | None) -> None:
    """Too short, not a number, letters, or national without a country to read it in: refused.
    Ten digits without a country could be a national number, so they are not read as an
    international one (eleven are)."""
    assert None is normalise_phone(typed, country)


@pytest.mark.parametrize("shared", ["38267123456", "+38267123456", " 38267123456 "])
def test_a_shared_contact_is_international_with_or_without_plus(shared: str) -> None:
    """The app's own-contact button sends the number in international format, + or not."""
    assert "+38267123456" == shared_phone(shared)


def test_a_shared_contact_is_never_read_in_a_national_format() -> None:
    """A shared number without its country code is refused, not guessed into a country."""
    assert None is shared_phone("0170 1234567")


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("ana.markovic@gmail.com", "ana.markovic@gmail.com"),
        ("  ana@example.com  ", "ana@example.com"),
        ("Ana@Example.COM", "Ana@example.com"),
    ],
)
def test_an_email_address_is_stored_normalised(typed: str, expected: str) -> None:
    """Spaces go and the domain is lower-cased; the mailbox keeps its case."""
    assert expected == email_address(typed)


@pytest.mark.parametrize(
    "typed", ["ana@", "ana at example.com", "ana@example", "@example.com", "ana@@example.com"]
)
def test_an_invalid_email_address_is_refused(typed: str) -> None:
    """No domain, no @, a domain without a dot, or no mailbox: refused."""
    assert None is email_address(typed)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("2015", 2015),
        (" 2026 ", 2026),
        ("1940", 1940),
        ("2027", Problem.IN_FUTURE),
        ("2099", Problem.IN_FUTURE),
        ("1939", Problem.TOO_EARLY),
        ("15", Problem.INVALID),
        ("20155", Problem.INVALID),
        ("abc", Problem.INVALID),
        ("2015.", Problem.INVALID),
    ],
)
def test_a_year_must_have_four_digits_and_lie_between_the_earliest_and_now(
    typed: str, expected: int | Problem
) -> None:
    """This year and the earliest year count; a year to come or before the earliest does not."""
    assert expected == past_year(typed, this_year=2026, earliest=1940)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("Ana Marković", "Ana Marković"),
        ("  Ana\n  Marković ", "Ana Marković"),
        ("Ђорђе", "Ђорђе"),
        ("A" * 100, "A" * 100),
        ("A" * 101, Problem.TOO_LONG),
        ("12345", Problem.INVALID),
        ("...", Problem.INVALID),
        ("Ana https://spam.example", Problem.INVALID),
        ("www.spam.me", Problem.INVALID),
        ("HTTP://SPAM.EXAMPLE", Problem.INVALID),
        ("https://" + "a" * 200, Problem.INVALID),
    ],
)
def test_a_label_is_one_line_of_words_without_a_link(typed: str, expected: str | Problem) -> None:
    """A name or a field of expertise: lines joined, a letter in any script, no link (even a
    long one is refused as a link, not as too long), at most the limit."""
    assert expected == label(typed, 100)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("Bad\nHomburg", "Bad Homburg"),
        ("Herceg Novi", "Herceg Novi"),
        ("1010", Problem.INVALID),
        ("B" * 80, "B" * 80),
        ("B" * 81, Problem.TOO_LONG),
    ],
)
def test_a_place_is_one_line_with_a_letter(typed: str, expected: str | Problem) -> None:
    """A city: lines joined, a letter needed, at most the limit."""
    assert expected == place(typed, 80)


def test_prose_keeps_its_line_breaks() -> None:
    """Skills or a motivation may span lines; only the ends are trimmed."""
    assert "Python\ncloud infrastructure" == prose("  Python\ncloud infrastructure \n", 500)


def test_prose_without_a_shortest_length_takes_one_letter() -> None:
    """Unless a flow asks for more, one letter is an answer."""
    assert "x" == prose("x", 500)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("I'd like to.", Problem.TOO_SHORT),
        ("!!! ??? !!! ??? !!! ???", Problem.INVALID),
        ("x" * 20, "x" * 20),
        ("x" * 50, "x" * 50),
        ("x" * 51, Problem.TOO_LONG),
    ],
)
def test_prose_needs_a_letter_and_a_length_within_bounds(
    typed: str, expected: str | Problem
) -> None:
    """Symbols alone are refused however long; below the shortest or above the limit too."""
    assert expected == prose(typed, 50, shortest=20)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("https://www.linkedin.com/in/ana", "https://www.linkedin.com/in/ana"),
        ("linkedin.com/in/ana", "https://linkedin.com/in/ana"),
        ("  https://example.org/cv.pdf  ", "https://example.org/cv.pdf"),
        ("HTTPS://example.org/cv", "HTTPS://example.org/cv"),
        ("http://example.org/cv.pdf", None),
        ("ftp://example.org/cv.pdf", None),
        ("javascript:alert(1)", None),
        ("my cv is great", None),
        ("https://localhost/cv", None),
        ("https://user:pw@example.org/cv", None),
        ("https://user@example.org/cv", None),
        ("https://:pw@example.org/cv", None),
        ("https://exämple.org/cv", None),
        ("https://.example.org/cv", None),
        ("https://example..org/cv", None),
        ("https://example.org/" + "a" * 300, None),
    ],
)
def test_only_https_links_to_a_web_site_are_accepted(typed: str, expected: str | None) -> None:
    """The CV link must be an https link to a named host; a bare domain gets https://."""
    assert expected == https_link(typed, LINK_LIMIT)


def test_a_link_may_be_as_long_as_the_limit_but_no_longer() -> None:
    """The limit counts the https:// added to a bare domain."""
    at_limit = "example.org/" + "a" * (LINK_LIMIT - len("https://example.org/"))

    assert "https://" + at_limit == https_link(at_limit, LINK_LIMIT)
    assert None is https_link(at_limit + "a", LINK_LIMIT)
