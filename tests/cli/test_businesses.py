"""The command line for local businesses: importing a municipality's list (a row report, nobody
messaged), listing requests, ranked suggestions as JSON, proposing, listing and withdrawing
matches, the two exports, and the businesses in ``stats`` — each audited."""

from __future__ import annotations

import asyncio
import csv
import io
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from bot.cli import main
from bot.store import Business, Store
from tests.sample import add_member

NOW = datetime.now(UTC)
LATER = datetime(2100, 1, 1, tzinfo=UTC)
MONTENEGRIN_CSV = (
    "Naziv;Opština;Djelatnost;Faza;Potrebe;Opis;Kontakt osoba;Telefon;E-mail\n"
    "Vinarija Crmnica;Bar;Poljoprivreda i proizvodnja hrane;Razvijen biznis;"
    "izvoz, Mentorstvo, krediti;Porodična vinarija, tražimo kupce u Njemačkoj;"
    "Milo Đurović;067 111 222;milo@vinarija.me\n"
    '=HYPERLINK("x");Podgorica;IT;ideja;business_plan;;;068 333 444;\n'
    "Bez telefona;Kotor;;;mentoring;;;;nema@example.me\n"
    "Vinarija Crmnica;Bar;;;investicija;;;+382 67 111 222;\n"
    "Kafana;Sutomore;turizam;;mentoring;;;069 555 666;\n"
)


async def _seed(path: Path) -> dict[str, int]:
    """Ana offers mentoring and a business plan (tourism, from Kotor); Konoba Zora asks in the
    chat; a winery was imported and never wrote."""
    async with Store(path) as store:
        ana = await add_member(
            store, "telegram:1", NOW, name="Ana Marković", country="DE", municipality="Kotor",
            email="ana@example.org", languages=["cnr"],
        )  # fmt: skip
        await store.offers.save(
            ana.id,
            {"gives": ["business_plan", "mentoring"], "sectors": ["tourism"],
             "languages": ["cnr"], "mode": "remote", "hours": 8, "contact": "ana@example.org"},
            NOW,
        )  # fmt: skip
        vesna = await store.members.create(
            "telegram:2", language="cnr", consent_version="2026-11-v2", now=NOW
        )
        zora = await store.businesses.create(
            Business(
                0, "Konoba Zora", "chat", member_id=vesna.id, municipality="Kotor",
                sector="tourism", stage="starting", needs=["business_plan"], languages=["cnr"],
                description="Guesthouse", contact_name="Vesna", phone="+38267123456",
            ),
            NOW,
            consent_version="2026-11-v2",
        )  # fmt: skip
        winery = Business(0, "Vinarija", "bar.csv", phone="+38267999000", needs=["mentoring"])
        await store.businesses.save_imported([winery], [], NOW)
        return {"ana": ana.id, "zora": zora.id, "winery": winery.id}


def _actions(path: Path) -> list[str]:
    async def read() -> list[str]:
        async with Store(path) as store:
            return [entry.action for entry in await store.audit.entries()][::-1]

    return asyncio.run(read())


def test_importing_a_municipalitys_list_reports_every_row_and_messages_nobody(
    database: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Montenegrin headings in a semicolon CSV: codes from labels and other words, a row
    without a phone skipped, a second row of the same business merged, values not recognised
    noted; the import is audited and nothing is queued to anyone."""
    source = tmp_path / "bar-2026.csv"
    source.write_text(MONTENEGRIN_CSV, encoding="utf-8")

    assert 0 == main(["businesses", "import", str(source)])

    out = capsys.readouterr().out.splitlines()
    assert out[0] == (
        "bar-2026.csv (utf-8): 5 rows — 3 added, 1 merged into known requests, 1 skipped."
    )
    assert "row 4: skipped: no valid phone: its contact person could never be recognised" in out
    assert "row 2: note: needs: 'krediti' not recognised; left out" in out
    assert "row 6: note: municipality 'Sutomore' not recognised; left out" in out

    async def read() -> tuple[list[Business], int]:
        async with Store(database) as store:
            return await store.businesses.all(), len(await store.outbox.due(LATER))

    businesses, queued = asyncio.run(read())
    winery = next(b for b in businesses if b.name == "Vinarija Crmnica")
    assert (
        "Bar",
        "agriculture",
        "established",
        ["market_access", "mentoring", "investment"],
        "+38267111222",
        "milo@vinarija.me",
        "Milo Đurović",
        None,
    ) == (
        winery.municipality,
        winery.sector,
        winery.stage,
        winery.needs,
        winery.phone,
        winery.email,
        winery.contact_name,
        winery.member_id,
    )
    formula = next(b for b in businesses if b.phone == "+38268333444")
    assert ("it", "idea", ["business_plan"]) == (formula.sector, formula.stage, formula.needs)
    assert 0 == queued
    assert ["businesses.import"] == _actions(database)


def test_an_xlsx_with_english_headings_imports_and_a_file_without_a_phone_column_is_refused(
    database: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """English headings in a workbook import; a file naming no phone column says which
    columns it found, and nothing is saved."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["name", "municipality", "needs", "phone", "language"])
    sheet.append(["Olive Oil Co", "Ulcinj", "Market access abroad; investment", 67123123, "en, de"])
    path = tmp_path / "ulcinj.xlsx"
    workbook.save(path)
    broken = tmp_path / "broken.csv"
    broken.write_text("name,email\nX,x@example.me\n", encoding="utf-8")

    assert 0 == main(["businesses", "import", str(path)])
    assert 1 == main(["businesses", "import", str(broken)])

    err = capsys.readouterr().err
    assert "broken.csv: no phone column (headings: name, email)" in err

    async def read() -> list[Business]:
        async with Store(database) as store:
            return await store.businesses.all()

    [olive] = asyncio.run(read())
    assert ("Ulcinj", ["market_access", "investment"], ["en", "de"], "+38267123123") == (
        olive.municipality,
        olive.needs,
        olive.languages,
        olive.phone,
    )


def test_list_and_suggest_print_json_of_the_documented_shapes(
    database: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``businesses list --json`` gives objects with id and name; ``matches suggest --json``
    gives the business and its suggestions, each with member_id, score and reasons."""
    ids = asyncio.run(_seed(database))

    assert 0 == main(["businesses", "list", "--json"])
    listed = json.loads(capsys.readouterr().out)
    assert 0 == main(["matches", "suggest", "--business", str(ids["zora"]), "--json"])
    suggested = json.loads(capsys.readouterr().out)

    assert [(ids["winery"], "Vinarija"), (ids["zora"], "Konoba Zora")] == [
        (entry["id"], entry["name"]) for entry in listed
    ]
    assert ids["zora"] == suggested["business"]
    [only] = suggested["suggestions"]
    assert (ids["ana"], 89, False) == (only["member_id"], only["score"], only["over_committed"])
    assert "+40 needs: covers business plan (1 of 1)" == only["reasons"][0]
    assert "matches.suggest" == _actions(database)[-1]


def test_propose_asks_both_sides_and_list_and_withdraw_follow_it(
    database: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Proposing queues a message to each side and is audited; the match is listed; proposing
    again is refused; withdrawing tells both sides."""
    ids = asyncio.run(_seed(database))

    assert 0 == main(["matches", "propose", str(ids["zora"]), str(ids["ana"])])
    said = capsys.readouterr().out
    assert 1 == main(["matches", "propose", str(ids["zora"]), str(ids["ana"])])
    again = capsys.readouterr().err
    assert 0 == main(["matches", "list", "--json"])
    [match] = json.loads(capsys.readouterr().out)
    assert 0 == main(["matches", "withdraw", str(match["id"]), "--reason", "found someone"])

    assert said.startswith(f"match #{match['id']}: business #{ids['zora']} and member")
    assert "never twice" in again
    assert ("proposed", ids["zora"], ids["ana"]) == (
        match["status"],
        match["business_id"],
        match["member_id"],
    )

    async def read() -> list[str]:
        async with Store(database) as store:
            return [row.job for row in await store.outbox.due(LATER)]

    jobs = asyncio.run(read())
    assert 2 == jobs.count(f"match:{match['id']}:proposed")
    assert 2 == jobs.count(f"match:{match['id']}:withdrawn")
    assert ["match.proposed", "match.withdrawn"] == [
        action for action in _actions(database) if action.startswith("match.")
    ]


def test_an_imported_request_cannot_be_proposed(
    database: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Nobody is told of a request whose contact person never wrote to the bot."""
    ids = asyncio.run(_seed(database))

    assert 1 == main(["matches", "propose", str(ids["winery"]), str(ids["ana"])])

    assert "has not written to the bot yet" in capsys.readouterr().err


def test_bad_arguments_are_one_line_and_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    """An id that is no number, and suggest without --business, are refused by the parser."""
    for argv in (["matches", "propose", "x", "1"], ["matches", "suggest"]):
        with pytest.raises(SystemExit) as exit_:
            main(argv)
        assert 2 == exit_.value.code
        assert 1 == len(capsys.readouterr().err.strip().splitlines())


def test_the_exports_are_formula_safe_and_audited(
    database: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``export businesses`` as CSV keeps a formula-like name as text; ``export matches`` as
    XLSX writes string cells; both are audited."""
    ids = asyncio.run(_seed(database))

    async def more() -> None:
        async with Store(database) as store:
            await store.businesses.save_imported(
                [Business(0, '=HYPERLINK("x")', "bar.csv", phone="+38267999001")], [], NOW
            )

    asyncio.run(more())
    assert 0 == main(["matches", "propose", str(ids["zora"]), str(ids["ana"])])
    capsys.readouterr()

    assert 0 == main(["export", "businesses"])
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    output = tmp_path / "matches.xlsx"
    assert 0 == main(["export", "matches", "--output", str(output)])

    assert ["Konoba Zora", "Vinarija", '\'=HYPERLINK("x")'] == [row["name"] for row in rows]
    sheet = load_workbook(output).active
    assert sheet is not None
    header = [cell.value for cell in sheet[1]]
    first = dict(zip(header, [cell.value for cell in sheet[2]], strict=True))
    assert ("Konoba Zora", "Ana Marković", "proposed") == (
        first["business"],
        first["member"],
        first["status"],
    )
    assert ["export.businesses", "export.matches"] == [
        action for action in _actions(database) if action.startswith("export.")
    ]


def test_stats_counts_the_businesses_funnel(
    database: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``stats`` ends with the funnel and the requests by municipality; ``--json`` has the
    funnel as numbers."""
    ids = asyncio.run(_seed(database))
    assert 0 == main(["matches", "propose", str(ids["zora"]), str(ids["ana"])])
    capsys.readouterr()

    assert 0 == main(["stats"])
    text = capsys.readouterr().out
    assert 0 == main(["stats", "--json"])
    data = json.loads(capsys.readouterr().out)

    assert "\nLocal businesses\n  Requests" in text
    assert {"requests": 2, "suggested": 2, "proposed": 1, "introduced": 0} == {
        key: data["business_funnel"][key]
        for key in ("requests", "suggested", "proposed", "introduced")
    }
    assert {"Kotor": 1, "": 1} == data["businesses"]["requests.municipality"]


def test_the_demo_has_businesses_offers_and_introductions_in_many_states(
    database: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``demo`` writes offers, requests asked in the chat and imported, and matches proposed,
    introduced and closed, with follow-ups — and queues nothing to its fictional people."""
    assert 0 == main(["demo"])

    async def read() -> tuple[int, list[Business], list[str], int, int]:
        async with Store(database) as store:
            matches = await store.matches.all()
            follow_ups = sum([len(await store.outcomes.of_match(m.id)) for m in matches])
            return (
                len(await store.offers.all()),
                await store.businesses.all(),
                [match.status for match in matches],
                follow_ups,
                len(await store.outbox.due(LATER)),
            )

    offers, businesses, states, follow_ups, queued = asyncio.run(read())
    assert offers >= 20
    assert "chat" in {b.source for b in businesses}
    assert any(b.member_id is None and b.source.endswith("-2026.xlsx") for b in businesses)
    assert {"introduced", "declined"} <= set(states)
    assert follow_ups > 0
    assert 0 == queued
