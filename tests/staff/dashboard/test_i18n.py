"""The dashboard in Montenegrin: every text of the templates and the code translated, the
switch in the header, codes and plurals in the chosen language, ISO dates in the filters."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_file
from babel.messages.pofile import read_po

from bot.app import App
from staff import answers, decisions, introductions, matching, polls, suggestions, texts
from staff.dashboard import i18n
from tests.staff.dashboard.conftest import Coordinator, People
from tests.staff.dashboard.unmarked import unmarked

DASHBOARD = Path(i18n.__file__).parent
# The staff modules whose texts a dashboard page shows (reasons of suggestions, refusals): their
# messages are marked with :func:`staff.texts.N_` and translated in the dashboard's catalogues.
STAFF = tuple(
    Path(module.__file__ or "")
    for module in (answers, decisions, introductions, matching, polls, suggestions)
)
KEYWORDS = {
    "_": None,
    "gettext": None,
    "ngettext": (1, 2),
    "N_": None,
    "pgettext": ((1, "c"), 2),
    "NC_": ((1, "c"), 2),
}
_FORMATTER = string.Formatter()
Text = str | tuple[str, ...]


def _texts() -> set[tuple[str | None, Text]]:
    """Every text the dashboard's templates and modules mark for translation, with its
    context (None for most)."""
    found: set[tuple[str | None, Text]] = set()
    for path in sorted((DASHBOARD / "templates").glob("*.html")):
        options = {"extensions": "jinja2.ext.i18n"}
        for _line, text, _comments, context in extract_from_file(
            "jinja2.ext:babel_extract", str(path), keywords=KEYWORDS, options=options
        ):
            found.add((context, text if isinstance(text, str) else tuple(text)))
    for path in [*sorted(DASHBOARD.glob("*.py")), *STAFF]:
        for _line, text, _comments, context in extract_from_file(
            "python", str(path), keywords=KEYWORDS
        ):
            found.add((context, text if isinstance(text, str) else tuple(text)))
    return found


def _fields(text: str) -> set[str]:
    return set(re.findall(r"%\((\w+)\)[sd]|%[sd]", text))


@pytest.mark.parametrize("language", i18n.catalogued())
def test_every_text_of_the_dashboard_is_translated_with_the_same_placeholders(
    language: str,
) -> None:
    """No English left in a catalogued language: each text (and each plural form) has a
    translation that fills exactly the placeholders of the English."""
    with (DASHBOARD / "locales" / f"{language}.po").open("rb") as handle:
        catalog = read_po(handle, locale=language)
    missing, mismatched = [], []
    for context, text in sorted(_texts(), key=str):
        message = catalog.get(text if isinstance(text, str) else text[0], context=context)
        translated = message.string if message is not None else None
        forms = [translated] if isinstance(translated, str) else list(translated or [])
        if not forms or not all(forms):
            missing.append(text)
            continue
        english = _fields(text if isinstance(text, str) else text[1])
        if any(_fields(form) - english - {"%(num)d"} for form in forms) or (
            isinstance(text, str) and _fields(forms[0]) != english
        ):
            mismatched.append(text)
    assert ([], []) == (missing, mismatched)
    assert "cnr" in i18n.catalogued()


def test_no_template_shows_english_that_is_not_marked_for_translation() -> None:
    """Every word a coordinator reads in a template — between tags, in a tooltip, placeholder,
    screen reader's label or a phone's cell label, or a string a ``{{ }}`` shows — goes through
    ``_()``/``ngettext``, so no new page is English-only (listed as ``template:line: text``)."""
    found = [
        problem
        for path in sorted((DASHBOARD / "templates").glob("*.html"))
        for problem in unmarked(path)
    ]
    assert [] == found, "\n".join(["English not marked for translation:", *found])


def test_the_modules_mark_texts_where_the_extractor_finds_them() -> None:
    """``self.deps.gettext(request)("…")`` translates, but no extractor sees its text, so the
    text never reaches the catalogue and stays English: a module names the function first
    (``_ = self.deps.gettext(request)``)."""
    found = [
        f"{path.name}:{number}: {line.strip()}"
        for path in sorted(DASHBOARD.glob("*.py"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if re.search(r"gettext\([^()]*\)\(", line)
    ]
    assert [] == found


def test_the_staff_modules_texts_are_extracted_for_the_catalogue() -> None:
    """The reasons of suggestions and the refusals of the staff modules reach the catalogue
    (and so the test above checks their translations and placeholders)."""
    found = {text for _context, text in _texts()}
    assert "+%(points)s needs: covers %(needs)s (%(covered)s of %(asked)s)" in found
    assert "no business request #%(business)s" in found
    assert "question #%(question)s is closed; reopen it to answer" in found
    assert texts.N_("x") == "x"


def test_the_staff_modules_refuse_with_texts_the_dashboard_can_translate() -> None:
    """A refusal raised with an f-string reads in English on every dashboard: the staff
    modules raise :class:`staff.texts.Text` (message id and values) instead."""
    found = [
        f"{path.name}: {hit.group(0)}"
        for path in STAFF
        for hit in re.finditer(r"Refused\(\s*f?[\"'][^\n]*", path.read_text(encoding="utf-8"))
    ]
    assert [] == found


async def test_the_switch_shows_the_dashboard_in_montenegrin_for_the_session(
    signed_in: Coordinator, people: People
) -> None:
    """``?lang=cnr``: the page's language, its words, the codes (countries, sectors) and
    plurals in Montenegrin — and the next page too, until English is chosen again."""
    page = await signed_in.get("/dashboard/members", lang="cnr")
    text = page.text
    assert '<html lang="cnr">' in text
    assert ">Članovi</a>" in text and "Odjava" in text
    assert "Njemačka" in text and "IT i softver" in text
    assert re.search(r'id="total">4 člana<', text)
    assert '<a href="/dashboard/members?lang=en"' in text

    following = await signed_in.get("/dashboard/events")
    assert '<html lang="cnr">' in following.text and "Lista čekanja" in following.text
    assert "Događaji" in following.text
    back = await signed_in.get("/dashboard/", lang="en")
    assert '<html lang="en">' in back.text and ">Members</a>" in back.text


async def test_a_flash_message_is_in_the_chosen_language(
    signed_in: Coordinator, people: People
) -> None:
    """What an action says back (an empty note) is Montenegrin too."""
    await signed_in.get("/dashboard/fellowship/1", lang="cnr")
    await signed_in.post("/dashboard/fellowship/1/note", note=" ")
    page = await signed_in.get("/dashboard/fellowship/1")
    assert "Bilješka je prazna." in page.text


async def test_the_date_filters_are_iso_text_fields_not_the_browsers_picker(
    signed_in: Coordinator, people: People
) -> None:
    """An American browser's date picker shows mm/dd/yyyy: the filters are text fields that
    ask for YYYY-MM-DD, and a date in another form is refused with the reason."""
    page = await signed_in.get("/dashboard/members")
    assert 'type="date"' not in page.text
    for name in ("from", "to"):
        field = re.search(rf'<input type="text" id="{name}"[^>]*>', page.text)
        assert field is not None
        assert 'placeholder="YYYY-MM-DD"' in field.group(0)
        assert r'pattern="\d{4}-\d{2}-\d{2}"' in field.group(0)
    refused = await signed_in.get("/dashboard/members", lang="cnr", **{"from": "11/27/2026"})
    assert 400 == refused.status_code
    assert "„11/27/2026” nije datum (registrovani od); koristite GGGG-MM-DD." in refused.text


async def test_imported_contacts_show_on_the_overview_and_on_the_linked_members_page(
    app: App, signed_in: Coordinator, people: People
) -> None:
    """Two imported contacts, one with the number Jelena proved on WhatsApp: the overview
    counts both and the one linked; Jelena's page shows her contact and where it came from."""
    await app.store.db.execute(
        "INSERT INTO imported_contacts (name, phone, source, source_row, imported_at,"
        " updated_at) VALUES ('J. Popović', '+38267111222', 'old.xlsx', 7, ?, ?),"
        " ('Someone', '+38267999999', 'old.xlsx', 8, ?, ?)",
        (app.clock.now().isoformat(),) * 4,
    )
    await app.store.imports.link(app.clock.now())
    overview = await signed_in.get("/dashboard/")
    assert "<strong>2</strong> imported contacts, 1 linked to a member" in overview.text
    page = await signed_in.get(f"/dashboard/members/{people.jelena.id}")
    contacts = page.text.split('<table id="imported-contacts">')[1].split("</table>")[0]
    assert "old.xlsx, row 7" in contacts and "J. Popović" in contacts
    other = await signed_in.get(f"/dashboard/members/{people.ana.id}")
    assert "No imported contact is linked to this member." in other.text


async def test_the_mapping_page_of_no_members_says_so(coordinator: Coordinator) -> None:
    """Nobody registered yet: not "<5 registered members" but a sentence that says so."""
    assert 303 == (await coordinator.sign_in()).status_code
    page = await coordinator.get("/dashboard/mapping")
    assert "No member has registered yet." in page.text
    assert "&lt;5</strong> registered members" not in page.text
