"""The registration's states, named after what the bot waits for, and which question changes
which profile field from the summary.

A module of their own because the registration's steps live in several modules (consent,
contact, profile) that return these names, while :mod:`handlers.registration` builds the table
from those steps: importing the names from here keeps every import one-way.
"""

from __future__ import annotations

ASK_LANGUAGE = "ask_language"
ASK_CONSENT = "ask_consent"
ASK_NAME = "ask_name"
ASK_COUNTRY = "ask_country"
ASK_CITY = "ask_city"
ASK_MUNICIPALITY = "ask_municipality"
ASK_EMIGRATION_YEAR = "ask_emigration_year"
ASK_SECTOR = "ask_sector"
ASK_SKILLS = "ask_skills"
ASK_LANGUAGES = "ask_languages"
ASK_INTERESTS = "ask_interests"
ASK_CONTACT = "ask_contact"
ASK_EMAIL = "ask_email"
ASK_PHONE = "ask_phone"
SUMMARY = "summary"

# Which question changes which field from the summary.
FIELD_STATES = {
    "name": ASK_NAME,
    "country": ASK_COUNTRY,
    "city": ASK_CITY,
    "municipality": ASK_MUNICIPALITY,
    "emigration_year": ASK_EMIGRATION_YEAR,
    "sector": ASK_SECTOR,
    "skills": ASK_SKILLS,
    "languages": ASK_LANGUAGES,
    "interests": ASK_INTERESTS,
    "preferred_channel": ASK_CONTACT,
    "email": ASK_EMAIL,
    "phone": ASK_PHONE,
}
