"""A member's time zone: their own if set, else one for their country, else the programme's.

tzdata's ``zone.tab`` lists each country's zones but not by population, so countries where the
diaspora lives across several zones get their most populous one from a small table.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot import cities

# Countries with several zones, mapped to the zone most of their people live in.
MOST_POPULOUS = {
    "AR": "America/Argentina/Buenos_Aires",
    "AU": "Australia/Sydney",
    "BR": "America/Sao_Paulo",
    "CA": "America/Toronto",
    "CD": "Africa/Kinshasa",
    "CL": "America/Santiago",
    "CN": "Asia/Shanghai",
    "DE": "Europe/Berlin",
    "EC": "America/Guayaquil",
    "ES": "Europe/Madrid",
    "ID": "Asia/Jakarta",
    "KZ": "Asia/Almaty",
    "MX": "America/Mexico_City",
    "NZ": "Pacific/Auckland",
    "PT": "Europe/Lisbon",
    "RU": "Europe/Moscow",
    "UA": "Europe/Kyiv",
    "US": "America/New_York",
}


@cache
def _country_zones() -> dict[str, str]:
    """The first zone tzdata lists for each country, with the table above on top."""
    text = resources.files("tzdata").joinpath("zoneinfo", "zone.tab").read_text("utf-8")
    zones: dict[str, str] = {}
    for line in text.splitlines():
        if line.startswith("#") or not line.strip():
            continue
        country, _coordinates, zone, *_ = line.split("\t")
        zones.setdefault(country, zone)
    zones.update(MOST_POPULOUS)
    return zones


def country_zone(country: str | None) -> str | None:
    """The zone for an ISO 3166 alpha-2 country code, or None when unknown."""
    return _country_zones().get(country.upper()) if country else None


@cache
def zone(name: str) -> ZoneInfo:
    """A ZoneInfo by name, cached."""
    return ZoneInfo(name)


def valid(name: str | None) -> bool:
    """Whether ``name`` is a time zone tzdata knows."""
    if not name:
        return False
    try:
        zone(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def member_zone(timezone: str | None, country: str | None, fallback: str) -> str:
    """The zone name to use for a member: their own, else their country's, else ``fallback``."""
    if valid(timezone):
        assert timezone is not None
        return timezone
    return country_zone(country) or fallback


def city_zone(country: str | None, city: str | None) -> str | None:
    """The zone of a city typed by a member (any case, accents optional; :mod:`bot.cities`), or
    None when the city is unknown: then the country's zone applies (:func:`member_zone`). The
    city table loads on first use: on the event loop, call it in a thread."""
    found = cities.find(country, city)
    return found.zone if found is not None and valid(found.zone) else None
