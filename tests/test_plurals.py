"""Plural forms by each language's rules: "1 member", "3 člana", "5 članova", "21 član"."""

from __future__ import annotations

from bot.content import Content
from bot.plurals import category, counted, number_of
from tests.conftest import CONTENT


def test_montenegrin_has_three_forms_and_english_two() -> None:
    """CLDR's rules through Babel: cnr one (1, 21), few (2–4, 22), other (0, 5–20, 25)."""
    assert ["other", "one", "few", "few", "other", "other", "one", "few", "other"] == [
        category("cnr", n) for n in (0, 1, 2, 4, 5, 11, 21, 22, 25)
    ]
    assert ["other", "one", "other", "other"] == [category("en", n) for n in (0, 1, 2, 21)]


def test_a_locale_text_takes_the_form_of_its_count_in_each_language() -> None:
    """``broadcast.send`` reads right for 1, 3, 5 and 21 members, formatted counts included."""
    content = Content.load(CONTENT, "en")
    assert ["📨 Send to 1 member", "📨 Send to 3 members", "📨 Send to 1,234 members"] == [
        content.text("en", "broadcast.send", count=count) for count in (1, "3", "1,234")
    ]
    assert [
        "📨 Pošalji (1 član)",
        "📨 Pošalji (3 člana)",
        "📨 Pošalji (5 članova)",
        "📨 Pošalji (21 član)",
    ] == [content.text("cnr", "broadcast.send", count=count) for count in (1, 3, 5, 21)]


def test_the_command_lines_english_counts_agree_with_their_number() -> None:
    """``1 problem in 1 file``, never ``1 problems in 1 files``."""
    assert ["1 problem", "2 problems", "0 problems"] == [
        counted(n, "problem", "problems") for n in (1, 2, 0)
    ]
    assert [1234, 7, None] == [number_of("1.234"), number_of(7), number_of("none")]
