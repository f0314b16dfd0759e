"""The members table (search, filters, sorting, pages) and a member's page."""

from __future__ import annotations

import re
from datetime import timedelta

from bot.app import App
from bot.clock import FixedClock
from tests.sample import SUPPER, add_member
from tests.staff.dashboard.conftest import TODAY, Coordinator, People


def names(html: str) -> list[str]:
    """The names in the members table, in order."""
    table = html.split('<table id="members" class="cards">')[1].split("</table>")[0]
    return re.findall(r'<a href="/dashboard/members/\d+">([^<]+)</a>', table)


async def test_the_table_lists_registered_members_newest_first(signed_in: Coordinator) -> None:
    """Four members, the latest registration first (ties: the latest id first)."""
    page = await signed_in.get("/dashboard/members")

    assert 200 == page.status_code
    assert ["=HYPERLINK(&#34;x&#34;)", "Jelena Popović", "Marko Vuković", "Ana Marković"] == names(
        page.text
    )
    assert "4 members" in page.text


async def test_filters_narrow_the_table(signed_in: Coordinator) -> None:
    """Country, sector, interest, channel, language and municipality each filter."""
    for params, expected in (
        ({"country": "DE"}, ["Jelena Popović", "Ana Marković"]),
        ({"country": "DE", "sector": "it", "interest": "fellowship"}, ["Jelena Popović"]),
        ({"channel": "whatsapp"}, ["Jelena Popović"]),
        ({"language": "cnr"}, ["Jelena Popović"]),
        ({"municipality": "Kotor"}, ["Ana Marković"]),
        ({"sector": "health"}, ["Marko Vuković"]),
    ):
        page = await signed_in.get("/dashboard/members", **params)

        assert expected == names(page.text), params


async def test_search_ignores_case_and_accents(signed_in: Coordinator) -> None:
    """``markovic`` finds Ana Marković; skills and e-mail are searched too."""
    assert ["Ana Marković"] == names((await signed_in.get("/dashboard/members", q="markovic")).text)
    assert ["Ana Marković"] == names((await signed_in.get("/dashboard/members", q="CLOUD")).text)
    empty = await signed_in.get("/dashboard/members", q="nobody-like-this")
    assert [] == names(empty.text)
    assert "No member matches." in empty.text


async def test_registered_between_filters_by_date(
    app: App, clock: FixedClock, signed_in: Coordinator
) -> None:
    """Members registered outside the dates are left out; a bad date is reported."""
    earlier = clock.now() - timedelta(days=40)
    await add_member(app.store, "telegram:9", earlier, name="Early Bird", country="FR")

    page = await signed_in.get("/dashboard/members", **{"from": "2026-10-01", "to": "2026-10-31"})
    assert ["Early Bird"] == names(page.text)
    page = await signed_in.get("/dashboard/members", **{"from": "2026-11-27"})
    assert "Early Bird" not in names(page.text)
    bad = await signed_in.get("/dashboard/members", **{"from": "27.11.2026"})
    assert "“27.11.2026” is not a date (registered from); use YYYY-MM-DD." in bad.text
    assert 5 == len(names(bad.text))


async def test_a_date_past_the_calendar_is_refused_with_400_and_not_used(
    signed_in: Coordinator,
) -> None:
    """``to=9999-12-31`` has no next day to search up to: 400, the reason on the page, and the
    table without that filter."""
    page = await signed_in.get("/dashboard/members", to="9999-12-31")

    assert (400, 4) == (page.status_code, len(names(page.text)))
    assert "“9999-12-31” is out of range (registered to); use a date before 9999-12-31." in (
        page.text
    )


async def test_a_member_number_past_sqlites_range_is_not_found(signed_in: Coordinator) -> None:
    """An id no SQLite row can have gets the not-found page, not a 500."""
    page = await signed_in.get("/dashboard/members/9223372036854775808")

    assert (404, True) == (
        page.status_code,
        "There is no member #9223372036854775808." in page.text,
    )


async def test_sorting_by_a_column_and_back(signed_in: Coordinator) -> None:
    """Name ascending, then descending; an unknown sort falls back to the default."""
    ascending = await signed_in.get("/dashboard/members", sort="name", order="asc")
    descending = await signed_in.get("/dashboard/members", sort="name", order="desc")
    unknown = await signed_in.get("/dashboard/members", sort="email; DROP TABLE members")

    assert ["=HYPERLINK(&#34;x&#34;)", "Ana Marković", "Jelena Popović", "Marko Vuković"] == (
        names(ascending.text)
    )
    assert list(reversed(names(ascending.text))) == names(descending.text)
    assert 4 == len(names(unknown.text))
    # The heading links keep the filters and flip the order.
    filtered = await signed_in.get("/dashboard/members", country="DE", sort="name", order="asc")
    assert 'href="?country=DE&amp;sort=name&amp;order=desc&amp;page=1"' in filtered.text


async def test_pages_of_twenty_five(app: App, clock: FixedClock, signed_in: Coordinator) -> None:
    """Sixty members fill three pages; the links keep the filters; a page past the end
    shows the last."""
    for number in range(56):
        await add_member(
            app.store,
            f"telegram:{100 + number}",
            clock.now(),
            name=f"Member {number:02d}",
            country="SE",
        )

    first = await signed_in.get("/dashboard/members", country="SE", sort="name", order="asc")
    third = await signed_in.get(
        "/dashboard/members", country="SE", sort="name", order="asc", page="3"
    )
    beyond = await signed_in.get("/dashboard/members", country="SE", page="99")

    assert [f"Member {n:02d}" for n in range(25)] == names(first.text)
    assert "page 1 of 3" in first.text
    assert 'href="?country=SE&amp;sort=name&amp;order=asc&amp;page=2" rel="next"' in first.text
    assert [f"Member {n:02d}" for n in range(50, 56)] == names(third.text)
    assert "Page 3 of 3" in beyond.text


async def test_the_filter_lists_offer_what_members_have(signed_in: Coordinator) -> None:
    """Countries are named, sectors labelled; only values in use are offered."""
    page = await signed_in.get("/dashboard/members")

    assert '<option value="DE">Germany</option>' in page.text
    assert '<option value="it">IT and software</option>' in page.text
    assert '<option value="whatsapp">WhatsApp</option>' in page.text
    assert 'value="law"' not in page.text


async def test_a_members_page_shows_everything_held(signed_in: Coordinator, people: People) -> None:
    """Profile, addresses, RSVPs with the waitlist position, applications."""
    page = await signed_in.get(f"/dashboard/members/{people.jelena.id}")

    assert 200 == page.status_code
    text = page.text
    for expected in (
        "Jelena Popović",
        "Germany",
        "Munich",
        "IT and software",
        "Fellowship and knowledge transfer",
        "whatsapp:+38267111222",
        "Diaspora supper in Kotor",
        "On the waitlist (no. 1)",
        f'href="/dashboard/events/{SUPPER}"',
        'href="/dashboard/fellowship/1"',
        "submitted",
    ):
        assert expected in text, expected


async def test_an_unknown_member_is_not_found(signed_in: Coordinator) -> None:
    """404 with a plain message."""
    page = await signed_in.get("/dashboard/members/999")

    assert 404 == page.status_code
    assert "There is no member #999." in page.text


async def test_member_text_is_escaped(app: App, clock: FixedClock, signed_in: Coordinator) -> None:
    """A name with markup is shown as text, never run."""
    await add_member(
        app.store, "telegram:66", clock.now(), name="<script>alert(1)</script>", country="DE"
    )

    page = await signed_in.get("/dashboard/members")

    assert "<script>alert(1)</script>" not in page.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text


async def test_todays_meetup_is_linked_from_ana(signed_in: Coordinator, people: People) -> None:
    """Ana's RSVPs list both events she answered."""
    page = await signed_in.get(f"/dashboard/members/{people.ana.id}")

    assert f'href="/dashboard/events/{TODAY}"' in page.text
    assert "Diaspora meetup in Podgorica" in page.text
