"""The states the dashboard names that no locale of the content folder labels — of matches,
a side's answer, questions, follow-up rounds, sides and who acted — marked for the dashboard's
catalogues and read in the coordinator's language through ``state(kind, code)`` in the
templates. The kind is the translation's context: a question is "zatvoreno" where a poll is
"zatvorena"."""

from __future__ import annotations

import gettext
from collections.abc import Callable

from staff.dashboard.i18n import NC_

STATES = {
    "match": {
        "proposed": NC_("match", "proposed"),
        "introduced": NC_("match", "introduced"),
        "declined": NC_("match", "declined"),
        "expired": NC_("match", "expired"),
        "withdrawn": NC_("match", "withdrawn"),
        "ended": NC_("match", "ended"),
    },
    "answer": {
        "accepted": NC_("answer", "accepted"),
        "declined": NC_("answer", "declined"),
    },
    "question": {
        "open": NC_("question", "open"),
        "answered": NC_("question", "answered"),
        "closed": NC_("question", "closed"),
    },
    "round": {
        "2w": NC_("round", "two weeks"),
        "2m": NC_("round", "two months"),
    },
    "side": {
        "business": NC_("side", "business"),
        "member": NC_("side", "member"),
    },
    # Who changed a match: a side, the dashboard, the bot on its own; a CLI user reads as named.
    "actor": {
        "business": NC_("actor", "the business"),
        "member": NC_("actor", "the member"),
        "dashboard": NC_("actor", "the dashboard"),
        "scheduler": NC_("actor", "the bot (on schedule)"),
        "housekeeping": NC_("actor", "the bot (housekeeping)"),
    },
}


def namer(translations: gettext.NullTranslations) -> Callable[[str, object], str]:
    """``state("match", "proposed")`` in the language of ``translations`` (the kind is the
    context); an unknown code reads as it is, nothing as ""."""

    def state(kind: str, code: object) -> str:
        if code is None or code == "":
            return ""
        text = STATES.get(kind, {}).get(str(code))
        return translations.pgettext(kind, text) if text is not None else str(code)

    return state
