"""Every form of the FAQ's words, from the dictionaries simplemma ships: ``obrišite``, ``obrisem``
and ``obrisala`` all stand for ``obrisati``, ``deleting`` for ``delete``.

The FAQ matcher (:mod:`bot.faq`) needs no lemma of a word the FAQ never uses: such a word
cannot make an entry score. So instead of lemmatizing each question (simplemma's dictionaries
of Serbo-Croatian and English take 70 MB and 4 s to load), it gets a small table made once per
FAQ: every form, folded (no accents, as members often type), of every lemma of the FAQ's own
words — a few thousand entries. :func:`forms` makes it here; :func:`forms_apart` makes it in a
child process, so the service's memory never holds the dictionaries (their pages are not given
back after use). Montenegrin is lemmatized as Serbo-Croatian (simplemma's ``hbs``).

``python -m bot.lemmas`` is the child: words by language as JSON on stdin, the table on stdout.
"""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import Collection, Mapping

from bot.text import fold

# simplemma's code for the languages it knows under another name (Montenegrin and its
# neighbours are one language to it: Serbo-Croatian).
SIMPLEMMA = {"cnr": "hbs", "sr": "hbs", "hr": "hbs", "bs": "hbs", "sh": "hbs", "me": "hbs"}

Words = Mapping[str, Collection[str]]


def code(language: str) -> str | None:
    """simplemma's language code for a content language, or None when it has no dictionary."""
    from simplemma.strategies.dictionaries.dictionary_factory import SUPPORTED_LANGUAGES

    found = SIMPLEMMA.get(language, language)
    return found if found in SUPPORTED_LANGUAGES else None


def forms(words: Words) -> dict[str, str]:
    """Folded form → folded lemma, for every form of the lemmas of ``words`` (by content
    language; lower case, accents as written). A word's own lemma wins over another lemma
    one of its forms shares."""
    from simplemma import Lemmatizer
    from simplemma.strategies import DefaultStrategy
    from simplemma.strategies.dictionaries import DefaultDictionaryFactory

    # A factory of our own, so the dictionaries go when this ends (the shared one keeps them).
    factory = DefaultDictionaryFactory()
    lemmatizer = Lemmatizer(lemmatization_strategy=DefaultStrategy(dictionary_factory=factory))
    table: dict[str, str] = {}
    own: dict[str, str] = {}
    for language, listed in sorted(words.items()):
        dictionary = code(language)
        if dictionary is None:
            continue
        lemmas = {word: lemmatizer.lemmatize(word, dictionary).lower() for word in listed}
        wanted = set(lemmas.values())
        for form, lemma in factory.get_dictionary(dictionary).items():
            if lemma.lower() in wanted:
                table.setdefault(fold(form), fold(lemma))
        own.update({fold(word): fold(lemma) for word, lemma in lemmas.items()})
    table.update(own)
    return {form: lemma for form, lemma in table.items() if form and lemma}


async def forms_apart(words: Words) -> dict[str, str]:
    """:func:`forms`, made in a child process (see the module); a RuntimeError if it fails."""
    child = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot.lemmas",
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    request = json.dumps(
        {language: sorted(listed) for language, listed in words.items()}, ensure_ascii=False
    )
    out, err = await child.communicate(request.encode("utf-8"))
    if child.returncode != 0:
        tail = err.decode("utf-8", "replace").strip().splitlines()[-1:] or ["no message"]
        raise RuntimeError(f"the word forms could not be made: {tail[0]}")
    table = json.loads(out)
    if not isinstance(table, dict):
        raise RuntimeError("the word forms could not be made: not a table")
    return {str(form): str(lemma) for form, lemma in table.items()}


def _main() -> None:
    """The child: words by language on stdin, the table on stdout."""
    # Bytes both ways: the locale's encoding may not have every letter.
    words = json.loads(sys.stdin.buffer.read().decode("utf-8"))
    sys.stdout.buffer.write(json.dumps(forms(words), ensure_ascii=False).encode("utf-8"))


if __name__ == "__main__":
    _main()
