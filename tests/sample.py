"""Test helpers for events and the fellowship: a content folder with a small event, and members
put straight into the store when a test is not about registering."""

from __future__ import annotations

import shutil
from datetime import datetime
from pathlib import Path

from bot.store import Member, Store
from tests.conftest import CONTENT

SUPPER = "supper-kotor"
# A dinner with three seats, answers until 10 January, on 15 January 2027 in Kotor.
SUPPER_YAML = """\
title:
  en: "Diaspora supper in Kotor"
  cnr: "Večera dijaspore u Kotoru"
description:
  en: "An evening with the mayor and local entrepreneurs in the old town."
  cnr: "Veče sa gradonačelnikom i lokalnim preduzetnicima u starom gradu."
starts_at: "2027-01-15T19:00:00+01:00"
ends_at: "2027-01-15T22:00:00+01:00"
venue: "Palace Bizanti"
city: "Kotor"
capacity: 3
rsvp_deadline: "2027-01-10T23:59:00+01:00"
"""


def content_folder(tmp_path: Path) -> Path:
    """The shipped content plus the supper in Kotor, in a folder a test may change."""
    folder = tmp_path / "content"
    shutil.copytree(CONTENT, folder)
    (folder / "events" / f"{SUPPER}.yaml").write_text(SUPPER_YAML, encoding="utf-8")
    return folder


async def add_member(
    store: Store,
    address: str,
    now: datetime,
    *,
    name: str,
    country: str,
    language: str = "en",
    registered: bool = True,
    **fields: object,
) -> Member:
    """A member who consented (and registered, unless ``registered`` is false)."""
    member = await store.members.create(
        address, language=language, consent_version="2026-11-v2", now=now
    )
    extra = {"registered_at": now.isoformat()} if registered else {}
    await store.members.update(member.id, now, name=name, country=country, **extra, **fields)
    found = await store.members.get(member.id)
    assert found is not None
    return found
