"""The ranking of offers for a business's request: hand-made cases where the right order is
obvious, every reason and its points, the exclusions, and the vectorised ranking agreeing with
the plain one on random data.

Mutants of staff/matching.py no test can kill, by design (``make mutate``): in ``Index``, the
over-committed flag's weight (``1 << 32``, ``2 << 32`` or ``1 << 33``: any weight above every
score puts them last) and the arrays' integer types (``astype(None)``, float64, holds every
score exactly); the capacity points of an over-committed offer or one with no hours left (0
whichever way: ``np.where(None, …)``, ``maximum(left, 1)``, both under one point); a lookup
made without its guard (``postings.get`` of an empty value, ``position.get(None)``: both
None); ``eligible[row] = None`` (False in a boolean array); ``zeros_like(None)`` (a 0-d zero
broadcasts the same); ``limit <= 0`` made ``< 0`` (a limit of 0 still returns nothing) and
``len(rows) > limit`` made ``>=`` (all rows kept either way); the shortlist's cut taken after
partitioning at ``limit - 2`` (the element it reads is then no smaller than the true cut, so the
shortlist only keeps more rows than needed, and the full sort after it picks the same top)."""

from __future__ import annotations

import random

import pytest

from staff.matching import (
    COVERS,
    INVESTMENT,
    LANGUAGES,
    NEEDS,
    OFFERS_SECTOR,
    OWN_SECTOR,
    TIES,
    Helper,
    Index,
    Request,
    Suggestion,
    explain,
    rank,
    terms,
)
from staff.texts import Coded, Text

# A guesthouse in Kotor that needs a business plan and mentoring, in Montenegrin or English.
KOTOR = Request(
    id=1,
    needs=("business_plan", "mentoring"),
    sector="tourism",
    municipality="Kotor",
    languages=("cnr", "en"),
    description="Family guesthouse in the old town; we want a business plan for a small "
    "hotel and help with online marketing and bookings.",
    contact_member=99,
)
# The obviously right mentor: gives both, tourism, hotel and marketing, speaks cnr, from Kotor.
RIGHT = Helper(
    member_id=10,
    gives=("business_plan", "mentoring", "investment"),
    sectors=("tourism",),
    languages=("cnr", "de"),
    sector="tourism",
    municipality="Kotor",
    skills="Hotel management, online marketing for hotels in Munich",
    hours=10,
    active=0,
)
# Half the needs, another sector, one shared word, English, from elsewhere.
HALF = Helper(
    member_id=11,
    gives=("mentoring",),
    sectors=("it",),
    languages=("en",),
    sector="it",
    municipality="Bar",
    skills="software engineering, marketing automation",
    hours=4,
)
# As good as the right one on paper, but with no hours left.
BUSY = Helper(
    member_id=12,
    gives=("business_plan", "mentoring"),
    sectors=("tourism",),
    languages=("cnr",),
    sector="tourism",
    municipality="Kotor",
    skills="hotel owner, marketing",
    hours=8,
    active=2,
)
# Offers only investment: none of the needs.
INVESTOR = Helper(member_id=13, gives=("investment",), languages=("cnr",), hours=20)


def test_the_obviously_right_mentor_comes_first_and_the_over_committed_one_last() -> None:
    """The mentor who covers every need, knows the sector and the words, speaks the language
    and comes from Kotor ranks first; the equally good but over-committed one ranks last, below
    a weaker match; an offer covering no need is not suggested."""
    ranked = rank(KOTOR, [BUSY, INVESTOR, HALF, RIGHT])

    assert [10, 11, 12] == [suggestion.member_id for suggestion in ranked]
    assert [False, False, True] == [suggestion.over_committed for suggestion in ranked]
    assert ranked[2].score > ranked[1].score


def test_every_part_of_the_score_has_its_reason_and_points() -> None:
    """The right mentor's score adds up from its reasons, each saying what earned it."""
    suggestion = explain(KOTOR, RIGHT)

    assert (
        Suggestion(
            10,
            40 + 20 + 15 + 15 + 10 + 5,
            (
                "+40 needs: covers business plan, mentoring (2 of 2)",
                "+20 sector: offers help in tourism",
                "+15 skills: hotel, online, marketing in the request",
                "+15 language: both speak cnr",
                "+10 ties: comes from Kotor",
                "+5 capacity: 10 of 10 hours a month left",
            ),
            False,
        )
        == suggestion
    )


def test_each_reason_carries_its_message_and_codes_for_the_dashboards_languages() -> None:
    """Beside its English, a reason keeps its message id and the codes it names (the needs,
    the sector, the languages, the municipality, the investment range) with their kinds, so
    the dashboard can say it in another language."""
    right = explain(KOTOR, RIGHT)
    own = explain(KOTOR, Helper(11, ("mentoring",), sector="tourism", hours=1))
    investor = explain(Request(4, ("investment",)), Helper(1, ("investment",), investment="x1"))
    assert right is not None and own is not None and investor is not None

    said = [
        (reason.message, {k: v for k, v in reason.values.items() if isinstance(v, Coded)})
        for reason in (*right.reasons, own.reasons[1], investor.reasons[-1])
        if isinstance(reason, Text)
    ]

    assert [
        (COVERS, {"needs": Coded("needs", NEEDS[:2], "business plan, mentoring")}),
        (OFFERS_SECTOR, {"sector": Coded("sector", "tourism", "tourism")}),
        ("+%(points)s skills: %(words)s in the request", {}),
        (LANGUAGES, {"languages": Coded("spoken_languages", ("cnr",), "cnr")}),
        (TIES, {"municipality": Coded("municipality", "Kotor", "Kotor")}),
        ("+%(points)s capacity: %(left)s of %(hours)s hours a month left", {}),
        (OWN_SECTOR, {"sector": Coded("sector", "tourism", "tourism")}),
        (INVESTMENT, {"range": Coded("investment_ranges", "x1", "x1")}),
    ] == said


def test_a_weak_match_says_what_it_lacks() -> None:
    """Half the needs, only the member's own sector… each missing part reads +0 and why."""
    suggestion = explain(KOTOR, HALF)

    assert suggestion is not None
    assert (
        20 + 0 + 5 + 15 + 0 + 2,
        (
            "+20 needs: covers mentoring (1 of 2)",
            "+0 sector: not the business's",
            "+5 skills: marketing in the request",
            "+15 language: both speak en",
            "+2 capacity: 4 of 4 hours a month left",
        ),
    ) == (suggestion.score, suggestion.reasons)


def test_the_members_own_sector_counts_less_than_a_sector_offered() -> None:
    """A member who works in the business's sector but does not offer help in it earns the
    smaller sector points."""
    own = Helper(11, ("mentoring",), sectors=("it",), sector="tourism", hours=1)

    suggestion = explain(KOTOR, own)

    assert suggestion is not None
    assert "+10 sector: works in tourism" in suggestion.reasons
    assert "+0 capacity: 1 of 1 hours a month left" in suggestion.reasons


def test_an_over_committed_member_says_so_and_earns_no_capacity() -> None:
    """No hours left: +0 capacity, flagged, and the reason says it ranks last."""
    suggestion = explain(KOTOR, BUSY)

    assert suggestion is not None
    assert suggestion.over_committed
    assert (
        "+0 capacity: no hours left of 8 a month (2 introductions under way): ranked last"
        == suggestion.reasons[-1]
    )


def test_exactly_no_hours_left_is_over_committed_and_one_hour_is_not() -> None:
    """Hours left of 0 is over-committed; 1 is not (the boundary)."""
    at_zero = Helper(1, ("mentoring",), hours=4, active=1)
    one_left = Helper(2, ("mentoring",), hours=5, active=1)

    assert (True, False) == (
        explain(KOTOR, at_zero).over_committed,  # type: ignore[union-attr]
        explain(KOTOR, one_left).over_committed,  # type: ignore[union-attr]
    )


def test_capacity_points_grow_with_the_hours_left_up_to_five() -> None:
    """A point per two hours left, at most five."""
    points = [
        explain(KOTOR, Helper(1, ("mentoring",), hours=hours)).reasons[-1]  # type: ignore[union-attr]
        for hours in (3, 4, 10, 11, 40)
    ]

    assert [
        "+1 capacity: 3 of 3 hours a month left",
        "+2 capacity: 4 of 4 hours a month left",
        "+5 capacity: 10 of 10 hours a month left",
        "+5 capacity: 11 of 11 hours a month left",
        "+5 capacity: 40 of 40 hours a month left",
    ] == points


def test_an_offer_covering_no_need_is_no_suggestion() -> None:
    """Investment alone for a request of a plan and mentoring: None."""
    assert explain(KOTOR, INVESTOR) is None


def test_a_request_naming_no_needs_takes_every_offer() -> None:
    """Without needs (an imported row that named none), every offer is considered, for 0."""
    bare = Request(2, (), sector="tourism")

    suggestion = explain(bare, INVESTOR)

    assert suggestion is not None
    assert "+0 needs: the request names none" == suggestion.reasons[0]
    assert [13] == [s.member_id for s in rank(bare, [INVESTOR])]


def test_needs_points_are_rounded_down_and_repeated_needs_count_once() -> None:
    """Two of three needs: 26 points (40 × 2 ÷ 3, rounded down); a need named twice counts
    once."""
    three = Request(3, ("business_plan", "mentoring", "expertise", "mentoring"))
    helper = Helper(1, ("business_plan", "mentoring"), hours=0)

    suggestion = explain(three, helper)

    assert suggestion is not None
    assert "+26 needs: covers business plan, mentoring (2 of 3)" == suggestion.reasons[0]


def test_an_investor_shows_the_range_when_investment_is_needed() -> None:
    """The investment range is a reason of its own when the request needs investment."""
    request = Request(4, ("investment",))
    helper = Helper(1, ("investment",), investment="10k_50k", hours=4)

    suggestion = explain(request, helper)

    assert suggestion is not None
    assert "investment range: 10k_50k" == suggestion.reasons[-1]
    unasked = explain(
        Request(5, ("mentoring",)), Helper(1, ("investment", "mentoring"), investment="under_10k")
    )
    assert unasked is not None
    assert [] == [reason for reason in unasked.reasons if reason.startswith("investment")]


def test_a_member_proposed_before_and_the_businesss_own_contact_are_never_suggested() -> None:
    """``exclude`` (the members proposed to this business before) and the business's own
    contact person are left out."""
    own = Helper(99, ("mentoring",), hours=8)

    ranked = rank(KOTOR, [RIGHT, HALF, own], exclude=[10])

    assert [11] == [suggestion.member_id for suggestion in ranked]


def test_ties_go_to_the_smaller_member_id_and_the_limit_cuts_the_list() -> None:
    """Equal scores keep a stable order by member id; ``limit`` keeps the best few."""
    twins = [Helper(member_id, ("mentoring",), hours=4) for member_id in (7, 3, 5, 9)]

    assert [3, 5, 7, 9] == [s.member_id for s in rank(KOTOR, twins)]
    assert [3, 5] == [s.member_id for s in rank(KOTOR, twins, limit=2)]
    assert [3] == [s.member_id for s in rank(KOTOR, twins, limit=1)]
    assert [] == rank(KOTOR, twins, limit=0)
    assert [] == rank(KOTOR, [])


def test_the_limit_keeps_over_committed_members_out_of_a_short_list() -> None:
    """With a limit, the over-committed come only after every member with time, however well
    they score."""
    ranked = rank(KOTOR, [BUSY, HALF, RIGHT], limit=2)

    assert [10, 11] == [suggestion.member_id for suggestion in ranked]


def test_skill_words_are_folded_and_compared_by_their_first_letters() -> None:
    """Case, accents and endings aside ("Marketingom", "marketing"), common and short words
    dropped."""
    assert {"market", "turiza", "hotels"} == terms("Marketingom i turizam, HOTELS, and work")
    assert frozenset() == terms("we plan a new business with our help")


def test_skill_points_stop_at_three_words() -> None:
    """Four shared words earn what three do."""
    request = Request(6, ("mentoring",), description="wine olive export tourism hotel")
    helper = Helper(1, ("mentoring",), skills="wine olive export tourism", hours=0)

    suggestion = explain(request, helper)

    assert suggestion is not None
    assert suggestion.reasons[2].startswith("+15 skills: ")


def test_a_language_not_shared_earns_nothing() -> None:
    """No common language: +0, said plainly."""
    request = Request(7, ("mentoring",), languages=("de",))

    suggestion = explain(request, Helper(1, ("mentoring",), languages=("en",)))

    assert suggestion is not None
    assert (
        "+40 needs: covers mentoring (1 of 1)",
        "+0 sector: not the business's",
        "+0 skills: no word of theirs in the request",
        "+0 language: none shared",
        "+0 capacity: no hours left of 0 a month (0 introductions under way): ranked last",
    ) == suggestion.reasons


def test_every_language_shared_is_named() -> None:
    """Two shared languages are both said, in the request's order."""
    request = Request(8, ("mentoring",), languages=("de", "en", "it"))

    suggestion = explain(request, Helper(1, ("mentoring",), languages=("en", "de"), hours=2))

    assert suggestion is not None
    assert "+15 language: both speak de, en" == suggestion.reasons[3]


def _random_helpers(seed: int, count: int) -> list[Helper]:
    rng = random.Random(seed)
    words = [
        "hotel",
        "wine",
        "export",
        "marketing",
        "software",
        "cloud",
        "tourism",
        "olive",
        "bank",
        "design",
        "law",
    ]
    return [
        Helper(
            member_id=number,
            gives=tuple(rng.sample(NEEDS, rng.randint(1, 3))),
            sectors=tuple(rng.sample(["it", "tourism", "agriculture", "finance"], 2)),
            languages=tuple(rng.sample(["cnr", "en", "de", "it"], rng.randint(0, 2))),
            sector=rng.choice(["it", "tourism", None]),
            municipality=rng.choice(["Kotor", "Bar", None]),
            skills=" ".join(rng.sample(words, rng.randint(0, 4))),
            hours=rng.choice([0, 1, 2, 3, 4, 5, 8, 9, 16]),
            active=rng.randint(0, 3),
            investment=rng.choice([None, "under_10k"]),
        )
        for number in rng.sample(range(1, 10_000), count)
    ]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_vectorised_ranking_agrees_with_the_plain_one(seed: int) -> None:
    """On random offers and requests, every score and the order equal what explaining each
    pair and sorting them gives."""
    helpers = _random_helpers(seed, 300)
    rng = random.Random(seed + 100)
    index = Index(helpers)
    for number in range(30):
        request = Request(
            number,
            tuple(rng.sample(NEEDS, rng.randint(0, 3))),
            sector=rng.choice(["it", "tourism", None]),
            municipality=rng.choice(["Kotor", "Bar", None]),
            languages=tuple(rng.sample(["cnr", "en", "de"], rng.randint(0, 2))),
            # A third share no word with any offer's skills.
            description=" ".join(rng.sample(["wine", "hotel", "export", "bank", "law", "cloud"], 3))
            if number % 3
            else "nothing in common",
        )
        excluded = {helpers[0].member_id, helpers[1].member_id}
        plain = [
            explained
            for helper in helpers
            if helper.member_id not in excluded
            and (explained := explain(request, helper)) is not None
        ]
        plain.sort(key=lambda s: (s.over_committed, -s.score, s.member_id))

        assert plain == index.rank(request, exclude=excluded)
        for limit in (0, 1, 2, 3, 7):
            assert plain[:limit] == index.rank(request, exclude=excluded, limit=limit)
        scores, eligible = index.scores(request)
        each = [explain(request, helper) for helper in helpers]
        assert [s is not None for s in each] == list(eligible)
        assert [s.score for s in each if s] == list(scores[eligible])
