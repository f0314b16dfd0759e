"""Finds words a coordinator would read in a dashboard template that are not marked for
translation: text between tags, the attributes people read (a tooltip, a placeholder, what a
screen reader says, a table cell's label on a phone, a submit button's value) and the string
literals a ``{{ }}`` or a macro call shows. Each is reported as ``template:line: text``."""

from __future__ import annotations

import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

from jinja2 import Environment, nodes
from jinja2.exceptions import TemplateSyntaxError

# Jinja's tags and comments. Statements and comments are masked to a blank (keeping their line
# breaks); each ``{{ }}`` to a numbered marker, so that where it lands in the HTML is known.
_TAG = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.DOTALL)
_MARKER = re.compile("\ue000(\\d+)\ue001")
_LETTER = re.compile(r"[^\W\d_]")
# The same in every language: the product's name, file formats, the date format the filters
# ask for (members and coordinators type dates as ISO 8601 in either language).
ALLOWED = ("Diaspora Connect", "YYYY-MM-DD", "CSV", "XLSX", "JSON", "HTML")
# Attributes a person reads: a tooltip, a placeholder, a screen reader's words, the label of a
# table cell when the table turns into cards on a phone.
HUMAN = {"title", "placeholder", "aria-label", "alt", "data-label", "label"}
# Elements that hold code, not words: a command to type reads the same in every language.
_CODE = ("script", "style", "code")
# Calls whose strings are translated, and calls whose strings are codes or keys looked up in
# the coordinator's language (a label's kind, a locale key, a state's kind).
TRANSLATING = {"_", "gettext", "ngettext", "N_"}
LOOKUPS = {"label", "t", "state"}
# Statements whose expressions may be shown, closed so that the tag parses alone.
_CLOSING = {"call": "endcall", "set": "endset"}


def _english(text: str) -> bool:
    """Whether ``text`` holds a letter once the words allowed everywhere are taken out."""
    for allowed in ALLOWED:
        text = text.replace(allowed, " ")
    return bool(_LETTER.search(text))


class _Page(HTMLParser):
    """Collects the unmarked text of one masked template, and the markers that land where no
    person reads them (an ``id``, a ``class``, a link)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[int, str]] = []
        self.hidden: set[int] = set()
        self._code = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _CODE:
            self._code += 1
        line = self.getpos()[0]
        submit = tag == "input" and dict(attrs).get("type") in ("submit", "button", "reset")
        for name, value in attrs:
            if value is None:
                continue
            if name in HUMAN or (submit and name == "value"):
                self._check(line, value)
            else:
                self.hidden.update(int(index) for index in _MARKER.findall(value))

    def handle_endtag(self, tag: str) -> None:
        if tag in _CODE:
            self._code -= 1

    def handle_data(self, data: str) -> None:
        line = self.getpos()[0]
        if self._code:
            self.hidden.update(int(index) for index in _MARKER.findall(data))
            return
        for offset, text in enumerate(data.split("\n")):
            self._check(line + offset, text)

    def _check(self, line: int, text: str) -> None:
        bare = _MARKER.sub(" ", text)
        if _english(bare):
            self.found.append((line, " ".join(bare.split())))


def _shown(node: nodes.Node, shown: bool) -> Iterator[nodes.Const]:
    """The string constants of ``node`` that end up on the page (``shown``: whether ``node``
    itself does). Codes compared, looked up, tested or passed by keyword are not shown."""
    if isinstance(node, nodes.Const):
        if shown and isinstance(node.value, str) and _english(node.value):
            yield node
        return
    if isinstance(node, nodes.Call):
        name = node.node.name if isinstance(node.node, nodes.Name) else None
        if name in TRANSLATING:
            return
        # A macro of ours shows its arguments (a table's headings); a lookup or a method does
        # not (``label("sector", …)``, ``counts.get("open")``); keywords are ids and options.
        passes = shown and name is not None and name not in LOOKUPS
        for argument in node.args:
            yield from _shown(argument, passes)
        return
    if isinstance(node, nodes.Filter):
        if node.node is not None:
            yield from _shown(node.node, shown)
        for argument in node.args:
            yield from _shown(argument, shown and node.name in ("default", "d"))
        return
    if isinstance(node, nodes.CondExpr):
        yield from _shown(node.expr1, shown)
        if node.expr2 is not None:
            yield from _shown(node.expr2, shown)
        return
    if isinstance(node, nodes.Getitem | nodes.Getattr):
        yield from _shown(node.node, shown)
        return
    if isinstance(node, nodes.Pair):
        yield from _shown(node.value, shown)
        return
    if isinstance(node, nodes.Compare | nodes.Test | nodes.If | nodes.For | nodes.Macro):
        return
    for child in node.iter_child_nodes():
        yield from _shown(child, shown)


def _tag_source(tag: str) -> str | None:
    """A Jinja tag made parseable alone: ``{{ }}`` as it is, ``{% call %}`` and a ``{% set %}``
    of a value with their end; None for other statements (their strings are codes)."""
    if tag.startswith("{{"):
        return tag
    if not tag.startswith("{%"):
        return None
    words = tag.strip("{%-+ }").split(None, 1)
    keyword = words[0].split("(")[0] if words else ""
    if keyword == "set" and "=" in tag:
        return tag
    closing = _CLOSING.get(keyword)
    return f"{tag}{{% {closing} %}}" if closing else None


def unmarked(path: Path) -> list[str]:
    """``template:line: text`` for every unmarked English text of one template."""
    source = path.read_text(encoding="utf-8")
    tags: list[tuple[int, str]] = []

    def mask(found: re.Match[str]) -> str:
        tag = found.group(0)
        line = source.count("\n", 0, found.start()) + 1
        tags.append((line, tag))
        breaks = "\n" * tag.count("\n")
        return f"\ue000{len(tags) - 1}\ue001{breaks}" if tag.startswith("{{") else f" {breaks}"

    page = _Page()
    page.feed(_TAG.sub(mask, source))
    page.close()
    problems = list(page.found)
    environment = Environment(extensions=["jinja2.ext.i18n"])
    for index, (line, tag) in enumerate(tags):
        parseable = _tag_source(tag)
        if parseable is None or index in page.hidden:
            continue
        try:
            tree = environment.parse(parseable)
        except TemplateSyntaxError:
            continue  # a fragment that only parses in its template; its strings are codes
        for constant in _shown(tree, shown=True):
            problems.append((line + (constant.lineno or 1) - 1, repr(constant.value)))
    return [f"{path.name}:{line}: {text}" for line, text in sorted(set(problems))]
