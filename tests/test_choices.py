"""What a message means: options matched by press, number or label; commands; keywords.

Mutants of bot/choices.py no test can kill, by design (``make mutate``): ``None`` text read as
"XXXX" by ``command`` (neither is a command); a language without a locale read through ``{}``
or ``None`` in ``words`` and ``Keywords.table`` (the languages the content offers are those of
its locale files); ``setdefault(word)`` without its ``None`` (the default is ``None``);
``Keywords``'s first ``_generation`` as ``-2``, ``+1`` or ``None`` (a content's generation counts
the files it read, dozens from the first load), and its empty table as ``None`` (replaced
before the first read);
``partition`` as ``rpartition`` for "START payload" (a payload has no space, so a text with two
spaces fails either way); and the key of ``words``'s cache in its check (a miss reads the same
words again)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.choices import SELECTED, Keywords, command, folded_words, resolve, words
from bot.content import Content
from bot.flow import Answer
from bot.messages import Inbound, Kind
from bot.text import fold
from tests.conftest import CONTENT
from tests.sample import content_folder

AT = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)
OFFERED = [["it", "IT and software"], ["health", "Health"], ["~back", "Back"]]


def _text(text: str) -> Inbound:
    return Inbound("telegram:1", AT, text=text)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("2", Answer(text="2", choice="health")),
        ("health", Answer(text="health", choice="health")),
        ("  HEALTH ", Answer(text="HEALTH", choice="health")),
        ("1, 2", Answer(text="1, 2", choices=("it", "health"))),
        ("1 2 1", Answer(text="1 2 1", choices=("it", "health"))),
        (
            "it and software, health",
            Answer(text="it and software, health", choices=("it", "health")),
        ),
        # A control never joins a multiple choice; a number beyond the list is just text.
        ("1, 3", Answer(text="1, 3")),
        ("4", Answer(text="4")),
        # Close to a label but not clearly it: offered as "did you mean".
        ("Healthcare", Answer(text="Healthcare", suggested=("health",))),
        ("Cardiology", Answer(text="Cardiology")),
    ],
)
def test_typed_numbers_and_labels_become_the_options_on_offer(typed: str, expected: Answer) -> None:
    assert expected == resolve(_text(typed), OFFERED)


def test_a_chosen_mark_and_accents_do_not_hide_a_label() -> None:
    """ "Niksic" is Nikšić; a label already ticked in a multi-select still matches."""
    offered = [["nk", "Nikšić"], ["pg", SELECTED + "Podgorica"]]
    assert "nk" == resolve(_text("niksic"), offered).choice
    assert "pg" == resolve(_text("podgorica"), offered).choice


def test_a_press_of_an_option_on_offer_is_that_option() -> None:
    """A button of the question asked is its option, whatever its position."""
    for option_id, *_ in OFFERED:
        press = Inbound("telegram:1", AT, kind=Kind.CHOICE, choice=option_id)
        assert Answer(choice=option_id) == resolve(press, OFFERED)


def test_presses_of_options_no_longer_on_offer_and_media_are_told_apart() -> None:
    """A button of an older question is no answer; a sticker is unsupported."""
    press = Inbound("telegram:1", AT, kind=Kind.CHOICE, choice="gone")
    sticker = Inbound("telegram:1", AT, kind=Kind.MEDIA)
    assert (Answer(choice=None), Answer(unsupported=True)) == (
        resolve(press, OFFERED),
        resolve(sticker, OFFERED),
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("/start ev_diaspora-days", ("start", "ev_diaspora-days")),
        ("/HELP@diaspora_bot", ("help", "")),
        ("  /events  ", ("events", "")),
        ("start", None),
        ("/not a-command!", ("not", "a-command!")),
        ("//", None),
    ],
)
def test_commands_are_split_into_name_and_payload(
    text: str, expected: tuple[str, str] | None
) -> None:
    assert expected == command(text)


def test_keywords_in_any_language_and_an_option_on_offer_wins() -> None:
    """STOP and ODJAVA stop in either language; START with a deep-link payload opens it; a
    word that is an option's label (or part of one, while answering) is not a keyword."""
    keywords = Keywords(Content.load(CONTENT, "en"), ["stop", "start", "cancel", "events"])
    assert ("stop", "") == keywords.match("Stop", [], answering=False)
    assert ("stop", "") == keywords.match("odjava", [], answering=False)
    assert ("start", "ev_forum") == keywords.match("START ev_forum", [], answering=False)
    assert keywords.match("START not a payload!", [], answering=False) is None
    assert keywords.match("cancel", [["~cancel", "Cancel"]], answering=True) is None
    assert keywords.match("events", [["ev", "Events and meetings"]], answering=True) is None
    assert ("events", "") == keywords.match(
        "events", [["ev", "Events and meetings"]], answering=False
    )


def test_a_shared_contact_keeps_its_number_and_whether_it_is_the_senders_own() -> None:
    """A contact card reaches the flow with its number and the platform's word on whose it is."""
    card = Inbound(
        "telegram:1", AT, kind=Kind.CONTACT, contact_phone="+38267123456", contact_own=True
    )
    assert Answer(contact_phone="+38267123456", contact_own=True) == resolve(card, OFFERED)


@pytest.mark.parametrize(
    "inbound",
    [
        Inbound("telegram:1", AT, kind=Kind.MEDIA, text="my CV"),
        Inbound("telegram:1", AT, kind=Kind.LOCATION),
        Inbound("telegram:1", AT, text="   "),
    ],
)
def test_media_with_a_caption_and_blank_text_are_no_answer(inbound: Inbound) -> None:
    """A photo's caption is not an answer, and neither is a message of spaces."""
    assert Answer(unsupported=True) == resolve(inbound, OFFERED)


def test_the_last_number_on_the_list_picks_the_last_option() -> None:
    """The highest number shown (here Back, the third) is on the list, not past its end."""
    assert "~back" == resolve(_text("3"), OFFERED).choice


def test_keywords_are_split_at_commas_only() -> None:
    """ "my events" is one keyword of /myevents; its words on their own are no keyword."""
    keywords = Keywords(Content.load(CONTENT, "en"), ["myevents", "events"])
    assert ("myevents", "") == keywords.match("My events", [], answering=False)
    assert keywords.match("my", [], answering=False) is None


def test_a_command_without_keywords_has_none() -> None:
    """A command the locales give no words to is reached only by its slash."""
    keywords = Keywords(Content.load(CONTENT, "en"), ["nosuch"])
    assert {} == keywords.table()


def test_where_free_text_is_an_answer_only_exact_names_pick_options() -> None:
    """With ``exact`` (a name, a country typed), "Ana" stays text beside the button "Ana
    Marković", and commas do not split the text into several options."""
    suggested = [["use_name", "Ana Marković"]]
    assert Answer(text="Ana") == resolve(_text("Ana"), suggested, exact=True)
    assert "use_name" == resolve(_text("ana markovic"), suggested, exact=True).choice
    languages = [["en", "English"], ["de", "German"]]
    assert Answer(text="German, English") == resolve(
        _text("German, English"), languages, exact=True
    )
    assert ("de", "en") == resolve(_text("German, English"), languages).choices


def test_aliases_kept_with_the_offer_name_their_option() -> None:
    """An alias kept after the label ("da" for "I agree") picks the option like its label."""
    offered = [["agree", "✅ I agree", "yes", "da"], ["decline", "❌ No, thanks", "no", "ne"]]
    assert ("agree", "decline") == (
        resolve(_text("Da"), offered).choice,
        resolve(_text("ne"), offered).choice,
    )


def test_answer_words_come_from_every_language_once_each() -> None:
    """``words`` joins a list from every locale, English first, each word once; a list no
    locale has is empty."""
    content = Content.load(CONTENT, "en")
    found = words(content, "yes")
    assert ("yes", "da") == (found[0], found[found.index("da")])
    assert "slažem se" in found
    assert len(found) == len(set(found))
    assert () == words(content, "nosuch")


def test_folded_words_are_the_words_folded_and_follow_a_change_of_the_content(
    tmp_path: Path,
) -> None:
    """Every language's words, folded ("Slažem se" as "slazem se"), the same set until the
    content changes, and the new words once it did."""
    content = Content.load(content_folder(tmp_path), "en")
    folded = folded_words(content, "yes")
    assert {fold(word) for word in words(content, "yes")} == folded
    assert "slazem se" in folded and all(word == fold(word) for word in folded)
    assert folded is folded_words(content, "yes")
    assert folded_words(content, "no") == {fold(word) for word in words(content, "no")}

    locale = tmp_path / "content" / "locales" / "en.yaml"
    text = locale.read_text(encoding="utf-8")
    locale.write_text(text.replace('of course"', 'of course, Absolutely"', 1), encoding="utf-8")
    content.refresh(force=True)
    assert "absolutely" in folded_words(content, "yes")
    assert "absolutely" not in folded
