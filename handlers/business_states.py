"""The business request flow's states, named after what the bot waits for, and which question
changes which answer from the request's summary.

A module of their own because the flow's steps live in two modules (the request's questions in
:mod:`handlers.business_form`, the opening, summary and managing in :mod:`handlers.business`)
that return these names: importing them from here keeps every import one-way.
"""

from __future__ import annotations

ASK_LANGUAGE = "ask_language"
ASK_CONSENT = "ask_consent"
ASK_CLAIM = "ask_claim"
ASK_NAME = "ask_name"
ASK_MUNICIPALITY = "ask_municipality"
ASK_SECTOR = "ask_sector"
ASK_STAGE = "ask_stage"
ASK_NEEDS = "ask_needs"
ASK_DESCRIPTION = "ask_description"
ASK_LANGUAGES = "ask_languages"
ASK_CONTACT_NAME = "ask_contact_name"
ASK_REACH = "ask_reach"
SUMMARY = "summary"
ASK_MANAGE = "ask_manage"
ASK_REQUEST = "ask_request"

# Which question changes which answer from the summary (labels: business_fields.<name>).
FIELD_STATES = {
    "name": ASK_NAME,
    "municipality": ASK_MUNICIPALITY,
    "sector": ASK_SECTOR,
    "stage": ASK_STAGE,
    "needs": ASK_NEEDS,
    "description": ASK_DESCRIPTION,
    "languages": ASK_LANGUAGES,
    "contact_name": ASK_CONTACT_NAME,
    "reach": ASK_REACH,
}
