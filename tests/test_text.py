"""The text helpers on their own: folding for matching, cleaning for storing, and splitting a
long message where a reader would."""

from __future__ import annotations

import pytest

from bot.text import clean, fold, split_message


@pytest.mark.parametrize(
    ("typed", "folded"),
    [
        ("Nikšić", "niksic"),
        ("ĐURĐEVIĆ", "djurdjevic"),
        ("đak", "djak"),
        ("Straße", "strasse"),
        ("Ørsted", "orsted"),
        ("Æbeltoft", "aebeltoft"),
        ("Łódź", "lodz"),
        ("Bosnia & Herzegovina", "bosnia herzegovina"),
        ("  Bar,\tMontenegro!  ", "bar montenegro"),
        ("São   Paulo", "sao paulo"),
        ("", ""),
    ],
)
def test_fold_drops_case_accents_punctuation_and_extra_spaces(typed: str, folded: str) -> None:
    """What members type without accents or in another case folds to the same key."""
    assert folded == fold(typed)


def test_fold_keeps_letters_of_other_scripts() -> None:
    """Cyrillic and Arabic letters stay letters (lower-cased), not punctuation to be dropped."""
    assert ("подгорица", "محمد") == (fold("Подгорица"), fold("محمد"))


@pytest.mark.parametrize(
    "control",
    ["\x00", "\x07", "\x08", "\x0b", "\x0c", "\x0e", "\x1b", "\x1f", "\x7f"],
)
def test_clean_drops_control_characters(control: str) -> None:
    """Control characters (bell, escape, delete…) never reach the store."""
    assert "AnaMarković" == clean(f"Ana{control}Marković")


@pytest.mark.parametrize(
    "invisible",
    ["\u200b", "\u200c", "\u200d", "\u200e", "\u200f", "\u202a", "\u202c", "\u202e", "\u2066"],
    ids=["zwsp", "zwnj", "zwj", "lrm", "rlm", "lre", "pdf", "rlo", "lri"],
)
def test_clean_drops_invisible_and_direction_override_characters(invisible: str) -> None:
    """Zero-width and bidirectional controls, which can disguise a name, are dropped."""
    assert "Ana Marković" == clean(f"{invisible}Ana Marković{invisible}")


def test_clean_keeps_newlines_and_tabs_inside_the_text() -> None:
    """Line breaks and tabs are the member's own layout (skills over several lines)."""
    assert "line one\nline two\tend" == clean("line one\nline two\tend")


def test_clean_composes_accents_and_trims() -> None:
    """A decomposed č (c + caron) is stored composed, without surrounding spaces."""
    assert "Nikšić" == clean("  Nikš\u030cić  ".replace("š\u030c", "s\u030c"))


def test_clean_cuts_at_the_limit_after_cleaning() -> None:
    """The limit counts what is kept, not the control characters that were dropped."""
    assert ("Ana", "Ana Mar", "Ana Marković") == (
        clean("\x00\x00Ana Marković", limit=3),
        clean("Ana Marković", limit=7),
        clean("Ana Marković"),
    )


def test_clean_of_nothing_is_nothing() -> None:
    """Empty or only invisible text cleans to the empty string."""
    assert ("", "") == (clean(""), clean("\u200b\x00 "))


def test_a_short_message_is_one_part() -> None:
    """Text within the limit is sent as it is, even exactly at the limit."""
    assert (["hello"], ["x" * 10]) == (split_message("hello", 10), split_message("x" * 10, 10))


def test_an_empty_message_is_one_empty_part() -> None:
    """Nothing to split still makes one (empty) part, so a caller always has a message."""
    assert [""] == split_message("", 10)


def test_a_long_message_is_cut_at_a_paragraph() -> None:
    """A paragraph break in the second half of the window is where the cut goes."""
    text = "First paragraph here.\n\nSecond one."
    assert ["First paragraph here.", "Second one."] == split_message(text, 25)


def test_a_paragraph_break_wins_over_a_later_line_break() -> None:
    """A list's lines stay together: the cut goes at the paragraph before it, not at its last
    line break."""
    text = "Intro text here.\n\nItem one\nItem two\nItem three"
    assert ["Intro text here.", "Item one\nItem two\nItem three"] == split_message(text, 30)


def test_a_text_of_exactly_the_limit_is_not_cut_at_its_spaces() -> None:
    """Exactly ``limit`` characters fit in one message, spaces and all."""
    assert ["aaaaaa bbb"] == split_message("aaaaaa bbb", 10)


def test_spaces_around_a_cut_are_dropped() -> None:
    """Spaces before the break end no part, and none begins the next; the first part keeps
    what the text began with."""
    text = "  First one.   \n\n   Second paragraph"
    assert ["  First one.", "Second paragraph"] == split_message(text, 24)


def test_a_line_break_before_half_the_window_gives_way_to_a_later_space() -> None:
    """A line break in the first half (here at 5 of 12) would leave a short part; the last
    space in the window is used instead."""
    assert ["abcde\nfg", "hijklmn"] == split_message("abcde\nfg hijklmn", 12)


def test_a_break_at_half_an_odd_window_counts_as_late_enough() -> None:
    """Half of 11 rounds down: a line break at 5 is used."""
    assert ["abcde", "fghijklmnop"] == split_message("abcde\nfghijklmnop", 11)


def test_a_long_message_is_cut_at_a_line_when_no_paragraph_fits() -> None:
    """Without a paragraph break, the last line break in the window is the cut."""
    text = "line number one\nline number two\nline three"
    assert ["line number one\nline number two", "line three"] == split_message(text, 35)


def test_a_long_message_is_cut_at_a_space_when_no_line_break_is_late_enough() -> None:
    """A line break in the first half of the window would leave a tiny part: a space is used."""
    text = "ab\ncd efgh ijkl mnop qrst"
    assert ["ab\ncd efgh ijkl", "mnop qrst"] == split_message(text, 16)


def test_a_word_longer_than_the_limit_is_cut_hard() -> None:
    """A single long word (a link) is cut at the limit, nothing lost."""
    assert ["abcdefghij", "klmnopqrst", "uv"] == split_message("abcdefghijklmnopqrstuv", 10)


def test_the_cut_takes_the_latest_break_in_the_window() -> None:
    """Of several spaces, the last one that fits is used, so parts are as full as can be."""
    assert ["aa bb cc dd", "ee"] == split_message("aa bb cc dd ee", 12)


def test_a_break_at_exactly_half_the_window_is_used() -> None:
    """A line break at exactly half the limit is late enough to cut at."""
    text = "abcde\nfghijklmno"
    assert ["abcde", "fghijklmno"] == split_message(text, 10)


def test_every_part_is_within_the_limit_and_nothing_is_lost() -> None:
    """Parts never pass the limit and together hold every word, in order."""
    text = "\n\n".join(f"Paragraph {n}: " + "word " * 37 for n in range(9))
    parts = split_message(text, 100)
    assert all(len(part) <= 100 for part in parts)
    assert text.split() == " ".join(parts).split()
