"""The dashboard in the coordinator's language: its own words (page headings, buttons, notes)
are English in the templates and the code, translated through gettext catalogues
(``staff/dashboard/locales/<language>.po``, read with Babel, plural forms by CLDR's rules).

Stored codes are another matter: countries, sectors, statuses and the rest read in the chosen
language through :class:`staff.words.Words`, from the content folder's locales. A language
with no catalogue shows the dashboard's words in English.

To add a language: copy ``cnr.po`` to ``<language>.po`` and translate every ``msgstr``; the
test suite checks that every text of the templates and the code has a translation.
"""

from __future__ import annotations

import gettext
import io
from functools import cache
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

LOCALES = Path(__file__).with_name("locales")
# The session key of the dashboard language a coordinator chose (read by the guard as well, which
# answers before any page is drawn).
LANGUAGE_KEY = "language"


@cache
def translations(language: str) -> gettext.NullTranslations:
    """The dashboard's translations into ``language`` (none: English)."""
    path = LOCALES / f"{language}.po"
    if not path.is_file():
        return gettext.NullTranslations()
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=language)
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return Translations(compiled)


def catalogued() -> list[str]:
    """The languages the dashboard has a catalogue for (English needs none)."""
    return sorted(path.stem for path in LOCALES.glob("*.po"))


def N_(text: str) -> str:  # gettext's own name for a marker, which extractors know
    """Marks a text for translation where it is defined; it is translated where it is shown."""
    return text


def NC_(context: str, text: str) -> str:  # a marker with a context, as pgettext_noop
    """Marks a text whose translation depends on what it names (a question is "zatvoreno",
    a poll "zatvorena"); it is translated with ``pgettext(context, text)`` where shown."""
    return text
