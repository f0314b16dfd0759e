"""The fellowship flow's states, named after what the bot waits for, and which question changes
which answer from the application's summary.

A module of their own because the fellowship's steps live in several modules (the application
form, the member's applications) that return these names, while :mod:`handlers.fellowship`
builds the table from those steps: importing the names from here keeps every import one-way.
"""

from __future__ import annotations

ASK_PROGRAMME = "ask_programme"
ASK_INTEREST = "ask_interest"
ASK_FIELD = "ask_field"
ASK_HOST_KIND = "ask_host_kind"
ASK_DURATION = "ask_duration"
ASK_START = "ask_start"
ASK_WORK_MODE = "ask_work_mode"
ASK_MOTIVATION = "ask_motivation"
ASK_LINK = "ask_link"
ASK_CONFIRM = "ask_confirm"
ASK_APPLICATION = "ask_application"
ASK_WITHDRAW = "ask_withdraw"

# Which question changes which answer from the summary.
FIELD_STATES = {
    "field": ASK_FIELD,
    "host_kind": ASK_HOST_KIND,
    "duration": ASK_DURATION,
    "available_from": ASK_START,
    "work_mode": ASK_WORK_MODE,
    "motivation": ASK_MOTIVATION,
    "link": ASK_LINK,
}
