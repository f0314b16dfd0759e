"""The FAQ matcher (bot/faq.py): words, terms, similarity and verdicts, on a small FAQ and a
hand-made table of word forms (the shipped FAQ with simplemma's forms is tested in
tests/content/test_faq.py).

Mutants of bot/faq.py no test can kill, by design (``make mutate``): bm25s's ``show_progress``
(a progress bar on stderr, off or on); cyrtranslit's language (``"me"``, ``"ME"`` or the default
Serbian give the same Latin letters for every Cyrillic letter Montenegrin uses, and text with
no Cyrillic comes back as it was); the empty index's tuples and dict as ``None`` (an index with
no entry answers before reading them); ``-rank`` made ``+rank`` in ``_order`` (a tie breaker
after the similarity, which two entries never share in a real FAQ); ``rank > 0`` made
``rank >= 0`` (BM25 gives no shortlisted entry a rank of 0); the thresholds' ``>=`` made ``>``
(a float score exactly at ANSWER, SUGGEST or MARGIN cannot be made from words). Not pinned,
knowingly: the typo search's scorer and ``limit`` (rapidfuzz's default WRatio and ``ratio``
choose the same spellings for every typo the tests and the benchmark's 80 questions make, and
no word of the FAQ has more than five near spellings)."""

from __future__ import annotations

import math

import pytest

from bot import faq

ENTRIES: faq.Entries = {
    "delete-data": {
        "en": ["How do I delete my data?", "Please erase my account"],
        "cnr": ["Kako da obrišem svoje podatke?"],
    },
    "events": {
        "en": ["When is the next event?", "Where can I see the events?"],
        "cnr": ["Kada je sljedeći događaj?"],
    },
    "fellowship": {
        "en": ["What is the fellowship?", "How do I apply for the fellowship?"],
        "cnr": ["Šta je stipendija?"],
    },
    "stop": {
        "en": ["How do I stop the messages?"],
        "cnr": ["Kako da zaustavim poruke?"],
    },
}
# As bot.lemmas.forms would make them: folded forms to folded lemmas.
FORMS = {
    "obrisem": "obrisati",
    "obrisite": "obrisati",
    "obrisati": "obrisati",
    "podatke": "podatak",
    "podaci": "podatak",
    "podatak": "podatak",
    "events": "event",
    "event": "event",
    "deleting": "delete",
    "delete": "delete",
    "dogadjaj": "dogadjaj",
    "dogadjaji": "dogadjaj",
}


@pytest.fixture(scope="module")
def index() -> faq.Index:
    return faq.build(ENTRIES, FORMS)


def test_cyrillic_is_written_in_latin_letters_and_latin_text_is_left_alone() -> None:
    """Montenegrin Cyrillic becomes Latin (with its own letters); Latin text is unchanged."""
    assert "Kako da obrišem podatke? Đorđe, njiva" == faq.latin(
        "Како да обришем податке? Ђорђе, њива"
    )
    assert "Kako da obrišem" == faq.latin("Kako da obrišem")


def test_words_are_lower_case_latin_with_accents_kept_and_split_at_everything_else() -> None:
    """Words keep their accents (lemmas need them) and split at punctuation and underscores."""
    assert ["obrišem", "e", "mail", "2027", "moj", "broj"] == faq.words(
        "OBRIŠEM e-mail, 2027! moj_broj"
    )
    assert ["šta", "je", "stipendija"] == faq.words("Шта је стипендија?")


def test_the_vocabulary_is_every_word_of_the_phrasings_by_language() -> None:
    """What bot.lemmas needs: each language's words, once."""
    found = faq.vocabulary({"a": {"en": ["Delete, delete data"], "cnr": ["Obriši"]}})
    assert {"en": {"delete", "data"}, "cnr": {"obriši"}} == found


def test_idf_is_bm25s_and_never_negative() -> None:
    """Lucene's idf: rare terms weigh more; a term in every document still weighs a little."""
    assert math.log(1 + 10.5 / 0.5) == pytest.approx(faq.idf(10, 0))
    assert math.log(1 + 9.5 / 1.5) == pytest.approx(faq.idf(10, 1))
    assert 0 < faq.idf(10, 10) < faq.idf(10, 5) < faq.idf(10, 1)


def test_dice_weighs_shared_terms_against_both_sides() -> None:
    """2·w(shared) / (w(question) + w(phrasing)); an unknown term weighs the ``""`` weight."""
    weight = {"a": 1.0, "b": 2.0, "c": 3.0, "": 4.0}
    assert 1.0 == faq.dice({"a", "b"}, {"a", "b"}, weight)
    assert 0.0 == faq.dice({"a"}, {"b"}, weight)
    assert 2 * 2.0 / (3.0 + 5.0) == pytest.approx(faq.dice({"a", "b"}, {"b", "c"}, weight))
    assert 2 * 1.0 / (1.0 + 4.0 + 1.0) == pytest.approx(faq.dice({"a", "zzz"}, {"a"}, weight))
    assert 0.0 == faq.dice({"zzz"}, set(), {})
    assert 0.0 == faq.dice(set(), set(), weight)


def test_a_known_form_becomes_its_lemma(index: faq.Index) -> None:
    """Forms of the table stand for their lemma, whatever the accents typed."""
    assert ("obrisati", "podatak") == index.terms("obrišite PODACI")


def test_a_typo_of_four_letters_or_more_is_taken_for_the_nearest_known_form(
    index: faq.Index,
) -> None:
    """ "delte" is "delete", "fellowhsip" "fellowship"; a word too far off stays as it is."""
    assert ("delete", "fellowship") == index.terms("delte fellowhsip")
    assert ("banana",) == index.terms("banana")


def test_short_words_are_never_taken_for_typos(index: faq.Index) -> None:
    """ "hw" and "kko" stay: a letter off in three is another word (never near enough)."""
    assert ("hw", "kko", "dta") == index.terms("hw kko dta")


def test_a_typo_just_near_enough_is_corrected_and_one_just_too_far_is_not() -> None:
    """ "evet" is "event" (fuzz.ratio 88.9); "evntss" is not "events" (83.3)."""
    local = faq.build({"a": {"en": ["event"]}, "b": {"en": ["events"]}}, {})
    assert ("event",) == local.terms("evet")
    assert ("events",) == local.terms("evnts")
    assert ("evntss",) == local.terms("evntss")


def test_a_typo_equally_near_two_forms_stands_for_both() -> None:
    """ "registr" is as near "registar" as "register": both lemmas count."""
    local = faq.build({"a": {"en": ["register"]}, "b": {"cnr": ["registar"]}}, {})
    assert ("registar", "register") == local.terms("registr")
    assert {"a", "b"} == set(local.ask("registr").candidates)


def test_typos_are_looked_for_among_forms_of_about_the_same_length() -> None:
    """A form two letters longer is a candidate; three letters longer is not, however alike
    (fuzz.ratio 89.7)."""
    local = faq.build({"a": {"en": ["transliterations"]}}, {})
    assert ("transliterations",) == local.terms("transliteratio")
    assert ("transliterati",) == local.terms("transliterati")


def test_terms_are_each_kept_once_in_the_order_said(index: faq.Index) -> None:
    """Repeated words and their forms give one term; punctuation gives none."""
    assert ("event", "delete") == index.terms("events, event!! — delete deleting")
    assert () == index.terms(" ?! ")


def test_a_question_close_to_one_entry_is_answered_with_it(index: faq.Index) -> None:
    """A clear match, in either language, with typos or without accents."""
    assert "delete-data" == index.ask("how do i delte my data").answer
    assert "delete-data" == index.ask("kako da obrisem podatke").answer
    assert "delete-data" == index.ask("Како да обришем податке").answer
    assert "fellowship" == index.ask("what is the fellowship").answer


def test_the_verdict_says_the_score_the_candidates_and_the_terms(index: faq.Index) -> None:
    """The answer leads the candidates; the score is the answer's similarity, rounded."""
    verdict = index.ask("What is the fellowship?")
    assert ("fellowship", 1.0) == (verdict.answer, verdict.score)
    assert "fellowship" == verdict.candidates[0]
    assert ("what", "is", "the", "fellowship") == verdict.terms


def test_an_off_topic_question_is_not_answered(index: faq.Index) -> None:
    """Words no entry has weigh the most: nothing is answered or offered."""
    verdict = index.ask("recipe for a chocolate cake tomorrow")
    assert (None, ()) == (verdict.answer, verdict.candidates)


def test_an_empty_question_or_an_empty_faq_answers_nothing(index: faq.Index) -> None:
    """No words, or no entries: no verdict, no error."""
    assert faq.Verdict(None, 0.0, (), ()) == index.ask("…")
    empty = faq.build({}, {})
    assert faq.Verdict(None, 0.0, (), ("delete",)) == empty.ask("delete")


def test_words_no_entry_ranks_give_no_candidates(index: faq.Index) -> None:
    """Only known but unranked words (BM25 gives every entry 0): nothing."""
    verdict = index.ask("zzzz yyyy")
    assert (None, 0.0, ()) == (verdict.answer, verdict.score, verdict.candidates)


def test_a_question_two_entries_match_alike_offers_both_and_answers_neither() -> None:
    """Within the margin of each other, neither is taken for the answer."""
    local = faq.build(
        {
            "a": {"en": ["delete my data"]},
            "b": {"en": ["delete my account"]},
            "c": {"en": ["the next event"]},
        },
        {},
    )
    verdict = local.ask("delete my")
    assert verdict.answer is None
    assert ("a", "b") == verdict.candidates


def test_a_weak_match_is_offered_not_answered() -> None:
    """Between SUGGEST and ANSWER: offered to choose from."""
    local = faq.build(
        {"a": {"en": ["stop messages"]}, "b": {"en": ["next event"]}, "c": {"en": ["join"]}}, {}
    )
    verdict = local.ask("stop the weird spam")
    assert faq.SUGGEST <= verdict.score < faq.ANSWER
    assert (None, ("a",)) == (verdict.answer, verdict.candidates)


def test_the_answer_is_the_entry_well_ahead_of_the_runner_up() -> None:
    """Over ANSWER and more than MARGIN ahead: answered, the runner-up still offered."""
    local = faq.build(
        {
            "a": {"en": ["apply fellowship programme"]},
            "b": {"en": ["apply fellowship"]},
            "c": {"en": ["other"]},
        },
        {},
    )
    verdict = local.ask("apply fellowship programme")
    assert ("a", 1.0, ("a", "b")) == (verdict.answer, verdict.score, verdict.candidates)


def test_at_most_three_entries_are_offered() -> None:
    """MOST_SUGGESTED caps the candidates; alike ones fall in the slugs' order."""
    entries: dict[str, dict[str, list[str]]] = {
        f"e{number}": {"en": [f"alpha topic{number}"]} for number in range(4)
    }
    entries.update({f"f{number}": {"en": [f"other filler{number}"]} for number in range(6)})
    local = faq.build(entries, {})
    verdict = local.ask("alpha")
    assert verdict.answer is None
    assert ("e0", "e1", "e2") == verdict.candidates


def test_ties_fall_the_same_way_every_time() -> None:
    """Equal similarity and rank: the slug decides."""
    local = faq.build({"b": {"en": ["same words"]}, "a": {"en": ["same words"]}}, {})
    assert ("a", "b") == local.ask("same words").candidates


def test_unknown_terms_weigh_as_much_as_the_rarest_known_one(index: faq.Index) -> None:
    """The ``""`` weight is the idf of a term in one entry."""
    assert faq.idf(4, 1) == pytest.approx(index.weight[""])
    assert faq.idf(4, 1) == pytest.approx(index.weight["fellowship"])
    assert faq.idf(4, 3) == pytest.approx(index.weight["how"])


def test_without_forms_words_stand_for_themselves() -> None:
    """No table: each folded word is its own term, typos still forgiven."""
    local = faq.build({"a": {"cnr": ["Obriši podatke"]}})
    assert ("obrisi", "podatke") == local.terms("obrisi podatke")
    assert "a" == local.ask("obriši podatke").answer


def test_dice_weighs_unknown_terms_on_both_sides() -> None:
    """Without a ``""`` weight an unknown term weighs nothing; with one, it counts wherever it
    is — in the question, in the phrasing, or in both."""
    assert 1.0 == faq.dice({"a", "zzz"}, {"a"}, {"a": 1.0})
    assert 0.0 == faq.dice({"a"}, {"zzz"}, {"a": 1.0, "": 4.0})
    assert 1.0 == faq.dice({"zzz"}, {"zzz"}, {"": 4.0})


def test_every_phrasing_of_an_entry_is_in_its_document() -> None:
    """A question matching an entry's first phrasing finds it (BM25 indexes them all)."""
    local = faq.build({"a": {"en": ["alpha beta", "gamma delta"]}, "b": {"en": ["other"]}}, {})
    assert "a" == local.ask("alpha beta").answer


def test_terms_in_several_entries_weigh_less() -> None:
    """A term's weight is the idf of the number of entries that have it."""
    local = faq.build({"a": {"en": ["common x"]}, "b": {"en": ["common y"]}, "c": {"en": ["z"]}})
    assert faq.idf(3, 2) == pytest.approx(local.weight["common"])
    assert faq.idf(3, 1) == pytest.approx(local.weight["x"])


def test_bm25s_best_entries_are_shortlisted_not_the_first_ones() -> None:
    """With more entries than SHORTLIST sharing a word, the one BM25 ranks first (a rare word
    too) is compared, wherever its slug sorts."""
    entries: dict[str, dict[str, list[str]]] = {
        f"e{number:02d}": {"en": [f"common filler{number}"]} for number in range(11)
    }
    entries["zz"] = {"en": ["common rare"]}
    local = faq.build(entries, {})
    assert "zz" == local.ask("common rare").answer


def test_a_form_three_letters_shorter_is_no_candidate_either() -> None:
    """Typed fifteen letters, a known form of twelve (fuzz.ratio 88.9) is not looked at."""
    local = faq.build({"a": {"en": ["abcdefghijkl"]}}, {})
    assert ("abcdefghijklmno",) == local.terms("abcdefghijklmno")
    assert ("abcdefghijkl",) == local.terms("abcdefghijklm")


def test_the_score_is_rounded_to_three_places() -> None:
    """0.4444… reads 0.444; the terms come with a verdict that found nothing too."""
    local = faq.build(
        {"a": {"en": ["how do i delete my data"]}, "b": {"en": ["when is the next event"]}}, {}
    )
    assert 0.444 == local.ask("delete data please").score
    assert ("zzzz",) == local.ask("zzzz").terms
