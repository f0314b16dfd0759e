"""Codes as staff read them: a fellowship duration in words, in the staff's language."""

from __future__ import annotations

import pytest

from bot.content import Content
from staff.words import Words
from tests.conftest import CONTENT


@pytest.mark.parametrize(
    ("language", "code", "shown"),
    [
        ("en", "1", "1 month"),
        ("en", "4", "4 months"),
        ("cnr", "4", "4 mjeseca"),
        ("cnr", "5", "5 mjeseci"),
        ("en", "6_to_12", "6–12 months"),
        ("cnr", "up_to_1", "Do mjesec dana"),
    ],
)
def test_a_duration_reads_as_months_old_ranges_too(language: str, code: str, shown: str) -> None:
    """The months a member chose read as "4 months" ("4 mjeseca"); the ranges of applications
    filed before read as they did."""
    words = Words(Content.load(CONTENT, "en"), language, "Europe/Podgorica")
    assert shown == words.label("duration", code)
