"""FAQ files (content/faq/): the shipped ones load and answer members' questions, every problem
names its file and line, `campaigns check` reports what the folder as a whole gets wrong, and
the word forms come from simplemma's dictionaries."""

from __future__ import annotations

import json
import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot import faq, lemmas
from bot.content import Content
from bot.content.check import check
from bot.faq_index import _FORMS, CACHE_LIMIT, CACHE_NAME, FaqIndex, entries_of
from bot.store import Store
from tests.conftest import CONTENT
from tests.sample import content_folder

ENTRY = """\
questions:
  en:
    - How do I delete my data?
    - Please erase my account
  cnr:
    - Kako da obrišem svoje podatke?
answer:
  en: Send /delete and confirm.
  cnr: Pošaljite /delete i potvrdite.
"""


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return content_folder(tmp_path)


@pytest.fixture
async def shipped() -> AsyncIterator[FaqIndex]:
    """The shipped FAQ's index, with the word forms made in a child process as the service
    makes them (once per test process)."""
    index = FaqIndex(Content.load(CONTENT, "en"))
    await index.index()
    yield index


def test_the_shipped_faq_has_ten_to_twenty_entries_in_both_languages() -> None:
    """Every shipped entry loads, with phrasings and an answer in English and Montenegrin."""
    content = Content.load(CONTENT, "en")
    assert [] == [str(error) for error in content.errors.values()]
    assert 10 <= len(content.faq) <= 20
    for entry in content.faq.values():
        assert {"en", "cnr"} <= set(entry.questions), entry.slug
        assert {"en", "cnr"} <= set(entry.answer), entry.slug
        assert all(len(texts) >= 3 for texts in entry.questions.values()), entry.slug


def test_an_entry_is_read_in_full(folder: Path) -> None:
    """Phrasings per language, the answer per language, its first phrasing as its title."""
    (folder / "faq" / "erase.yaml").write_text(ENTRY, encoding="utf-8")
    entry = Content.load(folder, "en").faq["erase"]
    assert ("How do I delete my data?", "Please erase my account") == entry.questions["en"]
    assert "Pošaljite /delete i potvrdite." == entry.answer_in("cnr", "en")
    assert "Send /delete and confirm." == entry.answer_in("de", "en")
    assert "Kako da obrišem svoje podatke?" == entry.title("cnr", "en")
    assert "How do I delete my data?" == entry.title("de", "en")


def test_one_answer_may_serve_every_language(folder: Path) -> None:
    """``answer: text`` is the answer in any language."""
    text = ENTRY.split("answer:")[0] + "answer: See /delete.\n"
    (folder / "faq" / "erase.yaml").write_text(text, encoding="utf-8")
    assert "See /delete." == Content.load(folder, "en").faq["erase"].answer_in("cnr", "en")


@pytest.mark.parametrize(
    ("old", "new", "line", "message"),
    [
        ("questions:", "kwestions:", 1, "unknown key 'kwestions'"),
        ("  cnr:\n    - Kako", "  de:\n    - Kako", 5, "questions: unknown language 'de'"),
        ("    - Please erase my account", "    - 12", 4, "questions.en: item 2 must be text"),
        ("  en: Send /delete and confirm.", "  en: ''", 8, "answer.en: expected text"),
        ("  en:\n    - How", "  en: []\n  xx:\n    - How", 2, "questions.en: expected a list"),
        ("  en: Send /delete", "  en: " + "x" * 1501 + " Send /delete", 8, "longer than 1500"),
    ],
)
def test_each_problem_names_its_file_and_line(
    folder: Path, old: str, new: str, line: int, message: str
) -> None:
    """A mistake in an FAQ file is reported as file:line: message, and the entry is not used."""
    path = folder / "faq" / "erase.yaml"
    assert ENTRY.count(old) == 1
    path.write_text(ENTRY.replace(old, new), encoding="utf-8")

    content = Content.load(folder, "en")

    error = content.errors[str(path)]
    assert (str(path), line) == (error.path, error.line)
    assert message in error.message
    assert "erase" not in content.faq


def test_a_broken_edit_keeps_the_last_good_entry_and_a_good_one_is_reloaded(folder: Path) -> None:
    """The bot answers as before until the file is fixed; a fixed file is in use at once."""
    path = folder / "faq" / "erase.yaml"
    path.write_text(ENTRY, encoding="utf-8")
    content = Content.load(folder, "en")
    path.write_text(ENTRY.replace("questions:", "questions: ["), encoding="utf-8")
    _touch_later(path)
    content.refresh(force=True)
    assert "Send /delete and confirm." == content.faq["erase"].answer["en"]
    path.write_text(ENTRY.replace("and confirm", "and say yes"), encoding="utf-8")
    _touch_later(path)
    content.refresh(force=True)
    assert "Send /delete and say yes." == content.faq["erase"].answer["en"]


async def test_campaigns_check_lists_every_problem_of_an_faq_file_and_of_the_folder(
    folder: Path, tmp_path: Path
) -> None:
    """Every problem of a file, and what only the folder shows: a phrasing two entries share,
    a language with no phrasing or no answer."""
    broken = folder / "faq" / "broken.yaml"
    broken.write_text(
        ENTRY.replace("    - Please erase my account", "    - 12").replace("questions", "qs", 1)
        + "colour: red\n",
        encoding="utf-8",
    )
    twin = folder / "faq" / "twin.yaml"
    twin.write_text(
        "questions:\n  en: [How do I stop the messages?]\nanswer:\n  en: Send /stop.\n",
        encoding="utf-8",
    )
    content = Content.load(folder, "en")
    async with Store(tmp_path / "db.sqlite3") as store:
        problems = [str(error) for error in await check(content, store, whatsapp_enabled=False)]

    assert f"{broken}:1: unknown key 'qs' (expected one of ['answer', 'questions'])" in problems
    assert (
        f"{broken}:10: unknown key 'colour' (expected one of ['answer', 'questions'])" in problems
    )
    assert f"{broken}:1: missing key 'questions'" in problems
    shipped = folder / "faq" / "stop-messages.yaml"
    assert (
        f"{twin}:1: questions: 'How do I stop the messages?' is also a phrasing of stop-messages"
        in problems
    ), [p for p in problems if "faq" in p]
    assert (
        f"{twin}:1: questions: no phrasing in 'cnr' (members who write in it are matched less"
        " well)" in problems
    )
    assert f"{twin}:3: answer: no text in 'cnr' (those members get the default language's)" in (
        problems
    )
    assert [] == [problem for problem in problems if problem.startswith(str(shipped))]


def test_word_forms_cover_every_form_of_the_faqs_lemmas_without_accents() -> None:
    """simplemma's Serbo-Croatian ("hbs") and English dictionaries give each lemma's forms,
    folded; a language simplemma lacks is left out."""
    table = lemmas.forms({"cnr": {"obrišem", "podatke"}, "en": {"deleting"}, "xx": {"abc"}})
    assert "obrisati" == table["obrisite"] == table["obrisem"] == table["obrisala"]
    assert "podatak" == table["podaci"] == table["podataka"]
    assert "delete" == table["deleted"] == table["deleting"]
    assert "abc" not in table
    assert ("hbs", "en", None) == (lemmas.code("cnr"), lemmas.code("en"), lemmas.code("xx"))


async def test_word_forms_made_in_a_child_process_are_the_same() -> None:
    """forms_apart gives what forms gives, without loading the dictionaries here."""
    words = {"cnr": {"poruke"}, "en": {"messages"}}
    assert lemmas.forms(words) == await lemmas.forms_apart(words)


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("How can I invest in a hotel in Kotor? Who should I talk to?", "invest"),
        ("how do i delte my acount", "delete-data"),
        ("obrisite moje podatke", "delete-data"),
        ("Како да обришем своје податке?", "delete-data"),
        ("kada je sljedeci dogadjaj za dijasporu", "events"),
        ("is the fellowhsip paid?", "fellowship"),
        ("zelim da ulozim novac u firmu kod kuce", "invest"),
        ("what's the weather in Podgorica tomorrow?", None),
        ("recept za priganice", None),
    ],
)
async def test_the_shipped_faq_answers_members_in_their_own_words(
    shipped: FaqIndex, question: str, expected: str | None
) -> None:
    """English and Montenegrin, typos, no accents, Cyrillic, mixed; off-topic is not answered."""
    assert expected == (await shipped.ask(question)).answer


async def test_the_index_is_built_again_when_the_faq_changes(folder: Path) -> None:
    """A new entry is asked at the next question, without a restart."""
    content = Content.load(folder, "en")
    index = FaqIndex(content)
    assert (await index.ask("banana bread recipe")).answer is None
    path = folder / "faq" / "banana.yaml"
    path.write_text(
        "questions:\n  en: [Banana bread recipe]\n  cnr: [Recept za hljeb od banana]\n"
        "answer: Bake it.\n",
        encoding="utf-8",
    )
    content.refresh(force=True)
    verdict = await index.ask("banana bread recipe")
    assert ("banana", ("banana",)) == (verdict.answer, verdict.candidates[:1])


async def test_without_word_forms_the_faq_still_answers(folder: Path) -> None:
    """The command line's index (forms made in this process) answers like the service's."""
    index = FaqIndex(Content.load(CONTENT, "en"), apart=False)
    verdict = await index.ask("How do I delete my data?")
    assert isinstance(verdict, faq.Verdict)
    assert "delete-data" == verdict.answer


def _touch_later(path: Path) -> None:
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))


async def test_the_word_forms_are_kept_beside_the_database_for_the_next_start(
    folder: Path, tmp_path: Path
) -> None:
    """The first index writes its word forms to the cache folder; after a restart (nothing
    kept in the process) the file's forms are used as they are — no child made — and a file
    for another vocabulary, a broken one or one too big is ignored."""
    content = Content.load(folder, "en")
    vocabulary = faq.vocabulary(entries_of(content))
    cache = tmp_path / "data"
    cache.mkdir()
    _FORMS.clear()
    made = await FaqIndex(content, cache=cache).word_forms(vocabulary)
    kept = json.loads((cache / CACHE_NAME).read_text(encoding="utf-8"))
    assert made == kept["forms"] and len(made) > 1000

    # What a restart sees: forms only in the file, one of them changed to tell them apart.
    kept["forms"]["zzzforma"] = "obrisati"
    (cache / CACHE_NAME).write_text(json.dumps(kept), encoding="utf-8")
    _FORMS.clear()
    restarted = await FaqIndex(content, cache=cache).word_forms(vocabulary)
    assert "obrisati" == restarted["zzzforma"]

    for broken in (
        json.dumps({**kept, "vocabulary": "0" * 64}),
        "{not json",
        json.dumps({**kept, "forms": ["a list"]}),
        json.dumps({**kept, "padding": "x" * CACHE_LIMIT}),
    ):
        (cache / CACHE_NAME).write_text(broken, encoding="utf-8")
        _FORMS.clear()
        again = await FaqIndex(content, cache=cache).word_forms(vocabulary)
        assert "zzzforma" not in again and made == again
        assert made == json.loads((cache / CACHE_NAME).read_text(encoding="utf-8"))["forms"]


async def test_a_cache_folder_that_cannot_be_written_still_answers(
    folder: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """No cache file can be written (the folder is gone): the forms are made and used, and
    the log says why they were not kept."""
    _FORMS.clear()
    content = Content.load(folder, "en")
    index = FaqIndex(content, cache=tmp_path / "missing")
    assert "delete-data" == (await index.ask("How do I delete my data?")).answer
    assert "could not be kept" in caplog.text
